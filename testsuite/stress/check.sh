#!/bin/sh
# check.sh OUTDIR: did the script count exactly what the workloads did?
out=$1
fail() { echo "$*"; exit 1; }
[ "$(cat "$out/stress.rc" 2>/dev/null)" = 0 ] || fail "taprun exit status $(cat "$out/stress.rc" 2>/dev/null)"
total=0
for w in "$out/w1.txt" "$out/w2.txt"; do
	line=$(cat "$w") ; pid=${line#pid=}; pid=${pid%% *}; n=${line##*calls=}
	[ -n "$pid" ] && [ -n "$n" ] || fail "no report in $w"
	grep -qx "counted pid=$pid calls=$n" "$out/stress.out" ||
		fail "workload $line, script: $(grep "counted pid=$pid " "$out/stress.out")"
	total=$((total + n))
done
grep -qx "aggregated count=$total" "$out/stress.out" ||
	fail "aggregate: $(grep aggregated "$out/stress.out"), workloads: $total"
grep -qx "counter total=$total" "$out/stress.out" ||
	fail "counter: $(grep 'counter total' "$out/stress.out"), workloads: $total"
# the guest's console too: a crash after the module is gone leaves no dmesg file
! grep -qE 'BUG:|Oops|double fault|Kernel panic' "$out/vm.log" ||
	fail "guest crashed: $(grep -E 'BUG:|Oops|double fault|Kernel panic' "$out/vm.log" | head -3)"
! grep -qE 'BUG:|WARNING:|Oops|Call Trace' "$out/stress.dmesg" || fail "dmesg: $(grep -E 'BUG:|WARNING:|Oops' "$out/stress.dmesg" | head -3)"
grep -E 'WARNING|ERROR' "$out/stress.err" | grep -vq 'transport failures' &&
	fail "stderr: $(cat "$out/stress.err")"
echo "ok: $total calls counted exactly; $(grep -c '^hit ' "$out/stress.out") progress lines; $(cat "$out/stress.err" | tr '\n' ' ')"
