#!/bin/bash
# compare-p3.sh: the C that two tapc binaries generate (tapc -p3), script by
# script, for a refactor that must not change it.
#
#   scripts/compare-p3.sh [-o OUTDIR] BEFORE AFTER [KVER...]
#
# Every .stp of testsuite/ and of SystemTap's vectors in
# ../shared/conformance/systemtap or $CORPUS (those run as `stap FILE`: a `#! stap`
# first line or none) is compiled with -p3 by both binaries against each
# KVER (default: every kernel in /lib/modules), with the flags the suite
# gives it ("#! tapc FLAGS", "# COMPILE:", "# ARGS:", --module-path of
# testsuite/testmod built for KVER, the directory the suite runs it in).
# A "-r RELEASE" in a test's flags is replaced by KVER when RELEASE is not
# installed (tests name point releases that move).  stdout, stderr and the
# exit status are kept in OUTDIR/{before,after}/KVER/NAME.{c,err,rc}; the
# before side is reused when already there (the BEFORE binary is fixed).
# ONLY=PATTERN keeps the scripts whose NAME (testsuite/..., conformance/...)
# matches the shell pattern.
# Prints one line per script whose output differs and a summary; exits 1
# when anything differs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=/tmp/tapc-compare-p3
if [ "${1:-}" = -o ]; then out=$2; shift 2; fi
[ $# -ge 2 ] || { sed -n '2,/^set/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
before=$(realpath "$1") after=$(realpath "$2")
shift 2
kernels=${*:-$(ls /lib/modules)}
corpus=${CORPUS:-$top/../shared/conformance/systemtap}

# The flags a test is compiled with, as the suite gives them: the first
# line's (split into words, not evaluated), then COMPILE and ARGS (shell
# words evaluated with $k, as run-tests does), one line each.
flags_of() { # FILE KVER
	local f=$1 k=$2 first fl r
	first=$(head -1 "$f")
	case $first in
	'#!'*tapc*) fl=$(sed -n 's/^#! *tapc *//p' <<<"$first") ;;
	'#!'*stap*) fl=$(sed -n 's/^#! *stap *//p' <<<"$first") ;;
	*) fl= ;;
	esac
	# a release that is not installed: the kernel under test instead
	for r in $(grep -oE -- '-r +[^ ]+' <<<"$fl" | awk '{print $2}'); do
		[ -d "/lib/modules/$r" ] || fl=${fl//-r $r/-r $k}
	done
	grep -qE -- '(^| )-r ' <<<"$fl" || fl="$fl -r $k"
	printf '%s\n' "$fl"
	sed -n '/^[^#]/q; s/^# COMPILE: *//p' "$f" | head -1
	sed -n '/^[^#]/q; s/^# ARGS: *//p' "$f" | head -1
}

# run BIN SIDE KVER FILE NAME
run_one() {
	local bin=$1 dir=$out/$2/$3 k=$3 f=$4 name=$5 fl compile args
	mkdir -p "$dir/$(dirname "$name")"
	{ read -r fl; read -r compile; read -r args; } < <(flags_of "$f" "$k")
	(
		# ARGS as run-tests evaluates them: from the top directory
		cd "$top" && eval "set -- $args" || exit 99
		cd "$(dirname "$f")" || exit 99
		# shellcheck disable=SC2086
		eval "timeout 60 \"\$bin\" \$fl $compile --module-path \"\$out/testmod-\$k\" -p3 \"\$(basename \"\$f\")\" \"\$@\""
	) >"$dir/$name.c.raw" 2>"$dir/$name.err.raw" </dev/null
	echo $? >"$dir/$name.rc"
	# tapset paths name the binary's tree, -v prints times: the same on both sides
	sed "s|$(dirname "$bin")/|BINDIR/|g" "$dir/$name.c.raw" >"$dir/$name.c"
	sed -E "s|$(dirname "$bin")/|BINDIR/|g; s/ in [0-9]+ms/ in Nms/g" "$dir/$name.err.raw" >"$dir/$name.err"
	rm -f "$dir/$name.c.raw" "$dir/$name.err.raw"
}

files() {
	(cd "$top" && find testsuite -name '*.stp' -not -path 'testsuite/out/*' | sort | sed "s|^|$top/|")
	[ -d "$corpus" ] || return
	for f in "$corpus"/*/*.stp; do
		head -1 "$f" | grep -q '^#!' && ! head -1 "$f" | grep -q '^#! *stap' && continue
		echo "$f"
	done
}

mkdir -p "$out"
for k in $kernels; do
	[ -f "$out/testmod-$k/tapc_testmod.ko" ] ||
		"$top/testsuite/testmod/build.sh" "$k" "$out/testmod-$k" >/dev/null 2>&1 ||
		echo "compare-p3: testmod not built for $k" >&2
done
[ -d "$top/testsuite/out/modfixture" ] || "$top/testsuite/modfixture/build.sh" "$top/testsuite/out/modfixture"

ndiff=0 nsame=0
for k in $kernels; do
	while read -r f; do
		case $f in
		"$corpus"/*) name=conformance/${f#"$corpus"/} ;;
		*) name=${f#"$top"/} ;;
		esac
		# shellcheck disable=SC2053
		[[ $name == ${ONLY:-*} ]] || continue
		[ -f "$out/before/$k/$name.rc" ] || run_one "$before" before "$k" "$f" "$name"
		run_one "$after" after "$k" "$f" "$name"
		if cmp -s "$out/before/$k/$name.c" "$out/after/$k/$name.c" &&
		   cmp -s "$out/before/$k/$name.err" "$out/after/$k/$name.err" &&
		   cmp -s "$out/before/$k/$name.rc" "$out/after/$k/$name.rc"; then
			nsame=$((nsame + 1))
		else
			ndiff=$((ndiff + 1))
			echo "DIFF [$k] $name"
		fi
	done < <(files)
done
echo "$nsame same, $ndiff different (outputs in $out)"
[ $ndiff = 0 ]
