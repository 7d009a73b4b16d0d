#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests of the deployment files and the Debian package (tests/package/CMakeLists.txt).
#
#   package_test.sh units   --source-dir S --binary B
#       systemd-analyze verify of both units (the build's binary stands in for
#       /usr/bin/spf-backend); SKIPPED when systemd-analyze cannot run here.
#   package_test.sh deb     --source-dir S --build-dir D
#       builds the .deb with cpack from the build tree D into a temporary folder and checks
#       contents, control fields, conffiles, maintainer scripts, and that the shipped
#       production settings pass `spf-backend --check` (paths moved into the unpacked tree).
#   package_test.sh install --source-dir S --build-dir D
#       only with CI=true or SPF_TEST_DEB_INSTALL=1 (it changes this machine's dpkg
#       database): install, reinstall, upgrade to a version-bumped package, remove, purge;
#       checks files, user, conffile handling, and that nothing is left behind.
#   package_test.sh version --source-dir S
#       deploy/package/release-info.sh in a throwaway repository: versions from tags in
#       dpkg's order, the committed zone file, the changelog.
#   package_test.sh from-git --source-dir S --build-dir D
#       cpack in a throwaway copy of the tree (tagged there, configured, D's programs
#       copied in): an uncommitted zone edit stays out of the package, a committed one is in.
#
# Each run works in its own temporary folder, removed on exit (also on failure), so the
# tests can run twice and side by side. A skipped test prints "SKIPPED:" and exits 0
# (CMake marks it skipped via SKIP_REGULAR_EXPRESSION).
set -euo pipefail

mode=${1:-}
shift || true
source_dir=
build_dir=
binary=
while (($#)); do
    case $1 in
    --source-dir)
        source_dir=$2
        shift 2
        ;;
    --build-dir)
        build_dir=$2
        shift 2
        ;;
    --binary)
        binary=$2
        shift 2
        ;;
    *)
        echo "package_test: unknown argument $1" >&2
        exit 2
        ;;
    esac
done
[[ -n $source_dir ]] || {
    echo "package_test: --source-dir is required" >&2
    exit 2
}
deploy=$source_dir/deploy

work=$(mktemp -d /tmp/spf-package-test.XXXXXX)
cleanup_steps=()
cleanup() {
    local status=$? i
    for ((i = ${#cleanup_steps[@]} - 1; i >= 0; i--)); do
        eval "${cleanup_steps[i]}" || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }
indent() { sed "s/^/    ${1:-}/"; }
skip() {
    echo "SKIPPED: $*"
    exit 0
}
finish() {
    if ((failures > 0)); then
        echo "package_test $mode: $failures check(s) failed" >&2
        exit 1
    fi
    echo "package_test $mode: all checks passed"
}

# ---- helpers ------------------------------------------------------------------------------

# build_deb OUT_DIR [VERSION]: cpack from the build tree; prints the .deb's path. VERSION
# replaces the one from git (deploy/package/cpack-version.cmake).
build_deb() {
    local out=$1 version=${2:-}
    mkdir -p "$out"
    if ! SPF_PACKAGE_VERSION=$version cpack --config "$build_dir/CPackConfig.cmake" -B "$out" \
        >"$out/cpack.log" 2>&1; then
        cat "$out/cpack.log" >&2
        echo "package_test: cpack failed" >&2
        exit 1
    fi
    local debs=("$out"/*.deb)
    [[ -f ${debs[0]} ]] || {
        echo "package_test: cpack made no .deb in $out" >&2
        exit 1
    }
    echo "${debs[0]}"
}

require_build_dir() {
    [[ -n $build_dir && -f $build_dir/CPackConfig.cmake ]] || {
        echo "package_test: --build-dir must hold CPackConfig.cmake (configure the project first)" >&2
        exit 2
    }
    command -v cpack >/dev/null || {
        echo "package_test: cpack not found" >&2
        exit 2
    }
}

# The files every package must hold (paths as dpkg-deb -c shows them).
expected_files=(
    ./usr/bin/spf-backend
    ./usr/bin/spfctl
    ./etc/spf-backend/backend.toml
    ./etc/spf-backend/zones/spf.connectoor.com.toml
    ./lib/systemd/system/spf-backend.service
    ./lib/systemd/system/spf-backend.socket
    ./lib/systemd/system/spf-backend-admin.socket
    ./lib/systemd/system/pdns.service.d/spf-backend.conf
    ./usr/share/spf-backend/pdns.d/spf-backend.conf
    ./usr/share/doc/spf-backend/delegation.txt
    ./usr/share/doc/spf-backend/spf-backend.rules.yml
    ./usr/share/doc/spf-backend/grafana/spf-backend.json
    ./usr/share/doc/spf-backend/grafana/provisioning.yml
    ./usr/share/doc/spf-backend/README.md
    ./usr/share/doc/spf-backend/copyright
    ./usr/share/doc/spf-backend/changelog.Debian.gz
    ./usr/share/doc/spf-backend/docs/operations.md
    ./usr/share/doc/spf-backend/docs/production.md
)
expected_conffiles=(/etc/spf-backend/backend.toml /etc/spf-backend/zones/spf.connectoor.com.toml)

# ---- (a) units --------------------------------------------------------------------------------

test_units() {
    [[ -n $binary && -x $binary ]] || {
        echo "package_test: --binary must be the built spf-backend" >&2
        exit 2
    }
    command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (package systemd)"
    local pdns_unit=/lib/systemd/system/pdns.service
    [[ -f $pdns_unit ]] || skip "$pdns_unit is missing (package pdns-server); the drop-in needs it"

    # Offline verification: works without systemd as PID 1. It checks syntax, unknown
    # keys, dependencies, and that every Exec* command exists and is executable.
    local dir=$work/units
    mkdir -p "$dir/pdns.service.d"
    sed "s|/usr/bin/spf-backend|$binary|g" "$deploy/systemd/spf-backend.service" \
        >"$dir/spf-backend.service"
    cp "$deploy/systemd/spf-backend.socket" "$deploy/systemd/spf-backend-admin.socket" "$dir/"
    cp "$pdns_unit" "$dir/pdns.service"
    cp "$deploy/systemd/pdns.service.d/spf-backend.conf" "$dir/pdns.service.d/"

    # Sanity of the method first: verify must work at all here, and must read the drop-in
    # beside the unit (an unknown key in it has to be reported); otherwise a clean result
    # below would prove nothing.
    local probe_out probe_status=0
    probe_out=$(systemd-analyze verify --man=no "$dir/pdns.service" 2>&1) || probe_status=$?
    if ((probe_status != 0)) && grep -qiE 'failed to (initialize|connect|set up)|not supported|permission denied' <<<"$probe_out"; then
        skip "systemd-analyze verify cannot run here: $(head -n 1 <<<"$probe_out")"
    fi
    cp -r "$dir" "$work/control"
    echo "SpfPackageTestBogusKey=1" >>"$work/control/pdns.service.d/spf-backend.conf"
    local control_out
    control_out=$(systemd-analyze verify --man=no "$work/control/pdns.service" 2>&1) || true
    if grep -q SpfPackageTestBogusKey <<<"$control_out"; then
        ok "systemd-analyze verify reports unknown keys in the pdns drop-in"
    else
        skip "systemd-analyze verify does not read drop-ins beside the unit on this system"
    fi

    local out status=0
    out=$(systemd-analyze verify --man=no "$dir/spf-backend.service" "$dir/spf-backend.socket" \
        "$dir/spf-backend-admin.socket" "$dir/pdns.service" 2>&1) || status=$?
    if ((status != 0)); then
        fail "systemd-analyze verify exited $status"
    fi
    # It reports many problems as warnings with exit status 0: any line about our files
    # counts as a failure.
    if grep -E 'spf-backend|pdns\.service' <<<"$out" >/dev/null; then
        fail "systemd-analyze verify complained:"
        indent <<<"$out" >&2
    else
        ok "systemd-analyze verify: spf-backend.service, its two sockets and pdns.service + drop-in are clean"
    fi

    # What the unit must say (the design, not just the syntax).
    local unit=$deploy/systemd/spf-backend.service key
    # shellcheck disable=SC2016 # $MAINPID is for systemd, not for this shell
    for key in 'Type=notify' 'NotifyAccess=main' 'User=spf-backend' 'Group=pdns' \
        'RuntimeDirectory=spf-backend' 'RuntimeDirectoryMode=0750' \
        'RuntimeDirectoryPreserve=yes' 'StateDirectory=spf-backend' \
        'ConfigurationDirectory=spf-backend' \
        'ExecStart=/usr/bin/spf-backend --config /etc/spf-backend/backend.toml' \
        'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=always' 'RestartSec=100ms' \
        'FileDescriptorStoreMax=1024' 'Sockets=spf-backend.socket spf-backend-admin.socket' \
        'NoNewPrivileges=yes' 'ProtectSystem=strict' 'CapabilityBoundingSet=' \
        'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'; do
        grep -qxF -- "$key" "$unit" || fail "spf-backend.service lacks the line: $key"
    done
    # The sockets carry the names the daemon looks for (backend/src/io/passed_fds.h) and
    # what the production settings say (path, mode, admin address and port).
    local sock=$deploy/systemd/spf-backend.socket admin_sock=$deploy/systemd/spf-backend-admin.socket
    for key in 'ListenStream=/run/spf-backend/backend.sock' 'FileDescriptorName=pdns-unix' \
        'SocketUser=spf-backend' 'SocketGroup=pdns' 'SocketMode=0660' 'RemoveOnStop=yes'; do
        grep -qxF -- "$key" "$sock" || fail "spf-backend.socket lacks the line: $key"
    done
    for key in 'ListenStream=127.0.0.1:8054' 'FileDescriptorName=admin' \
        'Service=spf-backend.service'; do
        grep -qxF -- "$key" "$admin_sock" || fail "spf-backend-admin.socket lacks the line: $key"
    done
    local name
    for name in pdns-unix admin; do
        grep -qF "= \"$name\";" "$source_dir/backend/src/io/passed_fds.h" ||
            fail "FileDescriptorName=$name is not a name the daemon knows (io/passed_fds.h)"
    done
    grep -qx 'port = 8054' "$deploy/etc/backend.toml" ||
        fail "backend.toml: [admin] port is not spf-backend-admin.socket's 8054"
    local dropin=$deploy/systemd/pdns.service.d/spf-backend.conf
    for key in 'Wants=spf-backend.service' 'After=spf-backend.service'; do
        grep -qxF -- "$key" "$dropin" || fail "pdns drop-in lacks the line: $key"
    done
    if grep -qE '^(Requires|BindsTo|PartOf)=' "$dropin"; then
        fail "pdns drop-in must not tie pdns's lifetime to spf-backend (Requires/BindsTo/PartOf)"
    fi

    # The paths the unit grants must match the production settings.
    local settings=$deploy/etc/backend.toml
    grep -qx 'path = "/run/spf-backend/backend.sock"' "$settings" ||
        fail "backend.toml: [unix] path is not in RuntimeDirectory /run/spf-backend"
    grep -qx 'dir = "/var/lib/spf-backend"' "$settings" ||
        fail "backend.toml: [state] dir is not StateDirectory /var/lib/spf-backend"
    grep -q 'unix:path=/run/spf-backend/backend.sock' "$deploy/pdns/spf-backend.conf" ||
        fail "pdns settings: remote-connection-string does not name /run/spf-backend/backend.sock"
    finish
}

# ---- (b) deb --------------------------------------------------------------------------------

test_deb() {
    require_build_dir
    local deb
    deb=$(build_deb "$work/deb")
    ok "built $(basename "$deb")"

    local listing
    listing=$(dpkg-deb -c "$deb")
    local files
    files=$(awk '$1 !~ /^d/ {print $NF}' <<<"$listing")
    local f
    for f in "${expected_files[@]}"; do
        grep -qxF "$f" <<<"$files" || fail "package lacks $f"
    done
    # Nothing outside the places a Debian package of ours may write.
    local stray
    stray=$(grep -vE '^\./(usr/bin/|usr/share/(doc/)?spf-backend/|etc/spf-backend/|lib/systemd/system/)' <<<"$files" || true)
    [[ -z $stray ]] || fail "unexpected files in the package: $(tr '\n' ' ' <<<"$stray")"
    # Owned by root, executables 0755, the rest 0644.
    local bad_owner
    bad_owner=$(awk '$2 != "root/root" {print $NF}' <<<"$listing")
    [[ -z $bad_owner ]] || fail "files not owned by root/root: $bad_owner"
    local bad_modes
    bad_modes=$(awk '$1 ~ /^-/ && $NF ~ /^\.\/usr\/bin\// && $1 != "-rwxr-xr-x" {print $1, $NF}
                     $1 ~ /^-/ && $NF !~ /^\.\/usr\/bin\// && $1 != "-rw-r--r--" {print $1, $NF}' \
        <<<"$listing")
    [[ -z $bad_modes ]] || fail "unexpected file modes: $bad_modes"
    ok "contents: ${#expected_files[@]} expected files, no stray ones, root-owned, sane modes"

    # Control fields.
    local field value
    value=$(dpkg-deb -f "$deb" Package)
    [[ $value == spf-backend ]] || fail "Package is '$value'"
    # The version from the tags, as release-info.sh computes it (a dirty tree's carries the
    # minute, which may have turned since cpack ran).
    local expected_version
    expected_version=$(sh "$deploy/package/release-info.sh" version "$source_dir" \
        "$(sed -nE 's/^project\(spf-backend VERSION ([0-9.]+).*/\1/p' "$source_dir/CMakeLists.txt")")
    value=$(dpkg-deb -f "$deb" Version)
    [[ ${value%%~dirty*} == "${expected_version%%~dirty*}"* && $value == *-1 ]] ||
        fail "Version is '$value', expected '$expected_version-1' (deploy/package/release-info.sh)"
    value=$(dpkg-deb -f "$deb" Section)
    [[ $value == net ]] || fail "Section is '$value'"
    for field in Maintainer Description Architecture; do
        [[ -n $(dpkg-deb -f "$deb" "$field") ]] || fail "control field $field is empty"
    done
    local depends
    depends=$(dpkg-deb -f "$deb" Depends)
    for value in 'pdns-server (>= 4.7)' 'pdns-backend-remote (>= 4.7)' 'adduser' 'libc6' \
        'libboost-json'; do
        [[ $depends == *"$value"* ]] || fail "Depends lacks '$value': $depends"
    done
    ok "control: spf-backend $(dpkg-deb -f "$deb" Version), Depends: $depends"

    # Control archive: conffiles and maintainer scripts.
    local control=$work/control
    mkdir -p "$control"
    dpkg-deb -e "$deb" "$control"
    local etc_files
    etc_files=$(grep '^\./etc/' <<<"$files" | sed 's|^\.||' | sort)
    if [[ $(sort "$control/conffiles") != "$etc_files" ]]; then
        fail "conffiles ($(tr '\n' ' ' <"$control/conffiles")) differ from the /etc files ($(tr '\n' ' ' <<<"$etc_files"))"
    fi
    for f in "${expected_conffiles[@]}"; do
        grep -qxF "$f" "$control/conffiles" || fail "$f is not a conffile"
    done
    local script
    for script in postinst prerm postrm; do
        if [[ ! -x $control/$script ]]; then
            fail "maintainer script $script missing or not executable"
        elif ! sh -n "$control/$script"; then
            fail "maintainer script $script: sh -n failed"
        elif ! cmp -s "$control/$script" "$deploy/debian/$script"; then
            fail "maintainer script $script differs from deploy/debian/$script"
        fi
    done
    ok "control archive: conffiles = every /etc file; postinst, prerm, postrm executable"

    # The shipped files are the repository's, and the production settings are valid.
    local root=$work/root
    dpkg-deb -x "$deb" "$root"
    cmp -s "$root/etc/spf-backend/backend.toml" "$deploy/etc/backend.toml" ||
        fail "packaged backend.toml differs from deploy/etc/backend.toml"
    sh "$deploy/package/release-info.sh" zone "$source_dir" zones/spf.connectoor.com.toml \
        "$work/committed-zone.toml" 2>/dev/null
    cmp -s "$root/etc/spf-backend/zones/spf.connectoor.com.toml" "$work/committed-zone.toml" ||
        fail "packaged zone file differs from zones/spf.connectoor.com.toml as committed at HEAD"
    check_doc_folder "$root" "$(dpkg-deb -f "$deb" Version)"
    # Absolute paths: move them into the unpacked tree for the check, nothing else.
    sed -e "s|\"/etc/spf-backend/|\"$root/etc/spf-backend/|" \
        -e "s|\"/var/lib/spf-backend\"|\"$work/state\"|" \
        -e "s|\"/run/spf-backend/|\"$work/run/|" \
        -e "s|\"/run/pdns\"|\"$work/pdns\"|" \
        "$root/etc/spf-backend/backend.toml" >"$work/backend.toml"
    if grep -nE '"/(etc|var|run)/' "$work/backend.toml" >&2; then
        fail "backend.toml has absolute paths this test does not know how to move (above)"
    fi
    local check_out
    if check_out=$("$root/usr/bin/spf-backend" --check --config "$work/backend.toml" 2>&1); then
        ok "the packaged spf-backend accepts the packaged settings and zone (--check)"
    else
        fail "spf-backend --check refuses the packaged settings:"
        indent <<<"$check_out" >&2
    fi
    # Production shape: unix listener only, admin on loopback, pdns purge on.
    grep -q '^\[http\]' "$deploy/etc/backend.toml" &&
        fail "backend.toml enables [http]; production uses the unix connector only"
    grep -qx 'mode = "0660"' "$deploy/etc/backend.toml" || fail "backend.toml: [unix] mode is not \"0660\""
    grep -qx 'socket_dir = "/run/pdns"' "$deploy/etc/backend.toml" ||
        fail "backend.toml: [pdns] socket_dir is not /run/pdns"
    "$root/usr/bin/spfctl" --help >/dev/null 2>&1 || fail "the packaged spfctl does not run"
    finish
}

# check_doc_folder ROOT VERSION: what a Debian administrator looks for in the unpacked
# package ROOT: /usr/share/doc/spf-backend, and settings that explain themselves.
check_doc_folder() {
    local root=$1 version=$2 doc=$1/usr/share/doc/spf-backend
    head -n 1 "$doc/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
        fail "copyright is not in the machine-readable format (DEP-5)"
    grep -qx 'License: Expat' "$doc/copyright" || fail "copyright names no License: Expat (SPDX MIT)"
    # gzip -9n: no file name, no time stamp (reproducible), maximum compression.
    [[ $(od -An -tx1 -N9 "$doc/changelog.Debian.gz" | tr -d ' \n') == 1f8b08000000000002 ]] ||
        fail "changelog.Debian.gz is not compressed with gzip -9n"
    local top
    top=$(zcat "$doc/changelog.Debian.gz" | dpkg-parsechangelog -l - -S Version 2>&1) ||
        fail "dpkg-parsechangelog cannot read changelog.Debian.gz: $top"
    [[ $top == "$version" ]] || fail "changelog.Debian.gz starts with version '$top', the package is '$version'"
    # The installed settings stand on their own: no source tree to refer to.
    local settings=$root/etc/spf-backend/backend.toml
    if grep -nE 'config/backend\.toml|deploy/|source tree|docs/design' "$settings" >&2; then
        fail "the installed backend.toml refers to the source tree (above)"
    fi
    grep -q '/usr/share/doc/spf-backend/' "$settings" ||
        fail "the installed backend.toml does not point to /usr/share/doc/spf-backend/"
    grep -q 'spfctl --help' "$settings" ||
        fail "the installed backend.toml does not point to spfctl --help"
    ok "doc folder: README.md, docs/, DEP-5 copyright, changelog.Debian.gz ($top); settings self-documented"
}

# ---- (c) install -----------------------------------------------------------------------------

install_marker=/var/tmp/spf-backend-package-test.marker

pkg_status() { dpkg-query -W -f='${db:Status-Status}' spf-backend 2>/dev/null || true; }

# dpkg fails at once when apt or another dpkg holds the lock; wait for it a while.
run_dpkg() {
    local i out
    for ((i = 0; i < 60; i++)); do
        if out=$(dpkg "$@" </dev/null 2>&1); then
            [[ -z $out ]] || indent "dpkg: " <<<"$out"
            return 0
        fi
        if grep -qi 'lock' <<<"$out"; then
            sleep 2
            continue
        fi
        indent "dpkg: " <<<"$out" >&2
        return 1
    done
    echo "    dpkg: still locked after 2 minutes" >&2
    return 1
}

# install_deb FILE: as an administrator would, keeping changed conffiles without asking.
# --reinstall makes the same version install again; it changes nothing for another one.
install_deb() {
    if [[ $installer == dpkg ]]; then
        run_dpkg -i --force-confdef --force-confold --force-depends "$1"
        return
    fi
    local out
    if out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall --no-install-recommends \
        -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "$1" </dev/null 2>&1); then
        grep -E '^(Setting up|Unpacking) spf-backend|^spf-backend:' <<<"$out" | indent "apt: " || true
        return 0
    fi
    indent "apt: " <<<"$out" >&2
    return 1
}

test_install() {
    if [[ ${CI:-} != true && ${SPF_TEST_DEB_INSTALL:-} != 1 ]]; then
        skip "installs the .deb into this machine's dpkg database; set SPF_TEST_DEB_INSTALL=1 (or CI=true) to run it"
    fi
    ((EUID == 0)) || skip "needs root to install packages"
    require_build_dir
    # A run killed before its cleanup (ctest's timeout sends SIGKILL) leaves the package and
    # this marker behind; the next run purges that leftover. A package installed by anyone
    # else is never touched.
    local status
    status=$(pkg_status)
    if [[ -n $status && $status != not-installed ]]; then
        if [[ -f $install_marker ]]; then
            echo "note: purging spf-backend left behind by an interrupted run of this test"
            run_dpkg -P spf-backend || exit 1
        else
            echo "package_test: spf-backend is already on this machine (status: $status); not touching it" >&2
            exit 1
        fi
    fi

    local v1=$work/v1 v2=$work/v2 deb1 deb2 version2
    deb1=$(build_deb "$v1")
    version2="$(dpkg-deb -f "$deb1" Version | sed 's/-[^-]*$//')+pkgtest1"
    deb2=$(build_deb "$v2" "$version2")
    dpkg --compare-versions "$(dpkg-deb -f "$deb2" Version)" gt "$(dpkg-deb -f "$deb1" Version)" ||
        fail "the bumped package's version is not higher"
    ok "built $(basename "$deb1") and $(basename "$deb2")"

    # Leave the machine as we found it, whatever happens below. The marker remembers that
    # across an interrupted run (including whether the user existed before the first one).
    local user_existed=no wants_existed=no
    if [[ -f $install_marker ]]; then
        read -r user_existed wants_existed <"$install_marker" || true
    else
        getent passwd spf-backend >/dev/null && user_existed=yes
        [[ -d /etc/systemd/system/multi-user.target.wants ]] && wants_existed=yes
        echo "$user_existed $wants_existed" >"$install_marker"
    fi
    cleanup_steps+=("restore_machine $user_existed $wants_existed")

    # As documented: `apt install ./file.deb`, which also pulls in the dependencies (all on
    # this machine already, so it works offline). Without pdns, dpkg --force-depends instead.
    installer=apt
    if [[ $(dpkg-query -W -f='${db:Status-Status}' pdns-server 2>/dev/null) != installed ||
        $(dpkg-query -W -f='${db:Status-Status}' pdns-backend-remote 2>/dev/null) != installed ]]; then
        echo "note: pdns-server or pdns-backend-remote is not installed; using dpkg -i --force-depends"
        installer=dpkg
    fi

    # First install.
    install_deb "$deb1" || fail "installing $(basename "$deb1")"
    [[ $(pkg_status) == installed ]] || fail "status after install is '$(pkg_status)'"
    check_installed "first install"

    # The service user's view: it must be able to read settings and zones.
    local as_user=(setpriv --reuid=spf-backend --regid=spf-backend --clear-groups)
    getent group pdns >/dev/null && as_user=(setpriv --reuid=spf-backend --regid=pdns --clear-groups)
    if "${as_user[@]}" /usr/bin/spf-backend --check --config /etc/spf-backend/backend.toml >/dev/null 2>"$work/check.err"; then
        ok "spf-backend --check passes as the service user (user spf-backend, group pdns)"
    else
        fail "spf-backend --check as the service user:"
        indent <"$work/check.err" >&2
    fi

    # Same version over itself, after a local edit of a conffile: the edit stays.
    echo "# local edit by package_test" >>/etc/spf-backend/backend.toml
    install_deb "$deb1" || fail "reinstalling $(basename "$deb1")"
    check_installed "reinstall"
    grep -qx '# local edit by package_test' /etc/spf-backend/backend.toml ||
        fail "reinstall lost the local edit of /etc/spf-backend/backend.toml"

    # Upgrade: new version, conffile unchanged in the package, so the edit stays silently.
    install_deb "$deb2" || fail "upgrading to $(basename "$deb2")"
    [[ $(dpkg-query -W -f='${Version}' spf-backend) == "$(dpkg-deb -f "$deb2" Version)" ]] ||
        fail "installed version after the upgrade is $(dpkg-query -W -f='${Version}' spf-backend)"
    check_installed "upgrade"
    grep -qx '# local edit by package_test' /etc/spf-backend/backend.toml ||
        fail "upgrade lost the local edit of /etc/spf-backend/backend.toml"
    [[ -e /etc/spf-backend/backend.toml.dpkg-dist || -e /etc/spf-backend/backend.toml.dpkg-old ]] &&
        fail "upgrade left a .dpkg-dist/.dpkg-old beside an unchanged conffile"
    ok "reinstall and upgrade keep local edits of conffiles"

    # An admin's symlink into pdns.d must not dangle after remove (pdns would not start).
    local pdns_link=/etc/powerdns/pdns.d/spf-backend.conf made_link=no
    if [[ -d /etc/powerdns/pdns.d && ! -e $pdns_link && ! -L $pdns_link ]]; then
        ln -s /usr/share/spf-backend/pdns.d/spf-backend.conf "$pdns_link"
        made_link=yes
        cleanup_steps+=("[[ -L $pdns_link ]] && rm -f $pdns_link")
    fi

    # Remove: programs and units go, conffiles stay.
    run_dpkg -r spf-backend || fail "dpkg -r"
    [[ $(pkg_status) == config-files ]] || fail "status after remove is '$(pkg_status)'"
    for f in /usr/bin/spf-backend /usr/bin/spfctl /lib/systemd/system/spf-backend.service \
        /lib/systemd/system/spf-backend.socket /lib/systemd/system/spf-backend-admin.socket \
        /lib/systemd/system/pdns.service.d/spf-backend.conf \
        /usr/share/spf-backend/pdns.d/spf-backend.conf; do
        [[ ! -e $f ]] || fail "$f is still there after dpkg -r"
    done
    [[ -f /etc/spf-backend/backend.toml ]] || fail "dpkg -r removed the conffile backend.toml"
    if [[ $made_link == yes ]]; then
        [[ ! -L $pdns_link ]] || fail "dpkg -r left the dangling symlink $pdns_link"
    fi
    ok "remove: binaries and units gone, conffiles kept$([[ $made_link == yes ]] && echo ', pdns.d symlink cleaned up')"

    # Purge: everything goes but the user.
    run_dpkg -P spf-backend || fail "dpkg -P"
    [[ -z $(pkg_status) || $(pkg_status) == not-installed ]] || fail "status after purge is '$(pkg_status)'"
    for f in /etc/spf-backend /var/lib/spf-backend /usr/share/doc/spf-backend \
        /usr/share/spf-backend /lib/systemd/system/pdns.service.d/spf-backend.conf \
        /etc/systemd/system/multi-user.target.wants/spf-backend.service \
        /etc/systemd/system/sockets.target.wants/spf-backend.socket \
        /etc/systemd/system/sockets.target.wants/spf-backend-admin.socket \
        /etc/systemd/system/spf-backend.service /etc/systemd/system/spf-backend.socket; do
        [[ ! -e $f && ! -L $f ]] || fail "$f is still there after dpkg -P"
    done
    local leftovers
    leftovers=$(compgen -G '/usr/bin/spf-*' || true)
    [[ -z $leftovers ]] || fail "left after purge: $leftovers"
    ok "purge: nothing of the package is left (the system user stays, as Debian does)"
    finish
}

# After each install step: files, user, enablement, settings.
check_installed() {
    local step=$1 f
    for f in "${expected_files[@]}"; do
        f=${f#.}
        # /usr/share/doc may be excluded by dpkg path-exclude on minimal images.
        if [[ $f == /usr/share/doc/* ]] && compgen -G '/etc/dpkg/dpkg.cfg.d/*' >/dev/null &&
            grep -qs 'path-exclude.*/usr/share/doc' /etc/dpkg/dpkg.cfg.d/*; then
            continue
        fi
        [[ -f $f ]] || fail "$step: $f is missing"
    done
    getent passwd spf-backend >/dev/null || fail "$step: no user spf-backend"
    local home shell
    home=$(getent passwd spf-backend | cut -d: -f6)
    shell=$(getent passwd spf-backend | cut -d: -f7)
    [[ $home == /var/lib/spf-backend ]] || fail "$step: spf-backend's home is $home"
    [[ $shell == */nologin || $shell == /bin/false ]] || fail "$step: spf-backend's shell is $shell"
    (($(id -u spf-backend) < 1000)) || fail "$step: spf-backend is not a system user"
    [[ -d /var/lib/spf-backend ]] || fail "$step: /var/lib/spf-backend is missing"
    [[ $(stat -c %U /var/lib/spf-backend) == spf-backend ]] ||
        fail "$step: /var/lib/spf-backend is not owned by spf-backend"
    [[ -L /etc/systemd/system/multi-user.target.wants/spf-backend.service ]] ||
        fail "$step: the unit is not enabled (multi-user.target.wants symlink)"
    for f in spf-backend.socket spf-backend-admin.socket; do
        [[ -L /etc/systemd/system/sockets.target.wants/$f ]] ||
            fail "$step: $f is not enabled (sockets.target.wants symlink)"
    done
    local out
    if out=$(/usr/bin/spf-backend --check --config /etc/spf-backend/backend.toml 2>&1); then
        ok "$step: files in place, user, state folder, unit enabled; --check passes"
    else
        fail "$step: spf-backend --check --config /etc/spf-backend/backend.toml:"
        indent <<<"$out" >&2
    fi
}

# Runs from the EXIT trap: purge the package if a failed step left it, then remove what the
# package leaves on purpose (the user) if it was not there before the test.
restore_machine() {
    local user_existed=$1 wants_existed=$2 status
    status=$(pkg_status)
    if [[ -n $status && $status != not-installed ]]; then
        echo "cleanup: purging spf-backend (status $status)"
        run_dpkg -P spf-backend || echo "cleanup: dpkg -P spf-backend failed" >&2
    fi
    if [[ $user_existed == no ]] && getent passwd spf-backend >/dev/null; then
        userdel spf-backend 2>/dev/null || echo "cleanup: userdel spf-backend failed" >&2
    fi
    if [[ $user_existed == no ]] && getent group spf-backend >/dev/null; then
        groupdel spf-backend 2>/dev/null || true
    fi
    if [[ $wants_existed == no ]]; then
        rmdir /etc/systemd/system/multi-user.target.wants 2>/dev/null || true
    fi
    rmdir /etc/systemd/system/sockets.target.wants 2>/dev/null || true # only when empty
    [[ -n $(pkg_status) && $(pkg_status) != not-installed ]] || rm -f "$install_marker"
}

# ---- (d) version: release-info.sh on a throwaway repository ----------------------------------

# A repository of its own in $work, so that tags and edits never touch the project's.
throwaway_repo() {
    local dir=$1
    git init -q "$dir"
    git -C "$dir" config user.name "package test"
    git -C "$dir" config user.email "package-test@example.invalid"
    git -C "$dir" config commit.gpgsign false
    git -C "$dir" config tag.gpgsign false
}

commit() {
    git -C "$repo" commit -q --allow-empty -m "$1"
}

# version_is NAME PATTERN: the version now, checked against a glob and remembered in order.
versions=()
version_is() {
    local got
    got=$(sh "$release_info" version "$repo" 0.1.0) || {
        fail "$1: release-info.sh version failed"
        return
    }
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $got == $2 ]] || fail "$1: version '$got', expected $2"
    versions+=("$got")
}

test_version() {
    command -v git >/dev/null || skip "git is not installed"
    unset SPF_PACKAGE_VERSION
    release_info=$deploy/package/release-info.sh
    repo=$work/repo
    throwaway_repo "$repo"
    mkdir -p "$repo/zones"
    echo 'zone = "one"' >"$repo/zones/z.toml"
    git -C "$repo" add zones/z.toml
    commit "first"
    local h='g[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
    version_is "no tag" "0.1.0~git[0-9]*.1.$h"
    commit "second"
    echo 'zone = "edited"' >"$repo/zones/z.toml"
    version_is "no tag, uncommitted edit" "0.1.0~git[0-9]*.2.$h~dirty.[0-9]*"
    git -C "$repo" checkout -q zones/z.toml
    version_is "no tag, clean again" "0.1.0~git[0-9]*.2.$h"
    git -C "$repo" tag v0.1.0
    version_is "tagged v0.1.0" "0.1.0"
    commit "third: a subject long enough to be wrapped in the changelog, which keeps its lines within eighty columns"
    version_is "one commit after v0.1.0" "0.1.0+1.$h"
    commit "fourth"
    git -C "$repo" tag v0.2.0-rc1
    version_is "tagged v0.2.0-rc1" "0.2.0~rc1"
    commit "fifth"
    version_is "after the release candidate" "0.2.0~rc1+1.$h"
    commit "sixth"
    git -C "$repo" tag v0.2.0
    version_is "tagged v0.2.0" "0.2.0"
    commit "seventh"
    version_is "after v0.2.0" "0.2.0+1.$h"
    commit "eighth"
    version_is "two after v0.2.0" "0.2.0+2.$h"

    local i
    for ((i = 1; i < ${#versions[@]}; i++)); do
        dpkg --compare-versions "${versions[i]}-1" gt "${versions[i - 1]}-1" ||
            fail "dpkg orders ${versions[i]} not above ${versions[i - 1]}"
    done
    ok "versions from tags, in dpkg's order: $(printf '%s < ' "${versions[@]}" | sed 's/ < $//')"

    local got
    got=$(SPF_PACKAGE_VERSION=0.2.0+hotfix1 sh "$release_info" version "$repo" 0.1.0)
    [[ $got == 0.2.0+hotfix1 ]] || fail "SPF_PACKAGE_VERSION=0.2.0+hotfix1 gave '$got'"
    if SPF_PACKAGE_VERSION=0.2.0-1 sh "$release_info" version "$repo" 0.1.0 >/dev/null 2>&1; then
        fail "SPF_PACKAGE_VERSION=0.2.0-1 (a revision in it) was accepted"
    fi
    # A tarball (no .git of its own), even unpacked inside another repository.
    mkdir -p "$repo/tarball/zones"
    echo 'zone = "tarball"' >"$repo/tarball/zones/z.toml"
    got=$(sh "$release_info" version "$repo/tarball" 0.3.0)
    [[ $got == 0.3.0 ]] || fail "a tree without .git gave version '$got', expected the fallback 0.3.0"
    sh "$release_info" zone "$repo/tarball" zones/z.toml "$work/tarball-zone" 2>"$work/note"
    grep -qx 'zone = "tarball"' "$work/tarball-zone" || fail "a tree without .git: zone not taken as found"
    grep -q 'not a git checkout' "$work/note" || fail "a tree without .git: no note on stderr"
    rm -rf "$repo/tarball"
    ok "SPF_PACKAGE_VERSION is checked and taken; a tree without .git gives the fallback"

    check_zone_from_git
    check_changelog_from_git
    finish
}

check_zone_from_git() {
    echo 'zone = "edited"' >"$repo/zones/z.toml"
    sh "$release_info" zone "$repo" zones/z.toml "$work/zone" 2>"$work/zone.err" ||
        fail "release-info.sh zone failed: $(cat "$work/zone.err")"
    grep -qx 'zone = "one"' "$work/zone" || fail "zone: not the committed file: $(cat "$work/zone")"
    grep -q 'WARNING: zones/z.toml has uncommitted changes' "$work/zone.err" ||
        fail "zone: no warning about the uncommitted edit"
    git -C "$repo" checkout -q zones/z.toml
    echo 'zone = "new"' >"$repo/zones/new.toml"
    if sh "$release_info" zone "$repo" zones/new.toml "$work/zone" 2>"$work/zone.err"; then
        fail "zone: an uncommitted file was packaged"
    fi
    grep -q 'is not committed at HEAD' "$work/zone.err" || fail "zone: no reason for refusing an uncommitted file"
    rm "$repo/zones/new.toml"
    ok "zone: the committed file, a warning about an edit, refusal of an uncommitted file"
}

check_changelog_from_git() {
    local log=$work/changelog.Debian.gz text
    sh "$release_info" changelog "$repo" "${versions[-1]}" 1 "Test <test@example.invalid>" "$log" ||
        fail "release-info.sh changelog failed"
    text=$(zcat "$log")
    local heads
    heads=$(grep -o '^spf-backend ([^)]*)' <<<"$text" | sed 's/^spf-backend (//; s/)$//' | tr '\n' ' ')
    [[ $heads == "${versions[-1]}-1 0.2.0-1 0.2.0~rc1-1 0.1.0-1 " ]] ||
        fail "changelog entries are '$heads'"
    # Each tag's entry holds the commits since the tag before it.
    [[ $(awk '/^spf-backend \(0.2.0~rc1-1\)/,/^ -- /' <<<"$text" | grep -c '^  \* ') == 2 ]] ||
        fail "the v0.2.0-rc1 entry does not list exactly its two commits"
    local long
    long=$(awk 'length > 80' <<<"$text")
    [[ -z $long ]] || fail "changelog lines over 80 columns: $long"
    dpkg-parsechangelog -l - --all -S Version <<<"$text" >/dev/null 2>"$work/parse.err" ||
        fail "dpkg-parsechangelog: $(cat "$work/parse.err")"
    ok "changelog: one entry per tag and one for the commits since, as dpkg-parsechangelog reads them"
}

# ---- (e) from git: cpack in a throwaway copy with an uncommitted zone edit ---------------------

test_from_git() {
    require_build_dir
    command -v git >/dev/null || skip "git is not installed"
    unset SPF_PACKAGE_VERSION
    # The tree as it is (tracked and new files, the working tree's content), committed in a
    # repository of its own and tagged there. The fuzz corpora are left out: only their
    # folders' names matter to configuring.
    repo=$work/src
    throwaway_repo "$repo"
    git -C "$source_dir" ls-files -co --exclude-standard -z |
        grep -zvE '^tests/fuzz/(corpus|regressions)/' | tar -C "$source_dir" --null -T - -cf - |
        tar -C "$repo" -xf -
    git -C "$repo" add -A
    commit "the tree under test"
    git -C "$repo" tag v9.8.7
    local zone=zones/spf.connectoor.com.toml
    cp "$repo/$zone" "$work/committed.toml"
    echo '# an uncommitted edit' >>"$repo/$zone"

    # Configured, not built: the build tree's programs stand in, and the install step must
    # not build `all` first.
    local build=$work/build
    cmake -S "$repo" -B "$build" -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >"$work/configure.log" 2>&1 || {
        cat "$work/configure.log" >&2
        fail "configuring the copy failed"
        finish
    }
    mkdir -p "$build/backend"
    cp "$build_dir/backend/spf-backend" "$build_dir/backend/spfctl" "$build/backend/"
    local saved_build_dir=$build_dir deb1 deb2
    build_dir=$build
    deb1=$(build_deb "$work/deb1")
    grep -q "WARNING: $zone has uncommitted changes" "$work/deb1/cpack.log" ||
        fail "cpack did not warn about the uncommitted zone edit"
    dpkg-deb --fsys-tarfile "$deb1" | tar -xOf - "./etc/spf-backend/$zone" >"$work/packaged.toml"
    cmp -s "$work/packaged.toml" "$work/committed.toml" ||
        fail "the package holds the working tree's zone edit, not the committed file"
    local v1 v2
    v1=$(dpkg-deb -f "$deb1" Version)
    [[ $v1 == 9.8.7~dirty.*-1 ]] || fail "version with tag v9.8.7 and an edit is '$v1'"
    ok "uncommitted zone edit: packaged the committed file, warned, version $v1"

    # Committed, the edit is packaged, and the version moves up.
    git -C "$repo" commit -q -am "edit the zone"
    deb2=$(build_deb "$work/deb2")
    dpkg-deb --fsys-tarfile "$deb2" | tar -xOf - "./etc/spf-backend/$zone" >"$work/packaged.toml"
    cmp -s "$work/packaged.toml" "$repo/$zone" || fail "the committed zone edit is not in the package"
    v2=$(dpkg-deb -f "$deb2" Version)
    [[ $v2 == 9.8.7+1.g*-1 ]] || fail "version one commit after v9.8.7 is '$v2'"
    dpkg --compare-versions "$v2" gt "$v1" || fail "$v2 does not sort above $v1"
    [[ $(dpkg-deb --fsys-tarfile "$deb2" | tar -xOf - ./usr/share/doc/spf-backend/changelog.Debian.gz |
        zcat | head -n 1) == "spf-backend ($v2) unstable; urgency=medium" ]] ||
        fail "changelog.Debian.gz does not start with $v2"
    build_dir=$saved_build_dir
    ok "committed zone edit: packaged, version $v2 above $v1, changelog in step"
    finish
}

case $mode in
units) test_units ;;
deb) test_deb ;;
install) test_install ;;
version) test_version ;;
from-git) test_from_git ;;
*)
    echo "usage: package_test.sh units|deb|install|version|from-git --source-dir DIR [--build-dir DIR] [--binary FILE]" >&2
    exit 2
    ;;
esac
