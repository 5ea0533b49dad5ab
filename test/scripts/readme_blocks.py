#!/usr/bin/python3
"""The README's SQL blocks, run in order and compared with the README's output.

  readme_blocks.py script README.md SESSION.sql BLOCKS.json [UNTIL]
      writes the psql script that runs every ```sql block of README.md in
      order, each between two \\echo markers, and BLOCKS.json describing them;
      with UNTIL (a heading line, such as "## Reference"), only the blocks
      before the first line that equals it
  readme_blocks.py compare BLOCKS.json SESSION.out
      prints one line per block, "ok", "FAILED" or "skipped" (with a diff of
      the README's output block against psql's), and exits 1 if any failed

A ```sql block may be followed (blank lines allowed) by a plain ``` block: its
expected output, compared exactly after trailing whitespace and trailing blank
lines are stripped.  A block without one is run but not compared; an ERROR in
its output still fails it.  A block whose opening fence directly follows a line
"<!-- not run: REASON -->" is skipped (its output block too).  psql prints
errors as "psql:FILE:LINE: ERROR: ..."; the "psql:FILE:LINE: " prefix is
removed before comparing, as an interactive session does not print it.
"""
import difflib
import json
import re
import sys

MARK = "@@README-BLOCK"
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->\s*$")
PSQL_PREFIX = re.compile(r"^psql:[^:\n]*:\d+: ")


def parse(readme_path, until=None):
    lines = open(readme_path, encoding="utf-8").read().split("\n")
    if until is not None:
        if until not in lines:
            sys.exit("readme_blocks.py: no line %r in %s" % (until, readme_path))
        lines = lines[:lines.index(until)]
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sql":
            start = i + 1
            skip = None
            if i > 0:
                m = NOT_RUN.match(lines[i - 1].strip())
                if m:
                    skip = m.group(1) or "no reason given"
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            sql = lines[start:j]
            k = j + 1
            while k < len(lines) and lines[k].strip() == "":
                k += 1
            expected = None
            if k < len(lines) and lines[k].strip() == "```":
                e = k + 1
                while e < len(lines) and lines[e].strip() != "```":
                    e += 1
                expected = lines[k + 1:e]
                j = e
            blocks.append({"line": start, "sql": sql, "expected": expected, "skip": skip})
            i = j + 1
        else:
            i += 1
    return blocks


def normalise(lines):
    out = [PSQL_PREFIX.sub("", l).rstrip() for l in lines]
    while out and out[-1] == "":
        out.pop()
    while out and out[0] == "":
        out.pop(0)
    return out


def script(readme_path, session_path, blocks_path, until=None):
    blocks = parse(readme_path, until)
    with open(session_path, "w", encoding="utf-8") as f:
        # Result footers ("(5 rows)") are not shown in the README.
        f.write("\\set QUIET on\n\\pset footer off\n")
        for n, b in enumerate(blocks):
            if b["skip"]:
                continue
            f.write("\\echo %s %d\n" % (MARK, n))
            f.write("\n".join(b["sql"]) + "\n")
            # a block must not leave a statement open for the next one
            f.write(";\n")
        f.write("\\echo %s end\n" % MARK)
    json.dump(blocks, open(blocks_path, "w", encoding="utf-8"))


def compare(blocks_path, out_path):
    blocks = json.load(open(blocks_path, encoding="utf-8"))
    outputs = {}
    current = None
    for line in open(out_path, encoding="utf-8").read().split("\n"):
        if line.startswith(MARK + " "):
            tag = line[len(MARK) + 1:].strip()
            current = None if tag == "end" else int(tag)
            if current is not None:
                outputs[current] = []
        elif current is not None:
            outputs[current].append(line)
    failed = 0
    for n, b in enumerate(blocks):
        where = "README.md:%d" % b["line"]
        if b["skip"]:
            print("skipped %s (not run: %s)" % (where, b["skip"]))
            continue
        got = normalise(outputs.get(n, ["(block not reached)"]))
        if b["expected"] is None:
            errors = [l for l in got if re.match(r"^(ERROR|FATAL|PANIC):", l)]
            if errors or n not in outputs:
                failed += 1
                print("FAILED %s (run, not compared): %s" % (where, "; ".join(errors) or "not reached"))
            else:
                print("ok %s (run, not compared)" % where)
            continue
        want = normalise(b["expected"])
        if got == want:
            print("ok %s" % where)
        else:
            failed += 1
            print("FAILED %s" % where)
            for l in difflib.unified_diff(want, got, "README", "psql", lineterm="", n=2):
                print("    " + l)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "script":
        script(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) == 6 else None)
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
