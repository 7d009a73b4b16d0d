#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds spf-backend and its tests into build/ (RelWithDebInfo).
# Arguments, if any, are the targets to build (try.sh builds `spf-backend spfctl`).
# Quiet: all output goes to build/build.log; on failure the compiler's error lines and the
# end of the log are shown, on success the number of compiler warnings.
# BUILD_DIR=build-asan SPFD_SANITIZE=ON builds everything with ASan+UBSan there instead;
# with CC=clang CXX=clang++ SPFD_FUZZ=ON also the libFuzzer targets (tests/run.sh does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_type=${BUILD_TYPE:-RelWithDebInfo}
dir=${BUILD_DIR:-build}
sanitize=${SPFD_SANITIZE:-OFF}
fuzz=${SPFD_FUZZ:-OFF}
mkdir -p "$dir"
log=$dir/build.log
: >"$log"

fail() {
    echo "build: $1 failed (full output: $log)" >&2
    grep -E '(error|Error)[: ]|undefined reference|multiple definition' "$log" |
        grep -v '^gmake' | head -n 30 >&2 || true
    echo "build: last lines of $log:" >&2
    tail -n 15 "$log" >&2
    exit 1
}

cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$build_type" -DSPFD_SANITIZE="$sanitize" \
    -DSPFD_FUZZ="$fuzz" >>"$log" 2>&1 || fail "cmake configure"
target_args=()
(($# == 0)) || target_args=(--target "$@")
cmake --build "$dir" -j"$(nproc)" "${target_args[@]}" >>"$log" 2>&1 || fail "cmake build"
warnings=$(grep -c 'warning:' "$log" || true)
[[ $sanitize == OFF ]] || build_type+=", ASan+UBSan"
[[ $fuzz == OFF ]] || build_type+=", libFuzzer targets"
echo "build: ok ($build_type${*:+, $*}; $warnings compiler warnings, see $log) -> $dir/backend/spf-backend"
