#!/bin/sh
# -p4 -v: make's output goes to stderr; stdout holds the module path alone,
# so `ko=$(tapc -p4 -v ...)` works.  The script is new each time: a
# module built before would come from the cache, with no build output.
cd "$OUT" || exit 1
nonce=$(date +%s%N)
"$TAPC" -p4 -v -r "$KVER" -m t_p4v -e "probe begin { if (pid() == $nonce) println(1); exit() }" >p4v.out 2>p4v.err
rc=$?
[ $rc -eq 0 ] || { echo "exit status $rc"; tail -5 p4v.err; exit 1; }
[ "$(wc -l <p4v.out)" -eq 1 ] && grep -qx 't_p4v.ko' p4v.out ||
	{ echo "stdout is not just the module path:"; head -5 p4v.out; exit 1; }
# the test means something only if make said something
grep -q 'CC \[M\]' p4v.err || { echo "no make output on stderr:"; tail -5 p4v.err; exit 1; }
