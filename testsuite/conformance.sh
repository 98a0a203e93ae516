#!/bin/sh
# Conformance against SystemTap's own test vectors: pass 1 (parseok,
# parseko) and pass 2 (semok, semko).
#
# usage: testsuite/conformance.sh [CORPUS_DIR]   (default ../shared/conformance/systemtap)
# Files with a `#! stap` shebang run as `tapc FLAGS FILE` (#! stap -gp1,
# --compatible=..).  The others are shell scripts written for the real stap:
# they run under the interpreter their shebang names, with a `stap` on PATH
# that is tapc, SRCDIR/testsuite pointing at the corpus and SYSTEMTAP_TAPSET
# at our tapset/.  *ok must exit 0; *ko must exit non-zero without a signal
# (shebang files must also print a FILE:LINE:COL: error: message, or count
# as "without position").  A semko vector must fail in pass 2, so it must
# still parse: its shebang file is also run with -p1 (as stap's
# parse-semko.exp does), and one that pass 1 already rejects is listed.
# Scripts that test staprun or options of stap's resource handling are
# skipped with the reason (skip_reason below); every failure is listed with
# the reason (why_rejected, why_accepted below: a probe family not built
# yet, ...), or with tapc's message when no reason is known.  Prints per-folder counts; exits 1
# on any crash (signal or timeout), else 0.
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

# Why a semok vector is rejected, from tapc's message ($1): what tapc
# lacks, so the list reads as work to do.  Empty: no known reason.
why_rejected() {
	family=$(printf '%s\n' "$1" | sed -n "s/.*unknown probe family '\([^']*\)'.*/\1/p")
	case $family in
	'') ;;
	*noprobe) echo "%( CONFIG_X >= 0 %) with no .config for the running kernel: tapc's unset CONFIG_ is not 0"; return ;;
	*'*'* | *'?'*) echo "a wildcard in a built-in family's name (kerne*.funct*): tapc matches wildcards over aliases only"; return ;;
	foo | alias*) echo "the script's own aliases derive no probe point on this kernel"; return ;;
	*) echo "probe family or tapset alias '$family' not built yet"; return ;;
	esac
	case $1 in
	*"no match for probe point foo."*) echo "the aliases the wildcard matches probe functions this kernel lacks (do_sys_exit, __do_sys_exit are inlined)" ;;
	*"no match for probe point kerne"*) echo "a wildcard in a built-in family's name (kerne*.funct*): tapc matches wildcards over aliases only" ;;
	*"unknown function '"*) echo "tapset function $(printf '%s\n' "$1" | sed -n "s/.*unknown function '\([^']*\)'.*/\1/p") not written yet" ;;
	*"@autocast"* | *"use ->member to read part of it"*) echo "@cast/@autocast of a whole struct (&@cast(...), autocast through locals) not supported yet" ;;
	*"not found in the BTF"*) echo "@cast with a header or module type: needs debuginfo or header parsing, not supported" ;;
	*"@cast_module_sizeof"*) echo "a macro of SystemTap's tapset library tapc's tapset lacks" ;;
	*"unrecognized option"*) echo "stap option $(printf '%s\n' "$1" | sed -n "s/.*unrecognized option '\([^']*\)'.*/\1/p") not supported by tapc" ;;
	*"Syntax error"*) echo "the script needs bash as /bin/sh (as on Fedora); Debian's is dash" ;;
	*"need DWARF debuginfo"* | *"no vmlinux debuginfo"*) echo "needs the kernel's DWARF debuginfo (not installed)" ;;
	*".ko for kernel"*) echo "the module it probes is not installed for this kernel" ;;
	*"ranges are not supported"*) echo "line ranges in statement probes not supported yet" ;;
	*"expected kernel.function or .statement"* | *"unexpected component"*) echo "a probe point form not supported yet" ;;
	*"is not a parameter of"* | *"no match for probe point kernel.function"*) echo "the function or its parameter differs in this kernel (or needs debuginfo)" ;;
	*"@entry is only available in .return probes"*) echo "@entry outside a .return probe (stap evaluates it in place) not supported" ;;
	*"eliding unused variable"*) echo "-w with -W: tapc still counts the suppressed warning as an error" ;;
	*"has no target variables"*) echo "a target variable in code the optimiser drops: stap reports it only if it survives, tapc at once" ;;
	esac
}

# Why a *ko vector ($1, DIR/NAME) is accepted: what tapc can't see here.
why_accepted() {
	case $1 in
	parseko/twentythree.stp) echo "parses the library's indent.stp as a user script: stap's holds what only a tapset may, tapc's indent.stp is plain script language" ;;
	semko/probe_elision.stp) echo "every probe does nothing: stap 5 elides them all and finds no probes; tapc keeps them with stap 4.8's side-effect-free probe warning (so probe ALIAS { } checks a point)" ;;
	semko/utrace.stp) echo "a bare process probe follows the run's -c/-x target, which tapc learns only at run time (tapc -p4, then taprun -c): without one it probes every process" ;;
	semko/thirtytwo.stp) echo "init text is known only from the running kernel's /proc/kallsyms, with addresses (as root)" ;;
	parseko/*) echo "no known reason: a pass-1 check tapc lacks" ;;
	*) echo "no known reason: a pass-2 check tapc lacks" ;;
	esac
}

# run FILE [FLAGS-FILTER]: sets rc and leaves stderr in $tmp/err; a
# shebang file's flags go through the sed expression FLAGS-FILTER
run() {
	first=$(head -n 1 "$1")
	case $first in
	'#!'*stap*)
		flags=$(printf '%s\n' "$first" | sed -n 's/^#![ ]*stap[ ]*//p' | sed "${2:-}")
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

crash() { [ "$1" -eq 124 ] || [ "$1" -gt 128 ]; }

for dir in parseok parseko semok semko; do
	ok=0 bad=0 crash=0 skip=0 unpositioned=0 shok=0 shtotal=0 parse1=0
	: >"$tmp/list"
	: >"$tmp/skips"
	case $dir in *ok) want=0 ;; *) want=1 ;; esac
	parse=; [ $dir = semko ] && parse=1
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
		reason=$(grep -m 1 -E 'error:|unrecognized option|Syntax error' "$tmp/err" || head -n 1 "$tmp/err")
		if crash $rc; then
			crash=$((crash + 1))
			echo "  CRASH ($rc: timeout or signal) $name" >>"$tmp/list"
		elif [ $rc -eq 126 ] || [ $rc -eq 127 ]; then
			# the shell could not run stap (or tapc was being relinked)
			bad=$((bad + 1))
			echo "  could not run $name ($rc): $reason" >>"$tmp/list"
		elif [ $want = 0 ] && [ $rc -ne 0 ]; then
			bad=$((bad + 1))
			why=$(why_rejected "$reason")
			echo "  rejected $name: ${why:+$why: }$reason" >>"$tmp/list"
		elif [ $want = 1 ] && [ $rc -eq 0 ]; then
			bad=$((bad + 1))
			echo "  accepted $name: $(why_accepted "$dir/$name")" >>"$tmp/list"
		else
			ok=$((ok + 1))
			[ $shell = 1 ] && shok=$((shok + 1))
			if [ $want = 1 ] && [ $shell = 0 ] && ! grep -q ':[0-9]*:[0-9]*: error: ' "$tmp/err"; then
				unpositioned=$((unpositioned + 1))
				echo "  no positioned message for $name: $(head -n 1 "$tmp/err")" >>"$tmp/list"
			fi
		fi
		# a semko vector must parse: its error belongs to pass 2
		if [ $dir = semko ] && [ $shell = 0 ]; then
			run "$f" 's/p2/p1/'
			if crash $rc; then
				crash=$((crash + 1))
				echo "  CRASH ($rc: timeout or signal) $name with -p1" >>"$tmp/list"
			elif [ $rc -ne 0 ]; then
				parse1=$((parse1 + 1))
				echo "  rejected by pass 1 $name: $(grep -m 1 -i 'error' "$tmp/err")" >>"$tmp/list"
			fi
		fi
	done
	total=$((ok + bad + crash))
	counts="$((ok - shok))/$((total - shtotal)) shebang files, $shok/$shtotal shell scripts"
	case $dir in
	*ok) echo "$dir: $ok/$total accepted ($counts), $bad rejected, $crash crashed, $skip skipped" ;;
	*) echo "$dir: $ok/$total rejected ($counts; $unpositioned without position${parse:+; $parse1 already by pass 1}), $bad accepted, $crash crashed, $skip skipped" ;;
	esac
	cat "$tmp/list" "$tmp/skips"
	[ $crash -eq 0 ] || crashed=1
done
exit $crashed
