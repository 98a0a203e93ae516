#!/bin/sh
# tapset_test.sh TAPC: the tapset loader on library trees made here
# (compiler/tapset.c): which files it reads, in which order, and what it
# skips.  Ends with "tapset: N passed, N failed"; status 1 if any failed.
tapc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -20; }

# check NAME EXPECTED_RC EXPECTED_STDOUT_GREP TAPC_ARGS...: tapc must answer
# (no hang: 20 s) with that status and, when given, stdout matching
check() {
	name=$1 want=$2 pattern=$3
	shift 3
	SYSTEMTAP_TAPSET="$tmp/lib" timeout 20 "$tapc" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -ne "$want" ]; then
		bad "$name: exit status $rc, expected $want" "$tmp/err"
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/out"; then
		bad "$name: no '$pattern' in the output" "$tmp/out"
	else
		ok
	fi
}

# without -r, tapc's target is the running kernel
kvr=$(uname -r)
mkdir -p "$tmp/lib/linux/$kvr" "$tmp/lib/x86_64" "$tmp/lib/dyninst" "$tmp/lib/other" "$tmp/inc"

# a file in linux/ is read; so are the version and arch folders
printf 'function in_linux() { return 1 }\n' >"$tmp/lib/linux/a.stp"
printf 'function in_release() { return 2 }\n' >"$tmp/lib/linux/$kvr/b.stp"
printf 'function in_arch() { return 3 }\n' >"$tmp/lib/x86_64/c.stp"
check "folders linux/, linux/KVR/, ARCH/ are read" 0 "in_arch:long" \
	-p2 -e 'probe begin { println(in_linux() + in_release() + in_arch()) }'

# a folder stap does not read is not read
printf 'function in_dyninst() { return 4 }\n' >"$tmp/lib/dyninst/d.stp"
printf 'function in_other() { return 5 }\n' >"$tmp/lib/other/e.stp"
check "dyninst/ is not read" 1 "" -p2 -e 'probe begin { println(in_dyninst()) }'
check "other folders are not read" 1 "" -p2 -e 'probe begin { println(in_other()) }'

# the more specific folder comes first (the order shows in the C: the
# file-scope %{ %} blocks of the files in use, in reading order)
printf '%%{\n/* block of w.stp */\n%%}\nfunction w_top() { return 10 }\n' >"$tmp/lib/w.stp"
printf '%%{\n/* block of linux/w.stp */\n%%}\nfunction w_linux() { return 20 }\n' >"$tmp/lib/linux/w.stp"
check "-p3 with both files" 0 "" -p3 -e 'probe begin { println(w_top() + w_linux()) }'
first=$(grep -n 'block of linux/w.stp' "$tmp/out" | cut -d: -f1)
second=$(grep -n 'block of w.stp' "$tmp/out" | cut -d: -f1)
if [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ]; then ok; else
	bad "linux/w.stp is read before w.stp" "$tmp/out"; fi
rm "$tmp/lib/w.stp" "$tmp/lib/linux/w.stp"

# a function defined twice in the library is an error
printf 'function in_linux() { return 9 }\n' >"$tmp/lib/twice.stp"
check "a function defined twice" 1 "" -p2 -e 'probe begin { exit() }'
if grep -q "library function 'in_linux' is defined twice" "$tmp/err"; then ok; else
	bad "the error names the function" "$tmp/err"; fi
rm "$tmp/lib/twice.stp"

# -I DIR comes after the library; the same path below it is not read again
printf 'function from_inc() { return 6 }\n' >"$tmp/inc/f.stp"
printf 'function shadowed() { return 7 }\n' >"$tmp/inc/a.stp"
mkdir -p "$tmp/inc/linux"
printf 'function shadowed2() { return 8 }\n' >"$tmp/inc/linux/a.stp"
check "-I DIR is read" 0 "from_inc:long" -p2 -I "$tmp/inc" -e 'probe begin { println(from_inc()) }'
check "-I DIR's a.stp is read (not the same path as linux/a.stp)" 0 "shadowed:long" \
	-p2 -I "$tmp/inc" -e 'probe begin { println(shadowed()) }'
check "-I DIR's linux/a.stp is the library's linux/a.stp: skipped" 1 "" \
	-p2 -I "$tmp/inc" -e 'probe begin { println(shadowed2()) }'

# only regular files: a FIFO named *.stp must not block
mkfifo "$tmp/inc/fifo.stp" "$tmp/inc/fifo.stpm"
check "a FIFO named *.stp in -I DIR is skipped" 0 "from_inc:long" \
	-p2 -I "$tmp/inc" -e 'probe begin { println(from_inc()) }'

# macro files come first, from every folder
printf '@define from_macro %%( 99 %%)\n' >"$tmp/lib/linux/m.stpm"
printf 'function uses_macro() { return @from_macro }\n' >"$tmp/lib/0first.stp"
check "*.stpm of linux/ before any *.stp" 0 "uses_macro:long" \
	-p2 -e 'probe begin { println(uses_macro()) }'

# a library file that does not parse: left out with a warning; -W: fatal
printf 'function broken( {\n' >"$tmp/inc/broken.stp"
check "a file that does not parse is left out" 0 "from_inc:long" \
	-p2 -I "$tmp/inc" -e 'probe begin { println(from_inc()) }'
if grep -q 'warning: library file .*broken.stp does not parse; left out' "$tmp/err"; then ok; else
	bad "the warning names the file" "$tmp/err"; fi
check "-W makes it fatal" 1 "" -W -p2 -I "$tmp/inc" -e 'probe begin { println(from_inc()) }'
rm "$tmp/inc/broken.stp"

# the script can't be a library file too
check "a library file as the script" 1 "" -p2 -I "$tmp/inc" "$tmp/inc/f.stp"

echo "tapset: $pass passed, $fail failed"
[ $fail -eq 0 ]
