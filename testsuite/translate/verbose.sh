#!/bin/bash
# verbose.sh: -v ends each pass with a line in stap's form (issue 16), e.g.
#   Pass 1: parsed user script and N library scripts using Vvirt/Rres/Sshr/Ddata kb, in Uusr/Ssys/Rreal ms.
# passes 2 and 3 with what they made, pass 4 without the memory; --vp
# selects passes.  Pass 2 counts a probe per site, the functions, the
# file-scope %{ %} blocks and the globals of the script below.
set -u
. "$(dirname "$0")/common.bash"
R=()
[ -n "$K" ] && R=(-r "$K")
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-verbose.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

cat >"$W/t.stp" <<'STP'
%{ /* a file-scope block */ %}
global n
function f(x) { return x + 1 }
probe begin, end { n = f(n) }
STP
MEM='using [0-9]+virt/[0-9]+res/[0-9]+shr/[0-9]+data kb, '
TIME='in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.'
want() { # FILE REGEX: exactly one line of FILE matches
	[ "$(grep -cE "^$2\$" "$1")" = 1 ] || fail "no line '$2' in: $(grep '^Pass' "$1")"
}

cd "$W" || exit 1
"$TAPC" "${R[@]}" -v -g -p3 -m verb t.stp >/dev/null 2>err || fail "-v -p3: exit status $?"
want err "Pass 1: parsed user script and [0-9]+ library scripts $MEM$TIME"
want err "Pass 2: analyzed script: 2 probes, 1 function, 1 embed, 1 global $MEM$TIME"
want err "Pass 3: translated to C into \"verb_src.c\" $MEM$TIME"
[ "$(grep -c '^Pass' err)" = 3 ] || fail "-v -p3: not three pass lines: $(grep '^Pass' err)"

# one probe, no function, no embed, no global: the singular and plural
"$TAPC" "${R[@]}" --vp 01 -p2 -e 'probe begin { }' >/dev/null 2>err || fail "--vp 01 -p2: exit status $?"
want err "Pass 2: analyzed script: 1 probe, 0 functions, 0 embeds, 0 globals $MEM$TIME"
grep -q '^Pass 1' err && fail "--vp 01: a pass 1 line: $(grep '^Pass 1' err)"

if [ -n "$K" ]; then
	"$TAPC" -r "$K" --vp 0001 -p4 -m verb4 t.stp -g >/dev/null 2>err || fail "--vp 0001 -p4: exit status $?"
	want err "Pass 4: compiled C into \"verb4.ko\" $TIME"
fi
exit $rc
