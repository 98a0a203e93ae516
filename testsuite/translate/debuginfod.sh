#!/bin/bash
# debuginfod.sh: with DEBUGINFOD_URLS set, a module's missing DWARF is
# fetched by build id from a debuginfod server, as SystemTap does; without
# it, or when the server has nothing, the error says where tapc looked and
# what DEBUGINFOD_URLS would do.  A local server (Debian's debuginfod)
# serves the module stand-in with its DWARF; tapc is given a stripped copy.
# The kernel's own debuginfo is asked for by its build id (the server's
# log shows the request; it has none, so the error says so).
set -u
. "$(dirname "$0")/common.bash"
command -v debuginfod >/dev/null && command -v curl >/dev/null ||
	{ echo "no debuginfod server or no curl (Debian packages debuginfod, curl)"; exit 77; }
[ -n "$K" ] || { echo "no kernel to compile for"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/tapc-debuginfod.XXXXXX") || exit 1
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$W"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

mkdir -p "$W/full" "$W/stripped" "$W/cache"
cc -g -O1 -c testsuite/modfixture/tapc_fixture.c -o "$W/fixture.o" &&
	ld -r --build-id=sha1 "$W/fixture.o" -o "$W/full/tapc_fixture.ko" &&
	objcopy --strip-debug "$W/full/tapc_fixture.ko" "$W/stripped/tapc_fixture.ko" || exit 1
id=$(readelf -n "$W/full/tapc_fixture.ko" | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || { echo "FAIL: the module stand-in has no build id"; exit 1; }

# a free port, then the server, ready once it has scanned the file
for port in $(seq 18100 18199); do
	debuginfod -F "$W/full" -p "$port" -d "$W/db.sqlite" >"$W/server.log" 2>&1 &
	server=$!
	for _ in $(seq 50); do
		sleep 0.2
		kill -0 $server 2>/dev/null || break
		curl -s "http://127.0.0.1:$port/metrics" 2>/dev/null |
			grep -q '^scanned_files_total{source="file"} [1-9]' && break 2
	done
	kill $server 2>/dev/null
	wait $server 2>/dev/null
	server=
done
[ -n "$server" ] || { echo "FAIL: debuginfod did not start"; cat "$W/server.log"; exit 1; }

point='module("tapc_fixture").function("*@tapc_fixture.c")'
run() {
	env -u DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH="$W/cache" "$@" "$TAPC" -r "$K" \
		--module-path "$W/stripped" -p2 -e "probe $point { }"
}

out=$(run 2>&1) && fail "without DEBUGINFOD_URLS a stripped module's source file resolved: $out"
case $out in
*"need DWARF debuginfo; none in $W/stripped/tapc_fixture.ko (set DEBUGINFOD_URLS to fetch it"*) ;;
*) fail "without DEBUGINFOD_URLS: $out" ;;
esac
out=$(run DEBUGINFOD_URLS="http://127.0.0.1:$port" 2>&1) || fail "with the server: $out"
case $out in
*'module("tapc_fixture").function('*) ;;
*) fail "with the server, no site: $out" ;;
esac
grep -q "GET /buildid/$id/debuginfo 200" "$W/server.log" || fail "the server saw no request for $id"

# the kernel: asked by build id, which this server doesn't have
out=$(env DEBUGINFOD_URLS="http://127.0.0.1:$port" DEBUGINFOD_CACHE_PATH="$W/cache" "$TAPC" -r "$K" \
	-p2 -e 'probe kernel.statement("vfs_read@fs/read_write.c:1") { }' 2>&1) &&
	fail "a kernel line resolved without its debuginfo: $out"
case $out in
*"(nor at the debuginfod servers of DEBUGINFOD_URLS)"*) ;;
*) fail "kernel line with the server: $out" ;;
esac
grep -q 'GET /buildid/[0-9a-f]*/debuginfo 404' "$W/server.log" || fail "no request for the kernel's build id"
exit $rc
