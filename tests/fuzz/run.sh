#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, -DSPFD_FUZZ=ON) into build-fuzz/ and runs each over
# its seeds for a bounded time, one after the other. Prints per target the executions, the
# coverage at start and end (libFuzzer's cov: edges and ft: features) and the corpus size.
# Exits non-zero if any target crashes, leaks, times out or breaks an invariant, printing
# the input that did it. New inputs the fuzzers find go to a temporary folder, never into
# the repository (unless --merge).
#
#   bash tests/fuzz/run.sh [--seconds N] [--merge] [--build-only] [TARGET...]
#
#   --seconds N   time per target (default $FUZZ_SECONDS, else 20)
#   --merge       afterwards merge what the run found into corpus/<target>/ (-merge=1: only
#                 inputs that add coverage); for a long local run, then review and commit
#   --build-only  configure and build, do not fuzz
#   TARGET...     only these (default: every target in tests/fuzz/targets.txt)
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_RSS_LIMIT_MB (default 2048),
# FUZZ_KEEP=1 keeps the temporary folder with the new inputs and logs.
# A finding becomes a regression test: minimize it (fuzz_<target> -minimize_crash=1
# -runs=10000 -exact_artifact_path=OUT CRASH) and add it to regressions/<target>/, which
# the ctest test fuzz_replay.<target> replays in every build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
fuzz_dir=tests/fuzz

seconds=${FUZZ_SECONDS:-20}
merge=0
build_only=0
selected=()
while (($#)); do
    case $1 in
    --seconds)
        seconds=$2
        shift 2
        ;;
    --merge)
        merge=1
        shift
        ;;
    --build-only)
        build_only=1
        shift
        ;;
    -h | --help)
        sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        echo "fuzz: unknown option $1" >&2
        exit 2
        ;;
    *)
        selected+=("$1")
        shift
        ;;
    esac
done
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds > 0)) || {
    echo "fuzz: --seconds needs a positive number" >&2
    exit 2
}

# targets.txt: name, max_len, more seed folders.
declare -A max_len more_seeds
targets=()
while read -r name len more; do
    [[ $name =~ ^[a-z] ]] || continue
    targets+=("$name")
    max_len[$name]=$len
    more_seeds[$name]=$more
done <"$fuzz_dir/targets.txt"
if ((${#selected[@]})); then
    for name in "${selected[@]}"; do
        [[ -n ${max_len[$name]:-} ]] || {
            echo "fuzz: no target '$name' (see $fuzz_dir/targets.txt)" >&2
            exit 2
        }
    done
    targets=("${selected[@]}")
fi

build=${FUZZ_BUILD_DIR:-build-fuzz}
mkdir -p "$build"
log=$build/build.log
: >"$log"
build_failed() {
    echo "fuzz: $1 failed (full output: $log)" >&2
    grep -E 'error[: ]|undefined reference' "$log" | head -n 20 >&2 || true
    tail -n 15 "$log" >&2
    exit 1
}
start=$SECONDS
CC=clang CXX=clang++ cmake -S . -B "$build" -DSPFD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >>"$log" 2>&1 || build_failed "cmake configure"
cmake --build "$build" -j"${FUZZ_BUILD_JOBS:-2}" --target fuzz_all >>"$log" 2>&1 ||
    build_failed "cmake build"
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - start)) s -> $build/tests/fuzz/fuzz_*"
((build_only == 0)) || exit 0

work=$(mktemp -d /tmp/spfd-fuzz.XXXXXX)
if [[ ${FUZZ_KEEP:-0} == 1 ]]; then
    echo "fuzz: keeping new inputs and logs in $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Sanitizer reports must end the run (libFuzzer keeps the input) and be readable.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[[ -x $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer

# The first `cov: N ft: M corp: K/S` line whose label matches $2 (INITED, DONE, …).
stat_line() { grep -E "^#[0-9]+[[:space:]]+$2 " "$1" | tail -n 1 || true; }
field() { sed -nE "s/.*[[:space:]]$2: ([^ ]+).*/\1/p" <<<"$1"; }

failures=()
rows=()
for name in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$name
    new=$work/new/$name
    artifacts=$work/artifacts/$name
    out=$work/$name.log
    mkdir -p "$new" "$artifacts"
    seeds=()
    for dir in "$fuzz_dir/corpus/$name" "$fuzz_dir/regressions/$name" ${more_seeds[$name]}; do
        [[ ! -d $dir ]] || seeds+=("$dir")
    done
    echo "fuzz: $name for $seconds s (max_len ${max_len[$name]}, seeds: ${seeds[*]})"
    status=0
    began=$SECONDS
    # The first folder receives what the run finds: the temporary one.
    "$exe" -max_total_time="$seconds" -max_len="${max_len[$name]}" \
        -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$new" "${seeds[@]}" >"$out" 2>&1 || status=$?
    inited=$(stat_line "$out" INITED)
    last=$(grep -E '^#[0-9]+[[:space:]].* cov: ' "$out" | tail -n 1 || true)
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$out")
    found=$(find "$new" -type f | wc -l)
    rows+=("$(printf '%-14s %5s %10s %14s %14s %9s %5s' "$name" "$((SECONDS - began))" "${execs:-?}" \
        "$(field "$inited" cov)/$(field "$inited" ft)" "$(field "$last" cov)/$(field "$last" ft)" \
        "$(field "$last" corp)" "$found")")
    if ((status != 0)); then
        failures+=("$name")
        echo "fuzz: FAIL $name (exit $status); the end of its output:" >&2
        grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD) ' "$out" | tail -n 60 >&2
        for input in "$artifacts"/*; do
            [[ -e $input ]] || continue
            kept=$build/findings/$name/$(basename "$input")
            mkdir -p "$(dirname "$kept")"
            cp "$input" "$kept"
            echo "fuzz: FAIL $name: the input that did it: $kept" >&2
            echo "fuzz:   replay: $exe $kept" >&2
        done
    elif ((merge)); then
        "$exe" -merge=1 -max_len="${max_len[$name]}" -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" \
            "$fuzz_dir/corpus/$name" "$new" >"$work/$name.merge.log" 2>&1 || {
            echo "fuzz: merging into $fuzz_dir/corpus/$name failed, see $work/$name.merge.log" >&2
            failures+=("$name(merge)")
        }
    fi
done

echo
printf '%-14s %5s %10s %14s %14s %9s %5s\n' target s execs "start cov/ft" "end cov/ft" \
    "corpus" new
printf '%s\n' "${rows[@]}"
if ((${#failures[@]})); then
    echo "fuzz: ${#failures[@]} target(s) failed: ${failures[*]}" >&2
    exit 1
fi
echo "fuzz: ok, no findings"
