#!/bin/bash
# scale.sh: passes 1-3 cost the size of the script, not its square.
#
# Issue 11: 8,000 `probe begin { x = 1; println(x) }` took 2.3 GB in pass 3
# and 200,000 @defines 135 s in pass 1; thousands of globals, arrays,
# functions or locals had the same kind of cost in pass 2.  Each script
# below is big enough that quadratic code runs out of its bounds, which
# linear code meets many times over: address space 2 GB (the quadratic
# code needed 4-14 GB; linear, under 200 MB) and CPU time 30 s (CPU, not
# wall-clock time, so a loaded machine does not matter; linear code takes
# about 1 s for the largest, the quadratic code from 50 s to hours).
set -u
. "$(dirname "$0")/common.bash"
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-scale.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
rc=0

gen() { # SHAPE N: a script of that shape
	local i n=$2
	case $1 in
	probes) for ((i = 0; i < n; i++)); do echo 'probe begin { x = 1; println(x) }'; done ;;
	defines)
		for ((i = 0; i < n; i++)); do echo "@define m$i %( $i %)"; done
		echo "probe begin { println(@m0 + @m$((n - 1))) }" ;;
	arrays)
		for ((i = 0; i < n; i++)); do echo "global a$i"; done
		echo 'probe begin {'
		for ((i = 0; i < n; i++)); do echo "a$i[1] = $i"; done
		echo '}' ;;
	functions)
		for ((i = 0; i < n; i++)); do echo "function f$i() { return $i }"; done
		echo 'probe begin {'
		for ((i = 0; i < n; i += 2)); do echo "println(f$i())"; done
		echo '}' ;;
	locals)
		echo 'probe begin {'
		for ((i = 0; i < n; i++)); do echo "x$i = $i; println(x$i)"; done
		echo '}' ;;
	esac
}

check() { # PASS SHAPE N
	local p=$1 shape=$2 n=$3 st
	gen "$shape" "$n" >"$W/$shape.stp"
	(ulimit -v 2000000 -t 30; exec "$TAPC" -p"$p" -u -w "$W/$shape.stp") >"$W/out" 2>"$W/err"
	st=$?
	if [ $st -ne 0 ]; then
		echo "FAIL: -p$p on $n $shape: exit status $st (over 2 GB or 30 s of CPU?)"
		tail -3 "$W/err"
		rc=1
	else
		echo "ok: -p$p on $n $shape"
	fi
}

check 3 probes 20000
check 1 defines 200000
check 3 arrays 10000
check 3 functions 80000
check 3 locals 80000
exit $rc
