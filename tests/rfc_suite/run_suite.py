#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs one of pyspf's YAML test suites (RFC 7208 or RFC 4408, as Debian's python3-spf
installs them) against our check_host(): each scenario becomes JSON (zone data and tests)
for the C++ driver, which evaluates every test with an in-memory resolver and prints
"N passed, M failed". Exit status 0 only when every test passes.

Run alone:
  /usr/bin/python3 tests/rfc_suite/run_suite.py --driver build/tests/rfc_suite/rfc_suite_driver \
      /usr/share/doc/python3-spf/rfc7208-tests.yml.gz
"""

import argparse
import gzip
import json
import subprocess
import sys

try:
    import yaml  # python3-yaml (deploy/install-deps.sh)
except ImportError as e:
    raise SystemExit(f"{e}: install python3-yaml, or run this with /usr/bin/python3")


def records(name, entries):
    """The suite's zone data of one name as the driver reads it, in the order written.

    The conventions are pyspf's test driver's (testspf.py): a bare TIMEOUT entry makes
    every query of the name fail, unless records of the asked type come before it; TXT and
    SPF values are one string or a list of character-strings; `TXT: NONE` means the name
    has no TXT records; SPF records stand in for TXT records when the name lists no TXT at
    all (the suite was written for both types, RFC 7208 queries TXT only); MX is
    [preference, exchange]."""
    out, generated, has_txt = [], [], False
    for entry in entries:
        if entry == "TIMEOUT":
            out.append("TIMEOUT")
            continue
        if not isinstance(entry, dict):
            raise SystemExit(f"{name}: unknown zone data entry {entry!r}")
        for rtype, value in entry.items():
            if rtype in ("TXT", "SPF") and isinstance(value, str):
                value = [value]
            if rtype == "TXT":
                has_txt = True
            elif rtype == "SPF":
                generated.append(["TXT", value])
            if value != ["NONE"]:
                out.append([rtype, value])
    return out if has_txt else out + generated


def scenario_json(scenario):
    zone = {name.lower(): records(name, entries or [])
            for name, entries in (scenario.get("zonedata") or {}).items()}
    tests = []
    for test_name, t in scenario["tests"].items():
        result = t["result"]
        tests.append({
            "name": test_name,
            "helo": t["helo"],
            "host": t["host"],
            "mailfrom": t.get("mailfrom") or "",
            "results": result if isinstance(result, list) else [result],
            "explanation": t.get("explanation"),
        })
    return {"description": scenario.get("description", ""), "zone": zone, "tests": tests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", required=True, help="the rfc_suite_driver binary")
    parser.add_argument("suite", help="a pyspf YAML suite, .yml or .yml.gz")
    args = parser.parse_args()
    opener = gzip.open if args.suite.endswith(".gz") else open
    try:
        with opener(args.suite, "rb") as f:
            scenarios = [scenario_json(s) for s in yaml.safe_load_all(f)]
    except OSError as e:
        raise SystemExit(f"{args.suite}: {e.strerror}; Debian's python3-spf installs it")
    run = subprocess.run([args.driver], input=json.dumps({"scenarios": scenarios}).encode())
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
