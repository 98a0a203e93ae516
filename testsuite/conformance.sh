#!/bin/sh
# Pass-1 conformance against SystemTap's own parseok/parseko vectors.
#
# usage: testsuite/conformance.sh [CORPUS_DIR]   (default ../shared/conformance/systemtap)
# Runs `tapc -p1` with each file's shebang flags (#! stap -gp1, --compatible=..)
# over CORPUS/parseok (must parse) and CORPUS/parseko (must be rejected with a
# FILE:LINE:COL: error: message).  Files without a `#! stap` shebang are shell
# scripts driving the real stap and are skipped.  Prints per-folder counts and
# the offending files; exits 1 on any crash (signal or timeout), else 0.
# TAPC=path overrides the compiler under test.

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/conformance/systemtap}
tapc=${TAPC:-$here/compiler/tapc}
crashed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$tapc" ] || { echo "conformance: no compiler at $tapc" >&2; exit 2; }
[ -d "$corpus/parseok" ] || { echo "conformance: no corpus at $corpus" >&2; exit 2; }

# run FILE: sets rc and leaves stderr in $tmp/err
run() {
	flags=$(head -n 1 "$1" | sed -n 's/^#![ ]*stap[ ]*//p')
	# shellcheck disable=SC2086
	timeout 20 "$tapc" $flags "$1" >/dev/null 2>"$tmp/err" </dev/null
	rc=$?
}

for dir in parseok parseko; do
	ok=0 bad=0 crash=0 skip=0 unpositioned=0
	: >"$tmp/list"
	for f in "$corpus/$dir"/*.stp; do
		if ! head -n 1 "$f" | grep -q '^#![ ]*stap'; then
			skip=$((skip + 1))
			continue
		fi
		run "$f"
		name=$(basename "$f")
		if [ $rc -ge 124 ]; then
			crash=$((crash + 1))
			echo "  CRASH ($rc) $name" >>"$tmp/list"
		elif [ $dir = parseok ] && [ $rc -ne 0 ]; then
			bad=$((bad + 1))
			echo "  rejected $name: $(head -n 1 "$tmp/err")" >>"$tmp/list"
		elif [ $dir = parseko ] && [ $rc -eq 0 ]; then
			bad=$((bad + 1))
			echo "  accepted $name" >>"$tmp/list"
		else
			ok=$((ok + 1))
			if [ $dir = parseko ] && ! grep -q ':[0-9]*:[0-9]*: error: ' "$tmp/err"; then
				unpositioned=$((unpositioned + 1))
				echo "  no positioned message for $name: $(head -n 1 "$tmp/err")" >>"$tmp/list"
			fi
		fi
	done
	total=$((ok + bad + crash))
	if [ $dir = parseok ]; then
		echo "$dir: $ok/$total accepted, $bad rejected, $crash crashed, $skip shell scripts skipped"
	else
		echo "$dir: $ok/$total rejected ($unpositioned without position), $bad accepted, $crash crashed, $skip shell scripts skipped"
	fi
	cat "$tmp/list"
	[ $crash -eq 0 ] || crashed=1
done
exit $crashed
