#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Records real pdns traffic as fuzz seeds: a real pdns_server (one per connector mode:
unix, HTTP REST, post=1, post=1+post_json=1) talks to the real spf-backend through a
recording relay, while dig, kdig and pdnsutil ask the usual questions. The backend serves
the shipped zone and tests/fuzz/zones/ (macro mode: per-IP names), as the fuzz targets'
snapshot does. Writes what pdns sent into tests/fuzz/corpus/<target>/pdns-*. Everything
stays on 127.0.0.1 and in /tmp.

Inside a network namespace with only loopback, pdns also runs as a primary (primary=yes),
so that its getUpdatedMasters and setNotified calls are recorded too; elsewhere it is not,
since a primary looks up the addresses of the zone's NS names to NOTIFY them.

Run after changing the protocol layer, then review and commit the new seeds:
    tests/integration/in_netns.sh /usr/bin/python3 tests/fuzz/capture_seeds.py \
        --binary build/backend/spf-backend
"""

import hashlib
import os
import re
import shutil
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
MACRO = "spf-macro.connectoor.com"


def zones():
    """The zones of the fuzz targets' snapshot (fuzz_support.h shipped_snapshot())."""
    out = {}
    for folder, name in ((os.path.join(HERE, "..", "..", "zones"), f"{APEX}.toml"),
                         (os.path.join(HERE, "zones"), f"{MACRO}.toml")):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            out[name] = f.read()
    return out


def only_loopback():
    """True inside a network namespace whose only interface is lo."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


class Relay:
    """Accepts on `listen_sock`, connects each client to `connect()`, copies both ways, and
    keeps every byte the client (pdns) sent, one bytes object per connection."""

    def __init__(self, listen_sock, connect):
        self.listen_sock = listen_sock
        self.connect = connect
        self.streams = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listen_sock.accept()
            except OSError:
                return
            upstream = self.connect()
            record = bytearray()
            with self.lock:
                self.streams.append(record)
            threading.Thread(target=self._pipe, args=(client, upstream, record),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None),
                             daemon=True).start()

    @staticmethod
    def _pipe(src, dst, record):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if record is not None:
                    record.extend(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def http_messages(stream):
    """Splits a recorded HTTP/1.1 client stream into its requests (Content-Length bodies)."""
    out = []
    while stream:
        end = stream.find(b"\r\n\r\n")
        if end < 0:
            break
        head = stream[:end + 4]
        m = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
        length = int(m.group(1)) if m else 0
        out.append(bytes(stream[:end + 4 + length]))
        stream = stream[end + 4 + length:]
    return out


def http_request_seed(message):
    """`<target>\\n<zone id header>\\n<body>`: the input format of http_request_fuzz."""
    head, _, body = message.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    target = lines[0].split(b" ")[1]
    zone_id = b""
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-remotebackend-zone-id":
            zone_id = value.strip()
    return target + b"\n" + zone_id + b"\n" + body


class Seeds:
    def __init__(self):
        self.written = {}

    def add(self, target, data, tag):
        folder = os.path.join(CORPUS, target)
        os.makedirs(folder, exist_ok=True)
        name = f"pdns-{tag}-{hashlib.sha1(data).hexdigest()[:12]}"
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.written[target] = self.written.get(target, 0) + 1


def exercise(pdns):
    for qtype in ("SOA", "NS", "TXT", "A", "AAAA", "MX", "TYPE99", "CAA"):
        pdns.dig(APEX, qtype)
    pdns.dig(APEX.upper(), "TXT")
    pdns.dig(f"nonexistent.{APEX}", "TXT")
    pdns.dig(f"a.b.c.{APEX}", "A")
    pdns.dig(APEX, "ANY", "+tcp")
    pdns.dig(APEX, "TXT", "+dnssec")
    pdns.kdig(APEX, "TXT", "+tcp")
    pdns.dig(APEX, "AXFR")
    pdns.dig("example.org", "A")
    pdns.pdnsutil("list-zone", APEX)
    pdns.pdnsutil("check-zone", APEX)
    # Macro mode: listed and unlisted addresses, IPv6 nibbles in both cases, ancestors,
    # malformed names, _ip itself.
    v6 = ".".join("2a0104f80010000000000000000000ff")
    for name in ("85.10.214.77", "176.9.5.158", "176.9.5.159", "10.0.0.1", v6, v6.upper(),
                 ".".join("20010db8000000000000000000000025"), "85.10", "2.a.0.1", "x.y",
                 "256.1.1.1", "01.2.3.4"):
        pdns.dig(f"{name}._ip.{MACRO}", "TXT")
    pdns.dig(f"_ip.{MACRO}", "TXT")
    pdns.dig(MACRO, "TXT")
    pdns.dig(MACRO, "AXFR")


def capture(mode, seeds, primary):
    work = harness.Workdir(f"capture-{mode}")
    backend = harness.Backend(work, zones=zones(), unix=mode == "unix", http=mode != "unix")
    backend.start()
    if mode == "unix":
        path = work.sub("relay.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(64)
        conn = f"unix:path={path},timeout=2000"

        def connect():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(backend.socket_path)
            return s
    else:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        conn = backend.connection_string(mode).replace(f":{backend.http_port}/", f":{port}/")

        def connect():
            return socket.create_connection(("127.0.0.1", backend.http_port))
    relay = Relay(listener, connect)
    extra = {"primary": "yes", "xfr-cycle-interval": "1"} if primary else {}
    pdns = harness.Pdns(work, conn, extra=extra)
    pdns.start()
    exercise(pdns)
    if primary:
        time.sleep(2.5)  # a getUpdatedMasters cycle, NOTIFY, setNotified, another cycle
    pdns.stop()
    backend.stop()
    listener.close()

    with relay.lock:
        streams = [bytes(s) for s in relay.streams if s]
    for stream in streams:
        if mode == "unix":
            seeds.add("listener", b"\x00" + stream[:16384], mode)
            for line in stream.split(b"\n"):
                if line.strip():
                    seeds.add("envelope", line, mode)
        else:
            seeds.add("listener", b"\x01" + stream[:16384], mode)
            seeds.add("http_parser", b"\x00" + stream[:16384], mode)
            for message in http_messages(stream):
                seeds.add("http_parser", b"\x00" + message, mode)
                seeds.add("http_request", http_request_seed(message), mode)
                body = message.partition(b"\r\n\r\n")[2]
                if body.startswith(b"{"):
                    seeds.add("envelope", body, mode)


def main():
    seeds = Seeds()
    harness.require_binary()
    primary = only_loopback()
    if not primary:
        print("not in a loopback-only network namespace: no primary, no NOTIFY traffic")
    for mode in ("unix", "http", "http-post", "http-post-json"):
        capture(mode, seeds, primary)
    for target, n in sorted(seeds.written.items()):
        print(f"{target}: {n} new seeds")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(harness.SETTINGS.source_dir, "build",
                                                         "backend", "spf-backend"))
    args = parser.parse_args()
    harness.SETTINGS.binary = os.path.abspath(args.binary)
    try:
        main()
    finally:
        harness._kill_everything()
        for wd in harness._workdirs:
            shutil.rmtree(wd.path, ignore_errors=True)
