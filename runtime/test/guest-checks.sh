#!/bin/sh
# guest-checks.sh - run the test module through taprun's native mode in a
# machine that can load modules (the VM) and check the protocol end to end.
#
#   guest-checks.sh TAPRUN TEST.KO WORKLOAD
#
# Prints one "ok"/"FAIL" line per check and exits 1 if any failed.
# WORKLOAD is runtime/test/workload.c built static (build.sh does that).
TAPRUN=$1 KO=$2 WL=$3
T=${TMPDIR:-/tmp}/tapc-checks.$$
mkdir -p "$T"
fails=0

check() {	# check NAME 'SHELL CONDITION'
	if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
count() { grep -c "^$1\$" "$2"; }
once() { [ "$(count "$1" "$2")" = 1 ]; }
has() { grep -q -- "$1" "$2"; }
unloaded() { ! grep -q '^tapc_test ' /proc/modules; }
run() {		# run NAME ARGS...: stdout NAME.out, stderr NAME.err, status NAME.rc
	n=$1; shift
	"$TAPRUN" "$@" > "$T/$n.out" 2> "$T/$n.err"
	echo $? > "$T/$n.rc"
	sed "s/^/  $n: /" "$T/$n.out" "$T/$n.err" | head -n 6
}
rc() { [ "$(cat "$T/$1.rc")" = "$2" ]; }

dmesg -c > /dev/null 2>&1

run cmd "$KO" -c "$WL 20 200"
check "-c: begin and end once" 'once begin "$T/cmd.out" && once end "$T/cmd.out"'
check "-c: kretprobe output for target" 'has "getpid returned" "$T/cmd.out"'
# 20 calls + the workload's own getpid() (+ 1 if a shell ran the command)
check "-c: return count = call count" 'has "hits=.* rets=2[12] " "$T/cmd.out" && has "^target calls=$(sed -n "s/^hits=.* rets=\([0-9]*\) .*/\1/p" "$T/cmd.out")\$" "$T/cmd.out"'
check "-c: exit status 0, no warnings" 'rc cmd 0'
check "-c: stderr empty" '[ ! -s "$T/cmd.err" ]'
check "-c: unloaded" 'unloaded'

# statistics, tracepoints, timer variants, priorities (probe_end10 & co.)
cat > "$T/hist.exp" <<'EOF_HIST'
value |-------------------------------------------------- count
   -4 |                                                   0
   -2 |                                                   0
   -1 |@                                                  1
    0 |                                                   0
    1 |@                                                  1
    2 |                                                   0
    4 |                                                   0

value |-------------------------------------------------- count
    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@       177
   50 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         170
  100 |                                                     0
  150 |                                                     0
      ~
 1350 |                                                     0
 1400 |                                                     0
 1450 |                                                     3
 1500 |                                                     0

EOF_HIST
sed -n '/^value |/,/^$/p' "$T/cmd.out" > "$T/hist.out"
check "print(@hist_log) / print(@hist_linear): exact text" 'cmp -s "$T/hist.exp" "$T/hist.out"'
cmp "$T/hist.exp" "$T/hist.out" > /dev/null 2>&1 || diff "$T/hist.exp" "$T/hist.out" | head -n 10 | sed 's/^/  hist: /'
line() { grep -n -x -- "$1" "$2" | head -n 1 | cut -d: -f1; }
check "begin(-1) < begin < begin(5)" '[ "$(line "begin prio -1" "$T/cmd.out")" -lt "$(line begin "$T/cmd.out")" ] && [ "$(line begin "$T/cmd.out")" -lt "$(line "begin prio 5" "$T/cmd.out")" ]'
check "end before end(10)" '[ "$(line end "$T/cmd.out")" -lt "$(line "profile>0=1 jiffies>0=1" "$T/cmd.out")" ]'
check "kernel.trace(sched_process_exec) for the target" 'has "^exec workload pid=[0-9]* old_pid=[0-9]*\$" "$T/cmd.out"'
rets=$(sed -n 's/^hits=.* rets=\([0-9]*\) .*/\1/p' "$T/cmd.out")
check "kernel.trace(sys_enter): stats map @count = getpid returns ($rets)" 'has "^tp getpid count=$rets avg=39 variance=0\$" "$T/cmd.out"'
check "per-CPU counter = getpid returns" 'has "^tp getpid counter=$rets\$" "$T/cmd.out"'
check "timer.profile and timer.jiffies fired" 'has "^profile>0=1 jiffies>0=1\$" "$T/cmd.out"'
check "no error probe without errors" '! has "^error probe" "$T/cmd.out"'

run again "$KO" -c "$WL 3"
check "second load works" 'once end "$T/again.out"'

run timeout "$KO" -T 1
check "-T 1: end once, timer fired" 'has "ticks>0=1" "$T/timeout.out" && once end "$T/timeout.out"'
check "-T 1: status 0" 'rc timeout 0'

run exit "$KO" exit_ticks=3
check "exit(): stops after 3 ticks" 'has "exit after 3 ticks" "$T/exit.out"'
check "exit(): end once, status 0" 'once end "$T/exit.out" && rc exit 0'

"$TAPRUN" "$KO" > "$T/int.out" 2> "$T/int.err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
echo $? > "$T/int.rc"
check "SIGINT: end once, status 0" 'once end "$T/int.out" && rc int 0'
"$TAPRUN" "$KO" > "$T/term.out" 2> "$T/term.err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
echo $? > "$T/term.rc"
check "SIGTERM: end once, status 0" 'once end "$T/term.out" && rc term 0'
check "SIGINT/TERM: unloaded" 'unloaded'

run err "$KO" begin_error=1
check "error: message" 'has "^ERROR: division by 0 near operator '\''/'\'' at t.stp:2:30 in probe begin\$" "$T/err.err"'
check "error: counted" 'has "^WARNING: Number of errors: 1, skipped probes: 0\$" "$T/err.err"'
check "error: end still runs once, status 1" 'once end "$T/err.out" && rc err 1'
check "error: error probe runs" 'once "error probe" "$T/err.out"'

run maxaction "$KO" loop=20000
check "MAXACTION exceeded" 'has "^ERROR: MAXACTION exceeded near operator '\''++'\'' at t.stp:2:40 in probe begin" "$T/maxaction.err"'

run skip "$KO" stuck_lock=1 -c "$WL 100000000"
check "MAXSKIPPED: message" 'has "^ERROR: Skipped too many probes, check MAXSKIPPED or try again with stap -t for more details.\$" "$T/skip.err"'
check "MAXSKIPPED: stops, end once, status 1" 'once end "$T/skip.out" && rc skip 1 && has "^WARNING: Number of errors: 0, skipped probes: [0-9]*\$" "$T/skip.err"'

run fault "$KO" fault=1
check "kernel_string: good address" 'has "^read .kernel text.\$" "$T/fault.out"'
check "kernel_string: bad address is an error" 'has "^ERROR: kernel string copy fault at 0x10 \[man error::fault\] near identifier .kernel_string. at t.stp:2:60 in probe begin\$" "$T/fault.err"'

run badsym "$KO" bad_symbol=1
check "registration failure: message" 'has '\''probe kernel.function("tapc_no_such_function") registration error (rc -2)'\'' "$T/badsym.err"'
check "registration failure: status 1, no end" 'rc badsym 1 && ! has end "$T/badsym.out"'
check "registration failure: unloaded" 'unloaded'

run outfile -o "$T/file.txt" "$KO" -c "$WL 3"
check "-o FILE" 'once end "$T/file.txt" && ! has end "$T/outfile.out"'

run chroot --chroot / --cwd /proc "$KO" -c "pwd"
check "--chroot/--cwd for the -c command" 'has "^/proc\$" "$T/chroot.out" && rc chroot 0'

run xpid "$KO" -x 1 -T 1
check "-x PID" 'rc xpid 0'

run flood "$KO" -c "$WL 300000"
check "flood: end once" 'once end "$T/flood.out"'
grep -h 'dropped\|rets=' "$T/flood.out" "$T/flood.err" | sed 's/^/  flood: /'

check "dmesg clean" '! dmesg | grep -E "WARNING:|BUG:|Oops|general protection|RIP:"'

# without CAP_SYS_MODULE (su to an unprivileged user if the system has one)
if grep -q '^nobody:' /etc/passwd && su nobody -s /bin/sh -c "$TAPRUN $KO" > "$T/nocap.out" 2>&1; then
	check "no CAP_SYS_MODULE: refused" false
elif grep -q '^nobody:' /etc/passwd; then
	sed 's/^/  nocap: /' "$T/nocap.out"
	check "no CAP_SYS_MODULE: clear message" 'has "needs CAP_SYS_MODULE" "$T/nocap.out"'
fi
echo "$fails failed"
[ "$fails" = 0 ]
