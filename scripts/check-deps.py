#!/usr/bin/env python3
"""check-deps.py: the compiler's layers, checked on the built objects.

    scripts/check-deps.py [-v]      (after scripts/build.sh)

Every compiler source file belongs to one component (COMPONENTS below).  An
edge A -> B means a file of A calls a function or uses an object that a
file of B defines (from `nm` of the objects: direct calls and references
such as &kprobe_provider; calls through a provider's ops table are not
edges, which is the point of the table) or includes a header B owns.  The
check fails when:
  - the component graph has a cycle (each cycle is printed), or
  - a provider family depends on another family, or on a pass or main, or
  - a pass uses a provider family other than through provider/table.c, or
  - runtime/session.c names a runtime provider family (runtime/provider/*.c).
-v prints every edge with one symbol or header that makes it.
Exit status 0 when the layering holds, 1 otherwise.
"""
import fnmatch
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMP = os.path.join(TOP, "compiler")

# First match wins; paths relative to compiler/.
COMPONENTS = [
    ("main.c", "main"), ("passlog.*", "main"), ("dump.*", "main"), ("stap_options.*", "main"),
    ("provider/table.c", "provider-table"),
    ("provider/site.c", "provider-iface"),
    ("provider/*.c", None),            # provider:<family>, see family_of()
    ("provider/*.h", None),
    ("provider.h", "provider-iface"),
    ("lexer.l", "pass1-parse"), ("lexer.c", "pass1-parse"), ("grammar.y", "pass1-parse"),
    ("grammar.c", "pass1-parse"), ("grammar.h", "pass1-parse"), ("preproc.c", "pass1-parse"),
    ("parse.h", "pass1-parse"), ("token.h", "pass1-parse"), ("unparse.c", "pass1-parse"),
    ("resolve.c", "pass2-resolve"), ("types.c", "pass2-resolve"), ("prune.c", "pass2-resolve"),
    ("alias.c", "pass2-resolve"), ("bind.c", "pass2-resolve"), ("expand.*", "pass2-resolve"),
    ("check.c", "pass2-resolve"), ("check_stats.c", "pass2-resolve"), ("global_set.c", "pass2-resolve"), ("tapset.*", "pass1-parse"),
    ("translate*", "pass3-translate"),
    ("build.c", "pass4-build"),
    ("run.c", "pass5-run"),
    ("fetch.*", "fetch"), ("pretty.c", "fetch"), ("recipe.*", "fetch"),
    ("kernel.*", "target"), ("btf.c", "target"), ("dwarf*", "target"), ("modules.c", "target"),
    ("modindex.c", "target"), ("decompress.*", "target"), ("image.*", "target"),
    ("kernel_files.*", "target"), ("kallsyms.c", "target"), ("cache.*", "target"),
    ("syscalls.*", "target"), ("syscall_tapset.*", "pass1-parse"),
    ("uimage.*", "target"), ("udwarf.*", "target"), ("usdt.*", "target"),
    # the module's tables of user binaries, which pass 3 emits
    ("usym*", "usym"),
    ("builtins.*", "lib"), ("format.*", "lib"), ("regex_dfa.*", "lib"),
    # the data every layer shares: the AST, the resolved program, the session
    ("ast.*", "base"), ("resolve.h", "base"), ("session.*", "base"), ("arena.*", "base"),
    ("diag.*", "base"), ("emit.*", "base"), ("config.h", "base"),
]

# Providers may use these and nothing else.
PROVIDER_MAY_USE = {"provider-iface", "fetch", "target", "lib", "base"}


def family_of(rel):
    """provider/kprobe_module.c -> provider:kprobe (a family may span files
    named FAMILY.c and FAMILY_*.c/.h)."""
    base = os.path.splitext(os.path.basename(rel))[0]
    families = sorted(
        os.path.splitext(f)[0] for f in os.listdir(os.path.join(COMP, "provider"))
        if f.endswith(".c") and f not in ("table.c", "site.c") and "_" not in f)
    for fam in families:
        if base == fam or base.startswith(fam + "_"):
            return "provider:" + fam
    return "provider:" + base


def component(rel):
    for pat, comp in COMPONENTS:
        if fnmatch.fnmatch(rel, pat):
            return comp if comp else family_of(rel)
    return None


def sources():
    out = []
    for d in ("", "provider"):
        for f in sorted(os.listdir(os.path.join(COMP, d) if d else COMP)):
            if f.endswith((".c", ".h", ".l", ".y")):
                out.append(os.path.join(d, f) if d else f)
    return out


def objects():
    """{source rel path: object path} of the built compiler."""
    objs = {}
    for d in ("", "provider"):
        path = os.path.join(COMP, d) if d else COMP
        for f in os.listdir(path):
            m = re.match(r"tapc-(.*)\.o$", f)
            if m:
                src = (d + "/" if d else "") + m.group(1) + ".c"
                objs[src] = os.path.join(path, f)
    return objs


def nm(obj, defined):
    args = ["nm", "--defined-only" if defined else "--undefined-only", obj]
    syms = set()
    for line in subprocess.run(args, capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if defined and len(parts) == 3 and parts[1] in "TDBRC":
            syms.add(parts[2] + ("()" if parts[1] == "T" else ""))
        elif not defined and parts:
            syms.add(parts[-1])
    return syms


def main():
    verbose = "-v" in sys.argv
    problems = []
    unknown = [s for s in sources() if component(s) is None]
    if unknown:
        problems.append("files in no component (add them to COMPONENTS): " + " ".join(unknown))
    edges = {}  # (a, b) -> why

    def edge(a, b, why):
        if a and b and a != b:
            edges.setdefault((a, b), why)

    objs = objects()
    if not objs:
        sys.exit("check-deps: no objects in compiler/: run scripts/build.sh first")
    owner = {}
    for src, obj in objs.items():
        for s in nm(obj, True):
            owner[s] = src
    for src, obj in objs.items():
        for s in nm(obj, False):
            for d in (s + "()", s):
                if d in owner:
                    edge(component(src), component(owner[d]), d)
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for src in sources():
        with open(os.path.join(COMP, src), errors="replace") as f:
            for line in f:
                m = inc.match(line)
                if not m:
                    continue
                hdr = os.path.normpath(os.path.join(os.path.dirname(src), m.group(1)))
                if os.path.exists(os.path.join(COMP, hdr)):
                    edge(component(src), component(hdr), "#include \"%s\"" % hdr)

    graph = {}
    for (a, b) in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    if verbose:
        for (a, b), why in sorted(edges.items()):
            print("%-18s -> %-18s %s" % (a, b, why))

    # cycles: strongly connected components of more than one component
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    for scc in sccs:
        problems.append("cycle between " + ", ".join(scc) + ": " + "; ".join(
            "%s -> %s (%s)" % (a, b, why) for (a, b), why in sorted(edges.items())
            if a in scc and b in scc))
    for (a, b), why in sorted(edges.items()):
        if a.startswith("provider:") and b not in PROVIDER_MAY_USE:
            problems.append("%s depends on %s (%s)" % (a, b, why))
        if not a.startswith("provider") and b.startswith("provider:"):
            problems.append("%s uses the provider %s directly, not through the table (%s)" % (a, b, why))

    families = [os.path.splitext(f)[0] for f in os.listdir(os.path.join(TOP, "runtime", "provider"))
                if f.endswith(".c")]
    with open(os.path.join(TOP, "runtime", "session.c")) as f:
        text = f.read()
    for fam in families:
        if re.search(r"\b(tapc_)?%ss?\b|provider/%s\.h" % (fam, fam), text):
            problems.append("runtime/session.c names the probe family '%s'" % fam)

    for p in problems:
        print("check-deps: " + p)
    print("check-deps: %d components, %d edges, %d problems" % (len(graph), len(edges), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
