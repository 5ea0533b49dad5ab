#!/usr/bin/python3
"""The README's Reference signatures and links, against the catalog and the tree.

  readme_reference.py signatures README.md CATALOG
      CATALOG holds one line per function of the extension, "name|arguments"
      as pg_get_function_arguments() writes them.  Every code span
      `name(...)` in the first cell of a table row between "## Reference" and
      "## Performance" that names a function of the extension must match one
      of its overloads: as many arguments (a "[, x]" stands for both the call
      without and the call with it; "a float8[] \\| record \\| jsonb" for one
      call per type), each written as its name, its type or both, with the
      catalog's name and type, and with the catalog's DEFAULT when the README
      gives the type (the DEFAULT may be left out only where just the name is
      written; an argument the catalog leaves unnamed may be written as any
      name, as in `incentive_condition_cmp(a, b)`).  Prints one line per
      signature that matches none; exits 1 if any.
  readme_reference.py links README.md ROOT
      Every Markdown link to a file of the repository must name one that
      exists under ROOT, and every link to "#anchor" a heading of README.md
      (GitHub's anchors: lower case, punctuation dropped, spaces as "-", a
      repeated heading numbered "-1", "-2"...).  Prints one line per broken
      link; exits 1 if any.
"""
import os
import re
import sys

# the README's short type names, as pg_get_function_arguments() spells them
TYPES = {
    "float8": "double precision",
    "int": "integer",
    "int4": "integer",
    "timestamptz": "timestamp with time zone",
    "bool": "boolean",
}
# `name(arguments)`
CODE_SPAN = re.compile(r"`([a-z_][a-z_0-9]*)\(([^`]*)\)`")


def canonical_type(t):
    t = t.strip()
    suffix = ""
    while t.endswith("[]"):
        t, suffix = t[:-2], suffix + "[]"
    return TYPES.get(t, t) + suffix


def split_args(s):
    """the arguments of a list, split at the commas outside quotes and brackets"""
    args, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(s):
        if c == "'":
            quoted = not quoted
        elif not quoted and c in "([{":
            depth += 1
        elif not quoted and c in ")]}":
            depth -= 1
        elif not quoted and depth == 0 and c == ",":
            args.append(s[start:i].strip())
            start = i + 1
    return args + [s[start:].strip()] if s.strip() else []


def catalog_overloads(path):
    """name -> list of overloads, each a list of (name, type, default)"""
    out = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        name, args = line.split("|", 1)
        overload = []
        for a in split_args(args):
            if a.startswith("OUT "):
                continue
            a = re.sub(r"^(IN|VARIADIC) ", "", a)
            default = None
            if " DEFAULT " in a:
                a, default = a.split(" DEFAULT ", 1)
            # "name type" or a bare type (which may hold spaces itself)
            words = a.split(" ", 1)
            if len(words) == 2 and not re.match(
                    r"^(double precision|time(stamp)? with|time(stamp)? without|character varying|bit varying)", a):
                overload.append((words[0], words[1], default))
            else:
                overload.append((None, a, default))
        out.setdefault(name, []).append(overload)
    return out


def readme_calls(args):
    """the argument lists one README signature stands for"""
    args = re.sub(r"\s*\[,\s*([^\]]*)\]", lambda m: ", " + m.group(1) + " ?OPTIONAL", args)
    lists = [[]]
    for a in split_args(args):
        optional = a.endswith(" ?OPTIONAL")
        a = a[:-len(" ?OPTIONAL")] if optional else a
        if "\\|" in a:
            first, rest = a.split(" ", 1)
            choices = [first + " " + t.strip() for t in rest.split("\\|")]
        else:
            choices = [a]
        new = []
        for l in lists:
            if optional:
                new.append(l)
            new.extend(l + [c] for c in choices)
        lists = new
    return lists


def default_matches(readme, catalog):
    if catalog is None:
        return False
    readme = readme.strip()
    return catalog == readme or catalog.startswith(readme + "::")


def argument_matches(readme, catalog):
    cname, ctype, cdefault = catalog
    default = None
    if " DEFAULT " in readme:
        readme, default = readme.split(" DEFAULT ", 1)
    words = readme.split(" ", 1)
    if len(words) == 1:
        if default is not None:
            return False
        # an argument the catalog leaves unnamed may have a placeholder name
        return words[0] == cname or canonical_type(words[0]) == ctype or (
            cname is None and re.match(r"^[a-z]\w*$", words[0]) is not None)
    if words[0] != cname or canonical_type(words[1]) != ctype:
        return False
    if default is None:
        return cdefault is None
    return default_matches(default, cdefault)


def signatures(readme_path, catalog_path):
    catalog = catalog_overloads(catalog_path)
    text = open(readme_path, encoding="utf-8").read()
    section = text.split("\n## Reference\n", 1)[1].split("\n## Performance\n", 1)[0]
    bad = 0
    checked = 0
    for line in section.split("\n"):
        if not line.startswith("| `"):
            continue
        first = re.split(r"(?<!\\)\|", line)[1]
        for name, args in CODE_SPAN.findall(first):
            if name not in catalog:
                continue
            for call in readme_calls(args):
                checked += 1
                if not any(len(o) == len(call) and all(argument_matches(r, c) for r, c in zip(call, o))
                           for o in catalog[name]):
                    bad += 1
                    print("%s(%s): no function of the extension has these arguments (%s); the catalog's: %s"
                          % (name, args, ", ".join(call),
                             "; ".join("(" + ", ".join(" ".join(x for x in (n, t) if x) +
                                                       (" DEFAULT " + d if d else "") for n, t, d in o) + ")"
                                       for o in catalog[name])))
    print("%d signatures checked" % checked)
    return 1 if bad else 0


def anchor(heading):
    a = heading.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


def links(readme_path, root):
    text = open(readme_path, encoding="utf-8").read()
    anchors = set()
    seen = {}
    fence = False
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            fence = not fence
        m = re.match(r"^#{1,6} (.*)$", line)
        if m and not fence:
            a = anchor(m.group(1))
            n = seen.get(a, 0)
            seen[a] = n + 1
            anchors.add(a if n == 0 else "%s-%d" % (a, n))
    bad = 0
    checked = 0
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        checked += 1
        path, _, frag = target.partition("#")
        if path and not os.path.exists(os.path.join(root, path)):
            bad += 1
            print("link to a file that does not exist: %s" % target)
        elif not path and frag not in anchors:
            bad += 1
            print("link to a heading that does not exist: %s" % target)
    print("%d links checked" % checked)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "signatures":
        sys.exit(signatures(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "links":
        sys.exit(links(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
