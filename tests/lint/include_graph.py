#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The include graph of backend/src and backend/app keeps its shape.

Each folder is a floor, and a file includes only its own folder and the floors below:

    util < net < dns < config < io < spf < zone < probe < query < customer < admin < daemon < app

and no includes run in a loop, neither between folders nor between units (a unit is a .h
with its .cpp). Exits 1 and prints the offending edges, with a file:line for each, when
either rule is broken.

    python3 tests/lint/include_graph.py [--root DIR]    (DIR: the project, default: ours)
"""
import argparse
import os
import re
import sys

FLOORS = ["util", "net", "dns", "config", "io", "spf", "zone", "probe", "query", "customer",
          "admin", "daemon", "app"]
SOURCE_SUFFIXES = (".h", ".hpp", ".cpp")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def read_sources(root):
    """{path as included ("zone/snapshot.h", "app/spfctl/main.cpp"): file text}."""
    files = {}
    for top, prefix in (("backend/src", ""), ("backend/app", "app/")):
        base = os.path.join(root, top)
        for folder, _, names in os.walk(base):
            for name in names:
                if name.endswith(SOURCE_SUFFIXES):
                    path = os.path.join(folder, name)
                    rel = prefix + os.path.relpath(path, base).replace(os.sep, "/")
                    with open(path, encoding="utf-8", errors="replace") as f:
                        files[rel] = f.read()
    return files


def include_edges(files):
    """[(from, to, line)] for every quoted include that names one of `files`."""
    edges = []
    for rel, text in sorted(files.items()):
        for match in INCLUDE.finditer(text):
            name = match.group(1)
            beside = os.path.normpath(os.path.join(os.path.dirname(rel), name))
            target = name if name in files else beside if beside in files else None
            if target is not None:
                edges.append((rel, target, text.count("\n", 0, match.start()) + 1))
    return edges


def folder_of(rel):
    return rel.split("/")[0] if "/" in rel else "."


def unit_of(rel):
    return os.path.splitext(rel)[0]


def strongly_connected(nodes, arrows):
    """Tarjan's components with more than one node (iterative: no recursion limit)."""
    following = {n: sorted({b for a, b in arrows if a == n}) for n in nodes}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, next_child = work.pop()
            if next_child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = following[node]
            if next_child < len(children):
                work.append((node, next_child + 1))
                child = children[next_child]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def loop_reports(kind, key, edges):
    """One message per loop, listing the include edges that close it."""
    arrows = {(key(a), key(b)) for a, b, _ in edges if key(a) != key(b)}
    nodes = {n for arrow in arrows for n in arrow}
    reports = []
    for component in strongly_connected(nodes, arrows):
        members = set(component)
        lines = [f"loop between {kind}: " + ", ".join(component)]
        for a, b, line in edges:
            if key(a) != key(b) and key(a) in members and key(b) in members:
                lines.append(f"  backend/{source_path(a)}:{line}: includes \"{b}\"")
        reports.append("\n".join(lines))
    return reports


def source_path(rel):
    return rel if rel.startswith("app/") else "src/" + rel


def upward_reports(edges):
    reports = []
    for a, b, line in edges:
        here, there = folder_of(a), folder_of(b)
        if here == there:
            continue
        if here not in FLOORS or there not in FLOORS:
            unknown = here if here not in FLOORS else there
            reports.append(f"backend/{source_path(a)}:{line}: folder '{unknown}' has no floor; "
                           f"add it to FLOORS in {os.path.basename(__file__)}")
        elif FLOORS.index(there) > FLOORS.index(here):
            reports.append(f"backend/{source_path(a)}:{line}: includes \"{b}\" upward "
                           f"({here} is below {there})")
    return reports


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    args = parser.parse_args()
    files = read_sources(args.root)
    if not files:
        print(f"include_graph: no sources under {args.root}/backend", file=sys.stderr)
        return 1
    edges = include_edges(files)
    problems = (upward_reports(edges) + loop_reports("folders", folder_of, edges) +
                loop_reports("units", unit_of, edges))
    for problem in problems:
        print(problem)
    print(f"include_graph: {len(files)} files, {len(edges)} includes, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
