# SPDX-License-Identifier: MIT
"""Checks deploy/prometheus/spf-backend.rules.yml: valid YAML in Prometheus's rule-file
shape, every alert with for/severity/annotations, the alerts operations asked for, balanced
PromQL brackets, and every spf_* metric and label it uses present in what the real
spf-backend serves on GET /metrics. promtool_test.py runs Prometheus's own checks and the
rules' unit tests.

Run with Debian's /usr/bin/python3 (python3-yaml lives in its dist-packages):
    rules_test.py --binary build/backend/spf-backend --source-dir .
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import yaml
except ImportError:
    print("FAIL: python3-yaml is not installed (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(1)

SEVERITIES = {"critical", "warning", "info"}
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
ALERT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def check_brackets(name, expr):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    in_string = None
    for ch in expr:
        if in_string:
            if ch == in_string:
                in_string = None
            continue
        if ch in "\"'`":
            in_string = ch
        elif ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                fail(f"{name}: unbalanced '{ch}' in expr")
                return
    if stack or in_string:
        fail(f"{name}: unclosed bracket or string in expr")


def check_shape(doc):
    """Returns {alert name: rule} after checking the rule-file structure."""
    alerts = {}
    if not isinstance(doc, dict) or set(doc) != {"groups"}:
        fail("the file must be a mapping with the single key 'groups'")
        return alerts
    groups = doc["groups"]
    if not isinstance(groups, list) or not groups:
        fail("'groups' must be a non-empty list")
        return alerts
    for group in groups:
        if not isinstance(group, dict) or not group.get("name") or not group.get("rules"):
            fail(f"group without name or rules: {group!r:.80}")
            continue
        unknown = set(group) - {"name", "interval", "rules", "limit"}
        if unknown:
            fail(f"group {group['name']}: unknown keys {sorted(unknown)}")
        for rule in group["rules"]:
            name = rule.get("alert") if isinstance(rule, dict) else None
            if not name:
                fail(f"group {group['name']}: a rule without 'alert' (recording rules are not expected here)")
                continue
            unknown = set(rule) - {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
            if unknown:
                fail(f"{name}: unknown keys {sorted(unknown)}")
            if not ALERT_NAME.match(name):
                fail(f"{name}: alert names are CamelCase")
            if name in alerts:
                fail(f"{name}: defined twice")
            alerts[name] = rule
            expr = rule.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                fail(f"{name}: missing expr")
            else:
                check_brackets(name, expr)
            if not isinstance(rule.get("for"), str) or not DURATION.match(rule["for"]):
                fail(f"{name}: 'for' missing or not a duration: {rule.get('for')!r}")
            labels = rule.get("labels") or {}
            if labels.get("severity") not in SEVERITIES:
                fail(f"{name}: labels.severity must be one of {sorted(SEVERITIES)}")
            notes = rule.get("annotations") or {}
            if not str(notes.get("summary", "")).strip():
                fail(f"{name}: annotations.summary missing")
            # The operator must be told what to do, not only what happened.
            if len(str(notes.get("description", ""))) < 80:
                fail(f"{name}: annotations.description missing or too short to say what to do")
    return alerts


def find_rule(alerts, pattern, severity):
    for name, rule in alerts.items():
        if re.search(pattern, rule.get("expr", ""), re.S) and rule["labels"].get("severity") == severity:
            return name
    return None


def check_coverage(alerts):
    wanted = [
        (r"spf_answer_octets\s*>=\s*400", "warning", "answer size near the budget (>= 400)"),
        (r"spf_answer_octets\s*>=\s*450", "critical", "answer size at the budget (>= 450)"),
        (r"spf_record_strings\s*>\s*1", "info", "record split into several strings"),
        (r"spf_dns_lookups\s*>\s*0", "warning", "DNS-querying terms in our record"),
        (r"spf_reload_last_success\s*==\s*0", "warning", "last reload failed"),
        (r"spf_zone_valid\s*==\s*0", "critical", "no valid zone"),
        (r"\bup\{[^}]*job=\"spf-backend\"[^}]*\}\s*==\s*0", "critical", "target down"),
        (r"absent\(up\{", "warning", "target not scraped at all"),
        (r"spf_backend_request_errors_total", "warning", "request errors rising"),
        (r"histogram_quantile\(0\.99,.*spf_backend_request_duration_seconds_bucket", "warning",
         "p99 latency"),
    ]
    for pattern, severity, what in wanted:
        name = find_rule(alerts, pattern, severity)
        if name:
            print(f"ok: {what}: {name} ({severity})")
        else:
            fail(f"no {severity} alert for {what} (expr matching /{pattern}/)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_metrics(binary, source_dir):
    """Starts the real daemon on a temporary socket and a free loopback port; returns the
    text of GET /metrics."""
    with tempfile.TemporaryDirectory(prefix="spf-rules-test.") as tmp:
        port = free_port()
        # The shipped zone plus an include entry, whose last good set is in the state
        # folder (fresh, so nothing is looked up; the resolver is a dead loopback port), so
        # that the per-include families carry their labels.
        zones = os.path.join(tmp, "zones")
        os.makedirs(zones)
        zone = "spf.connectoor.com.toml"
        with open(os.path.join(source_dir, "zones", zone), encoding="utf-8") as f:
            text = f.read() + '\n[[senders]]\ninclude = "_spf.provider.example"\n'
        with open(os.path.join(zones, zone), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(tmp, "includes"), "w", encoding="utf-8") as f:
            f.write(f"_spf.provider.example {int(time.time())} 300 1 192.0.2.0/24\n")
        config = os.path.join(tmp, "backend.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(
                f'[zones]\ndir = "{zones}"\n'
                f'[state]\ndir = "{tmp}"\n'
                f'[unix]\npath = "{os.path.join(tmp, "backend.sock")}"\n'
                f'[admin]\naddress = "127.0.0.1"\nport = {port}\n'
                f'[resolver]\nservers = ["127.0.0.1"]\nport = {free_port()}\n'
                f"timeout_ms = 100\nrefresh_s = 3600\n"
            )
        log_path = os.path.join(tmp, "backend.log")
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen([binary, "--config", config], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with open(log_path, encoding="utf-8") as f:
                    if "event=ready" in f.read():
                        break
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
            if proc.poll() is not None:
                with open(log_path, encoding="utf-8") as f:
                    raise RuntimeError("spf-backend exited early:\n" + f.read())
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                return r.read().decode("utf-8")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def check_metrics(alerts, metrics_text):
    families = {}
    for line in metrics_text.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if m:
            families[m.group(1)] = set()
    for line in metrics_text.splitlines():
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
        if not m or line.startswith("#"):
            continue
        base = m.group(1)
        for suffix in HISTOGRAM_SUFFIXES:
            if base.endswith(suffix) and base[: -len(suffix)] in families:
                base = base[: -len(suffix)]
        if base in families and m.group(3):
            families[base] |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=", m.group(3)))
    used_labels = {"instance", "job", "le"}  # added by Prometheus or histogram buckets
    for name, rule in alerts.items():
        expr = rule.get("expr", "")
        for metric in sorted(set(re.findall(r"\b(spf_[a-z0-9_]+)\b", expr))):
            base = metric
            for suffix in HISTOGRAM_SUFFIXES:
                if metric.endswith(suffix) and metric[: -len(suffix)] in families:
                    base = metric[: -len(suffix)]
            if base not in families:
                fail(f"{name}: metric {metric} is not served by spf-backend's /metrics")
                continue
            # Labels the rule filters or groups on must exist on the metric.
            for selector in re.findall(re.escape(metric) + r"\{([^}]*)\}", expr):
                for label in re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!=|!~|=)", selector):
                    if label not in families[base] | used_labels:
                        fail(f"{name}: {metric} has no label '{label}'")
        for group in re.findall(r"\bby\s*\(([^)]*)\)", expr):
            for label in (x.strip() for x in group.split(",")):
                spf_metrics = re.findall(r"\b(spf_[a-z0-9_]+)\b", expr)
                if label and label not in used_labels and spf_metrics and not any(
                    label in families.get(re.sub(r"_(bucket|count|sum)$", "", m), set())
                    for m in spf_metrics
                ):
                    fail(f"{name}: groups by '{label}', which no metric in it carries")
        for text in (rule.get("annotations") or {}).values():
            for label in re.findall(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)", str(text)):
                spf_metrics = re.findall(r"\b(spf_[a-z0-9_]+)\b", expr)
                if label not in used_labels and spf_metrics and not any(
                    label in families.get(re.sub(r"_(bucket|count|sum)$", "", m), set())
                    for m in spf_metrics
                ):
                    fail(f"{name}: annotation uses $labels.{label}, which its metrics lack")
    print(f"ok: checked metric and label names against {len(families)} families from /metrics")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="the built spf-backend")
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()

    path = os.path.join(args.source_dir, "deploy", "prometheus", "spf-backend.rules.yml")
    with open(path, encoding="utf-8") as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail(f"{path}: not valid YAML: {e}")
            return 1
    print(f"ok: {path} is valid YAML")
    alerts = check_shape(doc)
    if not failures:
        print(f"ok: {len(alerts)} alerts in the Prometheus rule-file shape")
    check_coverage(alerts)
    check_metrics(alerts, live_metrics(args.binary, os.path.abspath(args.source_dir)))
    if failures:
        print(f"rules_test: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("rules_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
