#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The lint scripts catch what they are for, on small trees under fixtures/ (and, for
no_shared_refs, on files written to a temporary folder: committed, they would trip the
check on this repository)."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)

import function_length  # noqa: E402


def run(script, root):
    done = subprocess.run([sys.executable, os.path.join(HERE, script), "--root", root],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout


class IncludeGraph(unittest.TestCase):
    def test_a_clean_tree_passes(self):
        code, out = run("include_graph.py", os.path.join(FIXTURES, "graph_clean"))
        self.assertEqual(code, 0, out)
        self.assertIn("include_graph: 5 files, 5 includes, 0 problem(s)", out)

    def test_a_loop_between_folders_and_its_upward_edge(self):
        code, out = run("include_graph.py", os.path.join(FIXTURES, "graph_folder_loop"))
        self.assertEqual(code, 1)
        self.assertIn("loop between folders: net, util", out)
        self.assertIn('backend/src/util/a.h:2: includes "net/b.h" upward (util is below net)',
                      out)
        self.assertIn('  backend/src/net/b.h:2: includes "util/a.h"', out)

    def test_a_loop_between_units_of_one_folder(self):
        code, out = run("include_graph.py", os.path.join(FIXTURES, "graph_unit_loop"))
        self.assertEqual(code, 1)
        self.assertIn("loop between units: util/a, util/b", out)
        self.assertIn('  backend/src/util/a.cpp:2: includes "util/b.h"', out)
        self.assertNotIn("between folders", out)

    def test_an_upward_include_without_a_loop(self):
        code, out = run("include_graph.py", os.path.join(FIXTURES, "graph_upward"))
        self.assertEqual(code, 1)
        self.assertIn('backend/src/net/x.h:2: includes "zone/y.h" upward (net is below zone)', out)
        self.assertNotIn("loop", out)


class FunctionLength(unittest.TestCase):
    def test_sixty_lines_pass(self):
        code, out = run("function_length.py", os.path.join(FIXTURES, "functions_ok"))
        self.assertEqual(code, 0, out)
        self.assertIn("function_length: 5 functions, 0 over 60 lines", out)

    def test_sixty_one_lines_fail_with_file_line_name_length(self):
        code, out = run("function_length.py", os.path.join(FIXTURES, "functions_long"))
        self.assertEqual(code, 1)
        self.assertIn("backend/src/util/long.cpp:5: sixty_one_lines: 61 lines", out)

    def test_shapes_are_measured_from_the_signature_to_the_closing_brace(self):
        folder = os.path.join(FIXTURES, "functions_ok", "backend", "src", "util")
        with open(os.path.join(folder, "shapes.cpp"), encoding="utf-8") as f:
            # Multi-line signature, a lambda inside, braces in strings and comments; a raw
            # string does not hide the next function.
            self.assertEqual(function_length.functions(f.read()),
                             [(11, "exactly_sixty", 60), (74, "after_the_raw_string", 4)])
        with open(os.path.join(folder, "shapes.h"), encoding="utf-8") as f:
            # Member functions one by one; an initializer list's braces and lambda are part
            # of the constructor's signature; a struct's braced member is no function.
            self.assertEqual(function_length.functions(f.read()),
                             [(14, "holder", 2), (17, "value", 1), (19, "bump", 6)])


class NoSharedRefs(unittest.TestCase):
    def test_references_outside_the_repository_are_listed(self):
        rules = "spf-rules" + ".md"
        files = {
            "good.md": f"The rules: docs/{rules}, and [again](../docs/{rules}).\n",
            "shared.md": "line one\nsee " + ".." + "/shared/tools\n",
            "reference.cpp": "// from shared" + "/reference/layout.md\n",
            "bare.py": f"# as {rules} says\n",
        }
        with tempfile.TemporaryDirectory() as root:
            for name, text in files.items():
                with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                    f.write(text)
            with open(os.path.join(root, "binary.bin"), "wb") as f:
                f.write(b"\0" + rules.encode())
            code, out = run("no_shared_refs.py", root)
        self.assertEqual(code, 1)
        self.assertIn("shared.md:2: see ", out)
        self.assertIn("reference.cpp:1: ", out)
        self.assertIn("bare.py:1: ", out)
        self.assertNotIn("good.md", out)
        self.assertNotIn("binary.bin", out)
        self.assertIn("3 reference(s) outside the repository", out)

    def test_a_clean_tree_passes(self):
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "README.md"), "w", encoding="utf-8") as f:
                f.write("See docs/spf-rules" + ".md.\n")
            code, out = run("no_shared_refs.py", root)
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    unittest.main()
