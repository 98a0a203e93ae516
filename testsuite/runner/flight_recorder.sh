#!/bin/sh
# VM: yes
# The flight recorder (-F) in the guest, as a user drives it:
# - -F -o FILE returns at once with the background taprun's pid, the file
#   grows, taprun -L lists the module with that pid and file, taprun -A
#   shows the output written after it attached (Ctrl-C leaves the module
#   running), taprun -d unloads it with the end probe's line in the file
#   and the background taprun gone;
# - -F without -o keeps the output in the module (-s 1: 1 MiB per CPU,
#   3 MB printed, the oldest overwritten and counted); taprun -A prints
#   the newest records, in order, up to the last; Ctrl-C detaches and the
#   module stays; -d runs the end probe and prints its line;
# - a user other than the module's (nobody) can neither attach nor stop it.
cd "$OUT" || exit 1
"$TAPC" -p4 -r "$KVER" -m flt_file \
	-e 'global n; probe timer.ms(50) { n++; printf("tick %d\n", n) }
	    probe end { printf("end after %d ticks\n", n) }' >build.log 2>&1 &&
"$TAPC" -p4 -r "$KVER" -m flt_ring -D MAXACTION=100000 \
	-e 'probe begin { for (i = 0; i < 3000; i++) printf("%01000d\n", i) }
	    probe end { print("the end\n") }' >>build.log 2>&1 ||
	{ echo "build failed"; tail -5 build.log; exit 1; }
# The guest's taprun is $TAPRUN there (--vm-shell sets it); waits are
# bounded (a minute), never a measure of speed.
cat >guest.sh <<'GUEST'
cd "$1" || exit 1
T=$TAPRUN
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
wait_lines() { # FILE N: until FILE has more than N lines
	i=0
	while [ "$(lines "$1")" -le "$2" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}
"$T" -F -o "$PWD/file.out" flt_file.ko >pid.out 2>f.err; echo $? >f.rc
wait_lines file.out 2; lines file.out >n1
wait_lines file.out "$(cat n1)"; lines file.out >n2
"$T" -L >list.out 2>&1
lines file.out >n_before
timeout --preserve-status -s INT 4 "$T" -A flt_file >attach.out 2>attach.err; echo $? >attach.rc
setpriv --reuid 65534 --regid 65534 --clear-groups "$T" -d flt_file >nobody_d.out 2>&1
echo $? >nobody_d.rc
"$T" -d flt_file >d.out 2>d.err; echo $? >d.rc
[ -d /proc/"$(cat pid.out)" ] && echo alive >daemon_after_d
ls -d /sys/module/flt_file >file_left 2>&1

"$T" -s 1 -F flt_ring.ko >ring_f.out 2>ring_f.err; echo $? >ring_f.rc
"$T" -L >ring_list.out 2>&1
setpriv --reuid 65534 --regid 65534 --clear-groups "$T" -A flt_ring >nobody.out 2>&1
echo $? >nobody.rc
timeout --preserve-status -s INT 4 "$T" -A flt_ring >ring_a.out 2>ring_a.err; echo $? >ring_a.rc
ls -d /sys/module/flt_ring >ring_after_detach 2>&1
"$T" -d flt_ring >ring_d.out 2>ring_d.err; echo $? >ring_d.rc
ls -d /sys/module/flt_ring >ring_left 2>&1
exit 0
GUEST
"$TAPRUN" --vm-shell --kernel "$KVER" --timeout 300 --share "$OUT" "sh '$OUT/guest.sh' '$OUT'" \
	>vm.log 2>&1 || { echo "the VM failed"; tail -5 vm.log; exit 1; }
fail() { echo "$*"; exit 1; }

# -F -o FILE
[ "$(cat f.rc)" = 0 ] || fail "-F -o: exit status $(cat f.rc): $(cat f.err)"
pid=$(cat pid.out)
case $pid in ''|*[!0-9]*) fail "-F -o printed '$pid', not a pid" ;; esac
[ "$(cat n2)" -gt "$(cat n1)" ] || fail "file.out did not grow: $(cat n1), then $(cat n2) lines"
# (fields, not a regex: $OUT may hold a kernel release's +)
awk -v p="$pid" -v f="$OUT/file.out" \
	'$1 == "flt_file" && $2 == "RUNNING" && $3 == p && $4 == f && $5 == "<input>" { ok = 1 }
	 END { exit !ok }' list.out ||
	fail "taprun -L: $(cat list.out)"
[ "$(cat attach.rc)" = 0 ] || fail "-A: exit status $(cat attach.rc): $(cat attach.err)"
first=$(head -1 attach.out | sed -n 's/^tick //p')
[ -n "$first" ] && [ "$first" -gt "$(cat n_before)" ] ||
	fail "-A showed '$(head -1 attach.out)' first; the file had $(cat n_before) lines before"
# what -A showed is what the file has, in the file's order
grep -Fx -f attach.out file.out | head -n "$(wc -l <attach.out)" | cmp -s - attach.out ||
	fail "-A showed lines the file does not have in that order"
[ "$(cat nobody_d.rc)" = 1 ] && grep -q 'flt_file belongs to uid 0: only that user or root' nobody_d.out ||
	fail "nobody's -d: status $(cat nobody_d.rc): $(cat nobody_d.out)"
[ "$(cat d.rc)" = 0 ] || fail "-d: exit status $(cat d.rc): $(cat d.err)"
tail -1 file.out | grep -Eq '^end after [0-9]+ ticks$' || fail "file.out ends with '$(tail -1 file.out)'"
[ ! -e daemon_after_d ] || fail "the background taprun $pid outlived -d"
grep -q 'No such file' file_left || fail "flt_file is still loaded after -d"

# -F without -o
[ "$(cat ring_f.rc)" = 0 ] || fail "-F: exit status $(cat ring_f.rc): $(cat ring_f.err)"
grep -q 'To reconnect, type "taprun -A flt_ring"' ring_f.out || fail "-F said: $(cat ring_f.out)"
grep -Eq '^flt_ring +RUNNING +- +\(flight recorder buffer\) +<input>$' ring_list.out || fail "-L: $(cat ring_list.out)"
[ "$(cat nobody.rc)" = 1 ] && grep -q 'flt_ring belongs to uid 0: only that user or root' nobody.out ||
	fail "nobody's -A: status $(cat nobody.rc): $(cat nobody.out)"
[ "$(cat ring_a.rc)" = 0 ] || fail "-A: exit status $(cat ring_a.rc): $(cat ring_a.err)"
grep -Eq 'overwrote the oldest [0-9]+ bytes' ring_a.err || fail "-A: nothing said about overwriting: $(cat ring_a.err)"
grep -q 'detached from flt_ring' ring_a.err || fail "-A: $(cat ring_a.err)"
sed 's/^0*\(.\)/\1/' ring_a.out >ring_nums
n=$(wc -l <ring_nums); from=$(head -1 ring_nums)
# about 1 MiB kept: the newest records, consecutive, up to the last
[ "$n" -gt 500 ] && [ "$n" -lt 1100 ] && [ "$(tail -1 ring_nums)" = 2999 ] &&
	[ "$(awk -v f="$from" '$1 != f + NR - 1' ring_nums | wc -l)" = 0 ] ||
	fail "-A printed $n records, from $from to $(tail -1 ring_nums)"
grep -q flt_ring ring_after_detach || fail "flt_ring is gone after -A detached"
[ "$(cat ring_d.rc)" = 0 ] && [ "$(cat ring_d.out)" = "the end" ] ||
	fail "-d: status $(cat ring_d.rc), printed '$(cat ring_d.out)': $(cat ring_d.err)"
grep -q 'No such file' ring_left || fail "flt_ring is still loaded after -d"
exit 0
