#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: a zone file with an invalid sender is refused with `file:line:col: error:`,
both by `spf-backend --check` (exit 1) and at start-up (non-zero exit, never ready); the
shipped configuration passes `--check`.

Run alone:  /usr/bin/python3 tests/integration/test_refuse.py [--binary PATH]
"""

import os
import re
import socket
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ZONE_FILE = "spf.connectoor.com.toml"
BAD_SENDER = "123.4.5.678/90"


def zone_with_bad_sender():
    """The shipped zone plus one invalid sender; returns (text, line, column) of the bad
    value, 1-based, the column being that of its opening quote (toml++ source().begin)."""
    text = harness.read_repo_file("zones", ZONE_FILE).rstrip("\n") + "\n\n"
    text += '[[senders]]\nnote = "typo in the last octet and the prefix"\n'
    line_text = f'ip4 = "{BAD_SENDER}"'
    line = text.count("\n") + 1
    text += line_text + "\n"
    return text, line, line_text.index('"') + 1


class RefuseBase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        harness.require_binary()
        self.work = harness.Workdir(self.id().rsplit(".", 2)[-2] + "." + self._testMethodName)

    def diagnostic_regex(self, line, col, text):
        # `<file>:<line>:<col>: error: ... <text> ...` on one line; the file may be written
        # relative or absolute, so only its name is pinned down.
        return re.compile(r"^(?P<file>\S*" + re.escape(ZONE_FILE) + rf"):{line}:{col}: error: "
                          r".*" + re.escape(text), re.M)

    def assert_names_zone_file(self, output, backend, line, col, text):
        m = self.diagnostic_regex(line, col, text).search(output)
        self.assertIsNotNone(m, f"expected '{ZONE_FILE}:{line}:{col}: error: ...{text}...' in:\n"
                                f"{output}")
        named = m.group("file")
        if not os.path.isabs(named):
            # relative to where we ran it (the backend folder), or to the config's folder
            named = os.path.join(backend.dir, named)
        self.assertTrue(os.path.exists(named) and
                        os.path.samefile(named, backend.zone_path(ZONE_FILE)),
                        f"{m.group('file')!r} is not the zone file\n{output}")


class TestRefuseBadSender(RefuseBase):
    def setUp(self):
        super().setUp()
        text, self.line, self.col = zone_with_bad_sender()
        self.backend = harness.Backend(self.work, zones={ZONE_FILE: text}, unix=True, http=True)
        self.backend.http_port = harness.free_port()
        self.addCleanup(self.backend.stop)

    def test_check_exits_1_with_position(self):
        p = self.backend.check()
        output = p.stdout + p.stderr
        self.assertEqual(p.returncode, 1, output)
        self.assert_names_zone_file(output, self.backend, self.line, self.col, BAD_SENDER)

    def test_serve_refuses_to_start(self):
        self.backend.write_config()
        log_path = os.path.join(self.backend.dir, "serve.log")
        self.work.logs.append(("backend", log_path))
        proc = harness.Process("backend", self.backend.argv(), log_path,
                               cwd=self.backend.dir).start()
        self.backend.process = proc
        try:
            status = proc.wait(timeout=harness.READY_TIMEOUT)
        except Exception:
            self.fail(f"backend kept running with an invalid zone:\n{proc.log()}")
        output = proc.log()
        self.assertNotEqual(status, 0, output)
        self.assertNotRegex(output, r"\bevent=ready\b")
        self.assert_names_zone_file(output, self.backend, self.line, self.col, BAD_SENDER)
        # nothing was left listening
        self.assertFalse(os.path.exists(self.backend.socket_path), output)
        with socket.socket() as s:
            self.assertNotEqual(s.connect_ex(("127.0.0.1", self.backend.http_port)), 0, output)


class TestCheckShipped(RefuseBase):
    def test_shipped_zone_passes_check(self):
        backend = harness.Backend(self.work, zones=None, unix=True)
        p = backend.check()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotRegex(p.stdout + p.stderr, r": error: ")

    def test_shipped_config_passes_check(self):
        # config/backend.toml exactly as shipped (paths relative to config/)
        config = os.path.join(harness.SETTINGS.source_dir, "config", "backend.toml")
        p = harness.run([harness.SETTINGS.binary, "--config", config, "--check"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_help_and_version(self):
        for flag in ("--help", "--version"):
            with self.subTest(flag=flag):
                p = harness.run([harness.SETTINGS.binary, flag])
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertTrue((p.stdout + p.stderr).strip(), flag)


if __name__ == "__main__":
    harness.main()
