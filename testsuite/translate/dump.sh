#!/bin/bash
# dump.sh: --dump-functions, --dump-probe-aliases and --dump-probe-types
# list what a script may use, sorted and without repeats, in stap's forms.
# Each list is checked for entries whose form we know (library functions
# with both arities, a void one, a guru one, a built-in; aliases of a
# written tapset; provider patterns), and a sample of each list is tried:
# a listed function is called and a listed alias probed with -p2.
set -u
. "$(dirname "$0")/common.bash"
R=()
[ -n "$K" ] && R=(-r "$K")
rc=0

fail() { echo "FAIL: $*"; rc=1; }

# has LIST-NAME LINE: the exact line is in the list on stdin
has() {
	grep -qxF -- "$2" || fail "$1 lacks '$2'"
}

funcs=$("$TAPC" "${R[@]}" --dump-functions) || fail "--dump-functions exit status"
aliases=$("$TAPC" "${R[@]}" --dump-probe-aliases) || fail "--dump-probe-aliases exit status"
types=$("$TAPC" "${R[@]}" --dump-probe-types) || fail "--dump-probe-types exit status"

for list in funcs aliases types; do
	[ "$(printf '%s\n' "${!list}" | LC_ALL=C sort -u)" = "${!list}" ] ||
		fail "$list: not sorted, or repeated lines"
	[ "$(printf '%s\n' "${!list}" | wc -l)" -gt 20 ] || fail "$list: under 20 lines"
done
printf '%s\n' "$funcs" | has functions 'ctime:string ()'
printf '%s\n' "$funcs" | has functions 'ctime:string (epochsecs:long)'
printf '%s\n' "$funcs" | has functions 'exit:unknown ()'
printf '%s\n' "$funcs" | has functions 'mdelay:long (ms:long) /* guru */'
printf '%s\n' "$funcs" | has functions 'AF_INET:long () /* unprivileged */'
printf '%s\n' "$aliases" | has aliases 'vfs.read'
printf '%s\n' "$aliases" | has aliases 'vfs.read.return'
printf '%s\n' "$aliases" | has aliases 'signal.send'
printf '%s\n' "$types" | has types 'kernel.function(string).return'
printf '%s\n' "$types" | has types 'timer.ms(number)'
printf '%s\n' "$types" | has types 'kernel.trace(string)'

# every 25th listed function without parameters is called, every 10th
# public alias probed
n=0
for name in $(printf '%s\n' "$funcs" | sed -n 's/^\([A-Za-z_0-9]*\):[a-z]* () *$/\1/p' | awk 'NR % 25 == 1'); do
	"$TAPC" "${R[@]}" -p2 -e "probe begin { $name() }" >/dev/null 2>&1 ||
		fail "listed function $name() does not resolve"
	n=$((n + 1))
done
# (an alias may name functions this kernel lacks: it is then known, but
# derives nothing)
for a in $(printf '%s\n' "$aliases" | grep -v '^_' | awk 'NR % 10 == 1'); do
	err=$("$TAPC" "${R[@]}" -p2 -e "probe $a { }" 2>&1 >/dev/null) ||
		case $err in
		*"the probe aliases it names derive no probe point"*) ;;
		*) fail "listed alias $a: $err" ;;
		esac
	n=$((n + 1))
done
[ $n -gt 5 ] || fail "only $n samples tried"
exit $rc
