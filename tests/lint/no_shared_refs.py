#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Everything the repository points to is in the repository.

Fails on any tracked file that points outside it, to the shared folder beside the project
or its reference notes, or to the SPF rules page by a path other than the one in the
repository: docs/spf-rules.md. Prints `file:line: text` for each such line.

    python3 tests/lint/no_shared_refs.py [--root DIR]

In a git work tree the files are the tracked ones (git ls-files); elsewhere every file below
DIR.
"""
import argparse
import os
import re
import subprocess
import sys

# Spelled in pieces so that this file does not point there itself.
RULES_PAGE = "spf-rules" + ".md"
# A "reference" followed by a section sign cites the team's protocol notes, which users do
# not have.
OUTSIDE = re.compile(re.escape(".." + "/shared") + "|" + re.escape("shared" + "/reference") +
                     "|" + re.escape(RULES_PAGE) + "|" + "reference" + " §")
ALLOWED = "docs/" + RULES_PAGE


def project_files(root):
    try:
        listed = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True,
                                check=True).stdout
        return [name for name in listed.decode("utf-8", "replace").split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, _, names in os.walk(root):
            found += [os.path.relpath(os.path.join(folder, n), root) for n in names]
        return sorted(found)


def offending_lines(text, in_docs=False):
    """[(line number, line)] where a reference points outside the repository. A page in docs/
    may link to the rules page beside it by its bare name."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in OUTSIDE.finditer(line):
            if match.group(0) == RULES_PAGE:
                start = match.start() - len("docs/")
                if start >= 0 and line[start:match.end()] == ALLOWED:
                    continue
                if in_docs and line[match.start() - 1:match.start()] in ("(", "["):
                    continue
            found.append((number, line.strip()))
            break
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    args = parser.parse_args()
    files = project_files(args.root)
    problems = 0
    for name in files:
        path = os.path.join(args.root, name)
        if not os.path.isfile(path) or os.path.islink(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data:
            continue
        for number, line in offending_lines(data.decode("utf-8", "replace"),
                                            name.startswith("docs/")):
            print(f"{name}:{number}: {line[:160]}")
            problems += 1
    print(f"no_shared_refs: {len(files)} files, {problems} reference(s) outside the repository")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
