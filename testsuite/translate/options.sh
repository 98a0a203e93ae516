#!/bin/bash
# options.sh: hostile and careless option values (issue 11).
#
# Every value that could reach make or a shell is either refused with a
# clear one-line error before anything runs, or reaches the C compiler
# intact; and nothing a value says is ever run: each hostile value below
# asks make or the shell to create $W/PWNED, which must never appear.
# Values refused up front are pinned with their whole message; the -D
# values that pass are checked by the C compiler itself (static asserts in
# a -p4 build against the first kernel of KERNELS).
set -u
. "$(dirname "$0")/common.bash"
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-options.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
P=$W/PWNED
rc=0
n=0

fail() { echo "FAIL: $*"; rc=1; }

# refused ARGS... : tapc exits 1 with exactly the message on stdin
refused() {
	local want got st
	want=$(cat)
	got=$(cd "$W" && "$TAPC" -p2 "$@" -e 'probe begin {}' 2>&1 >/dev/null)
	st=$?
	n=$((n + 1))
	if [ $st -ne 1 ]; then
		fail "$(printf '%q ' "$@"): exit status $st, expected 1"
	elif [ "$got" != "$want" ]; then
		fail "$(printf '%q ' "$@")"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/    /'
	fi
	if [ -e "$P" ]; then
		fail "$(printf '%q ' "$@"): $P was created"
		rm -f "$P"
	fi
}

refused -D "X=\$(shell touch $P)" <<EOF
tapc: error: -D 'X=\$(shell touch $P)': the value may hold only letters, digits, spaces and C operators, not "\$"
EOF
refused -D "X='||touch $P||'" <<EOF
tapc: error: -D 'X='||touch $P||'': the value may hold only letters, digits, spaces and C operators, not "'"
EOF
refused -D "X=\`touch $P\`" <<EOF
tapc: error: -D 'X=\`touch $P\`': the value may hold only letters, digits, spaces and C operators, not "\`"
EOF
refused -D $'X=1\n$(shell touch '"$P"')' <<EOF
tapc: error: -D 'X=1\\x0a\$(shell touch $P)': the value may hold only letters, digits, spaces and C operators, not "\\x0a"
EOF
refused -D 'X=1 # comment' <<'EOF'
tapc: error: -D 'X=1 # comment': the value may hold only letters, digits, spaces and C operators, not "#"
EOF
refused -D 'X=a\' <<'EOF'
tapc: error: -D 'X=a\': the value may hold only letters, digits, spaces and C operators, not "\"
EOF
refused -D 'X=1 /* open' <<'EOF'
tapc: error: -D 'X=1 /* open': the value may hold only letters, digits, spaces and C operators, not "/"
EOF
refused -D 'X;Y=1' <<'EOF'
tapc: error: -D 'X;Y=1': needs NAME or NAME=VALUE, NAME a C identifier
EOF
refused -D '=1' <<'EOF'
tapc: error: -D '=1': needs NAME or NAME=VALUE, NAME a C identifier
EOF
refused -D MAXMAPENTRIES=-5 <<'EOF'
tapc: error: -D 'MAXMAPENTRIES=-5': MAXMAPENTRIES must be a whole number from 1 to 4294967295
EOF
refused -D MAXMAPENTRIES=0 <<'EOF'
tapc: error: -D 'MAXMAPENTRIES=0': MAXMAPENTRIES must be a whole number from 1 to 4294967295
EOF
refused -D MAXSTRINGLEN=0 <<'EOF'
tapc: error: -D 'MAXSTRINGLEN=0': MAXSTRINGLEN must be a whole number from 16 to 1048576 (a task's name, 16 bytes, must fit)
EOF
refused -D MAXSTRINGLEN=15 <<'EOF'
tapc: error: -D 'MAXSTRINGLEN=15': MAXSTRINGLEN must be a whole number from 16 to 1048576 (a task's name, 16 bytes, must fit)
EOF
refused -D MAXACTION=0x10 <<'EOF'
tapc: error: -D 'MAXACTION=0x10': MAXACTION must be a whole number from 1 to 1000000000
EOF
refused -D MAXACTION <<'EOF'
tapc: error: -D 'MAXACTION': needs a value for this limit
EOF
refused -x abc <<'EOF'
tapc: error: -x needs a process id (a number from 1 to 4194304), not 'abc'
EOF
refused -x 0 <<'EOF'
tapc: error: -x needs a process id (a number from 1 to 4194304), not '0'
EOF
refused -x -5 <<'EOF'
tapc: error: -x needs a process id (a number from 1 to 4194304), not '-5'
EOF
refused '--target-namespace=1;id' <<'EOF'
tapc: error: --target-namespace needs a process id (a number from 1 to 4194304), not '1;id'
EOF
refused --target-namespaces=0 <<'EOF'
tapc: error: --target-namespace needs a process id (a number from 1 to 4194304), not '0'
EOF
refused -T 9223372036854775 <<'EOF'
tapc: error: -T is too large: at most 9223372036 seconds (292 years), not '9223372036854775'
EOF
refused -T 0 <<'EOF'
tapc: error: -T needs a positive number of seconds, not '0'
EOF
refused -T 0.0001 <<'EOF'
tapc: error: -T needs at least 0.001 seconds (the timer counts milliseconds), not '0.0001'
EOF
refused -T nan <<'EOF'
tapc: error: -T needs a positive number of seconds, not 'nan'
EOF
refused -r "../../x" <<'EOF'
tapc: error: -r needs a kernel release (letters, digits and . _ + -) or the absolute path of a build tree (letters, digits and _ . / + @ -), not '../../x'
EOF
mkdir -p "$W/k\$(shell touch $P)"
refused -r "$W/k\$(shell touch $P)" <<EOF
tapc: error: -r needs a kernel release (letters, digits and . _ + -) or the absolute path of a build tree (letters, digits and _ . / + @ -), not '$W/k\$(shell touch $P)'
EOF
refused -m $'a\033[2J' <<'EOF'
tapc: error: invalid module name 'a\x1b[2J' (lower case letters, digits and _, at most 55)
EOF
refused -p 4294967298 <<'EOF'
tapc: error: invalid pass number '4294967298' (should be 1-5)
EOF
refused -s 4294967297 <<'EOF'
tapc: error: invalid buffer size '4294967297' (MiB, 1-4095)
EOF
refused -o '' <<'EOF'
tapc: error: -o needs a value, not ''
EOF
refused -c '' <<'EOF'
tapc: error: -c needs a value, not ''
EOF
# TMPDIR: the module is built under it by make
mkdir -p "$W/t\$(shell touch $P)"
TMPDIR="$W/t\$(shell touch $P)" refused <<EOF
tapc: error: TMPDIR '$W/t\$(shell touch $P)' is not a usable directory (an existing one, its path of letters, digits and _ . / + @ -)
EOF

# issue 17's options: -B reaches make (one argument, no shell), --tmpdir
# and -R are paths make and a shell see, --modinfo a C string, -G a global
refused -B "KCFLAGS=\$(shell touch $P)" <<EOF
tapc: error: -B 'KCFLAGS=\$(shell touch $P)': the value may hold only letters, digits, spaces and _ . / + @ - , = :, not "\$"
EOF
refused -B "KCFLAGS=;touch $P" <<EOF
tapc: error: -B 'KCFLAGS=;touch $P': the value may hold only letters, digits, spaces and _ . / + @ - , = :, not ";"
EOF
refused -B 'M=/tmp' <<'EOF'
tapc: error: -B 'M=/tmp': tapc sets M, V and ARCH itself
EOF
refused -B 'a-b=1' <<'EOF'
tapc: error: -B 'a-b=1': needs NAME=VALUE, NAME a make variable (letters, digits and _)
EOF
mkdir -p "$W/b\$(shell touch $P)"
refused --tmpdir="$W/b\$(shell touch $P)" <<EOF
tapc: error: --tmpdir '$W/b\$(shell touch $P)' is not a usable directory (an existing one, its path of letters, digits and _ . / + @ -)
EOF
refused -R "$W" <<EOF
tapc: error: -R '$W' is not a tapc runtime (a directory with tapc_runtime.h, its path of letters, digits and _ . / + @ -)
EOF
refused --modinfo $'a=b\nc' <<'EOF'
tapc: error: --modinfo 'a=b\x0ac': needs NAME=VALUE, NAME a C identifier, VALUE at most 200 printable ASCII characters
EOF
refused --vp 000000 <<'EOF'
tapc: error: --vp needs one digit per pass (1 to 5 digits), not '000000'
EOF
refused -G 'x y=1' <<'EOF'
tapc: error: -G 'x y=1': needs VAR=VALUE, VAR the name of one of the script's globals
EOF
refused --suppress-time-limits <<'EOF'
tapc: error: --suppress-time-limits needs guru mode (-g): a handler with no MAXACTION limit can hold its CPU indefinitely
EOF

refused -S 1,3 <<'EOF'
tapc: error: -S rotates the -o FILE where the module runs: it needs -o, and can't be used with --vm
EOF
refused -o out -S 1,0 <<'EOF'
tapc: error: -S needs SIZE[,N]: SIZE MiB from 1 to 4095, N files from 1 to 100000, not '1,0'
EOF
refused -o out -S 4096 <<'EOF'
tapc: error: -S needs SIZE[,N]: SIZE MiB from 1 to 4095, N files from 1 to 100000, not '4096'
EOF
# -F and -b: what taprun could not do with them is refused before anything runs
refused -F --vm <<'EOF'
tapc: error: -F and -b leave their module or files where it runs: they can't be used with --vm
EOF
refused -b --vm <<'EOF'
tapc: error: -F and -b leave their module or files where it runs: they can't be used with --vm
EOF
refused -F -c true <<'EOF'
tapc: error: -F leaves the module running and returns: -c needs tapc to wait for its command
EOF
refused -b -o out -S 1 <<'EOF'
tapc: error: -S can't rotate -b's per-CPU files
EOF
refused -b -F <<'EOF'
tapc: error: -b writes a file per CPU: with -F it needs -o FILE
EOF

# What the command-line fuzzer kept (testsuite/fuzz/regress/*.args, one
# argument a line): an answer, 0 or 1, in time, and no file made.
for f in testsuite/fuzz/regress/*.args; do
	[ -e "$f" ] || continue
	mapfile -t args <"$f"
	n=$((n + 1))
	(cd "$W" && timeout 20 "$TAPC" "${args[@]}" -p2 -e 'probe begin {}' >/dev/null 2>&1)
	st=$?
	[ $st -le 1 ] || fail "$f: exit status $st (124: over 20 s; >128: a signal)"
	if [ -e "$W/PWNED" ] || [ -e PWNED ]; then fail "$f: PWNED was created"; rm -f "$W/PWNED" PWNED; fi
done

# Values that pass reach the C compiler as they were written, and a cache
# directory make would misread is never handed to it (the module builds
# its runtime itself then).
if [ -n "$K" ]; then
	cat >"$W/defs.stp" <<'EOF'
%{
_Static_assert(TAPC_T1 == 9, "an expression");
_Static_assert(TAPC_T2 == 16, "spaces and a shift");
_Static_assert(TAPC_T3 == 1, "a bare NAME is 1");
_Static_assert(TAPC_T4 == 2, "the last -D of a name counts");
_Static_assert(MAXACTION == 77, "a limit");
%}
probe begin { exit() }
EOF
	n=$((n + 1))
	if ! out=$(cd "$W" && "$TAPC" -p4 -g -r "$K" -D 'TAPC_T1=(1+2)*3' -D 'TAPC_T2=1 << 4' -D TAPC_T3 \
		-D TAPC_T4=1 -D TAPC_T4=2 -D MAXACTION=77 defs.stp 2>&1); then
		fail "-D values did not reach the C compiler intact:"; printf '%s\n' "$out" | tail -15
	fi
	n=$((n + 1))
	if out=$(cd "$W" && "$TAPC" -p4 -g -r "$K" -D 'TAPC_T1=(1+2)*4' -D 'TAPC_T2=1 << 4' -D TAPC_T3 \
		-D TAPC_T4=2 -D MAXACTION=77 defs.stp 2>&1); then
		fail "a -D value the static asserts refuse was built anyway: the check can't fail"
	fi
	mkdir -p "$W/h\$(shell touch $P)"
	n=$((n + 1))
	out=$(cd "$W" && env -u XDG_CACHE_HOME HOME="$W/h\$(shell touch $P)" \
		"$TAPC" -p4 -r "$K" -e 'probe begin { exit() }' 2>&1)
	st=$?
	if [ -e "$P" ]; then
		fail "a HOME with \$(shell ...) ran the shell"; rm -f "$P"
	elif [ $st -ne 0 ]; then
		fail "a HOME with \$(shell ...): the build failed:"; printf '%s\n' "$out" | tail -5
	fi
fi
echo "$n checks, $([ $rc = 0 ] && echo none || echo some) failed"
exit $rc
