#!/bin/sh
# VM: yes
# Bulk mode (-b) on two vCPUs: a script numbers its hits on every CPU
# (timer.profile) under its global's lock and prints the number with the
# CPU; taprun -b -o FILE leaves FILE_0 and FILE_1, each with only its
# CPU's lines, and taprun --merge puts them back in the script's order:
# 1, 2, 3 ... with none missing.  With -F -o FILE the files are FILE_cpuN
# (as stap names them).  --merge refuses a file that is not -b's.
cd "$OUT" || exit 1
"$TAPC" -p4 -r "$KVER" -m blk_test \
	-e 'global n; probe timer.profile { if (n < 1000) { n++; printf("%d %d\n", n, cpu()) } else exit() }' \
	>build.log 2>&1 || { echo "build failed"; tail -5 build.log; exit 1; }
cat >guest.sh <<'GUEST'
cd "$1" || exit 1
T=$TAPRUN
"$T" -b -o "$PWD/blk" blk_test.ko >b.out 2>b.err; echo $? >b.rc
"$T" --merge blk_0 blk_1 >merged 2>m.err; echo $? >m.rc
"$T" --merge -o merged0 blk_0 2>>m.err; echo $? >>m.rc
"$T" --merge blk_1 >merged1 2>>m.err; echo $? >>m.rc
"$T" --merge blk_0 guest.sh >bad.out 2>bad.err; echo $? >bad.rc
"$T" -F -b -o "$PWD/fl" blk_test.ko >f.out 2>f.err; echo $? >f.rc
i=0
while [ -d /sys/module/blk_test ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
ls fl_* >f.files 2>&1
"$T" --merge fl_cpu0 fl_cpu1 >fmerged 2>>m.err; echo $? >>m.rc
exit 0
GUEST
"$TAPRUN" --vm-shell --kernel "$KVER" --smp 2 --timeout 300 --share "$OUT" "sh '$OUT/guest.sh' '$OUT'" \
	>vm.log 2>&1 || { echo "the VM failed"; tail -5 vm.log; exit 1; }
fail() { echo "$*"; exit 1; }
[ "$(cat b.rc)" = 0 ] || fail "taprun -b: exit status $(cat b.rc): $(cat b.err)"
[ "$(ls | grep '^blk_' | tr '\n' ' ')" = "blk_0 blk_1 blk_test.ko " ] || fail "files: $(ls)"
[ "$(tr '\n' ' ' <m.rc)" = "0 0 0 0 " ] || fail "--merge: exit statuses $(tr '\n' ' ' <m.rc): $(cat m.err)"
# each file has its CPU's lines only, and both CPUs printed
[ -s merged0 ] && [ -s merged1 ] || fail "a CPU's file is empty: $(wc -l merged0 merged1)"
awk '$2 != 0' merged0 | grep -q . && fail "blk_0 has another CPU's lines"
awk '$2 != 1' merged1 | grep -q . && fail "blk_1 has another CPU's lines"
[ "$(wc -l <merged)" = 1000 ] || fail "merged: $(wc -l <merged) lines"
bad=$(awk '$1 != NR { print NR ": " $0; exit }' merged)
[ -z "$bad" ] || fail "merged out of order at line $bad"
[ "$(cat bad.rc)" = 1 ] && grep -q 'guest.sh is not a file of taprun -b (bulk mode)' bad.err ||
	fail "--merge of other files: status $(cat bad.rc): $(cat bad.err)"
[ "$(cat f.rc)" = 0 ] || fail "-F -b: exit status $(cat f.rc): $(cat f.err)"
[ "$(tr '\n' ' ' <f.files)" = "fl_cpu0 fl_cpu1 " ] || fail "-F -b files: $(cat f.files)"
[ "$(awk '$1 != NR' fmerged | wc -l)" = 0 ] && [ "$(wc -l <fmerged)" = 1000 ] ||
	fail "-F -b merged: $(wc -l <fmerged) lines, $(awk '$1 != NR' fmerged | head -1)"
exit 0
