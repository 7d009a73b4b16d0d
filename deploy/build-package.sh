#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package, on a Debian 12 host of the production machines' architecture
# (dpkg-shlibdeps takes the Depends from this host's libraries), as root (deploy/as-root.sh):
# the build dependencies, the build, then cpack into build/package/.
#
# The package holds the zone file as committed at HEAD, and its version follows the tags
# (deploy/package/release-info.sh); SPF_PACKAGE_VERSION=0.2.0 sets the version instead.
# Release steps and the runbook: docs/production.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/as-root.sh
as_root deploy/build-package.sh "$@"

bash deploy/install-deps.sh
bash deploy/build.sh
log=build/package/cpack.log
mkdir -p build/package
if ! cpack --config build/CPackConfig.cmake -B build/package >"$log" 2>&1; then
    cat "$log" >&2
    echo "build-package: cpack failed (output above, also in $log)" >&2
    exit 1
fi
# What the admin must see: the version, and a zone edit that was left out.
grep -E 'package version|WARNING|note:' "$log" || true
deb=$(sed -nE 's/^CPack: - package: (.*) generated\.$/\1/p' "$log")
[[ -f $deb ]] || {
    echo "build-package: cpack reported no package (see $log)" >&2
    exit 1
}
deb=$(realpath --relative-to=. "$deb")
echo "build-package: $deb"
echo "install it on the name server: apt install ./${deb##*/}   (docs/production.md)"
