#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sourced by deploy/try.sh and tests/run.sh, never run on its own: `as_root SCRIPT ARGS…`
# returns when we are root. Otherwise it runs SCRIPT again through sudo if there is one,
# or says in one line how to run it as root and exits 1. A fresh Debian 12 has no sudo
# for root, so the README's commands carry no `sudo` of their own.
#
# Root is needed to install the Debian packages (deploy/install-deps.sh), for the tests
# that run in a network namespace of their own, and for the package's dpkg cycle.
# sudo resets the environment, so the variables these scripts read are passed on by name.

as_root() {
    ((EUID != 0)) || return 0
    local script
    script=$(realpath "$1")
    shift
    if command -v sudo >/dev/null 2>&1; then
        local keep=() name
        for name in $(compgen -e); do
            case $name in
            SPF_* | FUZZ_* | CI | BUILD_TYPE | BUILD_DIR | CC | CXX) keep+=("$name=${!name}") ;;
            esac
        done
        echo "${script##*/}: needs root; running it again through sudo" >&2
        exec sudo -- env "${keep[@]}" bash "$script" "$@"
    fi
    local args=
    (($# == 0)) || args=$(printf ' %q' "$@")
    echo "${script##*/}: needs root and there is no sudo; run it as root, e.g. su -c 'bash $script$args'" >&2
    exit 1
}
