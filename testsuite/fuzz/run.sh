#!/bin/bash
# run.sh [SECONDS]: build fuzz_front and fuzz tapc's pass 1 + pass 2 for
# SECONDS (default 600).
#
# The corpus is seeded from every testsuite/**/*.stp and, when present,
# ../shared/conformance/systemtap/**/*.stp (relative to the repository);
# what libFuzzer finds interesting is kept in testsuite/fuzz/corpus/ for the
# next run.  A crash, leak, timeout (-timeout=10) or sanitizer report is
# saved under testsuite/fuzz/artifacts/ (emptied at the start of each run)
# and makes the exit status non-zero.  The whole log is artifacts/fuzz.log.
#
# Environment:
#   FUZZ_JOBS=N         N fuzzing processes (libFuzzer -fork=N; default 1)
#   FUZZ_KEEP_GOING=1   don't stop at the first finding: collect every crash,
#                       leak and timeout in the time given (fork mode); the
#                       exit status is still non-zero if there was any
#   FUZZ_FRONT_PASS2=0  fuzz pass 1 only (parse + -p1 round trip)
#   FUZZ_ARTIFACTS=DIR  where findings and the log go (for parallel runs)
#   FUZZ_ARGS           more libFuzzer flags;  CC  the clang to build with
set -u
SECONDS_TO_RUN=${1:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CORPUS=$HERE/corpus
ART=${FUZZ_ARTIFACTS:-$HERE/artifacts}
SEEDS=$ART/seeds
LOG=$ART/fuzz.log
JOBS=${FUZZ_JOBS:-1}

case "$SECONDS_TO_RUN" in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

make -s -C "$HERE" ${CC:+CC="$CC"} || { echo "run.sh: build failed" >&2; exit 2; }

# Seeds are copied flat (path with / turned into _) so names stay unique.
rm -rf "$ART"
mkdir -p "$SEEDS" "$CORPUS"
seed_from() {
	[ -d "$1" ] || return 0
	# not our own corpus/, artifacts*/seeds/
	find "$1" -path "$HERE" -prune -o -name '*.stp' -type f -print0 |
	while IFS= read -r -d '' f; do
		cp "$f" "$SEEDS/$(printf '%s' "${f#"$2"/}" | tr / _)"
	done
}
seed_from "$TOP/testsuite" "$TOP"
seed_from_regress() {
	for f in "$HERE"/regress/*.stp; do
		[ -f "$f" ] && cp "$f" "$SEEDS/regress_$(basename "$f")"
	done
}
seed_from_regress
seed_from "$TOP/../shared/conformance/systemtap" "$TOP/.."
echo "run.sh: $(ls "$SEEDS" | wc -l) seed scripts, $(ls "$CORPUS" | wc -l) kept corpus entries"

# Leaks are errors (the arena is freed after each input); every sanitizer
# report ends the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
FLAGS=(-max_len=4096 -timeout=10 -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1
       -dict="$HERE/tapc.dict" -artifact_prefix="$ART/")
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
	FLAGS+=(-fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
elif [ "$JOBS" -gt 1 ]; then
	FLAGS+=(-fork="$JOBS")
fi
# shellcheck disable=SC2086
"$HERE/build/fuzz_front" "${FLAGS[@]}" ${FUZZ_ARGS:-} "$CORPUS" "$SEEDS" >"$LOG" 2>&1
rc=$?

# libFuzzer's exit status covers crashes, leaks, timeouts and OOMs; the log
# check catches a sanitizer report that somehow did not end the run.
if grep -qE '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error: )|deadly signal|ALARM: working on the last Unit' "$LOG" ||
   ls "$ART" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
	[ $rc -ne 0 ] || rc=1
fi
grep -E '^#[0-9]+.*(DONE|INITED)|^#[0-9]+: cov:|^stat::|^Done |^SUMMARY|ERROR|Test unit written|INFO: fuzzed for' "$LOG" |
	tail -20
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
	echo "run.sh: distinct sanitizer reports:"
	grep -hE '^SUMMARY: ' "$LOG" | sort | uniq -c
	ls "$ART" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed 's/^/  /'
fi
if [ $rc -ne 0 ]; then
	echo "run.sh: FAILED (exit $rc); log: $LOG, inputs: $ART/" >&2
	grep -A40 -m1 -E '==ERROR|runtime error|deadly signal|ALARM|fuzz_front:' "$LOG" | head -60 >&2
	exit 1
fi
echo "run.sh: no crash, leak, timeout or sanitizer report in ${SECONDS_TO_RUN}s"
