#!/bin/bash
# limits.sh: arrays the machine can't hold are errors at their declaration
# (issue 11: `global a[100000000]` failed at load with ENOMEM, naming
# nothing, and a vmalloc warning).  With --vm the machine is the VM (512
# MiB), so the messages below do not depend on this host; -p3 builds and
# boots nothing.  The last case must pass: a bound that is too eager would
# refuse ordinary scripts.
set -u
. "$(dirname "$0")/common.bash"
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-limits.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
rc=0

# refused SCRIPT [OPTIONS...]: tapc -p3 --vm exits 1 with the message on stdin
refused() {
	local want got st script=$1
	shift
	want=$(cat)
	printf '%s\n' "$script" >"$W/t.stp"
	got=$(cd "$W" && "$TAPC" -p3 --vm "$@" t.stp 2>&1 >/dev/null)
	st=$?
	if [ $st -ne 1 ] || [ "$got" != "$want" ]; then
		echo "FAIL: $script $*: exit status $st"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/    /'
		rc=1
	fi
}

refused 'global a[100000000]; probe begin { a[1] = 1 }' <<'EOF'
t.stp:1:8: error: array 'a' needs at least 6.2 GiB (100000000 entries of 56 bytes), more than the VM's memory (512.0 MiB)
global a[100000000]; probe begin { a[1] = 1 }
       ^
Pass 3: translation failed.
EOF
refused 'global names; probe begin { names["x", 1] = "y" }' -D MAXMAPENTRIES=1000000 <<'EOF'
t.stp:1:8: error: array 'names' needs at least 1.0 GiB (MAXMAPENTRIES=1000000 entries of 1072 bytes), more than the VM's memory (512.0 MiB)
global names; probe begin { names["x", 1] = "y" }
       ^
Pass 3: translation failed.
EOF
refused 'global a, b; probe begin { a[1] = 1; b[1] = 1 }' -D MAXMAPENTRIES=5000000 <<'EOF'
t.stp:1:8: error: the arrays need at least 662.1 MiB in all, more than the VM's memory (512.0 MiB); the largest is 'a' (331.0 MiB)
global a, b; probe begin { a[1] = 1; b[1] = 1 }
       ^
Pass 3: translation failed.
EOF
refused 'global s[10000000]; probe begin { s["a"] <<< 1 }' <<'EOF'
t.stp:1:8: error: array 's' needs at least 11.1 GiB (10000000 entries of 584 bytes), more than the VM's memory (512.0 MiB)
global s[10000000]; probe begin { s["a"] <<< 1 }
       ^
Pass 3: translation failed.
EOF
printf 'global a[1000000], s; probe begin { a[1] = 1; s[1] <<< 1; exit() }\n' >"$W/ok.stp"
if ! out=$("$TAPC" -p3 --vm -D MAXSTRINGLEN=4096 "$W/ok.stp" 2>&1 >/dev/null); then
	echo "FAIL: an array of a million entries was refused:"; printf '%s\n' "$out"
	rc=1
fi
exit $rc
