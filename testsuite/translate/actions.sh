#!/bin/bash
# actions.sh: every loop of the generated C pays the action budget.
#
# A loop the MAXACTION budget does not see can spin for good in probe
# context, where nothing else stops it (issue 11: `for (;;) {}` hung the
# guest).  For each translate/*.stp, read `tapc -p3` and check, in every
# function of the C:
#   - each `for`/`while`/`do` loop either charges the budget at the top
#     of its own body (`if (tapc_actions(c, N, ...))` or
#     `tapc_actions_upto`, N >= 1, one level inside the loop), or is
#     a scan the translator marks `/* bounded scan: ... */` on the line
#     before (one round per map entry or string byte);
#   - no `goto` jumps backwards (a loop the check above would not see);
#   - every label is the target of some goto (gcc's -Wunused-label);
# and builds loops.stp (-p4 -v) to see that the kernel's gcc does not warn.
# Run by run-tests' translate section with TAPC and KERNELS set.
set -u
. "$(dirname "$0")/common.bash"
rc=0
total=0
for t in testsuite/translate/*.stp; do
	fl=$(head -1 "$t" | sed -n 's/^#! *tapc *//p')
	# shellcheck disable=SC2086
	if ! c=$("$TAPC" -p3 ${K:+-r "$K"} $fl "$t" 2>&1); then
		echo "$t: tapc -p3 failed:"; printf '%s\n' "$c" | head -20
		rc=1
		continue
	fi
	out=$(printf '%s\n' "$c" | awk -v file="$t" '
	function depth(s) { match(s, /^\t*/); return RLENGTH }
	function fail(msg) { print file ": C line " NR ": " msg; bad++ }
	# a function ends at a "}" in column 0: check its labels
	/^}/ {
		for (l in label) if (!(l in used)) fail("label " l " is never used")
		delete label; delete used
	}
	/^\t+[A-Za-z_][A-Za-z0-9_]*:$/ {
		l = $0; gsub(/[\t:]/, "", l); label[l] = NR
	}
	/goto [A-Za-z_][A-Za-z0-9_]*;/ {
		l = $0; sub(/.*goto /, "", l); sub(/;.*/, "", l); used[l] = 1
		if (l in label) fail("goto " l " jumps backwards")
	}
	# do { ... } while (0) on one line is a statement macro, not a loop
	/do \{.*\} while \(0\)/ { prev = $0; next }
	/^\t*(for|while) \(|(^|[ \t])do \{/ && !/^\t*\/\*/ {
		loops++
		if (prev ~ /\/\* bounded scan: /) { bounded++; prev = $0; next }
		if ($0 !~ /\{$/) { fail("loop with no block and no charge: " $0); prev = $0; next }
		open[++nopen] = depth($0); start[nopen] = NR; charged[nopen] = 0
	}
	nopen && depth($0) == open[nopen] + 1 && /^\t*if \(tapc_actions(_upto)?\(c, / {
		n = $0; sub(/^[^,]*, /, "", n)
		if ($0 ~ /tapc_actions_upto/) sub(/^[^,]*, /, "", n)
		if (n + 0 >= 1) charged[nopen] = 1
	}
	nopen && depth($0) == open[nopen] && /^\t*}/ {
		if (!charged[nopen]) fail("loop at C line " start[nopen] " charges no action per round")
		nopen--
	}
	{ prev = $0 }
	END { printf "loops %d bounded %d bad %d\n", loops, bounded, bad + 0; exit bad > 0 }
	')
	st=$?
	printf '%s\n' "$out" | sed '$!d; s|^|'"$t"': |'
	printf '%s\n' "$out" | sed '$d'
	[ $st -eq 0 ] || rc=1
	total=$((total + $(printf '%s\n' "$out" | sed -n '$s/^loops \([0-9]*\).*/\1/p')))
done
# and the kernel's compiler has nothing to say about it (-Wunused-label
# on continue labels nobody jumps to was one)
if [ -n "$K" ]; then
	log=$("$TAPC" -p4 -v -g -r "$K" testsuite/translate/loops.stp 2>&1)
	if printf '%s\n' "$log" | grep '_src\.c:.*warning:'; then
		echo "loops.stp: the kernel build warns about the generated C"
		rc=1
	fi
fi
# the test must see loops to mean anything (loops.stp alone has over 20)
if [ "$total" -lt 20 ]; then
	echo "only $total loops seen in the generated C"
	rc=1
fi
exit $rc
