#!/bin/bash
# cache.sh: pass 4's cache of built modules (issue 16).  A module is reused
# only when nothing that can change it changed: the script, a tapset, -D,
# the module name (-m), the kernel.  --poison-cache rebuilds and replaces,
# --disable-cache neither reads nor writes, --clean-cache removes what
# pass 4 cached; a cached module that changed is not used.  Modules go to
# the user's cache as every tapc run's do (the runtime built there once
# per kernel is reused); each script carries a fresh token, so its first
# build is a miss.
set -u
cd "$(dirname "$0")/../.."
TAPC=${TAPC:-compiler/tapc}
case $TAPC in /*) ;; *) TAPC=$(pwd)/$TAPC ;; esac
read -r -a ks <<<"${KERNELS:-$(ls /lib/modules | head -1)}"
K=${ks[0]}
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-cache.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
tok=$(date +%s%N)$$
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# p4 NAME ARGS...: tapc -v -p4 in $W, stderr to $W/NAME.err, path in $W/NAME.out
p4() {
	local n=$1
	shift
	(cd "$W" && "$TAPC" -v -p4 -r "$K" "$@" >"$W/$n.out" 2>"$W/$n.err") || fail "$n: tapc failed: $(tail -3 "$W/$n.err")"
}
hit() { grep -q "^Pass 4: using cached $(cat "$W/$1.out")\$" "$W/$1.err"; }
miss() { ! grep -q '^Pass 4: using cached' "$W/$1.err" && [ -s "$W/$1.out" ]; }

mkdir "$W/tapsets"
echo 'function tok() { return "one" }' >"$W/tapsets/tok.stp"
s="probe begin { println(\"$tok \", tok()); exit() }"

p4 first -I tapsets -e "$s"
miss first || fail "a new script was found in the cache"
p4 again -I tapsets -e "$s"
hit again || fail "the same script again was not reused: $(cat "$W/again.err")"
[ "$(cat "$W/first.out")" = "$(cat "$W/again.out")" ] || fail "the same script is at two paths"

p4 poison --poison-cache -I tapsets -e "$s"
miss poison || fail "--poison-cache reused the module"
[ "$(cat "$W/poison.out")" = "$(cat "$W/first.out")" ] || fail "--poison-cache did not replace the entry"
p4 after -I tapsets -e "$s"
hit after || fail "the module --poison-cache made was not kept"

p4 disable --disable-cache -I tapsets -e "$s"
miss disable || fail "--disable-cache read the cache"
case $(cat "$W/disable.out") in
*/*) fail "--disable-cache -p4 left the module at $(cat "$W/disable.out"), not in the current directory" ;;
*) [ -f "$W/$(cat "$W/disable.out")" ] || fail "--disable-cache -p4 made no $(cat "$W/disable.out")" ;;
esac

p4 define -D TAPC_CACHE_TEST=1 -I tapsets -e "$s"
miss define || fail "a new -D reused the module"

echo 'function tok() { return "two" }' >"$W/tapsets/tok.stp"
p4 tapset -I tapsets -e "$s"
miss tapset || fail "a changed tapset file reused the module"

if [ ${#ks[@]} -gt 1 ]; then
	(cd "$W" && "$TAPC" -v -p4 -r "${ks[1]}" -I tapsets -e "$s" >"$W/kernel.out" 2>"$W/kernel.err") ||
		fail "kernel: tapc failed"
	miss kernel || fail "another kernel (${ks[1]}) reused $K's module"
fi

# -m: the name inside the module is the one asked for, cached or not
for n in named_a named_b named_a; do
	p4 "$n" -m "$n" -I tapsets -e "$s"
	[ "$(cat "$W/$n.out")" = "$n.ko" ] || fail "-m $n: the module is at $(cat "$W/$n.out")"
	got=$(modinfo -F name "$W/$n.ko")
	[ "$got" = "$n" ] || fail "-m $n made a module named '$got'"
done
grep -q '^Pass 4: using cached .*/named_a\.ko$' "$W/named_a.err" || fail "-m named_a again was not reused"

# a cached module that changed is made again, with a warning
echo 'function tok() { return "one" }' >"$W/tapsets/tok.stp"
printf 'x' >>"$(cat "$W/after.out")"
p4 tampered -I tapsets -e "$s"
miss tampered && grep -q "warning: cache entry .* changed since it was made" "$W/tampered.err" ||
	fail "a changed cached module was used: $(cat "$W/tampered.err")"

# --clean-cache alone removes pass 4's entries and nothing else
mkdir -p "$W/xdg/tapc/module-k-1" "$W/xdg/tapc/runtime-k-2" "$W/xdg/tapc/autoconf-k-3"
echo keep >"$W/xdg/tapc/k.btf"
chmod 700 "$W/xdg/tapc"
XDG_CACHE_HOME=$W/xdg "$TAPC" --clean-cache || fail "--clean-cache failed"
left=$(cd "$W/xdg/tapc" && echo *)
[ "$left" = "k.btf" ] || fail "--clean-cache left: $left"

exit $rc
