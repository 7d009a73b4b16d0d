#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run all tests, as root (through sudo when not root and sudo exists, see
# deploy/as-root.sh): installs the dependencies, builds, then runs every unit and integration
# test with ctest (2 at a time; each integration test uses its own free ports and folder).
# Exits non-zero if anything fails. Extra arguments go to ctest, e.g. `-L integration`
# or `-R serve`.
#
# Then the hardening stages (docs/reliability.md), on one more build:
# build-asan/, with clang, AddressSanitizer and UndefinedBehaviorSanitizer everywhere and
# the libFuzzer targets (-DSPFD_SANITIZE=ON -DSPFD_FUZZ=ON), so that one build serves both:
#   sanitizers  the same ctest run (same arguments) on build-asan/; any report fails
#   fuzz        tests/fuzz/run.sh: every fuzz target for $FUZZ_SECONDS (default 10) s
# SPF_QUICK=1 skips both locally; CI (CI=true) always runs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/as-root.sh
as_root tests/run.sh "$@"

quick=${SPF_QUICK:-0}
[[ ${CI:-} != true ]] || quick=0

stage() { echo "== tests/run.sh: $* ($((SECONDS / 60))m$((SECONDS % 60))s)"; }

bash deploy/install-deps.sh
stage "build"
bash deploy/build.sh
stage "tests"
ctest --test-dir build --output-on-failure -j2 "$@"
if [[ $quick == 1 ]]; then
    stage "done; SPF_QUICK=1: no sanitizer and fuzz stages"
    exit 0
fi

stage "build with ASan+UBSan and the fuzz targets (clang)"
# A build-asan/ configured with another compiler (g++ is fine for SPFD_SANITIZE alone)
# cannot switch: start it afresh.
if [[ -f build-asan/CMakeCache.txt ]] &&
    ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' build-asan/CMakeCache.txt; then
    rm -rf build-asan
fi
CC=clang CXX=clang++ BUILD_DIR=build-asan SPFD_SANITIZE=ON SPFD_FUZZ=ON bash deploy/build.sh
stage "tests with ASan+UBSan"
# Every report is fatal, with a stack trace, in the test's output or the backend's log
# (which the integration harness scans and prints on failure).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j2 "$@"

stage "fuzz"
FUZZ_BUILD_DIR=build-asan bash tests/fuzz/run.sh --seconds "${FUZZ_SECONDS:-10}"
stage "done"
