#!/bin/sh
# The index of module functions (compiler/modindex.c) follows a module file
# that changes: module("GLOB") lists the stand-in's functions, the file is
# replaced by one with other functions, and the next compile, with the
# index from the first, must find the new ones (a stale index would say
# the module has none and skip it).  Prints what went wrong.
#   index-test.sh TAPC WORKDIR KVER   (KVER: any installed kernel; the
#   stand-in is found through --module-path, whatever the kernel)
tapc=$1 work=$2 kver=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/cache" "$work/mods"
export XDG_CACHE_HOME="$work/cache"
cc -g -c "$top/testsuite/modfixture/tapc_fixture.c" -o "$work/a.o" || exit 1
printf 'int fixture_renamed(int a);\nint fixture_renamed(int a) { return a; }\n' >"$work/b.c"
cc -g -c "$work/b.c" -o "$work/b.o" || exit 1
list() {
	"$tapc" -r "$kver" --module-path "$work/mods" -l "module(\"tapc?fixture\").function(\"$1\")" 2>&1
}
xz -c "$work/a.o" >"$work/mods/tapc_fixture.ko.xz"
first=$(list "fixture_*")
[ -s "$work/cache/tapc/modfuncs-$kver" ] || echo "no index written"
second=$(list "fixture_*")
[ "$first" = "$second" ] || printf 'from the index:\n%s\nfrom the file:\n%s\n' "$second" "$first"
xz -c "$work/b.o" >"$work/mods/tapc_fixture.ko.xz"
touch -d '+1 minute' "$work/mods/tapc_fixture.ko.xz"	# a new mtime even on coarse clocks
# only the index says whether the module has a function named so
third=$(list "fixture_ren*")
want='module("tapc_fixture").function("fixture_renamed")'
[ "$third" = "$want" ] || printf 'after the file changed:\n%s\nwanted:\n%s\n' "$third" "$want"
exit 0
