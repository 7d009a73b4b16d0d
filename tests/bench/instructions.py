#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Instructions per backend call, spf-backend against canned, under callgrind.

The profile behind the benchmark's ratios (docs/performance.md): on a 2-core machine every
instruction the backend runs is taken from pdns, and instruction counts, unlike times, do
not depend on what else the machine is doing. For each connector, each backend runs under
valgrind --tool=callgrind; its counters are zeroed once it is up (start-up left out), then
call_rate drives it over one connection for a few seconds and the counters are dumped.
Prints instructions per call, where they go (Beast, Asio, our code, libc...) and the
functions that cost the most. User space only: callgrind does not see the kernel.

  /usr/bin/python3 tests/bench/instructions.py [--seconds 3] [--top 8] [--build-dir DIR]
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import bench  # noqa: E402
import harness  # noqa: E402

# Where a function's code comes from, by the source file callgrind names for it: inlined
# library code counts where it was written, not where it was inlined.
GROUPS = [
    ("Beast (HTTP parser)", re.compile(r"/boost/beast/")),
    ("Asio (event loop)", re.compile(r"/boost/asio/")),
    ("Boost.JSON", re.compile(r"/boost/json/")),
    ("other Boost", re.compile(r"/boost/")),
    ("C++ library", re.compile(r"/c\+\+/|libstdc\+\+")),
    ("the backend's own code", re.compile(r"(^|/)(backend/src|backend/app|tests/bench)/")),
    ("libc (system call wrappers, memchr...)", re.compile(r"^\./|libc\.so|ld-linux")),
]


def group_of(location):
    source = location.split(":", 1)[0]  # the file; the function's signature names others
    for name, pattern in GROUPS:
        if pattern.search(source):
            return name
    return "other"


def self_costs(profile):
    """(instructions, file:function [object]) for every function, from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no", "--threshold=100",
                          profile], capture_output=True, text=True, check=True, timeout=120).stdout
    total = total_of(profile)
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        cost = int(m.group(1).replace(",", ""))
        # callgrind_annotate lists main and the frames below it with the whole program's
        # cost even without --inclusive; they are not anyone's own instructions.
        if cost < 0.99 * total:
            rows.append((cost, m.group(2)))
    return rows


def total_of(profile):
    with open(profile, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no summary in {profile}")


def short_name(location):
    """`file:function [object]` -> the function, without its arguments and templates."""
    function = location.split(":", 1)[1] if ":" in location else location
    function = re.sub(r"\s*\[[^\]]*\]$", "", function)
    depth, text = 0, ""
    for c in function:  # drop template arguments and parameter lists
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif depth == 0:
            text += c
    return text.strip()[:70]


def profile_one(work, kind, connection, seconds):
    """Runs one backend under callgrind; returns (calls, profile file)."""
    out_pattern = work.sub(f"callgrind-{kind}-{connection}.%p")
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_pattern}"]
    if kind == "spf":
        backend = harness.Backend(work, unix=connection == "unix", http=connection == "http",
                                  name=f"cg-spf-{connection}", log_level="info")
        plain_argv = backend.argv
        backend.argv = lambda *extra: valgrind + plain_argv(*extra)
        backend.start()
    else:
        backend = bench.Canned(work, connection, "flat", f"cg-canned-{connection}",
                               wrapper=valgrind)
    pid = str(backend.process.pid)
    target = (["--unix", backend.socket_path] if connection == "unix"
              else ["--http", str(backend.http_port)])
    subprocess.run(["callgrind_control", "-z", pid], capture_output=True, check=True, timeout=60)
    r = subprocess.run([os.path.join(bench.BUILD, "tests/bench/call_rate"), *target,
                        "--seconds", str(seconds)], capture_output=True, text=True,
                       timeout=seconds + 60)
    if r.returncode != 0:
        raise RuntimeError(f"call_rate failed: {r.stdout}{r.stderr}")
    calls = int(re.search(r"calls=(\d+)", r.stdout).group(1))
    subprocess.run(["callgrind_control", "-d", pid], capture_output=True, check=True, timeout=60)
    backend.stop()
    dumps = sorted(glob.glob(out_pattern.replace("%p", pid) + ".*"))
    if not dumps:
        raise RuntimeError(f"callgrind wrote no dump for {kind}-{connection}")
    return calls, dumps[-1]


def report(connection, results, top):
    lines = [f"{connection} connector, one connection (call_rate), user-space instructions "
             "per call:"]
    per_call = {}
    for kind, (calls, profile) in results.items():
        per_call[kind] = total_of(profile) / calls
        lines.append(f"  {kind:<7} {per_call[kind]:>8.0f}   ({calls} calls)")
    lines.append(f"  ratio   {per_call['spf'] / per_call['canned']:>8.2f}   spf-backend / canned")
    for kind, (calls, profile) in results.items():
        rows = self_costs(profile)
        groups = {}
        for cost, location in rows:
            groups[group_of(location)] = groups.get(group_of(location), 0) + cost
        lines.append(f"  {kind}, by origin:")
        for name, cost in sorted(groups.items(), key=lambda kv: -kv[1]):
            if cost / calls >= 1:
                lines.append(f"    {cost / calls:>7.0f}  {name}")
        lines.append(f"  {kind}, the {top} costliest functions (own instructions):")
        for cost, location in sorted(rows, reverse=True)[:top]:
            lines.append(f"    {cost / calls:>7.0f}  {short_name(location)}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    args = parser.parse_args()
    bench.BUILD = os.path.abspath(args.build_dir)
    harness.SETTINGS.binary = os.path.join(bench.BUILD, "backend", "spf-backend")
    harness.require_binary()
    work = harness.Workdir("instructions")
    reports = []
    try:
        for connection in ("unix", "http"):
            results = {kind: profile_one(work, kind, connection, args.seconds)
                       for kind in ("spf", "canned")}
            reports.append(report(connection, results, args.top))
    finally:
        harness._kill_everything()
    print("\n\n".join(reports))
    import shutil
    shutil.rmtree(work.path, ignore_errors=True)
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"\n({time.monotonic() - started:.0f} s)", file=sys.stderr)
    sys.exit(code)
