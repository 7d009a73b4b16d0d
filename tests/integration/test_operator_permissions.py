#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: every spfctl command run by users without privileges against a layout of
permissions like production's, next to a running spf-backend and pdns_server.

The layout: the settings file root:daemon 0640 (the service's group may read it), the zones
folder root 0755 with 0644 files, the state folder daemon:daemon 0750 (the service user's,
as systemd's StateDirectory= makes it), the pdns socket root:daemon 0660. `daemon` stands in
for the service user and group. The callers: nobody without groups (a monitoring user) and
nobody with the group daemon (an operator in the service's group).

Each command either works or ends with its documented exit status (docs/operations.md,
"Exit statuses") and one line that names the path or endpoint and what to do; never a
crash (an exit status of 128 or more).

Run alone:  /usr/bin/python3 tests/integration/test_operator_permissions.py [--binary PATH]
"""

import grp
import os
import pwd
import shutil
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

SERVICE = "daemon"  # the service's user and group in this layout
DOCUMENTED = {0, 1, 2, 3}
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
GROUP_MEMBER = ["setpriv", "--reuid=nobody", "--regid=nogroup", f"--groups={SERVICE}"]


@unittest.skipUnless(os.geteuid() == 0, "needs root to set owners and to change user")
class TestOperatorPermissions(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        cls.backend = harness.Backend(cls.work, admin=True)
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        cls.pdns = harness.Pdns(cls.work, cls.backend.connection_string("unix"))
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()
        # The tool where any user may run it (the build folder may be closed to them).
        cls.tool = cls.work.sub("spfctl")
        shutil.copy(harness.spfctl_binary(), cls.tool)
        os.chmod(cls.tool, 0o755)
        gid = grp.getgrnam(SERVICE).gr_gid
        b = cls.backend
        for folder in (cls.work.path, b.dir, b.zones_dir):
            os.chmod(folder, 0o755)
        for name in os.listdir(b.zones_dir):
            os.chmod(os.path.join(b.zones_dir, name), 0o644)
        os.chown(b.config_path, 0, gid)
        os.chmod(b.config_path, 0o640)
        os.chown(b.socket_path, 0, gid)
        os.chmod(b.socket_path, 0o660)
        harness.run(cls.command([], "reload"))  # the serials file exists, as in production
        os.chown(b.state_dir, pwd.getpwnam(SERVICE).pw_uid, gid)
        os.chmod(b.state_dir, 0o750)
        cls.serials = os.path.join(b.state_dir, "serials")

    @classmethod
    def command(cls, as_user, *args, config=None):
        return [*as_user, cls.tool, "--config", config or cls.backend.config_path, *args]

    def spfctl(self, as_user, *args, config=None):
        r = harness.run(self.command(as_user, *args, config=config))
        self.assertIn(r.returncode, DOCUMENTED, f"{args}: {r.stdout}{r.stderr}")
        return r

    def assert_one_line(self, r, status, *parts):
        """Failed with `status` and one line on stderr, nothing on stdout, holding `parts`."""
        self.assertEqual(r.returncode, status, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        for part in parts:
            self.assertIn(part, r.stderr)

    def probe(self, as_user, *extra, config=None):
        return self.spfctl(as_user, "probe", "--server", "127.0.0.1", "--port",
                           str(self.pdns.port), "--timeout-ms", "1000", *extra, config=config)

    def customer_check(self, as_user, config=None):
        return self.spfctl(as_user, "customer", "check", APEX, "--server", "127.0.0.1",
                           "--port", str(self.pdns.port), "--timeout-ms", "1000", config=config)

    def readable_settings(self):
        """The settings at 0644, as the package installs them: then the state folder stops
        nobody; set back afterwards."""
        os.chmod(self.backend.config_path, 0o644)
        self.addCleanup(os.chmod, self.backend.config_path, 0o640)

    # -- nobody, the settings closed to them ------------------------------------------------

    def test_settings_closed_to_nobody(self):
        expected = [self.backend.config_path + ": cannot open for reading: permission denied "
                    "for user nobody", f"(run as root or as a member of group {SERVICE})"]
        for args in (["check"], ["diff"], ["reload"]):
            with self.subTest(args=args):
                self.assert_one_line(self.spfctl(NOBODY, *args), 3, *expected)
        self.assert_one_line(self.customer_check(NOBODY), 3, *expected)
        r = self.probe(NOBODY)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 1, r.stdout)
        self.assertTrue(r.stdout.startswith("SPF UNKNOWN - "), r.stdout)
        self.assertIn("--no-drift", r.stdout)
        for part in expected:
            self.assertIn(part, r.stdout)
        r = self.probe(NOBODY, "--no-drift")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("SPF OK - "), r.stdout)

    # -- nobody, the settings readable, the state folder closed -----------------------------

    def test_state_closed_to_nobody(self):
        self.readable_settings()
        # check and diff show the serial a reload would give: they need the state.
        for args in (["check"], ["diff"]):
            with self.subTest(args=args):
                self.assert_one_line(
                    self.spfctl(NOBODY, *args), 3,
                    self.serials + ": cannot read: permission denied for user nobody: the "
                    f"folder {self.backend.state_dir} is {SERVICE}:{SERVICE}, mode 0750 "
                    f"(run as root or as a member of group {SERVICE})")
        # The record does not depend on the serial: the probe and customer checks need no state.
        r = self.probe(NOBODY)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("SPF OK - "), r.stdout)
        self.assertNotIn(self.serials, r.stdout + r.stderr)
        r = self.customer_check(NOBODY)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        self.assertIn(f"customer {APEX}", r.stdout)
        # The admin endpoint is loopback TCP without authentication: any local user reloads.
        self.assertEqual(self.spfctl(NOBODY, "reload").returncode, 0)

    def test_zones_closed_to_nobody(self):
        self.readable_settings()
        os.chmod(self.backend.zones_dir, 0o700)
        self.addCleanup(os.chmod, self.backend.zones_dir, 0o755)
        line = (self.backend.zones_dir + ": cannot be listed: permission denied for user nobody: "
                "the folder is root:root, mode 0700 (run as root)")
        self.assert_one_line(self.spfctl(NOBODY, "check"), 3, line)
        self.assert_one_line(self.customer_check(NOBODY), 3, line)
        r = self.probe(NOBODY)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "SPF UNKNOWN - cannot compare with the zone files "
                                   f"(--no-drift skips that): {line}\n")

    def test_probe_with_nothing_to_compare_is_unknown(self):
        # Drift needs the files' record: a name no zone file serves, or zone files that a
        # reload would refuse, leave nothing to compare with, and OK would be a guess.
        r = self.probe(GROUP_MEMBER, "--name", "other.example.")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "SPF UNKNOWN - cannot compare with the zone files "
                         f"(--no-drift skips that): {self.backend.zones_dir}: no zone file "
                         "serves other.example. (check --name, or --no-drift)\n")
        broken = self.work.sub("broken-zones")
        os.makedirs(broken, exist_ok=True)
        with open(os.path.join(broken, APEX + ".toml"), "w", encoding="utf-8") as f:
            f.write("zone = \"" + APEX + "\"\nsenders = [\n")
        os.chmod(broken, 0o755)
        os.chmod(os.path.join(broken, APEX + ".toml"), 0o644)
        with open(self.backend.config_path, encoding="utf-8") as f:
            text = f.read()
        # Relative paths resolve against the settings file's folder: a copy beside it.
        config = os.path.join(self.backend.dir, "broken-zones.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace('dir = "zones"', 'dir = "../broken-zones"'))
        os.chmod(config, 0o644)
        r = self.probe(NOBODY, config=config)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith(
            "SPF UNKNOWN - cannot compare with the zone files (--no-drift skips that): "
            f"{broken}: the zone files are invalid (spfctl check shows why)\n"), r.stdout)

    # -- a member of the service's group: read, but not write, access -----------------------

    def test_group_member_runs_every_command(self):
        self.assertFalse(os.stat(self.backend.state_dir).st_mode & 0o020)  # no group write
        r = self.spfctl(GROUP_MEMBER, "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(unchanged)", r.stdout)  # the serial, from the state it may read
        r = self.spfctl(GROUP_MEMBER, "diff")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.spfctl(GROUP_MEMBER, "reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for extra in ([], ["--no-drift"]):
            r = self.probe(GROUP_MEMBER, *extra)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(r.stdout.startswith("SPF OK - "), r.stdout)
        r = self.customer_check(GROUP_MEMBER)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)

    # -- settings that are not there, or not a file; a backend that does not answer ---------

    def test_missing_settings_suggest_dash_c(self):
        missing = self.work.sub("nowhere", "backend.toml")
        for args in (["check"], ["diff"], ["reload"]):
            with self.subTest(args=args):
                self.assert_one_line(
                    self.spfctl(NOBODY, *args, config=missing), 3,
                    missing + ": cannot read: no such file or folder (give the settings file "
                    "with -c FILE; in a checkout: -c config/backend.toml)")
        r = self.probe(NOBODY, config=missing)
        self.assertEqual(r.returncode, 3)
        self.assertTrue(r.stdout.startswith("SPF UNKNOWN - "), r.stdout)
        self.assertIn("-c config/backend.toml", r.stdout)

    def test_folder_as_settings(self):
        folder = self.backend.dir
        self.assert_one_line(self.spfctl(NOBODY, "check", config=folder), 3,
                             folder + ": is not a regular file: it is a folder (give the file: "
                             f"-c {folder}/backend.toml)")

    def test_backend_not_answering(self):
        # The same settings but an admin port nothing listens on: a stopped backend.
        with open(self.backend.config_path, encoding="utf-8") as f:
            text = f.read()
        port = harness.free_port()
        text = text.replace(f"port = {self.backend.admin_port}", f"port = {port}")
        stopped = self.work.write("stopped/backend.toml", text)
        os.chmod(os.path.dirname(stopped), 0o755)
        os.chmod(stopped, 0o644)
        os.symlink(self.backend.zones_dir, self.work.sub("stopped", "zones"))
        os.symlink(self.backend.state_dir, self.work.sub("stopped", "state"))
        for args in (["diff"], ["reload"]):
            with self.subTest(args=args):
                self.assert_one_line(
                    self.spfctl(GROUP_MEMBER, *args, config=stopped), 3,
                    f"cannot connect to the backend's admin endpoint at 127.0.0.1:{port}: "
                    "Connection refused (is spf-backend running with these settings? "
                    "systemctl status spf-backend)")

    def test_help_documents_the_exit_statuses(self):
        r = harness.run([self.tool, "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("Exit status, the same for every command:", r.stdout)
        for args in (["check"], ["diff"], ["reload"], ["probe"], ["customer", "check"]):
            with self.subTest(args=args):
                r = harness.run([self.tool, *args, "--help"])
                self.assertEqual(r.returncode, 0)
                self.assertRegex(r.stdout, r"\b3 ")


if __name__ == "__main__":
    harness.main()
