# SPDX-License-Identifier: MIT
"""The alert rules through Prometheus's own tool: `promtool check rules` must be clean, and
`promtool test rules` must pass tests/package/alerts_test.yml, which has for every alert a
case where it fires and one where it stays silent. Every alert's runbook_url must point at
its section of docs/monitoring.md.

alerts_test.yml gives each expected alert's labels and summary; promtool compares every
annotation, so this script adds the description and runbook_url from the rules file before
it runs promtool on a copy of both in a temporary folder.

Run with Debian's /usr/bin/python3 (python3-yaml lives in its dist-packages):
    promtool_test.py --source-dir .
"""
import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("FAIL: python3-yaml is not installed (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(1)

RULES = os.path.join("deploy", "prometheus", "spf-backend.rules.yml")
TESTS = os.path.join("tests", "package", "alerts_test.yml")
DOCS = os.path.join("docs", "monitoring.md")

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def alerts_of(rules_doc):
    return {rule["alert"]: rule for group in rules_doc["groups"] for rule in group["rules"]
            if "alert" in rule}


def github_anchor(heading):
    """The anchor GitHub and GitLab give a Markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def check_runbooks(alerts, docs_text):
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", docs_text, re.M)}
    for name, rule in alerts.items():
        url = (rule.get("annotations") or {}).get("runbook_url", "")
        wanted = f"docs/monitoring.md#{name.lower()}"
        if url != wanted:
            fail(f"{name}: runbook_url is {url!r}, expected {wanted!r}")
        elif name.lower() not in anchors:
            fail(f"{name}: {DOCS} has no heading '{name}' for its runbook_url")
    print(f"ok: {len(alerts)} runbook_url links to sections of {DOCS}")


def fill_annotations(tests_doc, alerts):
    """A copy of the test file whose expected alerts carry every annotation of their rule,
    the summary as the test wrote it (it is rendered with the series' labels and value)."""
    full = copy.deepcopy(tests_doc)
    for test in full["tests"]:
        for case in test.get("alert_rule_test", []):
            rule = alerts.get(case["alertname"])
            if rule is None:
                fail(f"test '{test['name']}': no alert {case['alertname']} in {RULES}")
                continue
            for expected in case.get("exp_alerts") or []:
                notes = expected.setdefault("exp_annotations", {})
                for key, text in rule["annotations"].items():
                    if key == "summary":
                        continue
                    if "{{" in text:
                        fail(f"{case['alertname']}: annotation {key} uses a template; only "
                             "the summary may (the tests give it rendered)")
                    notes[key] = text
    return full


def check_coverage(tests_doc, alerts):
    fires, silent = set(), set()
    for test in tests_doc["tests"]:
        for case in test.get("alert_rule_test", []):
            (fires if case.get("exp_alerts") else silent).add(case["alertname"])
    for name in alerts:
        if name not in fires:
            fail(f"{name}: no test in {TESTS} where it fires")
        if name not in silent:
            fail(f"{name}: no test in {TESTS} where it stays silent")
    print(f"ok: every one of {len(alerts)} alerts has a firing and a silent case")


def promtool(*args):
    r = subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60)
    return r.returncode, (r.stdout + r.stderr).strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    if not shutil.which("promtool"):
        print("FAIL: promtool not found (package prometheus, deploy/install-deps.sh)",
              file=sys.stderr)
        return 1
    rules_path = os.path.join(args.source_dir, RULES)
    alerts = alerts_of(load(rules_path))
    tests_doc = load(os.path.join(args.source_dir, TESTS))
    with open(os.path.join(args.source_dir, DOCS), encoding="utf-8") as f:
        check_runbooks(alerts, f.read())
    check_coverage(tests_doc, alerts)

    code, out = promtool("check", "rules", rules_path)
    print(out)
    if code != 0 or "WARNING" in out.upper():
        fail(f"promtool check rules {RULES} is not clean")

    with tempfile.TemporaryDirectory(prefix="spf-promtool-test.") as tmp:
        shutil.copy(rules_path, tmp)
        test_path = os.path.join(tmp, "alerts_test.yml")
        with open(test_path, "w", encoding="utf-8") as f:
            yaml.safe_dump(fill_annotations(tests_doc, alerts), f, sort_keys=False,
                           allow_unicode=True, width=1000)
        code, out = promtool("test", "rules", test_path)
        print(out)
        if code != 0:
            fail(f"promtool test rules {TESTS} failed")
    if failures:
        print(f"promtool_test: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("promtool_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
