"""No import circles between modules, in every crate of the workspace.

Each module's `use crate::…`, `use super::…` and `crate::…` paths (comments and `#[cfg(test)]
mod tests` left out) are resolved to the module they name; a module may reach into its own
ancestors and descendants (the module tree itself), but no chain of imports between other
modules may lead back to where it started. `cargo modules dependencies --acyclic` checks items
(a type and its methods already form a circle there), so this checks modules, as the guide
asks. Usage: python3 tests/lib/import-cycles.py worker/src core/src generator/src tests/e2e/src
"""
import os
import re
import sys


def modules(root):
    found = {}
    for directory, _, files in os.walk(root):
        for name in files:
            if name.endswith(".rs"):
                path = os.path.join(directory, name)
                parts = os.path.relpath(path, root)[:-3].split(os.sep)
                if parts[-1] in ("mod", "lib", "main"):
                    parts = parts[:-1]
                found["::".join(parts)] = path
    return found


def resolve(mods, current, path):
    parts = path.split("::")
    if parts[0] == "crate":
        base, parts = [], parts[1:]
    elif parts[0] in ("super", "self"):
        base = current.split("::") if current else []
        while parts and parts[0] == "super":
            base, parts = base[:-1], parts[1:]
        if parts and parts[0] == "self":
            parts = parts[1:]
    else:
        return None
    best = None
    for i in range(len(parts) + 1):
        candidate = "::".join(base + parts[:i])
        if candidate in mods:
            best = candidate
    return best


def related(a, b):
    a = a.split("::") if a else []
    b = b.split("::") if b else []
    return a[: len(b)] == b or b[: len(a)] == a


def imports(mods, module):
    text = open(mods[module], encoding="utf-8").read()
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    text = "\n".join(l for l in text.split("\n") if not l.strip().startswith("//"))
    paths = []
    for use in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text, re.M):
        use = " ".join(use.split())
        group = re.match(r"([\w:]+)::\{(.*)\}$", use)
        if group:
            for item in re.split(r",(?![^{]*\})", group.group(2)):
                item = re.sub(r"\s+as\s+\w+|::\{.*\}", "", item.strip())
                if item:
                    paths.append(group.group(1) if item == "self" else f"{group.group(1)}::{item}")
        else:
            paths.append(re.sub(r"\s+as\s+\w+", "", use))
    paths += re.findall(r"\b(crate(?:::\w+)+)", text)
    targets = {resolve(mods, module, p) for p in paths}
    return {t for t in targets if t is not None and t != module and not related(module, t)}


def circles(root):
    mods = modules(root)
    edges = {m: imports(mods, m) for m in mods}
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for m in mods:
        if m not in index:
            visit(m)
    return [(c, [(a, b) for a in c for b in sorted(edges[a]) if b in c]) for c in found]


failed = False
for root in sys.argv[1:]:
    for component, pairs in circles(root):
        failed = True
        print(f"{root}: import circle between {', '.join(m or '<root>' for m in component)}")
        for a, b in pairs:
            print(f"    {a or '<root>'} imports {b or '<root>'}")
if failed:
    sys.exit(1)
print(f"import circles: none in {', '.join(sys.argv[1:])}")
