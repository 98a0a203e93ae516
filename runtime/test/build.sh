#!/bin/sh
# build.sh - build the hand-written test module against one or more kernels.
#
#   runtime/test/build.sh OUTDIR [KVER...]    (default: every /lib/modules/*/build)
#
# Lays out OUTDIR/KVER/ the way compiler/build.c does for generated code
# (NAME_src.c, a copy of runtime/, a Kbuild file) and runs Kbuild; the result
# is OUTDIR/KVER/tapc_test.ko.  Also builds the static workload OUTDIR/workload.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runtime=$(dirname "$here")
out=${1:?usage: build.sh OUTDIR [KVER...]}
shift
if [ $# -eq 0 ]; then
	set --
	for d in /lib/modules/*/build; do
		[ -d "$d" ] && set -- "$@" "$(basename "$(dirname "$d")")"
	done
fi
mkdir -p "$out"
# every runtime object, as compiler/build.c lists them
objs="tapc_test_src.o"
for f in "$runtime"/*.c "$runtime"/provider/*.c; do
	f=${f#"$runtime"/}
	objs="$objs runtime/${f%.c}.o"
done
for kver in "$@"; do
	dir="$out/$kver"
	rm -rf "$dir"
	mkdir -p "$dir/runtime"
	(cd "$runtime" && tar cf - --exclude=test --exclude=autoconf --exclude='*.o' --exclude='.*.cmd' .) |
		(cd "$dir/runtime" && tar xf -)
	sh "$runtime/autoconf/probe.sh" "/lib/modules/$kver/build" "$dir/runtime"
	cp "$here/tapc_test_src.c" "$dir/"
	cat > "$dir/Kbuild" <<KB
obj-m := tapc_test.o
tapc_test-y := $objs
ccflags-y := -I\$(src)/runtime -Werror
KB
	make -s -C "/lib/modules/$kver/build" M="$(cd "$dir" && pwd)" modules
	echo "built $dir/tapc_test.ko"
done
cc -O2 -static -Wall -Wextra -Werror -o "$out/workload" "$here/workload.c"
