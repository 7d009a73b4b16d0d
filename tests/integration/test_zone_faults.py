#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: bad things happen to the zone file while spf-backend serves it behind pdns.
Each gives a clear error (or a bounded load whose time and peak memory are printed), and
the last good record stays served throughout, which a watcher checks on every TXT answer:

* an editor rewriting the file in place, entry by entry, while reloads run;
* a partial file (cut inside an entry; cut after an entry is a valid, smaller zone and is
  published with a warning for every sender it drops);
* the file removed, unreadable, or a folder in its place; invalid UTF-8;
* a 100 MB file (refused by size before it is parsed);
* 1,000,000 [[senders]] entries: loaded on the reload thread while queries go on being
  answered (or refused), with the load time and the backend's peak RSS printed.

The backend runs without CAP_DAC_OVERRIDE (setpriv) when the tests run as root, so that a
file with mode 000 is unreadable to it as it would be to the service user.

Run alone:  /usr/bin/python3 tests/integration/test_zone_faults.py [--binary PATH]
"""

import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import load  # noqa: E402
from load import SENDERS_A, ZONE_FILE  # noqa: E402

GOOD = load.record(SENDERS_A)
# 15 addresses that do not aggregate: a rewrite in place has many valid prefixes.
NEW_SENDERS = [f"85.10.214.{2 * i + 1}" for i in range(15)]
NEW = load.record(NEW_SENDERS)
MAX_ZONE_FILE_BYTES = 64 * 1024 * 1024  # zone_loader.cpp
MILLION = 1_000_000

# Rewrites a file in place, entry by entry (each [[senders]] table its own write), over and
# over, pausing 0 to 60 ms in between: an editor or a script that truncates and writes, at
# its worst.
WRITER = r"""
import os, random, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
text = sys.stdin.read()
parts = text.split("[[senders]]")
chunks = [parts[0].encode()] + [("[[senders]]" + p).encode() for p in parts[1:]]
end = time.monotonic() + seconds
rewrites = 0
print("writing", flush=True)
while time.monotonic() < end:
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    for c in chunks:
        os.write(fd, c)
    os.close(fd)
    rewrites += 1
    time.sleep(random.uniform(0, 0.06))
print(rewrites)
"""


def without_dac_override():
    """argv prefix that runs a root process without the capabilities that bypass file
    permissions; empty when not root (permissions apply anyway)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--"]


def million_senders_text():
    """1,000,000 consecutive IPv4 addresses from 85.0.0.0, one [[senders]] table each. They
    aggregate into 7 networks, so the record fits and the zone is servable."""
    head = load.zone_text([]).rstrip("\n") + "\n\n"
    base = 85 << 24
    body = "".join(
        f'[[senders]]\nip4 = "{(n >> 24) & 255}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"\n'
        for n in range(base, base + MILLION))
    return head + body


MILLION_TXT = ("v=spf1 ip4:85.0.0.0/13 ip4:85.8.0.0/14 ip4:85.12.0.0/15 ip4:85.14.0.0/16 "
               "ip4:85.15.0.0/18 ip4:85.15.64.0/23 ip4:85.15.66.0/26 ~all")


class TestZoneFileFaults(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        wrapper = without_dac_override()
        if wrapper is None:
            raise unittest.SkipTest("setpriv is missing (util-linux)")
        cls.work = harness.Workdir(cls.__name__)
        cls.backend = load.TunedBackend(cls.work, zones={ZONE_FILE: load.zone_text(SENDERS_A)},
                                        admin=True, wrapper=wrapper)
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        cls.pdns = harness.Pdns(cls.work, cls.backend.connection_string("unix"))
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()
        cls.path = cls.backend.zone_path(ZONE_FILE)
        cls.sanitized = load.sanitized(cls.backend.process.pid)

    def setUp(self):
        self.allowed = {GOOD}  # records the watcher may see during this test
        self.watcher = load.Watcher(self.pdns.port, pause=0.005).start()

    def tearDown(self):
        self.watcher.stop()
        counts = self.watcher.counts()
        seen = {texts[0] if len(texts) == 1 else texts for (rcode, texts) in counts}
        self.assertEqual({rcode for rcode, _ in counts}, {"NOERROR"}, counts)
        self.assertLessEqual(seen, self.allowed, counts)
        # Put the good file back and serve it again, for the next test.
        if os.path.isdir(self.path) and not os.path.islink(self.path):
            os.rmdir(self.path)
        elif os.path.lexists(self.path):
            os.unlink(self.path)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(load.zone_text(SENDERS_A))
        reply = load.admin_reload(self.backend)
        self.assertTrue(reply["published"], reply)
        self.assertEqual(self.served(), GOOD)

    # -- helpers ---------------------------------------------------------------------------

    def served(self):
        r = self.pdns.dig(harness.APEX, "TXT")
        self.assertEqual(r.status, "NOERROR", str(r))
        return "".join(harness.txt_strings(r.answer[0].rdata))

    def assert_refused(self, pattern):
        """Reloads; the reload must be refused with a message matching pattern, the good
        record still served and /health still 200. Returns the message."""
        reply = load.admin_reload(self.backend)
        self.assertFalse(reply["published"], reply)
        matching = [m for m in reply["messages"] if re.search(pattern, m)]
        self.assertTrue(matching, reply["messages"])
        print(f"\n  refused: {matching[0].replace(self.backend.dir + '/', '')}", end="",
              file=sys.stderr)
        self.assertEqual(self.served(), GOOD)
        self.assertEqual(self.backend.admin_get("/health")[0], 200)
        return matching[0]

    def write(self, data):
        with open(self.path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    # -- the faults ------------------------------------------------------------------------

    def test_partial_file(self):
        text = load.zone_text(NEW_SENDERS)
        cut = text.index("[[senders]]", len(text) // 2) + len('[[senders]]\nip4 = "85.')
        self.write(text[:cut])
        self.assert_refused(re.escape(ZONE_FILE) + r":\d+:\d+: error: ")

    def test_partial_file_cut_after_an_entry_is_published_with_warnings(self):
        # Indistinguishable from an edit that removes the last senders: published, and
        # every dropped sender is named (docs/reliability.md: write zone files by rename).
        self.write(load.zone_text(SENDERS_A[:1]))
        reply = load.admin_reload(self.backend)
        self.assertTrue(reply["published"], reply)
        dropped = [m for m in reply["messages"] if "is no longer published" in m]
        self.assertEqual(len(dropped), 2, reply["messages"])
        self.allowed.add(load.record(SENDERS_A[:1]))

    def test_file_removed(self):
        os.unlink(self.path)
        self.assert_refused(r"error: no zone files \(\*\.toml\) in the zones folder")

    def test_file_unreadable(self):
        self.write(load.zone_text(NEW_SENDERS))
        os.chmod(self.path, 0)
        self.assert_refused(re.escape(ZONE_FILE) + r": error: cannot open for reading")

    def test_folder_instead_of_file(self):
        os.unlink(self.path)
        os.mkdir(self.path)
        self.assert_refused(re.escape(ZONE_FILE) + r": error: is not a regular file")

    def test_dangling_symlink(self):
        os.unlink(self.path)
        os.symlink(self.path + ".gone", self.path)
        self.assert_refused(re.escape(ZONE_FILE) + r": error: cannot read")

    def test_invalid_utf8(self):
        text = load.zone_text(NEW_SENDERS).encode()
        self.write(text.replace(b"\n[[senders]]", b'\nnote = "caf\xc3\x28"\n[[senders]]', 1))
        self.assert_refused(re.escape(ZONE_FILE) + r":\d+:\d+: error: .*invalid utf-8")

    def test_editor_writes_in_place(self):
        self.allowed.add(NEW)
        text = load.zone_text(NEW_SENDERS)
        writer = subprocess.Popen([sys.executable, "-c", WRITER, self.path, "3"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  preexec_fn=harness._die_with_parent)
        try:
            writer.stdin.write(text)
            writer.stdin.close()
            self.assertEqual(writer.stdout.readline().strip(), "writing")
            outcomes = {}
            while writer.poll() is None:
                reply = load.admin_reload(self.backend)
                if reply["published"]:
                    record = reply["zones"][0]["record"]
                    self.assertIn(record, (GOOD, NEW), reply)  # GOOD: before the first write
                    key = f"published, {reply['zones'][0]['senders']} senders"
                else:
                    errors = [m for m in reply["messages"] if ": error: " in m]
                    self.assertTrue(errors, reply)
                    self.assertIn(ZONE_FILE, errors[0])
                    key = "refused: " + re.sub(r"^.*?error: ", "", errors[0])[:70]
                outcomes[key] = outcomes.get(key, 0) + 1
            rewrites = int(writer.stdout.read())
        finally:
            if writer.poll() is None:
                writer.kill()
            writer.wait(timeout=10)
            writer.stdout.close()
        print(f"\n  {rewrites} rewrites in place in 3 s, {sum(outcomes.values())} reloads:",
              file=sys.stderr)
        for key, n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
            print(f"    {n:4d} x {key}", file=sys.stderr)
        # Every zone the backend published in the meantime was a whole file.
        published = {int(n) for n in re.findall(r"event=zone_loaded .*?senders=(\d+)",
                                                 self.backend.process.log())}
        self.assertLessEqual(published, {len(SENDERS_A), len(NEW_SENDERS)})
        # Once the writer is done, the file loads.
        reply = load.admin_reload(self.backend)
        self.assertTrue(reply["published"], reply)
        self.assertEqual(self.served(), NEW)

    def test_100_mb_file(self):
        with open(self.path, "wb") as f:
            f.write(load.zone_text(SENDERS_A).encode())
            line = b"# " + b"x" * 1021 + b"\n"
            for _ in range(100 * 1024):
                f.write(line)
        size = os.path.getsize(self.path)
        pid = self.backend.process.pid
        load.reset_peak(pid)
        before = load.proc_status(pid)
        started = time.monotonic()
        self.assert_refused(re.escape(ZONE_FILE) + rf": error: is {size} bytes, over the limit "
                            rf"of {MAX_ZONE_FILE_BYTES} bytes")
        seconds = time.monotonic() - started
        after = load.proc_status(pid)
        grew = after["VmHWM"] - before["VmRSS"]
        print(f"\n  {size / 1e6:.0f} MB zone file refused in {seconds:.2f} s; backend peak RSS "
              f"{load.mib(after['VmHWM']):.0f} MiB (+{load.mib(grew):.0f} MiB), RSS after "
              f"{load.mib(after['VmRSS']):.0f} MiB", file=sys.stderr)
        # Refused by its size, before a byte of it is read.
        if not self.sanitized:  # ASan's own memory is not ours
            self.assertLess(grew, 16 * 1024)
        self.assertLess(seconds, 2.0)

    def test_million_senders(self):
        text = million_senders_text()
        self.write(text)
        pid = self.backend.process.pid
        load.reset_peak(pid)
        before = load.proc_status(pid)
        answered_before = len(self.watcher.events)
        started = time.monotonic()
        reply = load.admin_reload(self.backend, timeout=120)
        seconds = time.monotonic() - started
        after = load.proc_status(pid)
        during = [t for t, _ in self.watcher.events[answered_before:] if t <= started + seconds]
        gaps = [b - a for a, b in zip([started] + during, during + [started + seconds])]
        outcome = "published" if reply["published"] else f"refused: {reply['messages'][:1]}"
        print(f"\n  {MILLION} [[senders]] ({len(text) / 1e6:.0f} MB): {outcome} in "
              f"{seconds:.1f} s; "
              f"backend peak RSS {load.mib(after['VmHWM']):.0f} MiB (+"
              f"{load.mib(after['VmHWM'] - before['VmRSS']):.0f} MiB), RSS after "
              f"{load.mib(after['VmRSS']):.0f} MiB; {len(during)} TXT answers during the load, "
              f"longest gap {max(gaps):.2f} s", file=sys.stderr)
        # The old record was served throughout the load (the watcher checks each answer),
        # without stalling.
        self.assertGreater(len(during), 10)
        self.assertLess(max(gaps), 1.5)
        self.assertLess(seconds, 60)
        self.assertLess(after["VmHWM"], 2 * 1024 * 1024, "peak RSS over 2 GiB")
        if reply["published"]:
            self.allowed.add(MILLION_TXT)
            self.assertEqual(self.served(), MILLION_TXT)
        else:
            self.assertTrue([m for m in reply["messages"] if ": error: " in m], reply)
            self.assertEqual(self.served(), GOOD)


if __name__ == "__main__":
    harness.main()
