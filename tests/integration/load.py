# SPDX-License-Identifier: MIT
"""Load and observation for the reload, fault and abuse tests (on top of harness.py):
dnsperf as the steady load, a watcher thread that reads every TXT answer pdns gives, the
memory figures of a process from /proc, POST /reload on the admin endpoint, and a backend
whose config takes extra tables (e.g. [limits]) or runs under a wrapper (setpriv, strace).
"""

import json
import mmap
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import harness
from harness import APEX

try:
    import dns.exception
    import dns.message
    import dns.query
    import dns.rcode
except ImportError as e:
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-dnspython)")

ZONE_FILE = f"{APEX}.toml"
SENDERS_A = ["85.10.214.4", "176.9.5.158", "178.63.53.35"]
SENDERS_B = SENDERS_A + ["85.10.214.9", "2a01:4f8:1::/48"]


def zone_text(senders):
    body = "".join(
        f'[[senders]]\n{"ip6" if ":" in ip else "ip4"} = "{ip}"\n\n' for ip in senders)
    return (f'zone = "{APEX}"\n[soa]\nprimary = "ns1.connectoor.com"\n'
            f'hostmaster = "hostmaster.connectoor.com"\n[ns]\n'
            f'names = ["ns1.connectoor.com", "ns2.connectoor.com"]\n\n{body}')


def record(senders):
    """The flat TXT record spf-backend serves for `senders` (IPv4 sorted, then IPv6)."""
    v4 = [s for s in senders if ":" not in s]
    v6 = [s for s in senders if ":" in s]
    key = lambda ip: tuple(int(p) for p in ip.split("."))  # noqa: E731
    terms = [f"ip4:{ip}" for ip in sorted(v4, key=key)] + [f"ip6:{ip}" for ip in v6]
    return "v=spf1 " + " ".join(terms) + " ~all"


# ----------------------------------------------------------------------------------------
# dnsperf


def dnsperf_counts(output):
    counts = {}
    for key, pattern in (("sent", r"Queries sent:\s+(\d+)"),
                         ("completed", r"Queries completed:\s+(\d+)"),
                         ("lost", r"Queries lost:\s+(\d+)")):
        m = re.search(pattern, output)
        counts[key] = int(m.group(1)) if m else None
    m = re.search(r"Response codes:\s+(.*)", output)
    codes = dict(re.findall(r"([A-Z]+) (\d+)", m.group(1))) if m else {}
    counts["codes"] = {k: int(v) for k, v in codes.items()}
    return counts


class Dnsperf:
    """dnsperf against a pdns, from start() until stop() (SIGINT: it prints its statistics).
    The query mix: mostly the apex TXT, some SOA, NS, NXDOMAIN and mixed case."""

    def __init__(self, workdir, port, qps=2000, clients=4, timeout_s=2, max_seconds=120):
        self.queries = workdir.write("queries.txt", "".join(
            [f"{APEX} TXT\n"] * 8 + [f"{APEX} SOA\n", f"{APEX} NS\n",
                                     f"nonexistent.{APEX} TXT\n", f"{APEX.upper()} TXT\n"]))
        self.argv = [harness.find_tool("dnsperf"), "-s", "127.0.0.1", "-p", str(port),
                     "-d", self.queries, "-l", str(max_seconds), "-Q", str(qps),
                     "-c", str(clients), "-t", str(timeout_s)]
        self.proc = None
        self.output = ""

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, preexec_fn=harness._die_with_parent)
        return self

    def stop(self):
        """Stops it and returns its counts: sent, completed, lost, codes {rcode: n}."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        self.output, _ = self.proc.communicate(timeout=30)
        return dnsperf_counts(self.output)

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


# ----------------------------------------------------------------------------------------
# a client that reads the answers themselves


class Watcher:
    """Asks pdns `APEX TXT` over UDP without EDNS, one query at a time, in a thread, and
    records (monotonic time, rcode or "timeout", TXT strings joined) for every answer."""

    def __init__(self, port, address="127.0.0.1", timeout=1.0, pause=0.0):
        self.port = port
        self.address = address
        self.timeout = timeout
        self.pause = pause
        self.events = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)
        return self

    def _run(self):
        q = dns.message.make_query(APEX, "TXT", use_edns=False)
        while not self._stop.is_set():
            try:
                r = dns.query.udp(q, self.address, port=self.port, timeout=self.timeout)
                texts = tuple(b"".join(rr.strings).decode()
                              for rrset in r.answer for rr in rrset)
                key = (dns.rcode.to_text(r.rcode()), texts)
            except (dns.exception.Timeout, OSError):
                key = ("timeout", ())
                time.sleep(0.01)  # a refused port answers at once; do not spin
            self.events.append((time.monotonic(), key))
            if self.pause:
                time.sleep(self.pause)

    def counts(self, since=None, until=None):
        out = {}
        for t, key in self.events:
            if (since is None or t >= since) and (until is None or t < until):
                out[key] = out.get(key, 0) + 1
        return out

    def first(self, predicate, since):
        """The time of the first answer at or after `since` for which predicate(key)."""
        for t, key in self.events:
            if t >= since and predicate(key):
                return t
        return None

    def last(self, predicate):
        found = None
        for t, key in self.events:
            if predicate(key):
                found = t
        return found


def good(txt):
    """A predicate on watcher keys: NOERROR with exactly this one TXT record."""
    return lambda key: key == ("NOERROR", (txt,))


def print_counts(label, counts, stream):
    for (rcode, texts), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {label}: {n:6d} x {rcode} {texts}", file=stream)


# ----------------------------------------------------------------------------------------
# memory of a running process


def proc_status(pid):
    """VmRSS and VmHWM (peak RSS) of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def reset_peak(pid):
    """Resets VmHWM to the current RSS (proc(5), clear_refs "5"), so that the next reading
    is the peak of what happened in between."""
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def sanitized(pid):
    """Whether the process runs with AddressSanitizer (SPFD_SANITIZE build): memory figures
    then include ASan's shadow and quarantine, and times are slower."""
    with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as f:
        if "libasan" in f.read():  # g++ links the runtime as a shared library
            return True
    # clang links it into the executable.
    with open(f"/proc/{pid}/exe", "rb") as f, \
            mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as image:
        return image.find(b"__asan_init") != -1


def mib(kib):
    return kib / 1024.0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


# ----------------------------------------------------------------------------------------
# the admin endpoint


def admin_reload(backend, timeout=120):
    """POST /reload; returns the JSON reply (published, errors, messages, …)."""
    req = urllib.request.Request(f"http://127.0.0.1:{backend.admin_port}/reload", method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # 422: refused, with the same JSON
        return json.loads(e.read())


def metric(backend, name, labels=""):
    """One sample of the admin endpoint's /metrics, e.g. metric(b, "spf_backend_connections",
    'connector="unix"'); None when absent."""
    status, body = backend.admin_get("/metrics")
    assert status == 200, body
    pattern = rf"^{re.escape(name)}(?:\{{([^}}]*)\}})?\s+(\S+)$"
    for m in re.finditer(pattern, body, re.M):
        if labels in (m.group(1) or ""):
            return float(m.group(2))
    return None


# ----------------------------------------------------------------------------------------
# a backend with more settings


class TunedBackend(harness.Backend):
    """harness.Backend with `extra_config` set at once (TOML tables appended to the
    generated config, e.g. a [limits] table) and `wrapper` (argv put in front of the binary,
    e.g. setpriv)."""

    def __init__(self, workdir, extra_config="", wrapper=(), **kwargs):
        super().__init__(workdir, **kwargs)
        self.extra_config = extra_config
        self.wrapper = list(wrapper)

    def argv(self, *extra):
        return [*self.wrapper, *super().argv(*extra)]
