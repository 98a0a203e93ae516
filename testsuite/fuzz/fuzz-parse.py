#!/usr/bin/env python3
"""Throw mangled scripts at `tapc -p1` and report crashes.

usage: testsuite/fuzz/fuzz-parse.py [-n COUNT] [-s SEED] [--tapc PATH] CORPUS_FILE...

Inputs are prefixes of corpus files, soups of their tokens, files with
random characters replaced, and random bytes, with and without -g and
script arguments.  Exit status 0 means tapc exited 0 or 1 every time;
anything else (a signal, an abort, a 10 s timeout) is saved as
fuzz-crash-N.stp in the current directory and counted.
"""
import argparse
import random
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("-n", type=int, default=500)
ap.add_argument("-s", type=int, default=1)
ap.add_argument("--tapc", default="compiler/tapc")
ap.add_argument("files", nargs="+")
opt = ap.parse_args()
random.seed(opt.s)
texts = [open(f, encoding="latin-1").read() for f in opt.files]
toks = [t for text in texts
        for t in re.findall(r'%\(|%\?|%:|%\)|%\{|%\}|@\w+|\$\w*|"[^"\n]*"|\w+|\S', text)]
crashes = 0
for i in range(opt.n):
    k = random.random()
    if k < 0.3:
        t = random.choice(texts)
        s = t[:random.randrange(len(t) + 1)]
    elif k < 0.6:
        s = " ".join(random.choice(toks) for _ in range(random.randrange(1, 80)))
    elif k < 0.8:
        t = list(random.choice(texts))
        for _ in range(random.randrange(1, 10)):
            if t:
                t[random.randrange(len(t))] = random.choice('{}()[]%?:@$"#/*\\\n;,.-+=<>!~&|^ab1')
        s = "".join(t)
    else:
        s = "".join(chr(random.randrange(1, 256)) for _ in range(random.randrange(300)))
    args = [opt.tapc, "-p1"]
    if random.random() < 0.3:
        args += ["-g", "-", "a", "$1 b", "@2"]
    else:
        args += ["-"]
    try:
        p = subprocess.run(args, input=s.encode("latin-1"), capture_output=True, timeout=10)
        bad = p.returncode not in (0, 1)
        why = "exit %d" % p.returncode
    except subprocess.TimeoutExpired:
        bad, why = True, "timeout"
    if bad:
        crashes += 1
        name = "fuzz-crash-%d.stp" % i
        open(name, "w", encoding="latin-1").write(s)
        print("%s: %s" % (name, why))
print("%d inputs, %d crashes" % (opt.n, crashes))
sys.exit(1 if crashes else 0)
