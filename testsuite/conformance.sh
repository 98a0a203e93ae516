#!/bin/sh
# Pass-1 conformance against SystemTap's own parseok/parseko vectors.
#
# usage: testsuite/conformance.sh [CORPUS_DIR]   (default ../shared/conformance/systemtap)
# Files with a `#! stap` shebang run as `tapc FLAGS FILE` (#! stap -gp1,
# --compatible=..).  The others are shell scripts written for the real stap:
# they run under the interpreter their shebang names, with a `stap` on PATH
# that is tapc, SRCDIR/testsuite pointing at the corpus and SYSTEMTAP_TAPSET
# at our tapset/.  parseok must exit 0; parseko must exit non-zero without a
# signal (shebang files must also print a FILE:LINE:COL: error: message).
# Scripts that test staprun or options of stap's resource handling are
# skipped with the reason (SKIP list below).  Prints per-folder counts and the
# offending files; exits 1 on any crash (signal or timeout), else 0.
# TAPC=path overrides the compiler under test; VERBOSE=1 shows each shell
# script's exit status and stderr.

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/conformance/systemtap}
tapc=${TAPC:-$here/compiler/tapc}
crashed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$tapc" ] || { echo "conformance: no compiler at $tapc" >&2; exit 2; }
[ -d "$corpus/parseok" ] || { echo "conformance: no corpus at $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)

# The environment the upstream shell vectors expect.
mkdir -p "$tmp/bin" "$tmp/src"
ln -s "$tapc" "$tmp/bin/stap"
ln -s "$corpus" "$tmp/src/testsuite"

# Shell vectors that are not tests of a compiler, one reason each.
skip_reason() {
	case $1 in
	parseko/cmdline09.stp | parseko/cmdline1[0-46-9].stp | parseko/cmdline2[01].stp)
		echo "runs staprun (module loader) option checks, not the compiler" ;;
	parseko/rlimit-*)
		echo "stap --rlimit-* resource options; tapc has none, so rejection proves nothing" ;;
	esac
}

# run FILE: sets rc and leaves stderr in $tmp/err
run() {
	first=$(head -n 1 "$1")
	case $first in
	'#!'*stap*)
		flags=$(printf '%s\n' "$first" | sed -n 's/^#![ ]*stap[ ]*//p')
		# shellcheck disable=SC2086
		timeout 20 "$tapc" $flags "$1" >/dev/null 2>"$tmp/err" </dev/null
		rc=$? ;;
	*)
		interp=$(printf '%s\n' "$first" | sed -n 's/^#![ ]*\([^ ]*\).*/\1/p')
		( cd "$tmp" && PATH="$tmp/bin:$PATH" SRCDIR="$tmp/src" \
		  SYSTEMTAP_TAPSET="$here/tapset" TMPDIR=/tmp \
		  timeout 300 "${interp:-/bin/sh}" "$1" ) >/dev/null 2>"$tmp/err" </dev/null
		rc=$? ;;
	esac
}

for dir in parseok parseko; do
	ok=0 bad=0 crash=0 skip=0 unpositioned=0 shok=0 shtotal=0
	: >"$tmp/list"
	: >"$tmp/skips"
	for f in "$corpus/$dir"/*.stp; do
		name=$(basename "$f")
		why=$(skip_reason "$dir/$name")
		if [ -n "$why" ]; then
			skip=$((skip + 1))
			echo "  skipped $name: $why" >>"$tmp/skips"
			continue
		fi
		shell=1
		head -n 1 "$f" | grep -q '^#![ ]*stap' && shell=0
		run "$f"
		[ -n "$VERBOSE" ] && [ $shell = 1 ] && { echo "== $dir/$name ($rc)"; cat "$tmp/err"; }
		[ $shell = 1 ] && shtotal=$((shtotal + 1))
		reason=$(grep -m 1 -i 'error' "$tmp/err" || head -n 1 "$tmp/err")
		if [ $rc -eq 124 ] || [ $rc -gt 128 ]; then
			crash=$((crash + 1))
			echo "  CRASH ($rc: timeout or signal) $name" >>"$tmp/list"
		elif [ $rc -eq 126 ] || [ $rc -eq 127 ]; then
			# the shell could not run stap (or tapc was being relinked)
			bad=$((bad + 1))
			echo "  could not run $name ($rc): $reason" >>"$tmp/list"
		elif [ $dir = parseok ] && [ $rc -ne 0 ]; then
			bad=$((bad + 1))
			echo "  rejected $name: $reason" >>"$tmp/list"
		elif [ $dir = parseko ] && [ $rc -eq 0 ]; then
			bad=$((bad + 1))
			echo "  accepted $name" >>"$tmp/list"
		else
			ok=$((ok + 1))
			[ $shell = 1 ] && shok=$((shok + 1))
			if [ $dir = parseko ] && [ $shell = 0 ] && ! grep -q ':[0-9]*:[0-9]*: error: ' "$tmp/err"; then
				unpositioned=$((unpositioned + 1))
				echo "  no positioned message for $name: $(head -n 1 "$tmp/err")" >>"$tmp/list"
			fi
		fi
	done
	total=$((ok + bad + crash))
	if [ $dir = parseok ]; then
		echo "$dir: $ok/$total accepted ($shok/$shtotal shell scripts), $bad rejected, $crash crashed, $skip skipped"
	else
		echo "$dir: $ok/$total rejected ($shok/$shtotal shell scripts; $unpositioned without position), $bad accepted, $crash crashed, $skip skipped"
	fi
	cat "$tmp/list" "$tmp/skips"
	[ $crash -eq 0 ] || crashed=1
done
exit $crashed
