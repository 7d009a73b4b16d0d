#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The performance benchmark in one command: installs what is missing (deploy/install-deps.sh),
# builds Release-with-debug-info into build/, and runs tests/bench/bench.py, which prints one
# table (docs/performance.md). Everything talks to 127.0.0.1 only. Arguments go to
# bench.py: --rounds N (6), --seconds S (4), --quick (1 round of 1 s), --json FILE,
# --metadata-cache-ttl T (60); --compare OTHER_BUILD_DIR --case CASE for a paired A/B of two
# builds through pdns instead of the benchmark (bench.py --help).
# About 16 minutes with the defaults on a 2-core machine; run it on a quiet machine, and
# compare ratios, not absolute numbers, between machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash deploy/install-deps.sh
bash deploy/build.sh spf-backend spfctl canned_backend call_rate inprocess_bench
exec /usr/bin/python3 tests/bench/bench.py "$@"
