#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box abuse of spf-backend's listeners (unix socket and HTTP), with the shipped
default [limits] (config/backend.toml), while pdns keeps asking over the unix socket and a
kept-alive HTTP client keeps asking too:

* slow clients trickling a request byte by byte are cut off after request_timeout_ms;
* oversize headers, bodies and unix-socket lines get an error reply and a close;
* pipelined garbage gets one error reply per line (HTTP: a 400 and a close), and a client
  that sends without reading is cut off once its replies back up;
* thousands of idle connections: max_connections per listener are kept, the rest are
  closed at once; pdns's connections and the kept-alive client go on being answered;
* requests for huge names are answered (with no records) or refused;
* every buffer of every allowed connection filled to just under the limits.

Every answer pdns gives during all this is the right record (a watcher checks each), the
backend never crashes, and its peak RSS (VmHWM, printed per test) stays under a bound
worked out from the limits.

Run alone:  /usr/bin/python3 tests/integration/test_abuse.py [--binary PATH]
"""

import http.client
import json
import os
import re
import resource
import select
import socket
import sys
import threading
import time
import tomllib
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import load  # noqa: E402
from load import SENDERS_A, ZONE_FILE  # noqa: E402

TXT = load.record(SENDERS_A)
KIB = 1024
MIB = 1024 * 1024


def shipped_limits():
    """The documented defaults: config/backend.toml's [limits] (which the backend under test
    does not set, so it runs with its built-in defaults; the two must agree)."""
    with open(os.path.join(harness.SETTINGS.source_dir, "config", "backend.toml"), "rb") as f:
        return tomllib.load(f)["limits"]


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def lookup_line(qname, qtype="TXT"):
    return (json.dumps({"method": "lookup", "parameters": {
        "qname": qname, "qtype": qtype, "zone-id": -1, "remote": "127.0.0.1",
        "local": "127.0.0.1", "real-remote": "127.0.0.1/32"}}) + "\n").encode()


def closed_by_peer(sock, timeout):
    """True once the peer has closed (EOF or reset) within timeout; drains replies."""
    deadline = time.monotonic() + timeout
    sock.setblocking(False)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if not poller.poll(left * 1000):
            continue
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except BlockingIOError:
            continue


def hung_up(sock, timeout):
    """True once the peer has closed within timeout, found without reading (a client that
    never reads must stay one)."""
    poller = select.poll()
    poller.register(sock, select.POLLRDHUP | select.POLLHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for _, events in poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
            if events & (select.POLLRDHUP | select.POLLHUP | select.POLLERR):
                return True
        time.sleep(0.05)  # POLLIN alone: replies waiting, which we do not read
    return False


def read_reply_lines(sock, count, timeout=10):
    """Reads `count` newline-terminated replies from a unix-socket connection."""
    sock.settimeout(timeout)
    buf = b""
    while buf.count(b"\n") < count:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return [json.loads(line) for line in buf.split(b"\n")[:count] if line]


class TestListenerAbuse(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.limits = shipped_limits()
        cls.max_conn = cls.limits["max_connections"]
        # Both sides need a file descriptor per connection: the backend inherits this.
        cls.fd_limit = raise_fd_limit(8192)

    def setUp(self):
        # A backend of its own per test, so that each peak RSS is this test's alone (freed
        # memory stays in the process, and would hide or inflate the next test's).
        # (short: the unix socket's path must stay under 108 bytes)
        self.work = harness.Workdir(f"{type(self).__name__}.{self._testMethodName[5:20]}")
        self.backend = load.TunedBackend(self.work,
                                         zones={ZONE_FILE: load.zone_text(SENDERS_A)},
                                         unix=True, http=True, admin=True)
        self.addCleanup(self.backend.stop)
        self.backend.start()
        self.pdns = harness.Pdns(self.work, self.backend.connection_string("unix"))
        self.addCleanup(self.pdns.stop)
        self.pdns.start()
        self.pid = self.backend.process.pid
        self.sanitized = load.sanitized(self.pid)
        # The legitimate HTTP client: one kept-alive connection, opened before any abuse.
        self.legit = http.client.HTTPConnection("127.0.0.1", self.backend.http_port, timeout=5)
        self.addCleanup(self.legit.close)
        self.assert_legit_http()
        self.sockets = []
        self.watcher = load.Watcher(self.pdns.port, timeout=2, pause=0.01).start()
        self.base_rss = load.proc_status(self.pid)["VmRSS"] * KIB
        load.reset_peak(self.pid)

    def assert_legit_http(self):
        self.legit.request("GET", f"/dns/lookup/{harness.APEX}./TXT")
        r = self.legit.getresponse()
        body = json.loads(r.read())
        self.assertEqual(r.status, 200, body)
        self.assertEqual([rr["content"] for rr in body["result"]], [f'"{TXT}"'], body)

    def tearDown(self):
        for s in self.sockets:
            s.close()
        self.watcher.stop()
        counts = self.watcher.counts()
        self.assertTrue(self.backend.process.alive(), self.backend.process.log())
        self.assertEqual(set(counts), {("NOERROR", (TXT,))}, counts)
        self.assert_legit_http()
        self.assertNotRegex(self.backend.process.log(), r"session_failed|level=error")

    # -- helpers ---------------------------------------------------------------------------

    def unix(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sockets.append(s)
        s.connect(self.backend.socket_path)
        return s

    def tcp(self):
        s = socket.create_connection(("127.0.0.1", self.backend.http_port), timeout=5)
        self.sockets.append(s)
        return s

    def peak(self, label, bound):
        """Prints and checks the backend's peak RSS (bytes) since setUp."""
        status = load.proc_status(self.pid)
        hwm, rss = status["VmHWM"] * KIB, status["VmRSS"] * KIB
        print(f"\n  {label}: backend peak RSS {hwm / MIB:.1f} MiB (at the start "
              f"{self.base_rss / MIB:.1f} MiB, bound {bound / MIB:.0f} MiB), RSS now "
              f"{rss / MIB:.1f} MiB; pdns answered {len(self.watcher.events)} TXT queries "
              f"meanwhile", file=sys.stderr)
        if not self.sanitized:  # ASan's shadow memory and quarantine are not ours
            self.assertLess(hwm, bound)

    def unix_served(self):
        """A fresh unix-socket connection gets its lookup answered."""
        s = self.unix()
        s.sendall(lookup_line(harness.APEX + "."))
        return read_reply_lines(s, 1)[0]["result"][0]["content"] == f'"{TXT}"'

    # -- the abuse -------------------------------------------------------------------------

    def test_slow_clients_are_cut_off_after_the_request_timeout(self):
        timeout_s = self.limits["request_timeout_ms"] / 1000
        request = (f"GET /dns/lookup/{harness.APEX}./TXT HTTP/1.1\r\nHost: x\r\n\r\n").encode()
        line = lookup_line(harness.APEX + ".")
        clients = [(self.tcp(), request) for _ in range(100)] + \
                  [(self.unix(), line) for _ in range(100)]
        started = time.monotonic()
        closed_at = {}
        sent = 0
        # One byte per client every 100 ms: no request is ever complete.
        while len(closed_at) < len(clients) and time.monotonic() - started < timeout_s + 5:
            for i, (s, data) in enumerate(clients):
                if i in closed_at:
                    continue
                try:
                    s.send(data[sent % (len(data) - 1):][:1])
                except OSError:
                    closed_at[i] = time.monotonic() - started
                    continue
                s.setblocking(False)
                try:
                    if s.recv(4096) == b"":
                        closed_at[i] = time.monotonic() - started
                except BlockingIOError:
                    pass
                except OSError:
                    closed_at[i] = time.monotonic() - started
            sent += 1
            time.sleep(0.1)
        print(f"\n  200 slow clients (100 HTTP, 100 unix), 1 byte each per 100 ms: "
              f"{len(closed_at)} cut off, after {min(closed_at.values(), default=0):.1f} to "
              f"{max(closed_at.values(), default=0):.1f} s (request_timeout_ms "
              f"{self.limits['request_timeout_ms']})", end="", file=sys.stderr)
        self.assertEqual(len(closed_at), len(clients))
        self.assertGreaterEqual(min(closed_at.values()), timeout_s - 0.5)
        self.assertLess(max(closed_at.values()), timeout_s + 3)
        self.peak("slow clients", self.base_rss + 16 * MIB)

    def test_oversize_headers_bodies_and_lines(self):
        max_header, max_body = self.limits["max_header_bytes"], self.limits["max_body_bytes"]
        outcomes = []
        for _ in range(20):
            big_header = self.tcp()
            big_header.sendall(b"GET /dns/getAllDomains HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                               b"a" * (4 * max_header) + b"\r\n\r\n")
            big_body = self.tcp()
            big_body.sendall(b"POST /dns/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: "
                             b"application/json\r\nContent-Length: " +
                             str(16 * max_body).encode() + b"\r\n\r\n" + b"{" * max_body)
            long_line = self.unix()
            try:
                long_line.sendall(b'{"method":"' + b"x" * (4 * max_body))
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed while we were still sending: as intended
            for s in (big_header, big_body):
                s.settimeout(5)
                head = s.recv(4096)
                outcomes.append(head.split(b"\r\n", 1)[0].decode())
                self.assertTrue(closed_by_peer(s, 5))
            self.assertTrue(closed_by_peer(long_line, 5))
        print(f"\n  20 x (header of {4 * max_header} B, body of {16 * max_body} B, unix line of "
              f"{4 * max_body} B): {sorted(set(outcomes))}, all closed", end="", file=sys.stderr)
        self.assertEqual(set(outcomes), {"HTTP/1.1 400 Bad Request"})
        self.assertTrue(self.unix_served())
        self.peak("oversize", self.base_rss + 16 * MIB)

    def test_pipelined_garbage(self):
        # A client that reads: one error reply per garbage line, then its lookup answered.
        s = self.unix()
        lines = 20000
        data = b"".join(b"garbage %d\n" % i for i in range(lines)) + lookup_line(harness.APEX + ".")
        sender = threading.Thread(target=s.sendall, args=(data,), daemon=True)
        sender.start()
        replies = read_reply_lines(s, lines + 1, timeout=30)
        sender.join(timeout=10)
        self.assertEqual(len(replies), lines + 1)
        self.assertTrue(all(r.get("result") is False or "error" in json.dumps(r)
                            for r in replies[:lines]), replies[:3])
        self.assertEqual(replies[-1]["result"][0]["content"], f'"{TXT}"')
        # Clients that send without ever reading: their replies back up, the backend stops
        # reading them and cuts them off after request_timeout_ms.
        flooders = [self.unix() for _ in range(10)]
        flood = b"garbage\n" * (64 * KIB)
        pushed = 0
        for f in flooders:
            f.setblocking(False)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for f in flooders:
                try:
                    pushed += f.send(flood)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    pass
            time.sleep(0.01)
        timeout_s = self.limits["request_timeout_ms"] / 1000
        self.assertTrue(all(hung_up(f, timeout_s + 5) for f in flooders))
        # HTTP: garbage gets one 400, then the connection is closed.
        h = self.tcp()
        h.sendall(b"NOT HTTP AT ALL\r\n\r\n" * 1000)
        h.settimeout(5)
        self.assertTrue(h.recv(4096).startswith(b"HTTP/1.1 400"))
        self.assertTrue(closed_by_peer(h, 5))
        print(f"\n  {lines} garbage lines answered one by one; 10 non-reading clients pushed "
              f"{pushed / MIB:.1f} MiB before being cut off; HTTP garbage: 400 and close",
              end="", file=sys.stderr)
        self.peak("pipelined garbage", self.base_rss + 16 * MIB)

    def test_thousands_of_idle_connections(self):
        per_listener = 2000
        self.assertGreater(self.fd_limit, 2 * per_listener + 200, "RLIMIT_NOFILE too low")
        # pdns opens a connection per backend instance (each distributor thread, TCP) on
        # first use: let it open them all before the slots run out.
        for _ in range(20):
            self.pdns.dig(harness.APEX, "TXT")
        self.pdns.dig(harness.APEX, "TXT", "+tcp")
        unix_before = load.metric(self.backend, "spf_backend_connections", 'connector="unix"')
        http_before = load.metric(self.backend, "spf_backend_connections", 'connector="http"')
        started = time.monotonic()
        idle_unix = [self.unix() for _ in range(per_listener)]
        idle_http = [self.tcp() for _ in range(per_listener)]
        opened = time.monotonic() - started
        time.sleep(1.5)  # the refused ones are closed right after accept

        def kept(socks):
            poller = select.poll()
            by_fd = {s.fileno(): s for s in socks}
            for fd in by_fd:
                poller.register(fd, select.POLLIN)
            closed = 0
            for fd, _ in poller.poll(0):
                try:
                    closed += by_fd[fd].recv(1) == b""
                except OSError:
                    closed += 1
            return len(socks) - closed

        kept_unix, kept_http = kept(idle_unix), kept(idle_http)
        # Legitimate traffic meanwhile: pdns's connections (opened before) and the kept-alive
        # HTTP client are answered; a new connection is not (all slots are taken).
        self.assert_legit_http()
        r = self.pdns.dig(harness.APEX, "TXT")
        self.assertEqual(r.status, "NOERROR", str(r))
        fds = load.open_fds(self.pid)
        status = load.proc_status(self.pid)
        print(f"\n  {per_listener} idle connections to each listener opened in {opened:.1f} s: "
              f"unix kept {kept_unix} (+{unix_before:.0f} of pdns), http kept {kept_http} "
              f"(+{http_before:.0f} legitimate), the rest closed at once; backend fds {fds}, "
              f"RSS {load.mib(status['VmRSS']):.1f} MiB", end="", file=sys.stderr)
        self.assertEqual(kept_unix + unix_before, self.max_conn)
        self.assertEqual(kept_http + http_before, self.max_conn)
        for connector in ("unix", "http"):
            self.assertEqual(load.metric(self.backend, "spf_backend_connections",
                                         f'connector="{connector}"'), self.max_conn)
        # Bound: ~16 KiB per session (socket object, timers, a 4 KiB read chunk, buffers) for
        # 2 x max_connections, on top of what it started with; 64 MiB is far above that.
        self.peak("thousands of idle connections", 64 * MIB)
        for s in idle_unix + idle_http:
            s.close()
        self.sockets = []
        # Once they are gone, new connections are served again.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if load.metric(self.backend, "spf_backend_connections", 'connector="unix"') \
                    <= unix_before:
                break
            time.sleep(0.05)
        self.assertTrue(self.unix_served())

    def test_huge_names(self):
        s = self.unix()
        max_body = self.limits["max_body_bytes"]
        names = [
            "a" * (max_body - 200) + ".",                 # one enormous label
            "a." * ((max_body - 200) // 2),               # tens of thousands of labels
            "x." * 200 + harness.APEX + ".",              # below the zone, far too long
            ("%{i}." * 1000) + "_ip." + harness.APEX + ".",  # macro-looking
            "\u00e9\u0000\uffff." + harness.APEX + ".",   # not a host name at all
        ]
        for name in names:
            s.sendall(lookup_line(name))
            reply = read_reply_lines(s, 1)[0]
            self.assertIn(reply.get("result"), (False, []), reply)
        # Over HTTP: a long name in the URL, within and beyond the header limit.
        for length, expect in ((self.limits["max_header_bytes"] // 2, 200),
                               (self.limits["max_header_bytes"] * 2, 400)):
            c = http.client.HTTPConnection("127.0.0.1", self.backend.http_port, timeout=5)
            c.request("GET", "/dns/lookup/" + "b" * length + "./TXT")
            r = c.getresponse()
            r.read()
            c.close()
            self.assertEqual(r.status, expect)
        # Through pdns: the longest legal names under the zone, and a label of 63 octets.
        for name in ("a" * 63 + "." + harness.APEX,
                     ".".join(["b" * 60] * 3) + "." + harness.APEX):
            r = self.pdns.dig(name, "TXT")
            self.assertEqual(r.status, "NXDOMAIN", str(r))
        self.assertTrue(self.unix_served())
        self.peak("huge names", self.base_rss + 16 * MIB)

    def test_every_connection_with_full_buffers(self):
        # Worst case the limits allow: every connection slot holding a request just short of
        # complete. Per unix connection at most max_body_bytes of line (the buffer may have
        # grown to twice that) plus a 4 KiB chunk; per HTTP connection a header and a body
        # within their limits, held by the read buffer and the parsed body.
        max_header, max_body = self.limits["max_header_bytes"], self.limits["max_body_bytes"]
        n = self.max_conn - 8  # leave room for pdns's and the legitimate connections
        line = b'{"method":"' + b"x" * (max_body - 100)
        body_head = (b"POST /dns/lookup HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                     b"p" * (max_header - 200) + b"\r\nContent-Length: " +
                     str(max_body).encode() + b"\r\n\r\n")
        body = b"{" * (max_body - 100)
        started = time.monotonic()
        for _ in range(n):
            self.unix().sendall(line)
            self.tcp().sendall(body_head + body)
        time.sleep(1)
        per_unix = 2 * max_body + 8 * KIB
        per_http = 2 * (max_header + max_body) + 8 * KIB + max_body
        bound = self.base_rss + n * (per_unix + per_http) + 16 * MIB
        print(f"\n  {n} unix + {n} HTTP connections, each holding "
              f"{len(line) / KIB:.0f}/{(len(body_head) + len(body)) / KIB:.0f} KiB of an "
              f"unfinished request, sent in {time.monotonic() - started:.1f} s", end="",
              file=sys.stderr)
        self.assertTrue(self.backend.process.alive(), self.backend.process.log())
        r = self.pdns.dig(harness.APEX, "TXT")
        self.assertEqual(r.status, "NOERROR", str(r))
        self.assert_legit_http()
        self.peak("every connection with full buffers", bound)
        # And they are all cut off by the request timeout.
        timeout_s = self.limits["request_timeout_ms"] / 1000
        self.assertTrue(closed_by_peer(self.sockets[0], timeout_s + 5))


class TestOpenFileLimit(unittest.TestCase):
    """Started from a shell whose soft limit of open files (256) is far below what two full
    listeners need, the backend raises its own soft limit (within the hard one), so that
    max_connections, not EMFILE, is what refuses connections."""

    def test_soft_limit_is_raised_for_max_connections(self):
        harness.require_binary()
        max_conn = shipped_limits()["max_connections"]
        raise_fd_limit(8192)
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        needed = 2 * max_conn + 64
        if hard != resource.RLIM_INFINITY and hard < needed:
            self.skipTest(f"hard limit of open files {hard} is below {needed}")
        work = harness.Workdir("TestOpenFileLimit")
        backend = load.TunedBackend(work, zones={ZONE_FILE: load.zone_text(SENDERS_A)},
                                    unix=True, http=True,
                                    wrapper=["sh", "-c", 'ulimit -Sn 256 && exec "$@"', "sh"])
        self.addCleanup(backend.stop)
        backend.start()
        with open(f"/proc/{backend.process.pid}/limits", encoding="ascii") as f:
            soft = int(re.search(r"^Max open files\s+(\d+)", f.read(), re.M).group(1))
        log = backend.process.log()
        self.assertRegex(log, rf"event=fd_limit_raised from=256 to={needed}\b")
        self.assertEqual(soft, needed)
        socks = []
        self.addCleanup(lambda: [s.close() for s in socks])
        for _ in range(max_conn + 20):
            for family, where in ((socket.AF_UNIX, backend.socket_path),
                                  (socket.AF_INET, ("127.0.0.1", backend.http_port))):
                s = socket.socket(family, socket.SOCK_STREAM)
                socks.append(s)
                s.connect(where)
        time.sleep(1)
        fds = load.open_fds(backend.process.pid)
        print(f"\n  started with a soft limit of 256 open files: raised to {soft}; with "
              f"{len(socks)} connections open it holds {fds} descriptors", end="",
              file=sys.stderr)
        self.assertNotIn("accept_failed", backend.process.log())
        self.assertGreaterEqual(fds, 2 * max_conn)


if __name__ == "__main__":
    harness.main()
