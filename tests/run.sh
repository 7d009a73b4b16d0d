#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run all tests: installs the dependencies, builds, then runs every unit and integration
# test with ctest (2 at a time; each integration test uses its own free ports and folder).
# Exits non-zero if anything fails. Extra arguments go to ctest, e.g. `-L integration`
# or `-R serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash deploy/install-deps.sh
bash deploy/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"
