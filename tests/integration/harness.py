# SPDX-License-Identifier: MIT
"""Shared machinery of the black-box tests: a real spf-backend, a real pdns_server wired to
it, and dig/kdig/pdnsutil run against that pdns. Everything binds 127.0.0.1 only, on ports
the kernel hands out, in a temporary folder per test class, so test files can run in
parallel. Every child process gets SIGKILL when this process dies (PR_SET_PDEATHSIG), and
is stopped in class cleanups and at exit as well.

Each test file ends with `harness.main()`, which understands
    --binary PATH      the spf-backend to test (default: $SPF_BACKEND, then
                       <source-dir>/build/backend/spf-backend)
    --source-dir DIR   the repository (default: two folders above this file)
    --keep             keep the temporary folders even when everything passed
and passes the remaining arguments to unittest (e.g. a class or test name, -k PATTERN).
On failure it prints the logs of every backend and pdns it started, and keeps the folders.
"""

import argparse
import atexit
import collections
import ctypes
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True

APEX = "spf.connectoor.com"

# What the shipped zones/spf.connectoor.com.toml must be served as.
SHIPPED_TXT = "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 ~all"
SHIPPED_SENDERS = ["85.10.214.4", "176.9.5.158", "178.63.53.35"]
TXT_TTL = 300
NS_NAMES = {"ns1.connectoor.com.", "ns2.connectoor.com."}
NS_TTL = 86400
SOA_MNAME = "ns1.connectoor.com."
SOA_RNAME = "hostmaster.connectoor.com."
SOA_TIMERS = (3600, 600, 1209600, 300)  # refresh retry expire minimum
SOA_TTL = 3600
NEGATIVE_TTL = min(SOA_TTL, SOA_TIMERS[3])  # pdns: min(SOA ttl, SOA minimum)
SERIAL_FLOOR = 2026010100

# Every subprocess gets a bound; these are generous for a loaded 2-core machine.
CMD_TIMEOUT = 15
READY_TIMEOUT = 10
PDNS_READY_TIMEOUT = 15
STOP_TIMEOUT = 5


class _Settings:
    binary = None
    source_dir = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    keep = False


SETTINGS = _Settings()

_processes = []  # every Process started, for cleanup at exit
_workdirs = []  # every Workdir made, for logs on failure and removal on success


# ----------------------------------------------------------------------------------------
# processes


def _die_with_parent():
    """Runs in the child between fork and exec: SIGKILL it if the test runner dies, so a
    ctest timeout (which kills python) leaves no backend or pdns behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Process:
    """A long-running child with stdout and stderr in one log file."""

    def __init__(self, name, argv, log_path, cwd=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        self.cwd = cwd
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.cwd,
                preexec_fn=_die_with_parent,
            )
        _processes.append(self)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def send_signal(self, signum):
        if self.alive():
            self.proc.send_signal(signum)

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stop(self, signum=signal.SIGTERM):
        """Stops the process (signal, then SIGKILL after STOP_TIMEOUT); returns its exit
        status, negative for a signal as in subprocess."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        require_no_sanitizer_report(self.name, self.log())
        return self.proc.returncode


@atexit.register
def _kill_everything():
    for p in _processes:
        if p.alive():
            p.proc.kill()
            try:
                p.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass


# What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer print (a build with
# -DSPFD_SANITIZE=ON, tests/run.sh). Such a report fails the test whatever exit status the
# test expects: a refusal that exits 1 may leak, too.
_SANITIZER_REPORT = re.compile(r"^==\d+==ERROR: \w+Sanitizer|^\S+:\d+:\d+: runtime error: |"
                               r"^SUMMARY: \w+Sanitizer", re.M)


def require_no_sanitizer_report(name, output):
    m = _SANITIZER_REPORT.search(output or "")
    if m:
        start = output.rfind("\n", 0, m.start()) + 1
        raise AssertionError(f"{name}: sanitizer report:\n{output[start:start + 6000]}")


def run(argv, timeout=CMD_TIMEOUT, **kwargs):
    """Runs a short command to completion with a bound; output as text. Fails on a
    sanitizer report in its output."""
    completed = subprocess.run(
        [str(a) for a in argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=_die_with_parent,
        **kwargs,
    )
    require_no_sanitizer_report(os.path.basename(str(argv[0])),
                                (completed.stdout or "") + (completed.stderr or ""))
    return completed


def free_port():
    """A port that is free on 127.0.0.1 for both TCP and UDP right now. Another process may
    still take it before we bind it; starters retry with a new port when binding fails."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def _looks_like_bind_failure(log):
    return re.search(r"address already in use|unable to bind|bind\b.*fail|eaddrinuse|listen_failed",
                     log, re.I)


def find_tool(name):
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise unittest.SkipTest(f"{name} is not installed (run deploy/install-deps.sh)")


# ----------------------------------------------------------------------------------------
# temporary folders


class Workdir:
    """A temporary folder for one test class; removed at exit unless something failed."""

    def __init__(self, label):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", label)
        # /tmp keeps unix socket paths far below the 108-byte limit.
        self.path = tempfile.mkdtemp(prefix=f"spf-it-{safe}-")
        self.label = label
        self.logs = []  # (title, path)
        _workdirs.append(self)

    def sub(self, *parts):
        return os.path.join(self.path, *parts)

    def write(self, relpath, text):
        path = self.sub(relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


def toml_string(text):
    """A TOML basic string (JSON string syntax is a subset for what we write)."""
    return json.dumps(str(text))


def read_repo_file(*parts):
    with open(os.path.join(SETTINGS.source_dir, *parts), encoding="utf-8") as f:
        return f.read()


# ----------------------------------------------------------------------------------------
# spf-backend


class Backend:
    """spf-backend with a generated config in <workdir>/backend/.

    zones: None to use a copy of the repository's zones/ folder, or {file name: text}.
    unix: serve the unix listener; http: serve the HTTP listener on a free port.
    """

    def __init__(self, workdir, zones=None, unix=True, http=False, name="backend",
                 log_level="info", admin=False, pdns_socket_dir=None):
        self.workdir = workdir
        self.name = name
        self.dir = workdir.sub(name)
        self.zones_dir = os.path.join(self.dir, "zones")
        self.state_dir = os.path.join(self.dir, "state")
        self.config_path = os.path.join(self.dir, "backend.toml")
        self.socket_path = os.path.join(self.dir, "backend.sock") if unix else None
        self.http = http
        self.http_port = None
        self.admin = admin
        self.admin_port = None
        self.pdns_socket_dir = pdns_socket_dir  # purge this pdns's caches after reloads
        self.log_level = log_level
        self.extra_config = ""  # more TOML tables for backend.toml, e.g. [resolver]
        self.process = None
        self.starts = 0  # every start gets its own log file
        os.makedirs(self.zones_dir, exist_ok=True)
        if zones is None:
            src = os.path.join(SETTINGS.source_dir, "zones")
            for entry in os.listdir(src):
                if entry.endswith(".toml"):
                    shutil.copy(os.path.join(src, entry), self.zones_dir)
        else:
            self.set_zones(zones)

    def set_zones(self, zones):
        for entry in os.listdir(self.zones_dir):
            os.unlink(os.path.join(self.zones_dir, entry))
        for file_name, text in zones.items():
            with open(os.path.join(self.zones_dir, file_name), "w", encoding="utf-8") as f:
                f.write(text)

    def zone_path(self, file_name):
        return os.path.join(self.zones_dir, file_name)

    def write_config(self):
        # Relative paths on purpose: they must resolve against the config file's folder.
        lines = [
            "[zones]",
            'dir = "zones"',
            "[state]",
            'dir = "state"',
        ]
        if self.socket_path:
            lines += ["[unix]", 'path = "backend.sock"', 'mode = "0660"']
        if self.http:
            lines += ["[http]", 'address = "127.0.0.1"', f"port = {self.http_port}"]
        if self.admin:
            lines += ["[admin]", 'address = "127.0.0.1"', f"port = {self.admin_port}"]
        if self.pdns_socket_dir:
            lines += ["[pdns]", f"socket_dir = {toml_string(self.pdns_socket_dir)}"]
        lines += ["[log]", f"level = {toml_string(self.log_level)}"]
        if self.extra_config:
            lines.append(self.extra_config.rstrip("\n"))
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    def argv(self, *extra):
        return [SETTINGS.binary, "--config", self.config_path, *extra]

    def spfctl(self, *args, timeout=CMD_TIMEOUT):
        """The operators' tool with this backend's settings; returns the CompletedProcess."""
        return run([spfctl_binary(), "--config", self.config_path, *args], timeout=timeout)

    def admin_get(self, path):
        """GET on the admin endpoint; returns (status, body)."""
        import urllib.request
        import urllib.error
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}{path}",
                                        timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def check(self):
        """`spf-backend --check`; returns the CompletedProcess."""
        self.write_config()
        return run(self.argv("--check"))

    def start(self, attempts=3):
        last = ""
        for attempt in range(attempts):
            if self.http:
                self.http_port = free_port()
            if self.admin:
                self.admin_port = free_port()
            self.write_config()
            self.starts += 1
            log_path = os.path.join(self.dir, f"backend-{self.starts}.log")
            self.workdir.logs.append((f"{self.name} (start {self.starts})", log_path))
            self.process = Process(self.name, self.argv(), log_path, cwd=self.dir).start()
            if self.wait_ready():
                return self
            last = self.process.log()
            self.process.stop()
            if not ((self.http or self.admin) and _looks_like_bind_failure(last)):
                break
        raise AssertionError(f"{self.name} did not report event=ready:\n{last}")

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(r"\bevent=ready\b", self.process.log()):
                return True
            if not self.process.alive():
                return False
            time.sleep(0.05)
        return False

    def stop(self, signum=signal.SIGTERM):
        if self.process:
            return self.process.stop(signum)
        return None

    def connection_string(self, mode):
        """pdns remote-connection-string for 'unix', 'http', 'http-post', 'http-post-json'."""
        if mode == "unix":
            return f"unix:path={self.socket_path},timeout=2000"
        base = f"http:url=http://127.0.0.1:{self.http_port}/dns,timeout=2000"
        return {
            "http": base,
            "http-post": base + ",post=1",
            "http-post-json": base + ",post=1,post_json=1",
        }[mode]

    def unix_call(self, *requests, timeout=5):
        """Sends JSON requests over the unix socket, one per line; returns the replies."""
        replies = []
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.socket_path)
            buf = b""
            for req in requests:
                s.sendall(json.dumps(req).encode() + b"\n")
                while b"\n" not in buf:
                    chunk = s.recv(65536)
                    if not chunk:
                        raise AssertionError(f"backend closed the connection; got {buf!r}")
                    buf += chunk
                line, buf = buf.split(b"\n", 1)
                replies.append(json.loads(line))
        return replies


# ----------------------------------------------------------------------------------------
# pdns_server


class Pdns:
    """pdns_server in the foreground with its own --config-dir and socket-dir, caches off.

    backend_conn: remote-connection-string, or None for no remote backend.
    bind_zones: {zone: zone file text} served by the bind backend next to the remote one.
    """

    def __init__(self, workdir, backend_conn=None, bind_zones=None, name="pdns", extra=None,
                 address="127.0.0.1", port=None):
        self.workdir = workdir
        self.name = name
        self.dir = workdir.sub(name)
        self.backend_conn = backend_conn
        self.bind_zones = bind_zones or {}
        self.extra = extra or {}
        self.address = address  # another 127.0.0.0/8 address only inside a test's own netns
        self.fixed_port = port  # e.g. 53, likewise; None: a free port
        self.port = None
        self.process = None
        os.makedirs(self.dir, exist_ok=True)

    def config_text(self):
        launch = []
        conf = {}
        if self.bind_zones:
            launch.append("bind")
            conf["bind-config"] = os.path.join(self.dir, "named.conf")
        if self.backend_conn:
            launch.append("remote")
            conf["remote-connection-string"] = self.backend_conn
        conf = {
            "launch": ",".join(launch),
            **conf,
            "local-address": self.address,
            "local-port": str(self.port),
            "socket-dir": self.dir,
            "daemon": "no",
            "guardian": "no",
            "disable-syslog": "yes",
            "loglevel": "6",
            "allow-axfr-ips": "127.0.0.1",
            "disable-axfr": "no",
            "webserver": "no",
            "api": "no",
            "primary": "no",
            "secondary": "no",
            "security-poll-suffix": "",
            "distributor-threads": "2",
            "receiver-threads": "1",
            # every query reaches the backend (pdns's caches: docs/design.md)
            "cache-ttl": "0",
            "query-cache-ttl": "0",
            "negquery-cache-ttl": "0",
            "zone-metadata-cache-ttl": "0",
            **self.extra,
        }
        return "".join(f"{k}={v}\n" for k, v in conf.items())

    def write_files(self):
        if self.bind_zones:
            named = [f'options {{ directory "{self.dir}"; }};']
            for zone, text in self.bind_zones.items():
                zone_file = os.path.join(self.dir, f"{zone}.zone")
                with open(zone_file, "w", encoding="utf-8") as f:
                    f.write(text)
                named.append(f'zone "{zone}" {{ type master; file "{zone_file}"; }};')
            with open(os.path.join(self.dir, "named.conf"), "w", encoding="utf-8") as f:
                f.write("\n".join(named) + "\n")
        with open(os.path.join(self.dir, "pdns.conf"), "w", encoding="utf-8") as f:
            f.write(self.config_text())

    def start(self, probe=APEX, attempts=3):
        """Starts pdns and waits until it answers `probe SOA` with NOERROR."""
        binary = find_tool("pdns_server")
        last = ""
        for attempt in range(attempts):
            self.port = self.fixed_port or free_port()
            self.write_files()
            log_path = os.path.join(self.dir, f"pdns-{attempt}.log")
            self.workdir.logs.append((f"{self.name} (attempt {attempt + 1})", log_path))
            self.process = Process(self.name, [binary, f"--config-dir={self.dir}"], log_path,
                                   cwd=self.dir).start()
            if self._wait_answering(probe):
                return self
            last = self.process.log()
            self.process.stop()
            if not _looks_like_bind_failure(last):
                break
        raise AssertionError(f"{self.name} did not start answering for {probe}:\n{last}")

    def _wait_answering(self, probe):
        deadline = time.monotonic() + PDNS_READY_TIMEOUT
        while time.monotonic() < deadline:
            if not self.process.alive():
                return False
            try:
                r = self.dig(probe, "SOA", "+time=1")
                if r.status == "NOERROR" and r.answer:
                    return True
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.1)
        return False

    def stop(self):
        if self.process:
            return self.process.stop()
        return None

    # -- clients ---------------------------------------------------------------------------

    def dig(self, name, qtype="TXT", *options):
        argv = [find_tool("dig"), f"@{self.address}", "-p", str(self.port), name, qtype,
                "+time=2", "+tries=1", "+norecurse", *options]
        return DigResult(argv, run(argv))

    def dig_short(self, name, qtype="TXT", *options):
        return self.dig(name, qtype, "+short", *options).lines()

    def kdig(self, name, qtype="TXT", *options):
        argv = [find_tool("kdig"), f"@{self.address}", "-p", str(self.port), name, qtype,
                "+time=2", "+retry=0", "+norecurse", *options]
        return DigResult(argv, run(argv))

    def pdnsutil(self, *args):
        return run([find_tool("pdnsutil"), f"--config-dir={self.dir}", *args], timeout=30)


# ----------------------------------------------------------------------------------------
# dig output


RR = collections.namedtuple("RR", "name ttl cls type rdata")


def parse_rr(line):
    parts = line.split(None, 4)
    if len(parts) < 4:
        raise ValueError(f"not a record line: {line!r}")
    return RR(parts[0], int(parts[1]), parts[2], parts[3], parts[4] if len(parts) > 4 else "")


def txt_strings(rdata):
    """The character-strings of a TXT rdata in presentation format, unescaped."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', rdata):
        s = re.sub(r"\\(\d{3})", lambda d: chr(int(d.group(1))), m.group(1))
        out.append(re.sub(r"\\(.)", r"\1", s))
    return out


class DigResult:
    """The parts of dig's (or kdig's) text output that the tests look at."""

    def __init__(self, argv, completed):
        self.argv = argv
        self.returncode = completed.returncode
        self.text = completed.stdout + completed.stderr
        self.stdout = completed.stdout
        m = re.search(r"status: (\w+)", self.stdout)
        self.status = m.group(1) if m else None
        m = re.search(r";; flags: ([^;]*);", self.stdout, re.I)
        self.flags = set(m.group(1).split()) if m else set()
        m = re.search(r"MSG SIZE\s+rcvd: (\d+)", self.stdout)
        self.msg_size = int(m.group(1)) if m else None
        self.sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
        self.records = []  # every record line, whatever the section (AXFR has none)
        section = None
        for line in self.stdout.splitlines():
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                section = m.group(1)
                continue
            if not line.strip():
                section = None
                continue
            if line.startswith(";"):
                continue
            if "+short" in argv:
                continue
            rr = parse_rr(line)
            self.records.append(rr)
            if section in self.sections:
                self.sections[section].append(rr)

    @property
    def answer(self):
        return self.sections["ANSWER"]

    @property
    def authority(self):
        return self.sections["AUTHORITY"]

    def lines(self):
        return [ln for ln in self.stdout.splitlines() if ln.strip() and not ln.startswith(";")]

    def __str__(self):
        return "$ " + " ".join(self.argv) + "\n" + self.text


# ----------------------------------------------------------------------------------------
# test case base class


class StackTestCase(unittest.TestCase):
    """Starts one spf-backend and one pdns_server for the whole class.

    Class attributes: connection ('unix', 'http', 'http-post', 'http-post-json'), zones
    (None = the repository's zones/, or {file name: text}, or a function returning that,
    called when the class starts), bind_zones ({zone: text} for a
    bind backend launched before the remote one), probe (the name pdns must answer SOA for
    before the tests start).
    """

    connection = "unix"
    zones = None
    bind_zones = None
    probe = APEX
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        require_binary()
        cls.work = Workdir(cls.__name__)
        zones = cls.zones() if callable(cls.zones) else cls.zones
        cls.backend = Backend(cls.work, zones=zones, unix=cls.connection == "unix",
                              http=cls.connection.startswith("http"))
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        cls.pdns = Pdns(cls.work, cls.backend.connection_string(cls.connection),
                        bind_zones=cls.bind_zones)
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start(probe=cls.probe)


def point_dnspython_at(test_class, port):
    """pyspf resolves through dnspython's default resolver: make that ask 127.0.0.1:port only,
    never /etc/resolv.conf, until the class is done."""
    import dns.resolver  # python3-dnspython; only the tests that judge with pyspf need it

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    resolver.timeout = 3
    resolver.lifetime = 5
    test_class.addClassCleanup(setattr, dns.resolver, "default_resolver",
                               dns.resolver.default_resolver)
    dns.resolver.default_resolver = resolver


def spfctl_binary():
    """spfctl is built next to spf-backend."""
    return os.path.join(os.path.dirname(SETTINGS.binary), "spfctl")


def require_binary():
    if not SETTINGS.binary or not os.access(SETTINGS.binary, os.X_OK):
        raise AssertionError(
            f"spf-backend binary not found at {SETTINGS.binary!r}; build it first "
            "(bash deploy/build.sh) or pass --binary PATH")


def serial_is_date_based(serial):
    """YYYYMMDDnn with a real calendar date, not later than tomorrow (UTC)."""
    text = str(serial)
    if len(text) != 10:
        return False
    try:
        day = datetime.datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError:
        return False
    return day <= datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1)


# ----------------------------------------------------------------------------------------
# entry point


def _involved(workdir, failed):
    """Whether a work folder belongs to one of the failed tests (by class and, for folders
    made per test, by method name)."""
    cls, _, method = workdir.label.partition(".")
    return any(re.search(rf"\b{re.escape(cls)}\b", f) and (not method or method in f)
               for f in failed)


def _print_logs(workdir):
    for title, path in workdir.logs:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            continue
        lines = text.splitlines()
        shown = lines[-150:]
        print(f"\n===== {workdir.label}: {title} log ({path}, last {len(shown)} of "
              f"{len(lines)} lines) =====", file=sys.stderr)
        print("\n".join(shown), file=sys.stderr)
    print(f"===== {workdir.label}: files kept in {workdir.path}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--binary")
    parser.add_argument("--source-dir")
    parser.add_argument("--keep", action="store_true")
    known, rest = parser.parse_known_args()
    if known.source_dir:
        SETTINGS.source_dir = os.path.abspath(known.source_dir)
    SETTINGS.binary = os.path.abspath(
        known.binary or os.environ.get("SPF_BACKEND")
        or os.path.join(SETTINGS.source_dir, "build", "backend", "spf-backend"))
    SETTINGS.keep = known.keep

    # ctest and `timeout` send SIGTERM: unwind normally so cleanups and atexit run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    program = unittest.main(module="__main__", argv=[sys.argv[0], *rest], verbosity=2,
                            exit=False)
    result = program.result
    ok = result.wasSuccessful()
    _kill_everything()
    failed = [str(test) for test, _ in result.failures + result.errors]
    for wd in _workdirs:
        if _involved(wd, failed):
            _print_logs(wd)
        elif not SETTINGS.keep:
            shutil.rmtree(wd.path, ignore_errors=True)
    sys.exit(0 if ok else 1)
