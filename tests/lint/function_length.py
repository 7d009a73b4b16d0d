#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""No function in backend/ is longer than 60 lines.

A function's length runs from the first line of its signature (template line included) to
its closing brace. Lambdas and local classes count in the function that holds them;
namespaces and class bodies are containers, not functions, so the member functions defined
in a class are measured one by one. Exits 1 and prints `file:line: name: N lines` for each
function over the limit.

    python3 tests/lint/function_length.py [--root DIR] [--max N]
"""
import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".h", ".hpp", ".cpp")
ACCESS = re.compile(r"^\s*(public|private|protected)\s*:(?!:)")
CONTAINER = re.compile(r"^(template\s*<.*>\s*)?(namespace|class|struct|union|enum)\b|^extern\s*\"",
                       re.DOTALL)


def blank_out(text):
    """`text` with comments, string and character literals and preprocessor lines replaced
    by spaces, newlines kept: what is left are the braces and words that make the shape."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            end = i
            while end < n and (text[end] != "\n" or text[end - 1] == "\\"):
                end += 1
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif c == '"' and re.search(r"(^|[^\w])(u8|u|U|L)?R$", text[max(0, i - 3):i]):
            delimiter = text[i + 1:text.find("(", i)]
            end = text.find(")" + delimiter + '"', i)
            end = n if end < 0 else end + len(delimiter) + 2
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            end = i + 1
            while end < n and text[end] != c:
                end += 2 if text[end] == "\\" else 1
            end += 1
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:end]))
        i = end
    return "".join(out)


def signature_parts(head):
    """The head without leading access specifiers, and the name before its parameter list."""
    head = ACCESS.sub("", head).lstrip()
    while ACCESS.match(head):
        head = ACCESS.sub("", head).lstrip()
    match = re.search(r"(operator\s*[^\s(]+|~?[\w:]+(<[^()]*>)?)\s*\(", head)
    name = match.group(1) if match else "?"
    return head, name


def closes_parameter_list(head):
    """The text after the parameter list's `)`: where `:` starts an initializer list."""
    depth, opened = 0, False
    for index, c in enumerate(head):
        if c == "(":
            depth += 1
            opened = True
        elif c == ")":
            depth -= 1
            if opened and depth == 0:
                return head[index + 1:]
    return ""


def is_member_initializer_brace(head):
    """`x_{…}` in a constructor's initializer list, not the body's brace."""
    tail = closes_parameter_list(head)
    if not re.search(r"(?<!:):(?!:)", tail):
        return False
    return bool(re.search(r"[\w>]\s*$", tail))


def classify(head):
    """What a `{` outside any function opens: a container, a function, a block (such as a
    variable's initializer), or a brace inside the signature ("initializer": a member's
    braced initializer, a lambda passed to one) that does not end the head."""
    stripped = ACCESS.sub("", head).strip()
    if stripped.count("(") > stripped.count(")"):
        return "initializer"  # a lambda or braced value inside a call or initializer list
    if CONTAINER.match(stripped) and "(" not in stripped.split("{")[0].split(":")[0]:
        return "container"
    if "(" not in stripped:
        return "block"
    if is_member_initializer_brace(stripped):
        return "initializer"
    before_parameters = stripped.split("(")[0]
    if re.search(r"(?<![=!<>])=(?!=)", before_parameters) and "operator" not in before_parameters:
        return "block"
    return "function"


def functions(text):
    """[(first line, name, length)] of every function defined in `text`."""
    shape = blank_out(text)
    found = []
    stack = []  # one entry per open brace: its kind, and for a function its start
    head_start = 0
    for index, c in enumerate(shape):
        if c not in "{};":
            continue
        inside_function = any(kind == "function" for kind, _ in stack)
        inside_initializer = any(kind == "initializer" for kind, _ in stack)
        if c == "{":
            if inside_function:
                stack.append(("nested", None))
                continue
            head = shape[head_start:index]
            kind = "initializer" if inside_initializer else classify(head)
            if kind == "initializer":
                stack.append(("initializer", None))
                continue
            start = None
            if kind == "function":
                offset = head_start + len(head) - len(ACCESS.sub("", head).lstrip())
                while offset < index and shape[offset].isspace():
                    offset += 1
                start = (shape.count("\n", 0, offset) + 1, signature_parts(head)[1])
            stack.append((kind, start))
            head_start = index + 1
        elif c == "}":
            kind, start = stack.pop() if stack else ("block", None)
            if kind == "function":
                end_line = shape.count("\n", 0, index) + 1
                found.append((start[0], start[1], end_line - start[0] + 1))
            if kind in ("function", "container", "block") and not any(
                    k in ("function", "initializer") for k, _ in stack):
                head_start = index + 1
        elif not inside_function and not inside_initializer:
            head_start = index + 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    parser.add_argument("--max", type=int, default=60)
    args = parser.parse_args()
    checked, too_long = 0, []
    for folder, _, names in sorted(os.walk(os.path.join(args.root, "backend"))):
        for name in sorted(names):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                measured = functions(f.read())
            checked += len(measured)
            rel = os.path.relpath(path, args.root)
            too_long += [(rel, line, fn, length) for line, fn, length in measured
                         if length > args.max]
    for rel, line, fn, length in too_long:
        print(f"{rel}:{line}: {fn}: {length} lines")
    print(f"function_length: {checked} functions, {len(too_long)} over {args.max} lines")
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main())
