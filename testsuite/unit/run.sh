#!/bin/sh
# run.sh - build and run the runtime's user-space unit tests (and the
# compiler's =~ DFA and tapset loader).
#   testsuite/unit/run.sh [BUILDDIR]
# Each test program ends with "NAME: N passed, N failed"; status 1 if any
# program failed.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
out=${1:-${TMPDIR:-/tmp}/tapc-unit}
mkdir -p "$out"
build() {	# build NAME SOURCES...
	name=$1; shift
	${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I"$here/shim" -I"$top/runtime" \
		-o "$out/$name" "$@"
}
build map_test "$here/map_test.c" "$top/runtime/map.c" "$top/runtime/string.c"
build stat_test "$here/stat_test.c" "$top/runtime/stat.c" "$top/runtime/map.c"
# the tapset library's soft float (against the host's SSE, libm, printf,
# strtod) and quoted text
build softfp_test "$here/softfp_test.c" "$top/runtime/softfp.c" -lm
build text_test "$here/text_test.c" "$top/runtime/text.c"
# taprun's output files: -o strftime names, -S rotation
# (user-space code: no kernel shim)
${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -I"$top/runner" -o "$out/outfile_test" \
	"$here/outfile_test.c" "$top/runner/outfile.c"
# taprun -b's per-CPU files and --merge
${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -I"$top/runner" -o "$out/bulk_test" \
	"$here/bulk_test.c" "$top/runner/bulk.c" "$top/runner/outfile.c"
# the compiler's =~ DFA against glibc (arena.c trips gcc's -Wformat-truncation at -O1)
build regex_test -Wno-format-truncation "$here/regex_test.c" "$top/compiler/regex_dfa.c" \
	"$top/compiler/arena.c" "$top/compiler/diag.c"
# generated tapsets, through the compiler's objects (all but main.o) as
# the autotools build left them
objs=$(find "$top/compiler" -name 'tapc-*.o' ! -name tapc-main.o | sort)
${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -I"$top/compiler" -I"$top" \
	-o "$out/tapset_gen_test" "$here/tapset_gen_test.c" $objs \
	$(pkg-config --libs libbpf libdw libelf 2>/dev/null || echo -lbpf -ldw -lelf) -llzma -lzstd -lz
rc=0
"$out/map_test" || rc=1
"$out/stat_test" || rc=1
"$out/softfp_test" || rc=1
"$out/text_test" || rc=1
"$out/outfile_test" || rc=1
"$out/bulk_test" || rc=1
"$out/regex_test" || rc=1
# the tapset loader, through the compiler itself
sh "$here/tapset_test.sh" "$top/compiler/tapc" || rc=1
"$out/tapset_gen_test" || rc=1
exit $rc
