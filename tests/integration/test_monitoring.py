# SPDX-License-Identifier: MIT
"""Monitoring as operators run it, against the real programs: Debian's `prometheus` scrapes
the live spf-backend's /metrics and pdns's own /metrics (its web server on a loopback port),
loads deploy/prometheus/spf-backend.rules.yml and evaluates every 1 s. Every alert
expression and every query of deploy/grafana/spf-backend.json is evaluated through the HTTP
API (/api/v1/query) and must find the series it uses; a refused reload makes SpfReloadFailed
pending (/api/v1/alerts). `spfctl probe` is read as Nagios and Icinga read it.

Prometheus applies its first targets about 5 s after it starts, so the class takes some
10-15 s in all.
"""
import json
import os
import re
import shutil
import time
import unittest
import urllib.parse
import urllib.request

import harness
from harness import APEX

RULES = ("deploy", "prometheus", "spf-backend.rules.yml")
DASHBOARD = ("deploy", "grafana", "spf-backend.json")
# What the dashboard's variables and Grafana's $__rate_interval stand for here: every
# instance and name, and a window that holds a few 1-s scrapes.
DASHBOARD_VARIABLES = {"$instance": ".*", "$name": ".*", "$pdns_instance": ".*",
                       "$__rate_interval": "30s"}
# A PromQL vector selector: a metric name, optionally with {matchers}. Words followed by
# "(" are functions, words in "by (...)" / "on (...)" label names; both are skipped.
SELECTOR = re.compile(r"\b([a-z_][a-z0-9_]*)\b\s*(\{[^}]*\})?(?!\s*\()")
NOT_METRICS = {"by", "on", "and", "or", "unless", "without", "ignoring", "group_left",
               "group_right", "bool", "offset", "job", "instance", "name", "connector", "le",
               "outcome", "method", "mode"}
POLL = 0.2


def repo_path(parts):
    return os.path.join(harness.SETTINGS.source_dir, *parts)


class Prometheus:
    """prometheus on a free loopback port, a temporary storage folder and a generated
    config: scrape and rule evaluation every second."""

    def __init__(self, workdir, targets):
        self.workdir = workdir
        self.dir = workdir.sub("prometheus")
        os.makedirs(self.dir, exist_ok=True)
        shutil.copy(repo_path(RULES), self.dir)
        self.targets = targets  # {job: "127.0.0.1:port"}
        self.port = None
        self.process = None

    def write_config(self):
        lines = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s",
                 "  evaluation_interval: 1s", "rule_files:", "  - spf-backend.rules.yml",
                 "scrape_configs:"]
        for job, target in self.targets.items():
            lines += [f"  - job_name: {job}", f"    static_configs: [{{targets: ['{target}']}}]"]
        path = os.path.join(self.dir, "prometheus.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start(self, attempts=3):
        binary = harness.find_tool("prometheus")
        config = self.write_config()
        last = ""
        for attempt in range(attempts):
            self.port = harness.free_port()
            log_path = os.path.join(self.dir, f"prometheus-{attempt}.log")
            self.workdir.logs.append((f"prometheus (attempt {attempt + 1})", log_path))
            self.process = harness.Process("prometheus", [
                binary, f"--config.file={config}",
                f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--web.enable-lifecycle"], log_path, cwd=self.dir).start()
            if self._wait(lambda: self.get("/-/ready") is not None, 10):
                return self
            last = self.process.log()
            self.process.stop()
            if not harness._looks_like_bind_failure(last):
                break
        raise AssertionError(f"prometheus did not become ready:\n{last}")

    def stop(self):
        if self.process:
            self.process.stop()

    def _wait(self, condition, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process and not self.process.alive():
                return False
            time.sleep(POLL)
        return False

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.read().decode()
        except OSError:
            return None

    def api(self, path, **params):
        text = self.get(f"/api/v1/{path}?{urllib.parse.urlencode(params)}")
        if text is None:
            raise AssertionError(f"prometheus did not answer /api/v1/{path} {params}")
        doc = json.loads(text)
        if doc.get("status") != "success":
            raise AssertionError(f"/api/v1/{path} {params}: {doc}")
        return doc["data"]

    def query(self, expr):
        """The instant vector `expr` evaluates to now: a list of {metric, value}."""
        return self.api("query", query=expr)["result"]

    def wait_for(self, expr, timeout=20):
        """Waits until `expr` returns a series; returns them."""
        found = []

        def has_series():
            found[:] = self.query(expr)
            return bool(found)

        if not self._wait(has_series, timeout):
            raise AssertionError(f"no series for {expr} within {timeout} s")
        return found

    def alerts(self):
        """{alert name: state} of the alerts that are pending or firing."""
        return {a["labels"]["alertname"]: a["state"] for a in self.api("alerts")["alerts"]}


def rules():
    import yaml  # Debian's python3-yaml, as tests/package uses it
    with open(repo_path(RULES), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return {r["alert"]: r for g in doc["groups"] for r in g["rules"]}


def dashboard():
    with open(repo_path(DASHBOARD), encoding="utf-8") as f:
        return json.load(f)


def dashboard_queries(board):
    """(panel title, expr with the variables filled in) for every target of every panel."""
    out = []
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"]
            for var, value in DASHBOARD_VARIABLES.items():
                expr = expr.replace(var, value)
            out.append((panel["title"], expr))
    return out


def selectors(expr):
    """The vector selectors in a PromQL expression, e.g. ['up{job="spf-backend"}']."""
    stripped = re.sub(r"\b(by|on|without|ignoring)\s*\([^)]*\)", " ", expr)
    found = []
    for m in SELECTOR.finditer(stripped):
        name = m.group(1)
        if name in NOT_METRICS or re.fullmatch(r"[0-9e.]+", name):
            continue
        # A name inside {...} or "..." is a label or a value, not a metric.
        before = stripped[:m.start()]
        if before.count("{") > before.count("}") or before.count('"') % 2:
            continue
        found.append(name + (m.group(2) or ""))
    return found


class TestPrometheus(unittest.TestCase):
    """One backend, one pdns with its web server on, one Prometheus scraping both."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        cls.backend = harness.Backend(cls.work, admin=True)
        cls.serve_an_include(cls.backend)
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        cls.pdns_web = harness.free_port()
        cls.pdns = harness.Pdns(cls.work, cls.backend.connection_string("unix"), extra={
            "webserver": "yes", "webserver-address": "127.0.0.1",
            "webserver-port": str(cls.pdns_web), "webserver-allow-from": "127.0.0.1"})
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()
        cls.prometheus = Prometheus(cls.work, {
            "spf-backend": f"127.0.0.1:{cls.backend.admin_port}",
            "pdns": f"127.0.0.1:{cls.pdns_web}"})
        cls.addClassCleanup(cls.prometheus.stop)
        cls.prometheus.start()
        # Two scrapes of each target, and between them what a running name server sees:
        # queries, and pdns's refresh of its zone list (getAllDomains, every 5 minutes).
        cls.prometheus.wait_for('up{job="spf-backend"} == 1 and on() up{job="pdns"} == 1')
        for _ in range(5):
            cls.pdns.dig(APEX, "TXT")
        harness.run([harness.find_tool("pdns_control"), f"--socket-dir={cls.pdns.dir}",
                     "rediscover"])
        cls.prometheus.wait_for(
            'increase(spf_backend_requests_total{method="getAllDomains"}[1m]) > 0 '
            'and on() increase(pdns_auth_udp_queries[1m]) > 0')

    @staticmethod
    def serve_an_include(backend):
        """An include entry whose last good set is fresh in the state folder, so that the
        per-include series exist; its resolver is a dead loopback port, never asked within
        the test (the set is good for its TTL of an hour)."""
        with open(backend.zone_path(f"{APEX}.toml"), "a", encoding="utf-8") as f:
            f.write('\n[[senders]]\ninclude = "_spf.provider.example"\n')
        os.makedirs(backend.state_dir, exist_ok=True)
        with open(os.path.join(backend.state_dir, "includes"), "w", encoding="utf-8") as f:
            f.write(f"_spf.provider.example {int(time.time())} 3600 1 192.0.2.0/24\n")
        backend.extra_config = (f'[resolver]\nservers = ["127.0.0.1"]\n'
                                f"port = {harness.free_port()}\ntimeout_ms = 100\n")

    def test_alerts_quiet_on_a_healthy_stack_and_find_their_series(self):
        for name, rule in rules().items():
            with self.subTest(alert=name):
                # Healthy: the condition holds for nothing.
                self.assertEqual(self.prometheus.query(rule["expr"]), [], rule["expr"])
                # Yet every series it reads exists: a misspelt name would stay silent too.
                for selector in selectors(rule["expr"]):
                    self.assertTrue(self.prometheus.query(selector),
                                    f"{name}: {selector} finds no series")
        # The rules were evaluated on the same scrapes at most a second ago.
        deadline = time.monotonic() + 5
        while self.prometheus.alerts() and time.monotonic() < deadline:
            time.sleep(POLL)
        self.assertEqual(self.prometheus.alerts(), {})

    def test_dashboard_queries_return_their_series(self):
        board = dashboard()
        queries = dashboard_queries(board)
        self.pdns.dig(APEX, "TXT")  # requests within the rate window
        self.assertGreaterEqual(len(queries), 20)
        for title, expr in queries:
            with self.subTest(panel=title, expr=expr):
                series = self.prometheus.query(expr)
                self.assertTrue(series, f"panel '{title}': {expr} returns nothing")
                for selector in selectors(expr):
                    self.assertTrue(self.prometheus.query(selector),
                                    f"panel '{title}': {selector} finds no series")
        # The variables' own queries (label_values(metric, label)) find values too.
        for var in board["templating"]["list"]:
            m = re.fullmatch(r"label_values\((.+), (\w+)\)", var.get("definition", ""))
            if var["type"] == "query":
                with self.subTest(variable=var["name"]):
                    self.assertTrue(m, var)
                    metric = m.group(1).replace('instance=~"$instance"', 'instance=~".*"')
                    values = self.prometheus.api(f"label/{m.group(2)}/values",
                                                 **{"match[]": metric})
                    self.assertTrue(values, f"variable {var['name']}: no {m.group(2)} values")
        spf = {s["metric"]["name"] for s in self.prometheus.query("spf_answer_octets")}
        self.assertEqual(spf, {APEX})

    def test_dashboard_shape(self):
        board = dashboard()
        variables = {v["name"]: v for v in board["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        repeated = [p for p in board["panels"] if p.get("repeat") == "name"]
        self.assertEqual(len(repeated), 1, "one row repeated per SPF name")
        for panel in board["panels"]:
            if panel["type"] == "row":
                continue
            with self.subTest(panel=panel["title"]):
                self.assertEqual(panel["datasource"]["uid"], "${datasource}")
                self.assertTrue(panel["targets"])
                self.assertGreater(len(panel.get("description", "")), 20)
                for target in panel["targets"]:
                    self.assertEqual(target["datasource"]["uid"], "${datasource}")
        exprs = " ".join(expr for _, expr in dashboard_queries(board))
        for metric in ("spf_answer_octets", "spf_customer_lookups", "spf_senders",
                       "spf_networks", "spf_zone_serial", "spf_generation_age_seconds",
                       "spf_reloads_total", "spf_backend_requests_total",
                       "spf_backend_request_duration_seconds_bucket",
                       "spf_backend_request_errors_total"):
            self.assertIn(metric, exprs)
        budget = next(p for p in board["panels"] if p["title"].startswith("Answer size"))
        steps = budget["fieldConfig"]["defaults"]["thresholds"]["steps"]
        self.assertEqual([s["value"] for s in steps[1:]], [450, 512])

    def test_refused_reload_makes_the_reload_alert_pending(self):
        with open(self.backend.zone_path(f"{APEX}.toml"), encoding="utf-8") as f:
            good = f.read()
        try:
            with open(self.backend.zone_path(f"{APEX}.toml"), "a", encoding="utf-8") as f:
                f.write('[[senders]]\nip4 = "85.10.214.4/24"\n')
            self.assertEqual(self.backend.spfctl("reload").returncode, 1)
            self.prometheus.wait_for("spf_reload_last_success == 0", timeout=10)
            deadline = time.monotonic() + 10
            while self.prometheus.alerts().get("SpfReloadFailed") != "pending":
                self.assertLess(time.monotonic(), deadline, self.prometheus.alerts())
                time.sleep(POLL)
            alert = next(a for a in self.prometheus.api("alerts")["alerts"]
                         if a["labels"]["alertname"] == "SpfReloadFailed")
            self.assertEqual(alert["labels"]["severity"], "warning")
            self.assertEqual(alert["annotations"]["runbook_url"],
                             "docs/monitoring.md#spfreloadfailed")
            # The refusal is counted; the previous record is still served.
            self.assertTrue(self.prometheus.query('spf_reloads_total{outcome="failed"} > 0'))
            self.assertTrue(self.prometheus.query("spf_zone_valid == 1"))
        finally:
            with open(self.backend.zone_path(f"{APEX}.toml"), "w", encoding="utf-8") as f:
                f.write(good)
            self.assertEqual(self.backend.spfctl("reload").returncode, 0)
        self.prometheus.wait_for("spf_reload_last_success == 1", timeout=10)
        deadline = time.monotonic() + 10
        while "SpfReloadFailed" in self.prometheus.alerts():
            self.assertLess(time.monotonic(), deadline, "SpfReloadFailed did not clear")
            time.sleep(POLL)

    # -- the probe as Nagios and Icinga read it ---------------------------------------------

    PERFDATA = re.compile(r"^size=(\d+)B;(\d+);(\d+);0 edns_size=(\d+)B;;;0 "
                          r"lookups=(\d+);(\d+);10;0 void=(\d+);;2;0$")

    def probe(self, *args):
        r = self.backend.spfctl("probe", "--server", "127.0.0.1", "--port", self.pdns.port,
                                *args)
        first, _, rest = r.stdout.partition("\n")
        text, bar, perfdata = first.partition("|")
        self.assertEqual(bar, "|", r.stdout)
        return r.returncode, text.strip(), perfdata.strip(), rest

    def test_probe_states_and_perfdata_as_nagios_reads_them(self):
        code, text, perf, rest = self.probe()
        self.assertEqual(code, 0, text)
        self.assertRegex(text, rf"^SPF OK - {re.escape(APEX)} \d+ octets \(EDNS \d+\), "
                               r"0 lookups, 0 void$")
        m = self.PERFDATA.match(perf)
        self.assertTrue(m, perf)
        size, warn, crit, _, lookups, planned, void = map(int, m.groups())
        self.assertEqual((warn, crit, lookups, planned, void), (400, 450, 0, 0, 0))
        self.assertEqual(rest, "")
        # The served answer against thresholds around it: WARNING, then CRITICAL; each
        # problem also on a line of its own (Nagios's long output).
        code, text, perf, rest = self.probe("--warning", str(size - 1),
                                            "--critical", str(size + 10))
        self.assertEqual(code, 1, text)
        self.assertTrue(text.startswith(f"SPF WARNING - {APEX}: answer is {size} octets"))
        self.assertTrue(perf.startswith(f"size={size}B;{size - 1};{size + 10};0 "), perf)
        self.assertEqual(rest.strip(), f"answer is {size} octets, at or over the warning "
                                       f"{size - 1}")
        code, text, perf, _ = self.probe("--warning", str(size - 10), "--critical", str(size))
        self.assertEqual(code, 2, text)
        self.assertTrue(text.startswith(f"SPF CRITICAL - {APEX}: answer is {size} octets"))
        # Thresholds the probe cannot judge by: UNKNOWN, every value U.
        code, text, perf, _ = self.probe("--warning", "500", "--critical", "450")
        self.assertEqual(code, 3, text)
        self.assertTrue(text.startswith(f"SPF UNKNOWN - {APEX}: "), text)
        self.assertEqual(perf, "size=U;500;450;0 edns_size=U;;;0 lookups=U;0;10;0 void=U;;2;0")


if __name__ == "__main__":
    harness.main()
