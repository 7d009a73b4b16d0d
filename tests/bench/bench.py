#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The performance benchmark (tests/bench/run.sh runs it; docs/performance.md).

Starts, on 127.0.0.1 only, pdns_server 4.7.3 with
  bind         its own bind backend serving an equivalent zone file (the reference),
  spf-unix     spf-backend over the unix connector,
  spf-http     spf-backend over the HTTP connector (REST),
  canned-unix  the near-zero-cost canned backend of this folder, unix connector,
  canned-http  the same over HTTP,
each with pdns's caches off (every query reaches the backend) and with its default caches,
and sends a realistic query mix with dnsperf: saturation throughput, latency percentiles at
light load and at saturation, CPU of pdns and of the backend. Runs are interleaved (every
setup once per round, several rounds); the table shows medians, the spread (min-max), and
the ratios to bind and to canned computed in the same run, of the medians and (under the
table) round by round, with their spread. Before that, the in-process costs
(inprocess_bench); after it, a pdns thread sweep, backend-only calls per second over each
connector (call_rate, client and backend pinned to their own core), and reloads of a
10,000-network zone under load.

  /usr/bin/python3 tests/bench/bench.py [--rounds 6] [--seconds 4] [--quick] [--json FILE]
                                        [--metadata-cache-ttl 60]

With --compare OTHER_BUILD_DIR, only a paired A/B of two builds of spf-backend through pdns:
this build (--build-dir, A) against OTHER_BUILD_DIR (B), caches off, on the connector and
zone of --case, for deciding whether a piece of code pays its way (docs/performance.md):

  BUILD_DIR=build-b bash deploy/build.sh spf-backend    # B: the tree without the piece
  /usr/bin/python3 tests/bench/bench.py --compare build-b --case unix-macro --rounds 8
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

# Caches off: no answer is cached, so every query reaches the backend. The zone metadata
# cache keeps pdns's default, as in production: at 0, pdns adds about 5
# getAllDomainMetadata calls to every query, and the table would measure pdns's metadata
# traffic rather than the lookups that a cache miss costs.
CACHES_OFF = {"cache-ttl": "0", "query-cache-ttl": "0", "negquery-cache-ttl": "0",
              "zone-metadata-cache-ttl": "60"}
CACHES_ON = {"cache-ttl": "20", "query-cache-ttl": "20", "negquery-cache-ttl": "60",
             "zone-metadata-cache-ttl": "60"}  # pdns's defaults
# Distributor threads per connector: the sweep's best for unix (deploy/pdns); many for HTTP,
# where pdns's remote backend polls 1 ms per request.
THREADS = {"bind": "3", "unix": "16", "http": "64"}
MACRO_NETWORKS = 10000
CLK_TCK = os.sysconf("SC_CLK_TCK")

SHIPPED_TXT = harness.SHIPPED_TXT
MACRO_TXT = f"v=spf1 include:%{{i}}._ip.{APEX} ~all"


# ----------------------------------------------------------------------------------------
# zones and query mixes


def bind_zone(kind):
    txt = SHIPPED_TXT if kind == "flat" else MACRO_TXT
    text = (f"$ORIGIN {APEX}.\n"
            "@ 3600 IN SOA ns1.connectoor.com. hostmaster.connectoor.com. "
            "2026010101 3600 600 1209600 300\n"
            "@ 86400 IN NS ns1.connectoor.com.\n@ 86400 IN NS ns2.connectoor.com.\n"
            f'@ 300 IN TXT "{txt}"\n')
    if kind == "macro":  # the closest a zone file gets to per-IP answers
        text += '*._ip 300 IN TXT "v=spf1 -all"\n'
    return text


def macro_zone_text(networks, extra_sender=None):
    """A macro zone of `networks` IPv4 addresses two apart from 16.0.0.0 (no aggregation)."""
    lines = [f'zone = "{APEX}"', "[soa]", 'primary = "ns1.connectoor.com"',
             'hostmaster = "hostmaster.connectoor.com"', "[ns]",
             'names = ["ns1.connectoor.com", "ns2.connectoor.com"]', "[spf]",
             'overflow = "macro"']
    base = 0x10000000
    for i in range(networks):
        a = base + 2 * i
        lines += ["[[senders]]", f'ip4 = "{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"']
    if extra_sender:
        lines += ["[[senders]]", f'ip4 = "{extra_sender}"']
    return "\n".join(lines) + "\n"


def macro_senders_file_zone(networks, extra_sender=None):
    """The same zone with its list in a senders_file, as README recommends for long lists:
    {file name: text} for the zone file and the list."""
    head = macro_zone_text(0).replace("[soa]", f'senders_file = "{APEX}.senders"\n[soa]', 1)
    base = 0x10000000
    lines = []
    for i in range(networks):
        a = base + 2 * i
        lines.append(f"ip4:{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}")
    if extra_sender:
        lines.append(f"ip4:{extra_sender}")
    return {f"{APEX}.toml": head, f"{APEX}.senders": "\n".join(lines) + "\n"}


def query_file(path, kind, count=20000, seed=1, networks=MACRO_NETWORKS):
    """Mostly TXT at the apex, some SOA, NS and NXDOMAIN; in macro mode per-IP names too,
    spread over the addresses of a macro zone of `networks` networks."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        x = rng.random()
        if kind == "macro" and x < 0.45:
            if rng.random() < 0.67:
                a = 0x10000000 + rng.randrange(2 * networks)  # half listed
                ip = f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"
            else:
                ip = ".".join(f"{rng.randrange(16):x}" for _ in range(32))
            out.append(f"{ip}._ip.{APEX} TXT")
        elif x < 0.90:
            out.append(f"{APEX} TXT")
        elif x < 0.94:
            out.append(f"{APEX} SOA")
        elif x < 0.96:
            out.append(f"{APEX} NS")
        else:
            out.append(f"nx{rng.randrange(1000000)}.{APEX} TXT")
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(out) + "\n")
    return path


# ----------------------------------------------------------------------------------------
# processes


def cpu_seconds(pid):
    """utime + stime of a whole process (all its threads)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Canned:
    """The canned reference backend, as a harness-like object."""

    def __init__(self, work, connection, mode, name, wrapper=()):
        """`wrapper`: a command line to run it under, e.g. valgrind's."""
        self.dir = work.sub(name)
        os.makedirs(self.dir, exist_ok=True)
        self.connection = connection
        self.socket_path = os.path.join(self.dir, "canned.sock")
        self.http_port = harness.free_port()
        args = (["--unix", self.socket_path] if connection == "unix"
                else ["--http", str(self.http_port)])
        self.process = harness.Process(name, [*wrapper,
                                              os.path.join(BUILD, "tests/bench/canned_backend"),
                                              *args, "--mode", mode],
                                       os.path.join(self.dir, "canned.log")).start()
        deadline = time.monotonic() + 5
        while "event=ready" not in self.process.log():
            if time.monotonic() > deadline or not self.process.alive():
                raise RuntimeError(f"canned backend did not start: {self.process.log()}")
            time.sleep(0.02)

    def connection_string(self, mode):
        if mode == "unix":
            return f"unix:path={self.socket_path},timeout=2000"
        return f"http:url=http://127.0.0.1:{self.http_port}/dns,timeout=2000"

    def stop(self):
        self.process.stop()


class BuiltBackend(harness.Backend):
    """spf-backend from a given build rather than the one under test (--compare)."""

    def __init__(self, binary, *args, **kwargs):
        self.binary = binary
        super().__init__(*args, **kwargs)

    def argv(self, *extra):
        return [self.binary, "--config", self.config_path, *extra]


def spf_zones(kind, networks):
    """The spf-backend zone folder: the shipped zones (flat), or a macro zone of `networks`
    networks, written as [[senders]] tables up to MACRO_NETWORKS and as a senders_file
    beyond (a million tables would take the loader most of a minute)."""
    if kind == "flat":
        return None
    if networks <= MACRO_NETWORKS:
        return {f"{APEX}.toml": macro_zone_text(networks)}
    return macro_senders_file_zone(networks)


class Setup:
    """One pdns with one backend (or its bind backend), kept running for all rounds.
    `binary`: an spf-backend other than the build's; `tag` tells two such setups apart."""

    def __init__(self, work, backend_kind, connection, kind, caches, threads=None,
                 binary=None, networks=MACRO_NETWORKS, tag=""):
        self.backend_kind = backend_kind  # bind, spf, canned
        self.connection = connection      # None for bind
        self.kind = kind                  # flat or macro
        self.caches = caches
        self.name = "bind" if backend_kind == "bind" else f"{backend_kind}-{connection}"
        label = f"{self.name}-{kind}-{caches}" + (f"-t{threads}" if threads else "") + tag
        self.label = label
        self.backend = None
        extra = dict(CACHES_OFF if caches == "off" else CACHES_ON)
        extra["distributor-threads"] = threads or THREADS[connection or "bind"]
        if backend_kind == "bind":
            self.pdns = harness.Pdns(work, bind_zones={APEX: bind_zone(kind)}, name=label,
                                     extra=extra)
        else:
            if backend_kind == "spf":
                options = dict(zones=spf_zones(kind, networks), unix=connection == "unix",
                               http=connection == "http", name=label + "-be", log_level="info")
                self.backend = (BuiltBackend(binary, work, **options) if binary
                                else harness.Backend(work, **options))
                self.backend.start()
                backend_pid = self.backend.process.pid
            else:
                self.backend = Canned(work, connection, kind, label + "-be")
                backend_pid = self.backend.process.pid
            self.backend_pid = backend_pid
            self.pdns = harness.Pdns(work, self.backend.connection_string(connection),
                                     name=label, extra=extra)
        self.pdns.start()

    def pids(self):
        return self.pdns.process.pid, (self.backend_pid if self.backend else None)

    def processes(self):
        return [self.pdns.process] + ([self.backend.process] if self.backend else [])

    def stop(self):
        self.pdns.stop()
        if self.backend:
            self.backend.stop()


# ----------------------------------------------------------------------------------------
# measuring


def udp_drops():
    """Datagrams the kernel dropped (IPv4 UDP, this network namespace): a full socket buffer
    or a bad checksum. A query dnsperf counts lost that the kernel dropped never reached
    pdns; one it did not drop was received and not answered within dnsperf's 2 s."""
    with open("/proc/net/snmp", encoding="ascii") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    counters = dict(zip(rows[0][1:], (int(v) for v in rows[1][1:])))
    return counters["InErrors"] + counters["SndbufErrors"]


def dnsperf(port, queries, seconds, max_qps=None, verbose=False):
    argv = ["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries, "-l", str(seconds),
            "-c", "4", "-T", "1", "-q", "100", "-t", "2"]
    if max_qps:
        argv += ["-Q", str(max_qps)]
    if verbose:
        argv.append("-v")
    drops = udp_drops()
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=seconds + 30)
    out = r.stdout
    result = {"qps": float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1)),
              "lost": int(re.search(r"Queries lost:\s+(\d+)", out).group(1)),
              "completed": int(re.search(r"Queries completed:\s+(\d+)", out).group(1)),
              "udp_drops": udp_drops() - drops}
    m = re.search(r"SERVFAIL (\d+)", out)
    result["servfail"] = int(m.group(1)) if m else 0
    if verbose:
        # "> NOERROR name TXT 0.000213" per answer; a query that timed out is "> T name TXT",
        # with no latency (it is counted as lost above).
        lat = sorted(float(line.rsplit(None, 1)[1]) for line in out.splitlines()
                     if line.startswith("> ") and not line.startswith("> T "))
        if lat:
            result["p50_ms"] = lat[len(lat) // 2] * 1000
            result["p99_ms"] = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    return result


def measure(setup, queries, seconds):
    pdns_pid, backend_pid = setup.pids()
    logs_before = [len(p.log()) for p in setup.processes()]
    cpu0 = (cpu_seconds(pdns_pid), cpu_seconds(backend_pid) if backend_pid else 0.0)
    started = time.monotonic()
    sat = dnsperf(setup.pdns.port, queries, seconds)
    wall = time.monotonic() - started
    cpu1 = (cpu_seconds(pdns_pid), cpu_seconds(backend_pid) if backend_pid else 0.0)
    lat_seconds = max(1, seconds // 2)
    sat_lat = dnsperf(setup.pdns.port, queries, lat_seconds, verbose=True)
    light = dnsperf(setup.pdns.port, queries, lat_seconds, max_qps=1000, verbose=True)
    queries_done = max(1, sat["completed"])
    parts = (sat, sat_lat, light)
    lost, servfail = sum(p["lost"] for p in parts), sum(p["servfail"] for p in parts)
    return {
        "qps": sat["qps"], "lost": lost, "servfail": servfail,
        "udp_drops": sum(p["udp_drops"] for p in parts),
        "log_lines": failure_log_lines(setup, logs_before) if lost or servfail else [],
        "pdns_cores": (cpu1[0] - cpu0[0]) / wall,
        "backend_cores": (cpu1[1] - cpu0[1]) / wall,
        "pdns_us_per_query": (cpu1[0] - cpu0[0]) * 1e6 / queries_done,
        "backend_us_per_query": (cpu1[1] - cpu0[1]) * 1e6 / queries_done,
        "sat_p50_ms": sat_lat.get("p50_ms"), "sat_p99_ms": sat_lat.get("p99_ms"),
        "light_p50_ms": light.get("p50_ms"), "light_p99_ms": light.get("p99_ms"),
    }


def failure_log_lines(setup, logs_before, limit=8):
    """What pdns and the backend logged during a run that failed queries, beyond the
    routine: the lines that say why, for the table's failure notes."""
    routine = re.compile(r"event=(ready|zone_loaded|reload_start|reload_ok|pdns_cache_purged)")
    lines = []
    for process, before in zip(setup.processes(), logs_before):
        for line in process.log()[before:].splitlines():
            if line.strip() and not routine.search(line):
                lines.append(f"{process.name}: {line.strip()}")
    return lines[:limit]


def median_spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def call_rate(target_args, seconds):
    argv = ["taskset", "-c", "1", os.path.join(BUILD, "tests/bench/call_rate"), *target_args,
            "--seconds", str(seconds)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 20)
    if r.returncode != 0:
        raise RuntimeError(f"call_rate failed: {r.stdout}{r.stderr}")
    return float(re.search(r"calls_per_second=([\d.]+)", r.stdout).group(1))


def pin(pid, cpu):
    subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], capture_output=True,
                   check=True, timeout=10)


# ----------------------------------------------------------------------------------------
# the parts of the benchmark


def dns_benchmark(work, rounds, seconds):
    plans = [("bind", None), ("canned", "unix"), ("spf", "unix"), ("canned", "http"),
             ("spf", "http")]
    setups = []
    for caches in ("off", "on"):
        for backend_kind, connection in plans:
            setups.append(Setup(work, backend_kind, connection, "flat", caches))
    for backend_kind, connection in [("bind", None), ("canned", "unix"), ("spf", "unix")]:
        setups.append(Setup(work, backend_kind, connection, "macro", "off"))
    queries = {"flat": query_file(work.sub("queries-flat.txt"), "flat"),
               "macro": query_file(work.sub("queries-macro.txt"), "macro")}
    runs = {s.label: [] for s in setups}
    for r in range(rounds):
        order = setups if r % 2 == 0 else list(reversed(setups))  # interleaved both ways
        for s in order:
            runs[s.label].append(measure(s, queries[s.kind], seconds))
            print(f"  round {r + 1}: {s.label:<28} {runs[s.label][-1]['qps']:>9.0f} q/s",
                  file=sys.stderr, flush=True)
    for s in setups:
        s.stop()
    return setups, runs


def thread_sweep(work, rounds, seconds):
    """spf-unix, caches off: which distributor-threads count gives the most queries/s."""
    counts = ["2", "4", "8", "16", "32"]  # 32: where the plateau ends
    setups = [Setup(work, "spf", "unix", "flat", "off", threads=c) for c in counts]
    queries = query_file(work.sub("queries-sweep.txt"), "flat")
    results = {c: [] for c in counts}
    for r in range(rounds):
        for s, c in (zip(setups, counts) if r % 2 == 0 else zip(setups[::-1], counts[::-1])):
            results[c].append(dnsperf(s.pdns.port, queries, seconds)["qps"])
    for s in setups:
        s.stop()
    return {c: median_spread(v) for c, v in results.items()}


def backend_only(work, rounds, seconds):
    """Calls per second straight into each backend over one connection, backend on core 0,
    client on core 1, interleaved rounds."""
    targets = []
    for connection in ("unix", "http"):
        spf = harness.Backend(work, unix=connection == "unix", http=connection == "http",
                              name=f"calls-spf-{connection}", log_level="info").start()
        pin(spf.process.pid, 0)
        canned = Canned(work, connection, "flat", f"calls-canned-{connection}")
        pin(canned.process.pid, 0)
        for name, be in (("spf", spf), ("canned", canned)):
            args = (["--unix", be.socket_path] if connection == "unix"
                    else ["--http", str(be.http_port)])
            targets.append((f"{name}-{connection}", args, be))
    results = {name: [] for name, _, _ in targets}
    for r in range(rounds):
        for name, args, _ in (targets if r % 2 == 0 else targets[::-1]):
            results[name].append(call_rate(args, seconds))
    for _, _, be in targets:
        be.stop()
    return {name: median_spread(v) for name, v in results.items()}


def inprocess(quick):
    argv = [os.path.join(BUILD, "tests/bench/inprocess_bench")]
    if quick:
        argv += ["--networks", "20000", "--calls", "100000"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"inprocess_bench failed: {r.stdout}{r.stderr}")
    return {k: float(v) for k, v in (line.split("=", 1) for line in r.stdout.split())}


def reload_under_load(work, seconds, reloads, rate=None, form="tables"):
    """spf-unix with a 10,000-network macro zone, caches off: dnsperf runs (as fast as it
    can, or at `rate` queries/s) while the list alternates between two versions and the
    backend reloads on SIGHUP. `form`: the list as [[senders]] tables in the zone file, or
    as a senders_file."""
    if form == "tables":
        zones = {f"{APEX}.toml": macro_zone_text(MACRO_NETWORKS)}
        versions = [{f"{APEX}.toml": macro_zone_text(MACRO_NETWORKS, extra_sender="203.0.113.7")},
                    zones]
    else:
        zones = macro_senders_file_zone(MACRO_NETWORKS)
        versions = [macro_senders_file_zone(MACRO_NETWORKS, extra_sender="203.0.113.7"), zones]
    name = f"reload-{form}-{rate or 'max'}"
    backend = harness.Backend(work, zones=zones, name=name + "-be", log_level="info").start()
    pdns = harness.Pdns(work, backend.connection_string("unix"), name=name + "-pdns",
                        extra={**CACHES_OFF, "distributor-threads": THREADS["unix"]}).start()
    queries = query_file(work.sub("queries-reload.txt"), "macro", seed=2)
    drops = udp_drops()
    perf = subprocess.Popen(
        ["dnsperf", "-s", "127.0.0.1", "-p", str(pdns.port), "-d", queries, "-l",
         str(seconds), "-c", "4", "-T", "1", "-q", "100", "-t", "2"]
        + (["-Q", str(rate)] if rate else []),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    gap = max(0.1, (seconds - 1.0) / reloads)
    for i in range(reloads):
        for file_name, text in versions[i % 2].items():
            with open(backend.zone_path(file_name), "w", encoding="utf-8") as f:
                f.write(text)
        backend.process.send_signal(signal.SIGHUP)
        time.sleep(gap)
    out, _ = perf.communicate(timeout=seconds + 30)
    drops = udp_drops() - drops
    durations = [int(m) / 1000 for m in re.findall(r"event=reload_ok .*?duration_us=(\d+)",
                                                     backend.process.log())][1:]  # not the start
    pdns.stop()
    backend.stop()
    m = re.search(r"SERVFAIL (\d+)", out)
    return {"rate": rate, "form": form, "reloads": len(durations),
            "reload_ms": median_spread(durations),
            "qps": float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1)),
            "lost": int(re.search(r"Queries lost:\s+(\d+)", out).group(1)),
            "servfail": int(m.group(1)) if m else 0, "udp_drops": drops}


# ----------------------------------------------------------------------------------------
# comparing two builds through pdns (--compare)

# Case name: (connector, zone layout and query mix). "apex": the shipped zones and the flat
# mix, mostly TXT at the apex; "macro": a macro zone of --networks IPv4 /32s and the macro
# mix, 45 % of it per-IP names spread over the whole list.
COMPARE_CASES = {"unix-apex": ("unix", "flat"), "http-apex": ("http", "flat"),
                 "unix-macro": ("unix", "macro"), "http-macro": ("http", "macro")}


def saturated(setup, queries, seconds):
    """dnsperf at saturation: queries/s, failed queries, backend CPU microseconds a query."""
    backend_pid = setup.pids()[1]
    cpu = cpu_seconds(backend_pid)
    run = dnsperf(setup.pdns.port, queries, seconds)
    cpu = cpu_seconds(backend_pid) - cpu
    return {"qps": run["qps"], "failed": run["lost"] + run["servfail"],
            "backend_us": cpu * 1e6 / max(1, run["completed"])}


def compare(work, build_b, case, rounds, seconds, networks, together=False):
    """This build (A) against `build_b` (B): one pdns with each, caches off, on one connector
    and zone; each round measures both one after the other, A first in odd rounds and B first
    in even ones, so that the host's drift between rounds and the order within a round both
    cancel in the round's B/A ratio. `together`: both at the same time in each round instead,
    so that both see the same load from the rest of the host (a shared machine's load can
    change more within seconds than the difference looked for). Returns the report's lines and
    the failed queries."""
    connection, kind = COMPARE_CASES[case]
    binaries = {"A": harness.SETTINGS.binary,
                "B": os.path.join(os.path.abspath(build_b), "backend", "spf-backend")}
    setups = {tag: Setup(work, "spf", connection, kind, "off", binary=binary,
                         networks=networks, tag=f"-{tag}")
              for tag, binary in binaries.items()}
    queries = query_file(work.sub(f"queries-{case}.txt"), kind, networks=networks)
    for s in setups.values():  # warm-up: pdns's metadata cache, the backend's first pages
        dnsperf(s.pdns.port, queries, 1)
    runs = {"A": [], "B": []}
    zone = "shipped zones" if kind == "flat" else f"macro zone of {networks} networks"
    lines = [f"A: {binaries['A']}", f"B: {binaries['B']}",
             f"{case}: {zone}, {connection} connector, caches off; {rounds} paired rounds "
             f"of {seconds} s, " + ("A and B at once" if together else "A,B then B,A"), ""]
    for r in range(rounds):
        if together:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                done = {tag: pool.submit(saturated, s, queries, seconds)
                        for tag, s in setups.items()}
            for tag, future in done.items():
                runs[tag].append(future.result())
        else:
            for tag in ("A", "B") if r % 2 == 0 else ("B", "A"):
                runs[tag].append(saturated(setups[tag], queries, seconds))
        a, b = runs["A"][-1], runs["B"][-1]
        order = "A+B" if together else "A,B" if r % 2 == 0 else "B,A"
        lines.append(f"round {r + 1:>2} ({order}): A {a['qps']:>8.0f} q/s "
                     f"{a['backend_us']:>5.1f} us/q   B {b['qps']:>8.0f} q/s "
                     f"{b['backend_us']:>5.1f} us/q   B/A {b['qps'] / a['qps']:.3f}")
        print(lines[-1], file=sys.stderr, flush=True)
    for s in setups.values():
        s.stop()
    qps = median_spread([b["qps"] / a["qps"] for a, b in zip(runs["A"], runs["B"])])
    cpu = median_spread([b["backend_us"] / a["backend_us"] for a, b in zip(runs["A"], runs["B"])])
    failed = sum(r["failed"] for rs in runs.values() for r in rs)
    lines += ["", f"B/A queries/s, median (min-max) of {rounds} rounds: {fmt(qps, 3)}",
              f"B/A backend CPU per query:                 {fmt(cpu, 3)}",
              f"failed queries (lost or SERVFAIL): {failed}"]
    return lines, failed


# ----------------------------------------------------------------------------------------
# the table


def fmt(ms, digits=0, suffix=""):
    value, low, high = ms
    if value is None:
        return "-"
    return f"{value:.{digits}f}{suffix} ({low:.{digits}f}-{high:.{digits}f})"


def failure_notes(setups, runs):
    """Under the table, each failed run: lost and SERVFAIL, the datagrams the kernel dropped
    meanwhile, and what the processes logged."""
    notes = []
    for s in setups:
        for number, r in enumerate(runs[s.label], 1):
            if not (r["lost"] or r["servfail"]):
                continue
            notes.append(f"  {s.label} round {number}: {r['lost']} lost, {r['servfail']} "
                         f"SERVFAIL; the kernel dropped {r['udp_drops']} UDP datagrams meanwhile")
            notes += [f"    {line}" for line in r["log_lines"]]
    return ["", "failed queries:"] + notes if notes else []


def paired_ratios(setups, runs):
    """Ours over the reference round by round: the two run one after the other in every
    round, so what drifts between rounds (the host's other load) cancels out, and the spread
    says how far one round's ratio can be trusted. The table's ratios are of the medians."""
    lines = ["", "spf-backend / reference within each round, median (min-max) of the rounds:"]
    for s in setups:
        if s.backend_kind != "spf":
            continue
        reference = (f"canned-{s.connection}-{s.kind}-{s.caches}" if s.caches == "off"
                     else f"bind-{s.kind}-{s.caches}")
        ratios = [ours["qps"] / theirs["qps"]
                  for ours, theirs in zip(runs[s.label], runs[reference])]
        lines.append(f"  {s.name:<9} {s.kind:<5} caches {s.caches:<3} vs "
                     f"{reference.split('-')[0]:<6} {fmt(median_spread(ratios), 3)}")
    return lines


def report(setups, runs, sweep, calls, inproc, reload, rounds, seconds):
    lines = [f"pdns 4.7.3 + dnsperf on 127.0.0.1, {os.cpu_count()} cores; {rounds} interleaved "
             f"rounds of {seconds} s; median (min-max)", ""]
    head = (f"{'setup':<12} {'zone':<5} {'caches':<6} {'queries/s':>24} {'vs bind':>8} "
            f"{'vs canned':>9} {'light p50/p99 ms':>17} {'sat p50/p99 ms':>15} "
            f"{'pdns cores':>10} {'backend cores':>13} {'be us/q':>7} {'fail':>5}")
    lines += [head, "-" * len(head)]
    medians = {}
    for s in setups:
        rs = runs[s.label]
        medians[s.label] = statistics.median(r["qps"] for r in rs)
    for s in setups:
        rs = runs[s.label]
        qps = median_spread([r["qps"] for r in rs])
        bind = medians[f"bind-{s.kind}-{s.caches}"]
        canned_label = f"canned-{s.connection}-{s.kind}-{s.caches}"
        vs_bind = f"{qps[0] / bind:.2f}"
        vs_canned = f"{qps[0] / medians[canned_label]:.2f}" if canned_label in medians else "-"
        med = lambda key: statistics.median(r[key] for r in rs if r[key] is not None) \
            if any(r[key] is not None for r in rs) else float("nan")
        fails = sum(r["lost"] + r["servfail"] for r in rs)
        lines.append(
            f"{s.name:<12} {s.kind:<5} {s.caches:<6} {fmt(qps):>24} {vs_bind:>8} {vs_canned:>9} "
            f"{med('light_p50_ms'):>8.2f}/{med('light_p99_ms'):<8.2f} "
            f"{med('sat_p50_ms'):>7.2f}/{med('sat_p99_ms'):<7.2f} "
            f"{med('pdns_cores'):>10.2f} {med('backend_cores'):>13.2f} "
            f"{med('backend_us_per_query'):>7.1f} {fails:>5}")
    lines += paired_ratios(setups, runs)
    lines += failure_notes(setups, runs)
    lines += ["", "pdns distributor-threads (spf-unix, flat, caches off): " +
              ", ".join(f"{c}: {fmt(v)}" for c, v in sweep.items())]
    lines += ["", "backend only, one connection, backend on core 0, client on core 1 (calls/s):"]
    for connection in ("unix", "http"):
        spf, canned = calls[f"spf-{connection}"], calls[f"canned-{connection}"]
        lines.append(f"  {connection:<5} spf-backend {fmt(spf)}   canned {fmt(canned)}   "
                     f"ratio {spf[0] / canned[0]:.2f}")
    lines += ["", "in-process (answer() only unless named; ns per call, heap allocations per call):"]
    named = {"envelope_apex_any": "envelope_apex_any (unix: JSON line to reply)",
             "http_apex_any": "http_apex_any (HTTP: request to response)"}
    for key in ("apex_any", "apex_txt", "nxdomain", "envelope_apex_any", "http_apex_any"):
        lines.append(f"  {named.get(key, key):<44} {inproc[key + '_ns']:>8.1f} ns  "
                     f"{inproc[key + '_allocs']:.2f} allocs")
    lines.append(f"  macro zone of {inproc['big_networks']:.0f} networks "
                 f"({inproc['big_zone_bytes'] / 1e6:.1f} MB senders_file): load and validation "
                 f"{inproc['big_load_seconds']:.2f} s, resident {inproc['big_rss_mib']:.0f} MiB "
                 f"(peak {inproc['big_peak_rss_mib']:.0f} MiB)")
    def ratio(key):  # median (min-max) of the rounds' ratios
        return (f"{inproc[key]:.2f}x ({inproc[key + '_min']:.2f}-{inproc[key + '_max']:.2f})")
    lines.append(f"  per-IP vs apex, medians of {inproc['big_rounds']:.0f} rounds; 4096 addresses stay "
                 f"in the CPU caches, 65536 do not:")
    for prefix, count in (("big", 4096), ("big_cold", 65536)):
        lines.append(f"    answer() only, {count:>5}: per-IP {inproc[prefix + '_per_ip_ns']:.1f} ns "
                     f"vs apex {inproc[prefix + '_apex_any_ns']:.1f} ns: "
                     f"{ratio(prefix + '_per_ip_over_apex')}, "
                     f"{inproc[prefix + '_per_ip_allocs']:.2f} allocs")
    for prefix, count in (("big", 4096), ("big_cold", 65536)):
        lines.append(f"    JSON line to reply, {count:>5} distinct lines each: per-IP "
                     f"{inproc[prefix + '_envelope_per_ip_ns']:.0f} ns vs apex "
                     f"{inproc[prefix + '_envelope_apex_any_ns']:.0f} ns: "
                     f"{ratio(prefix + '_envelope_per_ip_over_apex')}")
    lines.append(f"  reload of {inproc['reload_networks']:.0f} networks, in-process: "
                 f"{inproc['reload_load_ms']:.1f} ms")
    lines += ["", f"reloads under load (spf-unix, macro, {MACRO_NETWORKS} networks, caches off):"]
    for r in reload:
        load = f"at {r['rate']} q/s" if r["rate"] else "saturated"
        form = "[[senders]]" if r["form"] == "tables" else "senders_file"
        lines.append(f"  {form:<12} {load:<12} {r['reloads']} reloads, {fmt(r['reload_ms'], 1, ' ms')} each, "
                     f"{r['qps']:.0f} q/s, {r['lost']} lost, {r['servfail']} SERVFAIL"
                     + (f" ({r['udp_drops']} UDP datagrams dropped by the kernel)"
                        if r["lost"] else ""))
    return "\n".join(lines)


def main():
    paragraphs = __doc__.split("\n\n")
    parser = argparse.ArgumentParser(  # the first paragraph, then --compare's
        description="\n\n".join([paragraphs[0]] + paragraphs[-2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    # 6: the rounds of one setup spread by up to 10 % on a shared 2-core VM, and the order
    # within a round (it flips every round) moves a ratio by a few percent. An even count
    # weighs both orders alike.
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--quick", action="store_true",
                        help="1 round of 1 s (with --compare 2 rounds, 20,000 networks): "
                             "a smoke test")
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--metadata-cache-ttl", default=CACHES_OFF["zone-metadata-cache-ttl"],
                        help="zone-metadata-cache-ttl with caches off (0: pdns asks for "
                             "metadata on every query)")
    parser.add_argument("--compare", metavar="OTHER_BUILD_DIR",
                        help="instead of the benchmark: this build's spf-backend (A) against "
                             "OTHER_BUILD_DIR's (B) through pdns, caches off, in paired "
                             "rounds; prints each round's B/A queries/s, their median and "
                             "range (e.g. build B without a speed-only piece: below 0.98, "
                             "the piece pays its way)")
    parser.add_argument("--case", choices=sorted(COMPARE_CASES), default="unix-apex",
                        help="with --compare: connector and zone; apex: the shipped zones, "
                             "mostly TXT at the apex; macro: a macro zone of --networks /32s, "
                             "45 %% per-IP names over the whole list (default unix-apex)")
    parser.add_argument("--together", action="store_true",
                        help="with --compare: run A and B at the same time in each round, "
                             "not one after the other: on a host loaded by other work")
    parser.add_argument("--networks", type=int, default=1000000,
                        help="with --compare: the macro zone's networks (default 1000000, "
                             "as inprocess_bench's big zone)")
    args = parser.parse_args()
    CACHES_OFF["zone-metadata-cache-ttl"] = args.metadata_cache_ttl
    if args.quick:
        args.rounds, args.seconds = (2, 1) if args.compare else (1, 1)
        args.networks = min(args.networks, 20000)
    global BUILD
    BUILD = os.path.abspath(args.build_dir)
    harness.SETTINGS.binary = os.path.join(BUILD, "backend", "spf-backend")
    harness.require_binary()
    work = harness.Workdir("bench")
    if args.compare:
        try:
            lines, failed = compare(work, args.compare, args.case, args.rounds, args.seconds,
                                    args.networks, args.together)
        finally:
            harness._kill_everything()
        print("\n".join(lines))
        import shutil
        shutil.rmtree(work.path, ignore_errors=True)
        return 1 if failed else 0
    try:
        # In-process first, before any pdns run has used the machine, so that none of their
        # aftermath is in it.
        print("in-process ...", file=sys.stderr, flush=True)
        inproc = inprocess(args.quick)
        print("DNS through pdns ...", file=sys.stderr, flush=True)
        setups, runs = dns_benchmark(work, args.rounds, args.seconds)
        print("thread sweep ...", file=sys.stderr, flush=True)
        sweep = thread_sweep(work, args.rounds, max(1, args.seconds // 2))
        print("backend only ...", file=sys.stderr, flush=True)
        calls = backend_only(work, args.rounds, max(1, args.seconds // 2))
        print("reloads under load ...", file=sys.stderr, flush=True)
        # Saturated (what the machine can do at most) and at a steady 1,000 q/s, a busy
        # day for one SPF server, which leaves the reload a core to work on.
        reload = [reload_under_load(work, max(3, 2 * args.seconds), 3 if args.quick else 10,
                                    rate, form)
                  for form, rate in (("tables", None), ("file", None), ("file", 1000))]
    finally:
        harness._kill_everything()
    table = report(setups, runs, sweep, calls, inproc, reload, args.rounds, args.seconds)
    print(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"runs": runs, "sweep": sweep, "calls": calls, "inprocess": inproc,
                       "reload": reload}, f, indent=1)
    import shutil
    shutil.rmtree(work.path, ignore_errors=True)
    failed = sum(r["lost"] + r["servfail"] for rs in runs.values() for r in rs)
    failed += sum(r["lost"] + r["servfail"] for r in reload)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
