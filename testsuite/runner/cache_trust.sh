#!/bin/sh
# The cache (runtime objects linked into every module, kernel API tests,
# BTF) must be the user's alone, and a changed entry is not used:
# - HOME unset: the cache is the home directory's from the password
#   database, not .cache/tapc in a shared directory;
# - a cache directory owned by someone else, or writable by others, is
#   refused with an error naming it, and nothing is built from it;
# - an object planted in a cache entry (here an extra section with a
#   marker) does not reach the next module: the entry is made again.
cd "$OUT" || exit 1
SCRIPT='probe begin { exit() }'
fail() { echo "$1"; [ -f "$2" ] && tail -5 "$2"; exit 1; }

# HOME unset: not /tmp/.cache/tapc (or $TMPDIR's), the passwd home's
home=$(getent passwd "$(id -u)" | cut -d: -f6)
env -u HOME -u XDG_CACHE_HOME TMPDIR="$OUT" "$TAPC" -p4 -r "$KVER" -e "$SCRIPT" >nohome.out 2>nohome.err ||
	fail "HOME unset: the build failed" nohome.err
[ ! -e "$OUT/.cache" ] || fail "HOME unset: a cache was made in TMPDIR ($OUT/.cache)"
case "$(cat nohome.out)" in
"$home/.cache/tapc/"*.ko) ;;
*) fail "HOME unset: the module is not in $home/.cache/tapc: $(cat nohome.out)" ;;
esac

# someone else's cache directory
mkdir -p theirs/tapc && chown nobody theirs/tapc && chmod 755 theirs/tapc
XDG_CACHE_HOME="$OUT/theirs" "$TAPC" -p4 -r "$KVER" -e "$SCRIPT" >theirs.out 2>theirs.err &&
	fail "a cache owned by nobody was used"
grep -q "^tapc: error: cache directory $OUT/theirs/tapc belongs to uid [0-9]*, not to you" theirs.err ||
	fail "a cache owned by nobody: no message" theirs.err
[ -z "$(ls theirs/tapc)" ] || fail "a cache owned by nobody was written to"

# a cache directory anyone can write
mkdir -p open/tapc && chmod 777 open/tapc
XDG_CACHE_HOME="$OUT/open" "$TAPC" -p4 -r "$KVER" -e "$SCRIPT" >open.out 2>open.err &&
	fail "a cache writable by others was used"
grep -q "^tapc: error: cache directory $OUT/open/tapc can be written by others (mode 0777)" open.err ||
	fail "a cache writable by others: no message" open.err

# a new cache is made 0700
XDG_CACHE_HOME="$OUT/mine" "$TAPC" -p4 -r "$KVER" -m t_first -e "$SCRIPT" >first.out 2>first.err ||
	fail "a fresh cache: the build failed" first.err
[ "$(stat -c %a mine/tapc)" = 700 ] || fail "the new cache has mode $(stat -c %a mine/tapc)"

# plant a marker in a cached runtime object; the next module must not have it
obj=$(ls mine/tapc/runtime-*/runtime/string.o | head -1)
[ -f "$obj" ] || fail "no cached runtime object"
echo TAPC_PLANTED_MARKER >marker
objcopy --add-section .planted=marker "$obj" || fail "objcopy failed"
XDG_CACHE_HOME="$OUT/mine" "$TAPC" -p4 -r "$KVER" -m t_second -e "$SCRIPT" >second.out 2>second.err ||
	fail "after planting: the build failed" second.err
grep -q TAPC_PLANTED_MARKER t_second.ko && fail "the planted object went into the module"
grep -q "^tapc: warning: cache entry .*/runtime-.* changed since it was made" second.err ||
	fail "after planting: no warning" second.err
grep -q TAPC_PLANTED_MARKER "$obj" && fail "the planted object is still in the cache"
exit 0
