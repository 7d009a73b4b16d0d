#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs a command in a network namespace of its own, with only loopback, up. For tests whose
# servers would otherwise reach past loopback: pdns resolves the NS names of a zone it
# NOTIFYs for, and libc-resolver clients read /etc/resolv.conf. In here every address but
# 127.0.0.0/8 and ::1 is unreachable, and the test may use port 53 and 127.0.0.2. The
# namespace ends with the command. Unix sockets are files, so they still connect.
# Needs root (or CAP_SYS_ADMIN); prints SKIPPED when the kernel refuses.
set -eu
if ! unshare --net -- true 2>/dev/null; then
    echo "SKIPPED: cannot create a network namespace here (unshare --net needs root)"
    exit 0
fi
exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' in_netns "$@"
