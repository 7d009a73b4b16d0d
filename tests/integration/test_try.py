#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: deploy/try.sh as a reader runs it, and every command its banner prints, run
exactly as printed; the customer-check examples of docs/customers.md; an edit, diff and
reload; then Ctrl-C.

try.sh binds fixed ports (127.0.0.1:5300, 8053, 8054), so this runs inside a network
namespace of its own (tests/integration/in_netns.sh), where a developer's try.sh is not
seen. It runs in a copy of the few files try.sh uses (deploy/, config/, zones/), with the
built programs linked into build/backend/ and stand-ins for install-deps.sh and build.sh
(ctest has built them), so its build/run and build/state are its own.

Run alone:  tests/integration/in_netns.sh /usr/bin/python3 tests/integration/test_try.py
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BANNER_END = "Ctrl-C stops both"
BANNER_TIMEOUT = 30
NEW_SENDER = "88.99.1.10"
STAND_IN_BUILD = """#!/usr/bin/env bash
# test_try.py's stand-in: ctest has built the programs; remember what was asked for
echo "$*" >build/build-targets
"""
STAND_IN_DEPS = "#!/usr/bin/env bash\n# test_try.py's stand-in: the packages are installed\n"


def copy_checkout(source, tree):
    """The files try.sh reads, as in a checkout; the built programs linked in."""
    for name in ("try.sh", "as-root.sh"):
        shutil.copy(os.path.join(source, "deploy", name), os.path.join(tree, "deploy", name))
    shutil.copytree(os.path.join(source, "deploy", "try"), os.path.join(tree, "deploy", "try"))
    for folder in ("config", "zones"):
        shutil.copytree(os.path.join(source, folder), os.path.join(tree, folder))
    for name, text in (("build.sh", STAND_IN_BUILD), ("install-deps.sh", STAND_IN_DEPS)):
        with open(os.path.join(tree, "deploy", name), "w", encoding="utf-8") as f:
            f.write(text)
    os.makedirs(os.path.join(tree, "build", "backend"))
    os.symlink(harness.SETTINGS.binary, os.path.join(tree, "build", "backend", "spf-backend"))
    os.symlink(harness.spfctl_binary(), os.path.join(tree, "build", "backend", "spfctl"))


def descendants(pid):
    """Every process below pid, from /proc's children lists."""
    found = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as f:
                children = [int(c) for c in f.read().split()]
        except FileNotFoundError:
            continue
        found += children
        todo += children
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def expected_output(line):
    """What a banner command prints when it works (besides exit status 0)."""
    for pattern, text in ((r"^dig ", harness.SHIPPED_TXT),
                          (r" customer check ", "problems:  none"),
                          (r" check$", "ok: 1 zone(s), 0 warning(s)"),
                          (r" diff$", ""),
                          (r" reload$", "reloaded in"),
                          (r" probe ", "SPF OK")):
        if re.search(pattern, line):
            return text
    raise AssertionError(f"a command this test does not know: {line}")


class TestTry(unittest.TestCase):
    """One try.sh for the whole class; the tests run in the order of their names."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # No backend or pdns of the harness: try.sh starts its own.
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        cls.tree = cls.work.sub("checkout")
        os.makedirs(os.path.join(cls.tree, "deploy"))
        copy_checkout(harness.SETTINGS.source_dir, cls.tree)
        log = cls.work.sub("try.log")
        cls.work.logs.append(("try.sh", log))
        cls.try_sh = harness.Process("try.sh", ["bash", "deploy/try.sh"], log, cwd=cls.tree)
        cls.try_sh.start()
        cls.addClassCleanup(cls.stop_try)
        cls.banner = cls.wait_for_banner()
        cls.children = descendants(cls.try_sh.pid)
        cls.commands = [line[6:] for line in cls.banner.splitlines()
                        if re.match(r"      \S", line)]
        cls.wait_for_dns()

    @classmethod
    def wait_for_banner(cls):
        deadline = time.monotonic() + BANNER_TIMEOUT
        while time.monotonic() < deadline:
            text = cls.try_sh.log()
            if BANNER_END in text:
                return text[text.index("spf-backend is ready"):text.index(BANNER_END)]
            if not cls.try_sh.alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"try.sh printed no banner:\n{cls.try_sh.log()}")

    @classmethod
    def wait_for_dns(cls):
        deadline = time.monotonic() + harness.PDNS_READY_TIMEOUT
        while time.monotonic() < deadline:
            done = cls.sh("dig @127.0.0.1 -p 5300 spf.connectoor.com TXT +short +time=1 +tries=1")
            if "v=spf1" in done.stdout:
                return
            time.sleep(0.2)
        raise AssertionError(f"try.sh's pdns does not answer:\n{cls.try_sh.log()}")

    @classmethod
    def stop_try(cls):
        cls.try_sh.stop(signal.SIGINT)
        for pid in cls.children:  # only if try.sh failed to stop its own
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    @classmethod
    def sh(cls, line):
        """A command line as a reader types it, in the checkout."""
        return subprocess.run(["bash", "-c", line], cwd=cls.tree, capture_output=True,
                              text=True, timeout=harness.CMD_TIMEOUT, stdin=subprocess.DEVNULL)

    def run_printed(self, pattern, expect_status=0):
        """The banner's first command line that matches `pattern`, run as printed."""
        lines = [c for c in self.commands if re.search(pattern, c)]
        self.assertTrue(lines, f"the banner has no command like {pattern!r}:\n{self.banner}")
        done = self.sh(lines[0])
        self.assertEqual(done.returncode, expect_status,
                         f"$ {lines[0]}\n{done.stdout}{done.stderr}")
        return done.stdout

    def test_1_builds_spfctl_too(self):
        with open(os.path.join(self.tree, "build", "build-targets"), encoding="utf-8") as f:
            self.assertEqual(f.read().split(), ["spf-backend", "spfctl"])

    def test_2_every_printed_command_works(self):
        self.assertEqual(self.commands[0], f"cd {self.tree}")
        spfctl = "build/backend/spfctl -c config/backend.toml "
        subcommands = {c[len(spfctl):].split()[0] for c in self.commands if c.startswith(spfctl)}
        self.assertEqual(subcommands, {"check", "diff", "reload", "probe", "customer"})
        for line in self.commands[1:]:
            with self.subTest(line=line):
                done = self.sh(line)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                self.assertIn(expected_output(line), done.stdout)

    def test_2_the_readme_shows_the_printed_commands(self):
        readme = harness.read_repo_file("README.md")
        part = readme[readme.index("## Operate a checkout"):]
        block = re.search(r"```sh\n(.*?)```", part, re.S).group(1)
        for line in block.splitlines():
            with self.subTest(line=line):
                self.assertIn(line.split(" #")[0].rstrip(), self.commands)

    def test_3_the_customer_examples_of_the_docs(self):
        # docs/customers.md shows commands and their output: both exactly as they are here.
        docs = harness.read_repo_file("docs", "customers.md")
        examples = re.findall(r"```\n\$ (build/backend/spfctl [^\n]*)\n(.*?)```", docs, re.S)
        self.assertEqual(len(examples), 2, "docs/customers.md: the two examples to try")
        for line, output in examples:
            with self.subTest(line=line):
                done = self.sh(line)
                self.assertIn(done.returncode, (1, 2), done.stderr)
                self.assertEqual(done.stdout, output)

    def test_4_an_edit_then_diff_and_reload(self):
        zone = os.path.join(self.tree, "zones", "spf.connectoor.com.toml")
        with open(zone, encoding="utf-8") as f:
            text = f.read() + f'\n[[senders]]\nip4 = "{NEW_SENDER}"\nnote = "mail4"\n'
        with open(zone + ".new", "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(zone + ".new", zone)  # saved by rename, as the banner says
        self.assertIn(NEW_SENDER, self.run_printed(r" check$"))
        self.assertIn(NEW_SENDER, self.run_printed(r" diff$", expect_status=1))
        self.assertIn(NEW_SENDER, self.run_printed(r" reload$"))
        self.assertIn(f"ip4:{NEW_SENDER}", self.run_printed(r"^dig "))
        self.run_printed(r" probe ")

    def test_5_ctrl_c_stops_both(self):
        self.assertTrue(self.children)
        status = self.try_sh.stop(signal.SIGINT)
        self.assertEqual(status, 0, self.try_sh.log())
        self.assertTrue(self.try_sh.log().rstrip().endswith("try: stopped"))
        self.assertEqual([pid for pid in self.children if alive(pid)], [])


if __name__ == "__main__":
    harness.main()
