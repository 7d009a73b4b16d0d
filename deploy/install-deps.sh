#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package that building spf-backend and running its tests need.
# Idempotent: when all of them are installed already it does not touch apt at all, so a
# re-run is fast and works offline.
#
# Installing pdns-server on a real Debian machine also starts Debian's own pdns service on
# port 53. Nothing here depends on it or touches it: try.sh and the tests run their own
# pdns_server processes with their own --config-dir, socket-dir and ports.
set -euo pipefail

packages=(
    # build
    cmake g++ make pkg-config
    libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
    libtomlplusplus-dev doctest-dev
    # spfctl probe asks DNS through ldns
    libldns-dev
    # the DMARC check's organizational domain (RFC 7489 §3.2): libpsl and the public suffix list
    libpsl-dev publicsuffix
    # sockets from systemd, sd_notify and the file descriptor store
    libsystemd-dev
    # the real name server and its two backends used by try.sh and the integration tests
    pdns-server pdns-backend-remote pdns-backend-bind
    # DNS clients (dig, kdig) and the independent SPF judge (pyspf + dnspython)
    bind9-dnsutils knot-dnsutils
    python3 python3-spf python3-dnspython
    # two more independent SPF judges (tests/integration/test_scale.py): Mail::SPF with
    # Net::DNS, and libspf2's spfquery, run in a private network namespace (iproute2,
    # util-linux's unshare) so that its libc resolver reaches only our pdns
    libmail-spf-perl libnet-dns-perl spfquery iproute2 util-linux
    # load while reloading (tests/integration/test_reload_load.py, test_faults.py)
    dnsperf
    # every file the backend writes, traced (tests/integration/test_exposure.py)
    strace
    # instructions per backend call (tests/bench/instructions.py): callgrind
    valgrind
    # the fuzz targets (tests/fuzz/run.sh): clang with its libFuzzer and sanitizer runtimes,
    # and llvm-symbolizer (llvm-14) for readable stack traces in findings
    clang libclang-rt-14-dev llvm-14
    # the deployment tests (tests/package): cpack's dpkg-shlibdeps, systemd-analyze verify,
    # the .deb's maintainer scripts, the alert rules' YAML; git for the package's version,
    # committed zone file and changelog (deploy/package/release-info.sh)
    dpkg-dev systemd adduser python3-yaml git
    # the monitoring tests: promtool checks and unit-tests the alert rules
    # (tests/package/promtool_test.py); a real Prometheus scrapes the backend and pdns
    # (tests/integration/test_monitoring.py)
    prometheus
    # pyspf's RFC 7208 / RFC 4408 suites (tests/rfc_suite) are read from python3-spf with
    # python3-yaml (above); the independent DMARC judge (tests/integration/test_dmarc.py)
    libmail-dmarc-perl
    ca-certificates
)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

if ((EUID != 0)); then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this script as root to install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"

apt_update() {
    apt-get update -qq
}

# A fresh Debian image ships without package lists; fetch them once. If they exist but are
# stale (a package 404s or has no candidate), the install fails and we update and retry once.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt_update
fi

install() {
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if ! install; then
    echo "install-deps: install failed, refreshing package lists and retrying" >&2
    apt_update
    install
fi
echo "install-deps: done"
