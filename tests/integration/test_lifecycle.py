#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: spf-backend's life as a process, without pdns: SIGTERM and SIGINT stop it
cleanly, a stale socket file from a crash does not stop it starting, and the SOA serial is
remembered in the state folder (same content: same serial; new content: higher serial),
and SIGHUP publishes a changed zone but keeps serving the old one when the new one is bad.
Answers are read with the remote-backend protocol over the unix socket.

Run alone:  /usr/bin/python3 tests/integration/test_lifecycle.py [--binary PATH]
"""

import os
import re
import signal
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX, SERIAL_FLOOR  # noqa: E402

ZONE_FILE = "spf.connectoor.com.toml"


def soa_serial(backend):
    init, reply = backend.unix_call(
        {"method": "initialize", "parameters": {"path": backend.socket_path, "timeout": "2000"}},
        {"method": "lookup", "parameters": {"qname": APEX + ".", "qtype": "SOA", "zone-id": -1,
                                            "remote": "0.0.0.0", "local": "0.0.0.0",
                                            "real-remote": "0.0.0.0/0"}})
    assert init.get("result") is True, init
    records = reply.get("result")
    assert isinstance(records, list) and len(records) == 1, reply
    assert records[0]["qtype"] == "SOA", reply
    return int(records[0]["content"].split()[2])


class TestLifecycle(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        harness.require_binary()
        self.work = harness.Workdir(f"TestLifecycle.{self._testMethodName}")

    def start(self, **kwargs):
        backend = harness.Backend(self.work, **kwargs)
        self.addCleanup(backend.stop, signal.SIGKILL)
        backend.start()
        return backend

    def assert_clean_stop(self, signum):
        backend = self.start(unix=True, http=True)
        self.assertEqual(len(re.findall(r"\bevent=ready\b", backend.process.log())), 1)
        backend.process.send_signal(signum)
        status = backend.process.wait(timeout=harness.STOP_TIMEOUT)
        log = backend.process.log()
        self.assertEqual(status, 0, log)
        self.assertFalse(os.path.exists(backend.socket_path), f"socket left behind\n{log}")
        with socket.socket() as s:
            self.assertNotEqual(s.connect_ex(("127.0.0.1", backend.http_port)), 0, log)

    def test_sigterm_stops_cleanly(self):
        self.assert_clean_stop(signal.SIGTERM)

    def test_sigint_stops_cleanly(self):
        self.assert_clean_stop(signal.SIGINT)

    def test_stale_socket_file_is_replaced(self):
        backend = harness.Backend(self.work, unix=True)
        # what a SIGKILLed backend leaves: a socket file nobody listens on
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.bind(backend.socket_path)
        self.assertTrue(os.path.exists(backend.socket_path))
        self.addCleanup(backend.stop, signal.SIGKILL)
        backend.start()
        self.assertGreaterEqual(soa_serial(backend), SERIAL_FLOOR)

    def test_serial_is_remembered(self):
        backend = self.start(unix=True)
        first = soa_serial(backend)
        self.assertGreaterEqual(first, SERIAL_FLOOR)
        self.assertTrue(harness.serial_is_date_based(first), first)
        self.assertEqual(backend.stop(), 0, backend.process.log())
        self.assertTrue(os.listdir(backend.state_dir), "nothing written to the state folder")

        # same content, restarted: same serial
        backend.start()
        self.assertEqual(soa_serial(backend), first)
        self.assertEqual(backend.stop(), 0, backend.process.log())

        # one more sender: a higher serial, and it stays after another restart
        path = backend.zone_path(ZONE_FILE)
        with open(path, "a", encoding="utf-8") as f:
            f.write('\n[[senders]]\nip4 = "192.0.2.77"\nnote = "new host"\n')
        backend.start()
        second = soa_serial(backend)
        self.assertGreater(second, first)
        self.assertEqual(backend.stop(), 0, backend.process.log())
        backend.start()
        self.assertEqual(soa_serial(backend), second)

    # SIGHUP reload (style.md habits 2, 6, 7: build aside, publish only if valid).

    def wait_for_serial(self, backend, predicate, timeout=5):
        deadline = time.monotonic() + timeout
        serial = soa_serial(backend)
        while not predicate(serial) and time.monotonic() < deadline:
            time.sleep(0.05)
            serial = soa_serial(backend)
        return serial

    def test_sighup_publishes_a_changed_zone(self):
        backend = self.start(unix=True)
        first = soa_serial(backend)
        with open(backend.zone_path(ZONE_FILE), "a", encoding="utf-8") as f:
            f.write('\n[[senders]]\nip4 = "192.0.2.77"\nnote = "new host"\n')
        backend.process.send_signal(signal.SIGHUP)
        second = self.wait_for_serial(backend, lambda s: s != first)
        self.assertGreater(second, first, backend.process.log())
        self.assertIn("ip4:192.0.2.77", txt_content(backend), backend.process.log())
        self.assertTrue(backend.process.alive(), backend.process.log())

    def test_sighup_keeps_serving_when_the_zone_turns_bad(self):
        backend = self.start(unix=True)
        first = soa_serial(backend)
        before = txt_content(backend)
        with open(backend.zone_path(ZONE_FILE), "a", encoding="utf-8") as f:
            f.write('\n[[senders]]\nip4 = "123.4.5.678/90"\nnote = "typo"\n')
        backend.process.send_signal(signal.SIGHUP)
        # the refusal is logged with the position; the old snapshot stays
        deadline = time.monotonic() + 5
        while "123.4.5.678/90" not in backend.process.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        log = backend.process.log()
        self.assertRegex(log, re.escape(ZONE_FILE) + r":\d+:\d+: error: .*123\.4\.5\.678/90")
        self.assertTrue(backend.process.alive(), log)
        self.assertEqual(soa_serial(backend), first, log)
        self.assertEqual(txt_content(backend), before, log)


def txt_content(backend):
    _, reply = backend.unix_call(
        {"method": "initialize", "parameters": {"path": backend.socket_path, "timeout": "2000"}},
        {"method": "lookup", "parameters": {"qname": APEX + ".", "qtype": "TXT", "zone-id": -1,
                                            "remote": "127.0.0.1", "local": "127.0.0.1",
                                            "real-remote": "127.0.0.1/32"}})
    records = reply.get("result")
    assert isinstance(records, list) and len(records) == 1, reply
    return records[0]["content"]


if __name__ == "__main__":
    harness.main()
