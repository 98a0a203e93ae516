#!/bin/bash
# stdout_full.sh: what tapc itself prints (passes 1-3, -h, the lists) going
# to a full device is an error with exit status 1, not lost output and 0
# (issue 11: `tapc -p3 ... >/dev/full` exited 0).
set -u
. "$(dirname "$0")/common.bash"
R=()
[ -n "$K" ] && R=(-r "$K")
rc=0
[ -w /dev/full ] || { echo "no /dev/full"; exit 77; }
E='probe begin { exit() }'
while read -r -a args; do
	args=("${args[@]/@E@/$E}")
	err=$("$TAPC" "${R[@]}" "${args[@]}" 2>&1 >/dev/full)
	st=$?
	if [ $st -ne 1 ] || [[ $err != *"cannot write the output to standard output: No space left on device"* ]]; then
		echo "FAIL: tapc ${args[*]} >/dev/full: exit $st, stderr: $err"
		rc=1
	fi
	"$TAPC" "${R[@]}" "${args[@]}" >/dev/null 2>&1 || { echo "FAIL: tapc ${args[*]} >/dev/null failed"; rc=1; }
done <<'LIST'
-p1 -e @E@
-p2 -e @E@
-p3 -e @E@
--dump-probe-types
-h
LIST
exit $rc
