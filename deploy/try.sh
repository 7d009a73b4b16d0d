#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Try it, as root (through sudo when not root and sudo exists, see deploy/as-root.sh):
# installs the dependencies, builds spf-backend and spfctl, starts spf-backend with the
# shipped config/backend.toml (unix socket build/run/backend.sock, HTTP 127.0.0.1:8053, admin
# 127.0.0.1:8054) and then a real pdns_server on 127.0.0.1:5300 that asks it over the unix
# socket. pdns also serves an example customer's zone, deploy/try/customer.example.zone
# (bind backend), for `spfctl customer check`. Prints the commands to try; Ctrl-C stops both.
#
# pdns runs with its own --config-dir (build/run/pdns), so /etc/powerdns/pdns.conf and
# Debian's own pdns service (port 53) are neither read nor touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/as-root.sh
as_root deploy/try.sh "$@"
root=$PWD

dns_port=5300
run_dir=$root/build/run
socket=$run_dir/backend.sock                 # [unix] path in config/backend.toml
pdns_dir=$run_dir/pdns
backend_log=$run_dir/backend.log
backend_bin=$root/build/backend/spf-backend
customer_zone=$root/deploy/try/customer.example.zone
# What the banner prints: run from $root, as printed
spfctl="build/backend/spfctl -c config/backend.toml"

bash deploy/install-deps.sh
bash deploy/build.sh spf-backend spfctl

pdns_bin=$(command -v pdns_server || echo /usr/sbin/pdns_server)

# pdns's port taken most likely means another try.sh; the backend reports its own ports.
if (exec 3<>"/dev/tcp/127.0.0.1/$dns_port") 2>/dev/null; then
    echo "try: something already listens on 127.0.0.1:$dns_port (another try.sh?); stop it first" >&2
    exit 1
fi

mkdir -p "$pdns_dir"
# A pdns killed with SIGKILL leaves its control socket behind; nothing listens on it
# any more (checked above), so it is safe to remove. spf-backend replaces its own stale
# socket file itself.
rm -f "$pdns_dir/pdns.controlsocket"

backend_pid=
pdns_pid=
tail_pid=

# Sends TERM, waits up to 5 s, then KILL; says so if the process did not exit cleanly.
stop_pid() {
    local pid=$1 name=$2 i status=0
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "try: $name did not stop within 5 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || status=$?
    # 143: ended by our SIGTERM without handling it (pdns_server does that); fine
    if ((status != 0 && status != 143)); then
        echo "try: $name exited with status $status" >&2
    fi
}

stop_all() {
    trap - INT TERM HUP EXIT
    stop_pid "$pdns_pid" pdns_server
    pdns_pid=
    stop_pid "$backend_pid" spf-backend
    backend_pid=
    if [[ -n $tail_pid ]]; then
        # tail --pid ends by itself about a second after the backend, with its last lines
        for ((i = 0; i < 20; i++)); do
            kill -0 "$tail_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$tail_pid" 2>/dev/null || true
        wait "$tail_pid" 2>/dev/null || true
        tail_pid=
    fi
}

# shellcheck disable=SC2317  # reached through the trap
on_signal() {
    echo
    echo "try: stopping pdns_server and spf-backend"
    stop_all
    echo "try: stopped"
    exit 0
}
trap on_signal INT TERM HUP
trap stop_all EXIT

# Both servers run in sessions of their own (setsid; same pid, no fork): a Ctrl-C then
# reaches only this script, whose trap stops pdns first and the backend second, and bash
# does not mistake a child's clean exit on SIGINT for "the child handled it".

# ---- spf-backend -------------------------------------------------------------------------
: >"$backend_log"
setsid "$backend_bin" --config config/backend.toml 2>>"$backend_log" &
backend_pid=$!
# Show its log lines on the terminal too; tail ends by itself when the backend does.
tail -n +1 -f --pid="$backend_pid" "$backend_log" &
tail_pid=$!

ready=no
for ((i = 0; i < 100; i++)); do
    if grep -q 'event=ready' "$backend_log"; then
        ready=yes
        break
    fi
    kill -0 "$backend_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ $ready != yes ]]; then
    if kill -0 "$backend_pid" 2>/dev/null; then
        echo "try: spf-backend did not report event=ready within 10 s; stopping it" >&2
        stop_pid "$backend_pid" spf-backend
        how="did not become ready"
    else
        status=0
        wait "$backend_pid" || status=$?
        how="refused to start (exit status $status)"
    fi
    backend_pid=
    # tail --pid ends by itself within a second of the backend, after showing all its lines
    wait "$tail_pid" 2>/dev/null || true
    tail_pid=
    echo "try: spf-backend $how; its messages are above (also in build/run/backend.log)" >&2
    echo "try: check the zones and settings with: $spfctl check" >&2
    exit 1
fi

# ---- pdns_server -------------------------------------------------------------------------
cat >"$pdns_dir/named.conf" <<EOF
// Generated by deploy/try.sh: the example customer's zone, for pdns's bind backend
zone "customer.example" { type master; file "$customer_zone"; };
EOF
cat >"$pdns_dir/pdns.conf" <<EOF
# Generated by deploy/try.sh; read only by: pdns_server --config-dir=$pdns_dir
# Our zones from spf-backend (remote), the example customer's zone from a file (bind).
launch=bind,remote
bind-config=$pdns_dir/named.conf
remote-connection-string=unix:path=$socket,timeout=2000
local-address=127.0.0.1
local-port=$dns_port
socket-dir=$pdns_dir
daemon=no
guardian=no
# logs go to this terminal only
disable-syslog=yes
loglevel=4
webserver=no
api=no
primary=no
secondary=no
allow-axfr-ips=127.0.0.1
disable-axfr=no
# no phoning home from a test setup (an empty resolver= would crash pdns 4.7.3; this is fine)
security-poll-suffix=
# caches stay at their defaults (packet cache 20 s, query cache 20 s, negative 60 s)
EOF

# tests/integration/test_try.py runs every indented command line of this banner as printed.
cat <<EOF

  spf-backend is ready (log: build/run/backend.log); starting pdns_server on 127.0.0.1:$dns_port.
  Try, in another terminal:

      cd $(printf %q "$root")
      dig @127.0.0.1 -p $dns_port spf.connectoor.com TXT +short
      $spfctl check
      $spfctl probe --server 127.0.0.1 --port $dns_port
      $spfctl customer check customer.example --server 127.0.0.1 --port $dns_port

  After editing zones/spf.connectoor.com.toml (saved by rename, as editors do):

      $spfctl check
      $spfctl diff
      $spfctl reload

  also: dig ... SOA, ... NS, ... ANY +tcp, ... AXFR;
        pdnsutil --config-dir=$pdns_dir list-zone spf.connectoor.com
  customer.example (and late.customer.example, with a mistake) is an example zone that only
  this pdns serves; for real customers' domains ask a recursive resolver:
  --server <its address> (and --port 53, the default).
  Ctrl-C stops both pdns_server and spf-backend.

EOF

setsid "$pdns_bin" --config-dir="$pdns_dir" &
pdns_pid=$!

# Whichever ends first (on its own; Ctrl-C goes through on_signal) ends the session.
status=0
wait -n "$backend_pid" "$pdns_pid" || status=$?
if ! kill -0 "$pdns_pid" 2>/dev/null; then
    echo "try: pdns_server exited (status $status); stopping spf-backend" >&2
    wait "$pdns_pid" 2>/dev/null || true
    pdns_pid=
else
    echo "try: spf-backend exited (status $status); stopping pdns_server" >&2
    wait "$backend_pid" 2>/dev/null || true
    backend_pid=
fi
stop_all
exit $((status == 0 ? 1 : status))
