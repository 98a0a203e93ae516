#!/bin/bash
# compare-p3.sh: the C two tapc binaries generate for every test script.
#
#   scripts/compare-p3.sh [-v] [-r KVER] OLD_TAPC NEW_TAPC [SCRIPT...]
#
# Runs `tapc -p3` of both binaries on each script (default: every *.stp of
# testsuite/{sema/ok,translate,run,stress} and examples/), with the script's
# own flags ("#! tapc FLAGS", or a run test's "# COMPILE:" and "# ARGS:"),
# for kernel KVER (default: the newest installed), and says which outputs
# differ.  Each binary's tapset directory (BIN/../tapset) is written TAPSET
# in both outputs, so the trees' locations don't count.  The run tests'
# module, testsuite/testmod, is built for KVER first.  -v prints the diffs.
# Exit status 1 when any output differs or only one binary compiles a
# script.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
verbose=0 kver=""
while [ $# -gt 0 ]; do
	case "$1" in
	-v) verbose=1; shift ;;
	-r) kver=$2; shift 2 ;;
	-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2"); shift 2
if [ -z "$kver" ]; then
	kver=$(ls -d /lib/modules/*/build 2>/dev/null | sed 's#/lib/modules/##; s#/build##' | sort -V | tail -1)
fi
scripts=()
for f in "$@"; do scripts+=("$(realpath "$f")"); done
if [ ${#scripts[@]} -eq 0 ]; then
	for d in sema/ok translate run stress; do
		scripts+=("$top"/testsuite/$d/*.stp)
	done
	scripts+=("$top"/examples/*.stp)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
modpath="$tmp/testmod"
"$top/testsuite/testmod/build.sh" "$kver" "$modpath" >/dev/null 2>&1 ||
	echo "compare-p3: could not build testsuite/testmod for $kver; its scripts fail" >&2

# A run test's directive (as testsuite/run-tests reads it).
directive() { sed -n "/^[^#]/q; s/^# $2: *//p" "$1" | head -1; }

# compile BIN SCRIPT OUT: -p3 output with the tapset directory written TAPSET.
# Run tests compile from the top directory, the others from their own.
compile() {
	local bin=$1 f=$2 out=$3 tapsets rc k=$kver
	tapsets=$(cd "$(dirname "$bin")/../tapset" 2>/dev/null && pwd -P)
	case $f in
	*/testsuite/run/*|*/testsuite/stress/*)
		(cd "$top" && eval "\"\$bin\" -p3 -r \"\$k\" --module-path \"\$modpath\" -m t_compare \
			$(directive "$f" COMPILE) \"\${f#\$top/}\" $(directive "$f" ARGS)" \
			>"$out.raw" 2>"$out.err") ;;
	*)
		# shellcheck disable=SC2046
		(cd "$(dirname "$f")" && "$bin" -p3 -r "$k" --module-path "$modpath" -m t_compare \
			$(head -1 "$f" | sed -n 's/^#! *tapc *//p') "$(basename "$f")" \
			>"$out.raw" 2>"$out.err") ;;
	esac
	rc=$?
	sed "s#$tapsets/#TAPSET/#g; s#$(dirname "$bin")/../tapset/#TAPSET/#g" "$out.raw" >"$out"
	return $rc
}

same=0 differ=0 failboth=0 failone=0
for f in "${scripts[@]}"; do
	[ -e "$f" ] || continue
	name=${f#"$top"/}
	compile "$old" "$f" "$tmp/old"; ro=$?
	compile "$new" "$f" "$tmp/new"; rn=$?
	if [ $ro -ne 0 ] && [ $rn -ne 0 ]; then
		failboth=$((failboth + 1))
		[ $verbose = 1 ] && echo "both fail: $name ($(grep -m1 error "$tmp/new.err"))"
	elif [ $ro -ne 0 ] || [ $rn -ne 0 ]; then
		failone=$((failone + 1))
		echo "only $([ $ro -ne 0 ] && echo new || echo old) compiles: $name"
		[ $verbose = 1 ] && cat "$tmp/old.err" "$tmp/new.err" | head -20
	elif cmp -s "$tmp/old" "$tmp/new"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "differs: $name"
		[ $verbose = 1 ] && diff -u "$tmp/old" "$tmp/new" | head -60
	fi
done
echo "compare-p3 ($kver): $same identical, $differ differ, $failone compile with one binary only, $failboth fail with both"
[ $differ -eq 0 ] && [ $failone -eq 0 ]
