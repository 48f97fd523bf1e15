#!/usr/bin/env bash
# Writes the redirect's crawler list (worker/src/routes/redirect/crawlers.txt) from the pinned
# npm package crawler-user-agents (MIT; package.json pins its version). To update:
#   npm install --save-dev --save-exact crawler-user-agents@<version> && scripts/update-crawlers.sh
# then run tests/run (a test sends every example user agent of the package to the filter).
#
# The package's patterns are regular expressions, but nearly all of them are text with escapes,
# character classes ([wW]), alternatives ((a|b)) and anchors (^, $). Each is written out here as
# the plain strings it matches, so the redirect looks for all of them in one pass of an
# Aho-Corasick automaton (no regex engine in the worker: it cost 218 KB of gzip and a compile
# per isolate). The few with a repeat or a negated class are cut before it: what is kept still
# names a crawler (`BlogTraffic/`), and the test above checks nothing a browser sends matches.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f node_modules/crawler-user-agents/crawler-user-agents.json ] || npm ci --no-audit --no-fund
python3 - <<'PY'
import json

package = json.load(open("node_modules/crawler-user-agents/package.json"))
patterns = json.load(open("node_modules/crawler-user-agents/crawler-user-agents.json"))
MAX = 64  # expansions of one pattern


class Cut(Exception):
    """A construct that is not plain text: the pattern is kept up to here."""


def parse(p, i=0, in_group=False):
    """A sequence of alternatives; each alternative a list of items: a set of strings, or the
    anchors '^' / '$'. Returns (alternatives, next index)."""
    alts, items = [], []
    while i < len(p):
        c = p[i]
        if c == "\\":
            n = p[i + 1]
            if n.isalnum():  # \d, \w, \s, \b …
                raise Cut(i)
            items.append({n})
            i += 2
        elif c == "[":
            end = p.index("]", i + 1)
            body = p[i + 1:end]
            if body.startswith("^") or "-" in body[1:-1] or "\\" in body:
                raise Cut(i)
            items.append(set(body))
            i = end + 1
        elif c == "(":
            try:
                inner, end = parse(p, i + 1, True)
            except Cut:
                raise Cut(i) from None  # the group is cut whole
            items.append(("group", inner))
            i = end
        elif c == ")" and in_group:
            alts.append(items)
            return alts, i + 1
        elif c == "|":
            alts.append(items)
            items = []
            i += 1
        elif c in "^$":
            items.append(c)
            i += 1
        elif c in ".*+?{}":
            raise Cut(i)
        else:
            items.append({c})
            i += 1
    if in_group:
        raise ValueError("unclosed group")
    alts.append(items)
    return alts, i


def expand(alts):
    """Every (text, anchored at the start, anchored at the end) the alternatives match."""
    out = []
    for items in alts:
        found = [("", False, False)]
        for item in items:
            if item == "^":
                if any(t for t, _, _ in found):
                    return None  # ^ after text never matches
                found = [(t, True, e) for t, _, e in found]
            elif item == "$":
                found = [(t, s, True) for t, s, _ in found]
            elif isinstance(item, tuple):
                found = [(t + u, s or s2, e2) for t, s, _ in found for u, s2, e2 in expand(item[1])
                         if not (s2 and t)]  # ^ after text never matches
            else:
                found = [(t + ch, s, e) for t, s, e in found for ch in sorted(item)]
            if len(found) > MAX:
                raise Cut(None)
        out.extend(found)
    return out


lines, cut = set(), []
for entry in patterns:
    p = entry["pattern"]
    try:
        found = expand(parse(p)[0])
    except Cut as e:
        at = e.args[0]
        prefix = p[:at] if at is not None else ""
        try:
            found = expand(parse(prefix)[0]) if prefix else []
        except (Cut, ValueError):
            found = []
        found = [(t, s, False) for t, s, _ in found]
        cut.append(p)
    if not found or any(len(t) < 3 for t, _, _ in found):
        raise SystemExit(f"{p!r}: no plain text of 3 characters or more to look for")
    for text, start, end in found:
        assert "\t" not in text and "\n" not in text
        kind = "whole" if start and end else "start" if start else "end" if end else "any"
        lines.add((kind, text))

with open("worker/src/routes/redirect/crawlers.txt", "w") as out:
    out.write(f"# crawler-user-agents {package['version']} (MIT, github.com/monperrus/crawler-user-agents): "
              "the text its patterns match, one a line: where (any, start, end, whole), a tab, the text.\n")
    out.write("# Written by scripts/update-crawlers.sh; not edited by hand.\n")
    for kind, text in sorted(lines):
        out.write(f"{kind}\t{text}\n")
print(f"crawlers.txt: {len(lines)} strings from the {len(patterns)} patterns of crawler-user-agents "
      f"{package['version']} ({len(cut)} cut before a repeat or negated class: {', '.join(cut)})")
PY
