#!/bin/sh
# kernels.sh: the kernels tapc can build for and boot on this machine, so
# that scripts and tests pick a kernel by what is installed, never by a
# release they name (Debian ships a point release every few weeks).
#
#   scripts/kernels.sh           every such release, oldest first
#   scripts/kernels.sh SERIES    the newest one of SERIES: 6.1 or 6.12 (not
#                                -rt), 6.1-rt; nothing, exit 1, if none
#
# A kernel counts when it has a build tree (/lib/modules/R/build, from its
# headers package) and an image to boot: /boot/vmlinuz-R, or the copy in
# tapc's kernel cache that scripts/vm-kernel.sh unpacks
# (${XDG_CACHE_HOME:-~/.cache}/tapc/kernels/R/boot/vmlinuz-R).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tapc/kernels

all() {
	for b in /lib/modules/*/build; do
		r=${b%/build}
		r=${r##*/}
		[ -e "$b/Makefile" ] || continue
		[ -r "/boot/vmlinuz-$r" ] || [ -r "$cache/$r/boot/vmlinuz-$r" ] || continue
		echo "$r"
	done | sort -V
}

# The newest of all() in series $1 ("6.1"), -rt kernels only when $2 is rt.
newest() {
	all | while read -r r; do
		case $r in "$1".*) ;; *) continue ;; esac
		case $r in *-rt-*) [ "$2" = rt ] ;; *) [ "$2" != rt ] ;; esac && echo "$r"
	done | tail -n 1
}

case $# in
0) all ;;
1)
	case $1 in
	*-rt) r=$(newest "${1%-rt}" rt) ;;
	*) r=$(newest "$1" "") ;;
	esac
	[ -n "$r" ] && echo "$r"
	;;
*) echo "usage: scripts/kernels.sh [SERIES]" >&2; exit 2 ;;
esac
