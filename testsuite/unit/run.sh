#!/bin/sh
# run.sh - build and run the runtime's user-space unit tests.
#   testsuite/unit/run.sh [BUILDDIR]
# Ends with the test program's "N passed, N failed"; status 1 on failure.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
out=${1:-${TMPDIR:-/tmp}/tapc-unit}
mkdir -p "$out"
${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-I"$here/shim" -I"$top/runtime" \
	-o "$out/map_test" "$here/map_test.c" "$top/runtime/map.c" "$top/runtime/string.c"
exec "$out/map_test"
