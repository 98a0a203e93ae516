#!/bin/bash
# opts_build.sh: the pass-4 options of issue 17, each seen to reach the
# build (tapc -p4 against the first kernel of KERNELS):
#   -B NAME=VALUE   reaches Kbuild's make (a KCFLAGS define the module's C
#                   requires), and without it that C does not build;
#   --vp 0001       says what pass 4 does, and nothing of pass 2;
#   --modinfo N=V   is in the module's .modinfo (modinfo -F);
#   --tmpdir=DIR    the module is built in DIR, which is kept;
#   -R DIR          the runtime copied to DIR and marked is the one used.
set -u
. "$(dirname "$0")/common.bash"
TOP=$(pwd)
[ -n "$K" ] || K=$(scripts/kernels.sh | tail -n 1)
if [ -z "$K" ]; then echo "no kernel with headers: nothing checked"; exit 0; fi
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-optsbuild.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# embedded C that builds only when MACRO is defined
needs() { # MACRO
	printf '%%{\n#ifndef %s\n#error %s is not defined\n#endif\n%%}\nprobe begin { exit() }\n' "$1" "$1"
}

cd "$W" || exit 1
needs TAPC_B_SEEN >b.stp
if "$TAPC" -p4 -r "$K" -g -m opts_b --vp 0001 -B KCFLAGS=-DTAPC_B_SEEN=1 b.stp >b.out 2>b.err; then
	grep -q '^Pass 4:' b.err || fail "--vp 0001: no Pass 4 line: $(head -5 b.err)"
	grep -q '^Pass 2:' b.err && fail "--vp 0001: a Pass 2 line: $(grep '^Pass 2:' b.err)"
else
	fail "-B KCFLAGS=-DTAPC_B_SEEN=1: the build failed: $(tail -5 b.err)"
fi
"$TAPC" -p4 -r "$K" -g -m opts_nob b.stp >/dev/null 2>&1 &&
	fail "without -B the module built: the check can't tell -B arrived"

printf 'probe begin { exit() }\n' >m.stp
if "$TAPC" -p4 -r "$K" -m opts_m --modinfo 'tapc_note=two words' m.stp >/dev/null 2>m.err; then
	got=$(modinfo -F tapc_note opts_m.ko 2>&1)
	[ "$got" = "two words" ] || fail "--modinfo: modinfo -F tapc_note says '$got'"
else
	fail "--modinfo: the build failed: $(tail -5 m.err)"
fi

mkdir build
if "$TAPC" -p4 -r "$K" -m opts_t --tmpdir="$W/build" m.stp >/dev/null 2>t.err; then
	[ -f build/opts_t_src.c ] && [ -f build/opts_t.ko ] ||
		fail "--tmpdir: the build is not in it (or not kept): $(ls build)"
else
	fail "--tmpdir: the build failed: $(tail -5 t.err)"
fi

cp -r "$TOP/runtime" rt
echo '#define TAPC_R_SEEN 1' >>rt/tapc_runtime.h
needs TAPC_R_SEEN >r.stp
"$TAPC" -p4 -r "$K" -g -m opts_r -R "$W/rt" r.stp >/dev/null 2>r.err ||
	fail "-R: the build with the marked runtime failed: $(tail -5 r.err)"
"$TAPC" -p4 -r "$K" -g -m opts_nor r.stp >/dev/null 2>&1 &&
	fail "without -R the marked runtime's define was there"
exit $rc
