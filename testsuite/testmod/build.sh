#!/bin/sh
# build.sh KVER OUTDIR: build tapc_testmod.ko for kernel KVER into OUTDIR
# (Kbuild needs a writable directory; the sources stay here).  Debian's
# kernels have CONFIG_DEBUG_INFO=y, so the module carries DWARF.
set -e
kver=$1 out=$2
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cp "$src/tapc_testmod.c" "$src/Kbuild" "$out/"
make -s -C "/lib/modules/$kver/build" M="$(cd "$out" && pwd)" modules >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
