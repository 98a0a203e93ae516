#!/bin/sh
# VM: yes
# taprun -A / -d of a module that is not running, of a loaded module that
# is not a tapc module (the first of /proc/modules in the guest), and of
# something that can't be a module name: one clear line each, exit 1.
# -L with no tapc module running prints nothing and succeeds.
cd "$OUT" || exit 1
cat >guest.sh <<'GUEST'
cd "$1" || exit 1
T=$TAPRUN
m=$(head -1 /proc/modules | cut -d' ' -f1)
echo "$m" >other
for op in -A -d; do
	"$T" $op flt_none >/dev/null 2>>none.err; echo $? >>none.rc
	"$T" $op "$m" >/dev/null 2>>other.err; echo $? >>other.rc
	"$T" $op 'a;b' >/dev/null 2>>name.err; echo $? >>name.rc
done
"$T" -L >list.out 2>&1; echo $? >list.rc
exit 0
GUEST
"$TAPRUN" --vm-shell --kernel "$KVER" --timeout 300 --share "$OUT" "sh '$OUT/guest.sh' '$OUT'" \
	>vm.log 2>&1 || { echo "the VM failed"; tail -5 vm.log; exit 1; }
fail() { echo "$*"; exit 1; }
m=$(cat other)
[ -n "$m" ] || fail "no module is loaded in the guest"
want() { # NAME EXPECTED-LINE
	[ "$(tr '\n' ' ' <"$1.rc")" = "1 1 " ] || fail "$1: exit statuses $(tr '\n' ' ' <"$1.rc")"
	[ "$(cat "$1.err")" = "$2
$2" ] || fail "$1: $(cat "$1.err")"
}
want none "taprun: no module flt_none is loaded (taprun -L lists the running tapc modules)"
want other "taprun: $m is not a tapc module (it has no /proc/tapc_$m)"
want name "taprun: 'a;b' is not a module name (lower case letters, digits and _)"
[ "$(cat list.rc)" = 0 ] && [ ! -s list.out ] || fail "-L: status $(cat list.rc): $(cat list.out)"
exit 0
