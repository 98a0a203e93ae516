#!/bin/sh
# kernel_symbol.sh KVER NAME: NAME's link-time address (0xHEX) from the
# symbol table of KVER's vmlinux debuginfo, where tapc looks for it; with
# nokaslr the kernel runs at that address (run/kprobe_absolute.stp).
for f in "/usr/lib/debug/boot/vmlinux-$1" "/usr/lib/debug/lib/modules/$1/vmlinux" \
	"/lib/modules/$1/build/vmlinux"; do
	[ -r "$f" ] && readelf -S -W "$f" 2>/dev/null | grep -q ' \.debug_info ' || continue
	nm "$f" | awk -v name="$2" '$3 == name { print "0x" $1; found = 1; exit } END { exit !found }'
	exit
done
echo "kernel_symbol.sh: no vmlinux debuginfo for $1" >&2
exit 1
