#!/bin/bash
# stap_options.sh: stap's command line in tapc (issue 17).
#
# Every option of stap 4.8 (stap48_options.txt) is either taken by tapc,
# so `tapc -h` shows it and docs/tapc.1 describes it, or refused: listed
# in tapc(1) under "SystemTap options tapc does not take" with a reason,
# and tapc given it exits 1 saying exactly that reason.  Every option of
# `tapc -h` is also in tapc(1) (help and man page kept in agreement).
# (bash: run-tests runs runner tests with sh)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
cd "$(dirname "$0")/../.."
TAPC=${TAPC:-compiler/tapc}
MAN=docs/tapc.1
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# the options a text names: -x, --name, and a bare --
options_in() { grep -oE '(^|[ ,[(])(--?[A-Za-z][A-Za-z0-9-]*|--)( |,|$|=|\[)' | grep -oE -- '--?[A-Za-z0-9-]*' | sort -u; }

help=$("$TAPC" -h) || fail "tapc -h: exit status $?"
taken=$(options_in <<<"$help")
# the man page with its escapes undone: \- is -, fonts dropped
man_text=$(sed -e 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
man_options=$(sed -n '/^\.SH "SYSTEMTAP OPTIONS TAPC DOES NOT TAKE"/q; p' <<<"$man_text" |
	sed -n 's/^\.\(B\|BI\|BR\) //p' | tr -d '"' | options_in)
# "OPTION<tab>REASON" of the refused section: a ".B OPTION" line, then the reason
refused=$(sed -n '/^\.SH "SYSTEMTAP OPTIONS TAPC DOES NOT TAKE"/,/^\.SH [^"]/p' <<<"$man_text" |
	awk '/^\.B / { opt = $2; next } opt != "" { print opt "\t" $0; opt = "" }')
[ -n "$refused" ] || fail "$MAN: no refused options found"

for o in $taken; do
	grep -qxF -- "$o" <<<"$man_options" || fail "tapc -h shows $o, but $MAN's OPTIONS do not"
done

n=0
while read -r o; do
	[[ $o == \#* || -z $o ]] && continue
	n=$((n + 1))
	why=$(awk -F'\t' -v o="$o" '$1 == o { print $2 }' <<<"$refused")
	if grep -qxF -- "$o" <<<"$taken"; then
		[ -z "$why" ] || fail "$o is both in tapc -h and refused in $MAN"
		continue
	fi
	if [ -z "$why" ]; then
		fail "stap's $o is neither in tapc -h nor refused in $MAN"
		continue
	fi
	# a short option's value, if it takes one, is the next word: the
	# refusal comes first either way
	got=$("$TAPC" -p1 "$o" x -e 'probe begin {}' 2>&1 >/dev/null)
	st=$?
	want="tapc: error: $o is not supported: $why"
	if [ $st -ne 1 ]; then fail "tapc $o: exit status $st, expected 1"
	elif [ "$got" != "$want" ]; then fail "tapc $o said: $got"$'\n'"    expected: $want"; fi
done <testsuite/runner/stap48_options.txt
echo "$n stap options checked"
exit $rc
