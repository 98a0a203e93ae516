#!/bin/bash
# strip.sh: a -p4 module carries no debug info (issue 16: hello.ko was
# 2.2 MB, nearly all of it DWARF), unless -k keeps the build for a look;
# the stripped module still has its symbols (modpost's __versions, the
# init and exit functions insmod needs).  Built against the first kernel of
# KERNELS.
set -u
. "$(dirname "$0")/common.bash"
[ -n "$K" ] || K=$(ls /lib/modules | head -1)
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-strip.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
S='probe begin { println("hi"); exit() }'
rc=0

cd "$W" || exit 1
"$TAPC" -p4 -r "$K" -m plain -e "$S" >/dev/null || { echo "FAIL: -p4 build"; exit 1; }
dir=$("$TAPC" -p4 -k -r "$K" -m kept -e "$S" 2>&1 >/dev/null |
	sed -n 's/^Keeping temporary directory "\(.*\)"$/\1/p')
[ -n "$dir" ] && rm -rf "$dir"
debug() { readelf -S --wide "$1" | grep -c ' \.debug_info '; }
[ "$(debug plain.ko)" = 0 ] || { echo "FAIL: plain.ko has .debug_info"; rc=1; }
[ "$(debug kept.ko)" = 1 ] || { echo "FAIL: -k: kept.ko has no .debug_info"; rc=1; }
readelf -s --wide plain.ko | grep -q ' init_module$' || { echo "FAIL: plain.ko lost init_module"; rc=1; }
readelf -S --wide plain.ko | grep -q ' __versions ' || { echo "FAIL: plain.ko lost __versions"; rc=1; }
echo "plain.ko $(stat -c %s plain.ko) bytes, kept.ko $(stat -c %s kept.ko) bytes"
exit $rc
