#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: what spf-backend exposes and where it writes.

* The shipped settings (config/backend.toml for a checkout, deploy/etc/backend.toml for
  production) put every TCP listener on loopback and give the unix socket mode 0660 or
  stricter; the admin endpoint refuses any address that is not loopback.
* Run with each of them (paths moved into a temporary tree, ports made free, nothing else
  changed), the running backend listens on 127.0.0.1 only (read from /proc/net/tcp{,6} by
  socket inode), on no UDP port, and its unix socket has the configured mode; left out,
  the address defaults to 127.0.0.1 and the mode to 0660.
* Under strace, a run (start, queries, a reload that changes the zone, SIGHUP, stop)
  creates, writes, renames or removes files only in its state folder and at its socket
  path; the zones and config folders are byte for byte and time for time as they were.

Run alone:  /usr/bin/python3 tests/integration/test_exposure.py [--binary PATH]
"""

import hashlib
import ipaddress
import os
import re
import shutil
import signal
import socket
import stat
import struct
import sys
import time
import tomllib
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import load  # noqa: E402
from harness import APEX  # noqa: E402

SHIPPED = ("config/backend.toml", "deploy/etc/backend.toml")


def read_toml(relpath):
    with open(os.path.join(harness.SETTINGS.source_dir, relpath), "rb") as f:
        return tomllib.load(f)


def listening_sockets(pid):
    """(proto, address, port) of every socket of the process that listens (TCP) or is bound
    (UDP), from /proc/<pid>/net/{tcp,tcp6,udp,udp6} matched by inode to its descriptors."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
        if m:
            inodes.add(m.group(1))
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        with open(f"/proc/{pid}/net/{proto}", encoding="ascii") as f:
            next(f)
            for line in f:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if inode not in inodes or (proto.startswith("tcp") and state != "0A"):
                    continue  # 0A: LISTEN
                hexaddr, hexport = local.split(":")
                raw = bytes.fromhex(hexaddr)
                # /proc prints the address as host-order 32-bit words
                words = struct.unpack(f"<{len(raw) // 4}I", raw)
                addr = ipaddress.ip_address(struct.pack(f">{len(words)}I", *words))
                found.append((proto, addr, int(hexport, 16)))
    return found


def tree_state(root):
    """{relative path: (mode, size, mtime_ns, sha256)} of everything below root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            digest = None
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


class ShippedConfigRun:
    """A shipped config file, run as it is but for its paths (moved below a temporary
    tree) and its ports (free ones)."""

    def __init__(self, work, relpath, wrapper=()):
        self.work = work
        self.root = work.sub("tree")
        text = harness.read_repo_file(*relpath.split("/"))
        if relpath.startswith("deploy/"):
            # Absolute production paths, each moved below the tree.
            for path in ("/etc/spf-backend", "/var/lib/spf-backend", "/run/spf-backend",
                         "/run/pdns"):
                text = text.replace(f'"{path}', f'"{self.root}{path}')
            self.config = os.path.join(self.root, "etc/spf-backend/backend.toml")
        else:
            self.config = os.path.join(self.root, "config/backend.toml")
        self.ports = {}
        # Give each `port = N` a free port, remembering which table it was in.
        lines, table = [], ""
        for line in text.splitlines():
            m = re.match(r"\[(\w+)\]", line)
            if m:
                table = m.group(1)
            if re.match(r"port\s*=", line):
                self.ports[table] = harness.free_port()
                line = f"port = {self.ports[table]}"
            lines.append(line)
        self.text = "\n".join(lines) + "\n"
        self.settings = tomllib.loads(self.text)
        os.makedirs(os.path.dirname(self.config), exist_ok=True)
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(self.text)
        base = os.path.dirname(self.config)
        self.zones_dir = self.path(self.settings["zones"]["dir"], base)
        self.state_dir = self.path(self.settings["state"]["dir"], base)
        self.socket_path = self.path(self.settings["unix"]["path"], base)
        os.makedirs(self.zones_dir, exist_ok=True)
        for entry in os.listdir(os.path.join(harness.SETTINGS.source_dir, "zones")):
            if entry.endswith(".toml"):
                shutil.copy(os.path.join(harness.SETTINGS.source_dir, "zones", entry),
                            self.zones_dir)
        os.makedirs(self.state_dir, exist_ok=True)
        os.makedirs(os.path.dirname(self.socket_path), exist_ok=True)
        self.argv = [*wrapper, harness.SETTINGS.binary, "--config", self.config]
        self.process = None

    @staticmethod
    def path(value, base):
        return os.path.normpath(value if os.path.isabs(value) else os.path.join(base, value))

    def start(self):
        log = self.work.sub("backend.log")
        self.work.logs.append(("backend", log))
        self.process = harness.Process("backend", self.argv, log, cwd=self.root).start()
        deadline = time.monotonic() + harness.READY_TIMEOUT * 3
        while time.monotonic() < deadline:
            if re.search(r"\bevent=ready\b", self.process.log()):
                return self
            if not self.process.alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"backend did not start:\n{self.process.log()}")

    def backend_pid(self):
        """The backend's pid (under strace, strace's child)."""
        pid = self.process.pid
        for _ in range(50):
            try:
                with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                    children = f.read().split()
            except FileNotFoundError:
                children = []
            exe = os.path.realpath(f"/proc/{pid}/exe")
            if exe == os.path.realpath(harness.SETTINGS.binary):
                return pid
            if children:
                pid = int(children[0])
                continue
            time.sleep(0.05)
        raise AssertionError("spf-backend process not found")

    def unix_lookup(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(self.socket_path)
            s.sendall(b'{"method":"lookup","parameters":{"qname":"' + APEX.encode() +
                      b'.","qtype":"TXT","zone-id":-1,"remote":"127.0.0.1",'
                      b'"local":"127.0.0.1","real-remote":"127.0.0.1/32"}}\n')
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        return reply.decode()


class TestShippedSettings(unittest.TestCase):
    def test_shipped_configs_keep_listeners_on_loopback(self):
        for relpath in SHIPPED:
            with self.subTest(config=relpath):
                cfg = read_toml(relpath)
                for table in ("http", "admin"):
                    if table in cfg:
                        address = ipaddress.ip_address(cfg[table].get("address", "127.0.0.1"))
                        self.assertTrue(address.is_loopback, f"{relpath} [{table}] {address}")
                mode = int(cfg["unix"].get("mode", "0660"), 8)
                self.assertEqual(mode & 0o007, 0, f"{relpath}: others may use the socket")
                self.assertEqual(mode & 0o111, 0, f"{relpath}: execute bits on a socket")
                print(f"\n  {relpath}: unix {cfg['unix']['path']} mode {mode:04o}; http "
                      f"{cfg.get('http', {}).get('address', '(off)')}; admin "
                      f"{cfg.get('admin', {}).get('address', '(off)')}", end="",
                      file=sys.stderr)
        # Production serves pdns over the unix socket only.
        self.assertNotIn("http", read_toml("deploy/etc/backend.toml"))

    def test_admin_endpoint_refuses_a_public_address(self):
        work = harness.Workdir("TestShippedSettings.admin")
        for address in ("0.0.0.0", "::", "192.0.2.1"):
            backend = load.TunedBackend(work, admin=False, name=f"b{len(address)}",
                                        extra_config=f'[admin]\naddress = "{address}"\n'
                                                     "port = 8054\n")
            r = backend.check()
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertRegex(r.stderr, r"backend\.toml:\d+:\d+: error: 'admin\.address' is "
                                       rf"\"{re.escape(address)}\"; it must be a loopback address")


class TestRunningExposure(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        harness.require_binary()
        self.work = harness.Workdir(f"TestRunningExposure.{self._testMethodName[5:25]}")

    def run_shipped(self, relpath, wrapper=()):
        run = ShippedConfigRun(self.work, relpath, wrapper)
        self.addCleanup(lambda: run.process and run.process.stop())
        return run.start()

    def assert_loopback_only(self, run, expected_mode):
        pid = run.backend_pid()
        found = listening_sockets(pid)
        print(f"\n  listening: {sorted((p, str(a), port) for p, a, port in found)}; "
              f"socket {os.stat(run.socket_path).st_mode & 0o777:04o}", end="", file=sys.stderr)
        self.assertTrue(found, "no TCP listener found")
        for proto, address, port in found:
            self.assertTrue(proto.startswith("tcp"), f"bound to UDP {address}:{port}")
            self.assertTrue(address.is_loopback, f"{proto} listener on {address}:{port}")
        self.assertEqual({port for _, _, port in found}, set(run.ports.values()))
        st = os.stat(run.socket_path)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(st.st_mode & 0o7777, expected_mode)
        self.assertIn("v=spf1", run.unix_lookup())

    def test_checkout_config_listens_on_loopback_only(self):
        run = self.run_shipped("config/backend.toml")
        self.assert_loopback_only(run, int(run.settings["unix"]["mode"], 8))

    def test_production_config_listens_on_loopback_only(self):
        run = self.run_shipped("deploy/etc/backend.toml")
        self.assert_loopback_only(run, int(run.settings["unix"]["mode"], 8))

    def test_defaults_are_loopback_and_0660(self):
        backend = load.TunedBackend(self.work, unix=False, admin=False, extra_config=(
            '[unix]\npath = "backend.sock"\n'  # no mode
            f"[http]\nport = {harness.free_port()}\n"))  # no address
        self.addCleanup(backend.stop)
        backend.start()
        socket_path = os.path.join(backend.dir, "backend.sock")
        found = listening_sockets(backend.process.pid)
        print(f"\n  defaults: listening {[(p, str(a), port) for p, a, port in found]}, socket "
              f"{os.stat(socket_path).st_mode & 0o777:04o}", end="", file=sys.stderr)
        self.assertEqual([(p, str(a)) for p, a, _ in found], [("tcp", "127.0.0.1")])
        self.assertEqual(os.stat(socket_path).st_mode & 0o7777, 0o660)

    def test_writes_only_its_state_and_socket(self):
        strace = shutil.which("strace")
        if not strace:
            self.skipTest("strace is not installed (deploy/install-deps.sh installs it)")
        trace = self.work.sub("strace.txt")
        # The production settings: [pdns] makes a changed reload run pdns_control, traced
        # too (-f), which must write nothing either.
        # LeakSanitizer cannot run under ptrace (an SPFD_SANITIZE build): leaks are checked
        # by every other test.
        asan = os.environ.get("ASAN_OPTIONS", "")
        run = ShippedConfigRun(self.work, "deploy/etc/backend.toml",
                               ["env", f"ASAN_OPTIONS={asan}:detect_leaks=0" if asan else
                                "ASAN_OPTIONS=detect_leaks=0", strace, "-f", "-qq", "-o", trace,
                                "-e", "trace=%file,%desc,bind", "-e", "signal=none"])
        pdns_dir = run.path(run.settings["pdns"]["socket_dir"], run.root)
        os.makedirs(pdns_dir, exist_ok=True)
        before = tree_state(run.root)
        self.addCleanup(lambda: run.process and run.process.stop())
        run.start()
        self.assertIn("v=spf1", run.unix_lookup())
        # A real pdns with the configured socket-dir, so that pdns_control reaches it.
        pdns = harness.Pdns(self.work, f"unix:path={run.socket_path},timeout=2000",
                            name=os.path.relpath(pdns_dir, self.work.path))
        self.addCleanup(pdns.stop)
        pdns.start()
        # A reload that changes the zone (new serial written), then SIGHUP.
        zone = os.path.join(run.zones_dir, f"{APEX}.toml")
        with open(zone, "a", encoding="utf-8") as f:
            f.write('\n[[senders]]\nip4 = "85.10.214.9"\n')
        zone_before_reload = tree_state(run.zones_dir)
        admin = type("A", (), {"admin_port": run.ports["admin"]})()
        reply = load.admin_reload(admin)
        self.assertTrue(reply["published"], reply)
        self.assertIn("ip4:85.10.214.9", run.unix_lookup())
        self.assertIn("event=pdns_cache_purged", run.process.log())
        os.kill(run.backend_pid(), signal.SIGHUP)
        deadline = time.monotonic() + 10
        while run.process.log().count("event=reload_ok") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        # SIGTERM to the backend itself; strace then exits with its status.
        os.kill(run.backend_pid(), signal.SIGTERM)
        self.assertEqual(run.process.wait(timeout=harness.STOP_TIMEOUT * 2), 0,
                         run.process.log())
        after = tree_state(run.root)

        pdns.stop()
        # The tree: only the state folder changed (and pdns's own folder, which is pdns's);
        # the socket is gone again.
        state_rel = os.path.relpath(run.state_dir, run.root)
        pdns_rel = os.path.relpath(pdns_dir, run.root)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)
                   and p != pdns_rel and not p.startswith(pdns_rel + os.sep)}
        changed -= {os.path.relpath(zone, run.root),  # our own edit
                    os.path.relpath(os.path.dirname(run.socket_path), run.root)}  # the socket
        print(f"\n  changed in the tree: {sorted(changed)}", end="", file=sys.stderr)
        self.assertEqual({p for p in changed if not p.startswith(state_rel + os.sep)
                          and p != state_rel}, set(), sorted(changed))
        self.assertEqual(tree_state(run.zones_dir), zone_before_reload)
        self.assertFalse(os.path.exists(run.socket_path))

        # The trace: every call that creates, writes, renames, removes or re-modes a file.
        # pdns_control (run by the backend, traced too) binds its reply socket in pdns's
        # socket-dir, which the settings name.
        allowed = (run.state_dir + os.sep, run.socket_path, pdns_dir + os.sep)
        writes = []
        with open(trace, encoding="utf-8", errors="replace") as f:
            for line in f:
                path = written_path(line)
                if path is None:
                    continue
                full = os.path.normpath(path if os.path.isabs(path)
                                        else os.path.join(run.root, path))
                writes.append(full)
        outside = sorted({w for w in writes if not w.startswith(allowed) and w != "/dev/null"})
        print(f"\n  {len(writes)} writing calls traced, to: "
              f"{sorted({os.path.relpath(w, run.root) for w in writes if w != '/dev/null'})}",
              end="", file=sys.stderr)
        self.assertTrue(writes, "the trace shows no writes at all; is strace working?")
        self.assertEqual(outside, [], "writes outside the state folder and socket path")
        # The state files are not writable by others.
        for name in os.listdir(run.state_dir):
            mode = os.stat(os.path.join(run.state_dir, name)).st_mode
            self.assertEqual(mode & 0o002, 0, f"{name} is world-writable")


_WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
_PATH_CALLS = re.compile(
    r"^\d+\s+(open|openat|openat2|creat|mkdir|mkdirat|rmdir|unlink|unlinkat|rename|renameat2?|"
    r"link|linkat|symlink|symlinkat|chmod|fchmodat2?|chown|fchownat|lchown|truncate|mknod|"
    r"mknodat|utimensat|bind)\((.*)")


def written_path(line):
    """The path a traced call writes to, or None if it only reads (or failed)."""
    m = _PATH_CALLS.match(line)
    if not m or re.search(r"= -1 E", line):
        return None
    call, args = m.groups()
    if call == "bind":
        path = re.search(r'sun_path="([^"]*)"', args)
        return path.group(1) if path else None
    if call.startswith(("open", "creat")) and call != "creat" and not _WRITE_FLAGS.search(args):
        return None
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
    if not strings:
        return None
    if call.startswith(("rename", "link", "symlink")):
        return strings[-1]  # the new name (the old one is checked by its own creation)
    return strings[0]


if __name__ == "__main__":
    harness.main()
