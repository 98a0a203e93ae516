#!/bin/bash
# run-options.sh [SECONDS]: fuzz tapc's command line for SECONDS (default
# 600), then replay what the fuzzer found through the real tapc, building.
#
# 1. fuzz_options (libFuzzer, ASan + UBSan) feeds argument vectors to
#    main.c's parse_options() and checks what it accepts against the rules
#    for -D, -r, -x, -T, -m and TMPDIR (see fuzz_options.c).  Seeds:
#    options-seeds/ and fuzz/regress/*.args; dictionary: options.dict;
#    corpus kept in options-corpus/.
# 2. Replay: up to FUZZ_REPLAY (default 12) corpus entries that tapc
#    accepts, those with a -D first, run `tapc ARGS -p4 -r KVER -e 'probe
#    begin { exit() }'` (KVER:
#    FUZZ_KERNEL, else the first /lib/modules/*/build), so accepted -D
#    values go all the way through Kbuild.  Each run is in a work directory
#    (cwd, HOME, TMPDIR all under artifacts-options/replay) and must exit 0
#    or 1 within 300 s.
# 3. Nothing may appear outside the work directory: no new file in the
#    repository (git status), in the kernel build tree make -C works in, or
#    in $HOME.  (/tmp is not watched: other users' files come and go there;
#    every run here has TMPDIR in the work directory.)
#
# Exit status 0 only when all three hold.  Findings and logs go to
# artifacts-options/ (emptied at the start), FUZZ_ARTIFACTS to move it.
set -u
SECONDS_TO_RUN=${1:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ART=${FUZZ_ARTIFACTS:-$HERE/artifacts-options}
CORPUS=$HERE/options-corpus
REPLAY=${FUZZ_REPLAY:-12}
TAPC=$TOP/compiler/tapc

case "$SECONDS_TO_RUN" in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
K=${FUZZ_KERNEL:-}
if [ -z "$K" ]; then
	for b in /lib/modules/*/build; do
		[ -e "$b/Makefile" ] && { K=$(basename "$(dirname "$b")"); break; }
	done
fi
[ -x "$TAPC" ] || { echo "run-options.sh: build tapc first (scripts/build.sh)" >&2; exit 2; }
make -s -C "$HERE" ${CC:+CC="$CC"} || { echo "run-options.sh: build failed" >&2; exit 2; }

rm -rf "$ART"
mkdir -p "$ART/seeds" "$ART/replay/home" "$ART/replay/tmp" "$CORPUS"
cp "$HERE"/options-seeds/* "$ART/seeds/"
for f in "$HERE"/regress/*.args; do [ -f "$f" ] && cp "$f" "$ART/seeds/"; done
STAMP=$ART/stamp
touch "$STAMP"
sleep 1	# file times: anything made from here on is newer
git -C "$TOP" status --porcelain --untracked-files=all >"$ART/git-before" 2>/dev/null

# 1. in-process fuzzing (most of the time; the replay takes the rest)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
FUZZ_TIME=$((SECONDS_TO_RUN * 3 / 4))
[ "$FUZZ_TIME" -gt 0 ] || FUZZ_TIME=1
(cd "$ART/replay" && "$HERE/build/fuzz_options" -max_len=512 -timeout=10 -max_total_time="$FUZZ_TIME" \
	-print_final_stats=1 -dict="$HERE/options.dict" -artifact_prefix="$ART/" ${FUZZ_ARGS:-} \
	"$CORPUS" "$ART/seeds") >"$ART/fuzz.log" 2>&1
rc=$?
if grep -qaE '^==[0-9]+==ERROR|runtime error:|deadly signal|fuzz_options: accepted' "$ART/fuzz.log" ||
   ls "$ART" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
	[ $rc -ne 0 ] || rc=1
fi
grep -aE '^#[0-9]+.*DONE|^stat::number_of_executed_units|^stat::new_units|^Done ' "$ART/fuzz.log" | tail -4
if [ $rc -ne 0 ]; then
	echo "run-options.sh: FAILED in fuzz_options (exit $rc); log: $ART/fuzz.log" >&2
	grep -a -A30 -m1 -E '==ERROR|runtime error|deadly signal|fuzz_options: accepted' "$ART/fuzz.log" | head -40 >&2
	exit 1
fi

# 2. replay: corpus entries with a -D that tapc accepts (a quick -p1 says),
#    then others, through a -p4 build
args_of() { mapfile -t args < <(tr '\0' '\n' <"$1"); [ "${args[0]:-}" != "${args[0]#TMPDIR=}" ] && args=("${args[@]:1}"); }
sandbox() { (cd "$ART/replay" && env -u XDG_CACHE_HOME HOME="$ART/replay/home" TMPDIR="$ART/replay/tmp" \
	timeout 300 "$TAPC" "$@" </dev/null); }
picked=$ART/picked
: >"$picked"
for f in $(grep -laE -- '^-D' "$CORPUS"/* 2>/dev/null) $(ls "$CORPUS"/* 2>/dev/null); do
	[ "$(wc -l <"$picked")" -lt "$REPLAY" ] || break
	grep -qxF "$f" "$picked" && continue
	args_of "$f"
	sandbox "${args[@]}" -p1 -e 'probe begin {}' >/dev/null 2>&1 && echo "$f" >>"$picked"
done
n=0 bad=0
while IFS= read -r f; do
	args_of "$f"
	n=$((n + 1))
	sandbox "${args[@]}" -p4 -r "$K" -e 'probe begin { exit() }' >"$ART/replay-$n.log" 2>&1
	st=$?
	if [ $st -gt 1 ]; then
		echo "run-options.sh: replay $n ($(basename "$f")): exit status $st (124: over 300 s)"
		cp "$f" "$ART/replay-fail-$n"
		bad=$((bad + 1))
	fi
done <"$picked"
echo "run-options.sh: replayed $n inputs through tapc -p4 -r $K, $bad failed"

# 3. nothing outside the work directory
git -C "$TOP" status --porcelain --untracked-files=all >"$ART/git-after" 2>/dev/null
outside=$(diff "$ART/git-before" "$ART/git-after" | sed -n 's/^> //p' |
	grep -vE ' testsuite/fuzz/(options-corpus|artifacts-options|corpus|build|artifacts)')
outside+=$(find "/lib/modules/$K/build/" "$(readlink -f "/lib/modules/$K/build")/" -maxdepth 2 \
	-newer "$STAMP" 2>/dev/null)
outside+=$(find "$HOME" -maxdepth 1 -newer "$STAMP" ! -path "$HOME" ! -name .cache 2>/dev/null)
if [ -n "$outside" ]; then
	echo "run-options.sh: files appeared outside the work directory:"
	printf '%s\n' "$outside" | head -20
	bad=$((bad + 1))
fi
if [ $bad -ne 0 ]; then
	echo "run-options.sh: FAILED" >&2
	exit 1
fi
echo "run-options.sh: no crash, hang, accepted bad value or file outside the work directory in ${SECONDS_TO_RUN}s"
