# SPDX-License-Identifier: MIT
"""systemd's part in a restart, played by its documented protocol, for machines where
systemd is not PID 1 (CI containers):

* it binds and holds the listening sockets, as .socket units do (FileDescriptorName=);
* it starts the service with them as fd 3, 4, ... and LISTEN_FDS, LISTEN_PID (the child's
  own pid, set between fork and exec) and LISTEN_FDNAMES (sd_listen_fds(3));
* it reads NOTIFY_SOCKET, a unix datagram socket: READY=1, STOPPING=1, FDSTORE=1 with
  FDNAME= and the descriptor as SCM_RIGHTS (kept), FDSTOREREMOVE=1 with FDNAME= (closed);
* it passes the stored descriptors back, after the listeners, on every start, and keeps
  them: being passed does not remove a descriptor from the store (sd_notify(3));
* Restart=always: a process that dies without being asked to is started again after
  `restart_sec`, as systemd does after a crash.

    supervisor = FakeSystemd(workdir, argv_of_backend, listeners=[...])
    supervisor.start()          # returns once READY=1 came
    supervisor.restart()        # SIGTERM, wait, start again (systemctl restart)
    supervisor.kill()           # SIGKILL; the monitor starts a new one
"""

import array
import os
import select
import signal
import socket
import subprocess
import threading
import time

import harness

READY_TIMEOUT = 10.0


def unix_listener(path, mode=0o660):
    """ListenStream=<path>, SocketMode=: the socket file made and held here."""
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, mode)
    s.listen(4096)
    return s


def tcp_listener(port):
    """ListenStream=127.0.0.1:<port>."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4096)
    return s


class FakeSystemd:
    """One service with its sockets, its notification socket and its fd store.

    listeners: [(FileDescriptorName, socket)], held for the supervisor's lifetime.
    """

    def __init__(self, workdir, argv, listeners, name="backend", restart_sec=0.1, cwd=None):
        self.workdir = workdir
        self.argv = [str(a) for a in argv]
        self.listeners = listeners
        self.name = name
        self.restart_sec = restart_sec
        self.cwd = cwd
        self.notify_path = workdir.sub(f"{name}-notify.sock")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.notify.setblocking(False)
        self.store = []  # [(name, fd)], oldest first
        self.states = []  # (monotonic time, pid, "READY=1" ...), every message but the fds
        self.proc = None
        self.starts = 0
        self.log_paths = []
        self.lock = threading.RLock()
        self.ready = threading.Event()
        self.stopping_on_purpose = False
        self.closed = False
        self.restarts_after_death = []  # (died, restarted) monotonic times
        self.reader = threading.Thread(target=self._read_forever, daemon=True)
        self.reader.start()
        self.monitor = threading.Thread(target=self._monitor_forever, daemon=True)
        self.monitor.start()

    # -- the notification socket --------------------------------------------------------

    def _read_forever(self):
        # Waits outside the lock, reads under it: messages are handled in the order sent.
        while not self.closed:
            try:
                readable, _, _ = select.select([self.notify], [], [], 0.02)
            except (OSError, ValueError):
                return
            if readable:
                self.drain()

    def _read_one(self):
        """Takes one queued datagram; False when none is queued."""
        try:
            data, ancdata, _, _ = self.notify.recvmsg(4096, socket.CMSG_SPACE(64 * 4))
        except OSError:  # BlockingIOError included
            return False
        fds = array.array("i")
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
        for fd in fds:
            os.set_inheritable(fd, False)
        self._handle(data.decode("utf-8", "replace"), list(fds))
        return True

    def _handle(self, text, fds):
        fields = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
        with self.lock:
            pid = self.proc.pid if self.proc else None
            self.states.append((time.monotonic(), pid, text))
            if fields.get("FDSTORE") == "1":
                name = fields.get("FDNAME", "stored")
                self.store.extend((name, fd) for fd in fds)
                fds = []
            elif fields.get("FDSTOREREMOVE") == "1":
                name = fields.get("FDNAME")
                for stored_name, fd in [e for e in self.store if e[0] == name]:
                    os.close(fd)
                self.store = [e for e in self.store if e[0] != name]
            if fields.get("READY") == "1":
                self.ready.set()
        for fd in fds:  # descriptors sent without FDSTORE=1 are dropped, as systemd does
            os.close(fd)

    def drain(self):
        """Reads every message already queued (what a killed process sent last)."""
        with self.lock:
            while not self.closed and self._read_one():
                pass

    def stored_names(self):
        with self.lock:
            return [name for name, _ in self.store]

    # -- the service ----------------------------------------------------------------------

    def _spawn(self):
        passed = [(name, s.fileno()) for name, s in self.listeners] + list(self.store)
        names = ":".join(name for name, _ in passed)
        sources = [fd for _, fd in passed]
        variables = {"LISTEN_FDS": str(len(passed)), "LISTEN_FDNAMES": names,
                     "NOTIFY_SOCKET": self.notify_path}

        def child():
            harness._die_with_parent()
            # Out of the way first, so that moving one to 3 + i never overwrites another.
            high = [os.dup2(fd, 1000 + i, inheritable=False) for i, fd in enumerate(sources)]
            for i, fd in enumerate(high):
                os.dup2(fd, 3 + i, inheritable=True)
                os.close(fd)
            for key, value in variables.items():
                os.putenv(key, value)
            os.putenv("LISTEN_PID", str(os.getpid()))

        self.starts += 1
        log_path = self.workdir.sub(f"{self.name}-{self.starts}.log")
        self.log_paths.append(log_path)
        self.workdir.logs.append((f"{self.name} under fake systemd (start {self.starts})",
                                  log_path))
        self.ready.clear()
        with open(log_path, "ab") as log:
            # close_fds=False: only what child() makes inheritable (fd 3 ...) gets through;
            # python's own descriptors are close-on-exec.
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=self.cwd,
                                         close_fds=False, preexec_fn=child)

    def start(self, argv=None):
        """Starts the service (with `argv` from now on, for an upgrade) and waits for
        READY=1."""
        with self.lock:
            if argv is not None:
                self.argv = [str(a) for a in argv]
            self.drain()
            self._spawn()
        return self.wait_ready()

    def wait_ready(self, timeout=READY_TIMEOUT):
        if not self.ready.wait(timeout):
            raise AssertionError(f"{self.name} sent no READY=1 within {timeout} s:\n{self.log()}")
        return self

    def stop(self, signum=signal.SIGTERM):
        """Stops the service on purpose (no automatic restart); returns its exit status."""
        with self.lock:
            self.stopping_on_purpose = True
            proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signum)
        try:
            status = proc.wait(timeout=harness.STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = proc.wait()
        harness.require_no_sanitizer_report(self.name, self.log())
        return status

    def restart(self, argv=None):
        """systemctl restart: SIGTERM, wait for the exit, start again at once. Returns the
        exit status of the old process."""
        status = self.stop()
        self.start(argv)
        with self.lock:
            self.stopping_on_purpose = False
        return status

    def kill(self):
        """SIGKILL, as a crash; the monitor restarts it after restart_sec."""
        with self.lock:
            self.stopping_on_purpose = False
            self.ready.clear()
            self.proc.kill()

    def _monitor_forever(self):
        while not self.closed:
            time.sleep(0.005)
            with self.lock:
                proc = self.proc
                if proc is None or self.stopping_on_purpose or proc.poll() is None:
                    continue
                died = time.monotonic()
            time.sleep(self.restart_sec)
            with self.lock:
                if self.closed or self.stopping_on_purpose or self.proc is not proc:
                    continue
                self.drain()
                self._spawn()
                self.restarts_after_death.append((died, time.monotonic()))

    def log(self):
        if not self.log_paths:
            return ""
        with open(self.log_paths[-1], "rb") as f:
            return f.read().decode("utf-8", "replace")

    def close(self):
        """Stops the service and lets go of everything it held."""
        self.stop(signal.SIGKILL)
        self.closed = True
        self.reader.join(timeout=2)
        self.monitor.join(timeout=2)
        with self.lock:
            for _, fd in self.store:
                os.close(fd)
            self.store = []
        for _, s in self.listeners:
            s.close()
        self.notify.close()
