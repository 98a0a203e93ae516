#!/bin/sh
# VM: yes
# Signals sent to tapc's own pid, not to its process group (as kill(1), a
# supervisor or a CI timeout would send them): tapc passes them on to
# taprun --vm, which passes them on to the guest's taprun.  The first stops
# the script cleanly: the end probe's output arrives and the exit status
# is 0.  A second forces the end when the first can't finish (here a -c
# command that ignores SIGTERM): the module is still unloaded and the exit
# status is 130.  A signal to the whole process group (Ctrl-C) reaches
# tapc and taprun both, and still counts once.  The scripts' own timer prints "not interrupted" and ends
# the run if a signal was lost.
cd "$OUT" || exit 1
TAPC_PID=
# on the way out, whatever is left of a failed run: tapc, taprun, qemu
tree() { for c in $(pgrep -P "$1"); do tree "$c"; done; echo "$1"; }
cleanup() { [ -n "$TAPC_PID" ] && for p in $(tree "$TAPC_PID"); do kill -KILL "$p" 2>/dev/null; done; }
trap cleanup EXIT
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

SCRIPT='probe begin { println("started") }
probe timer.s(150) { println("not interrupted"); exit() }
probe end { println("end probe ran") }'

# start NAME TAPC-ARGS...: tapc --vm in the background, its pid in TAPC_PID
start() {
	name=$1; shift
	"$TAPC" --vm -r "$KVER" "$@" -e "$SCRIPT" >"$name.out" 2>"$name.err" &
	TAPC_PID=$!
}
# wait_for FILE LINE: until FILE has LINE (true) or tapc is gone (false)
wait_for() {
	i=0
	while [ $i -lt 1200 ] && alive "$TAPC_PID"; do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.5; i=$((i + 1))
	done
	grep -qx "$2" "$1" 2>/dev/null
}
# finish: wait for tapc to exit (at most 5 minutes); its status in RC
finish() {
	i=0
	while [ $i -lt 600 ] && alive "$TAPC_PID"; do sleep 0.5; i=$((i + 1)); done
	if alive "$TAPC_PID"; then RC="none (still running)"; return; fi
	wait "$TAPC_PID"; RC=$?
	TAPC_PID=
}
fail() { echo "$1: $2"; echo "stdout:"; cat "$1.out"; echo "stderr:"; tail -20 "$1.err"; exit 1; }

start first
wait_for first.out started || fail first "the script did not start"
kill -INT "$TAPC_PID"
finish
[ "$RC" = 0 ] || fail first "exit status $RC, expected 0"
[ "$(cat first.out)" = "started
end probe ran" ] || fail first "unexpected output"
[ ! -s first.err ] || fail first "unexpected messages"

# Ctrl-C reaches tapc and taprun alike (one process group): tapc passing
# its copy on must not make a second request of it.
start_group() {
	name=$1; shift
	setsid "$TAPC" --vm -r "$KVER" "$@" -e "$SCRIPT" >"$name.out" 2>"$name.err" &
	TAPC_PID=$!
}
start_group group
wait_for group.out started || fail group "the script did not start"
kill -INT "-$TAPC_PID"
finish
[ "$RC" = 0 ] || fail group "exit status $RC, expected 0"
[ "$(cat group.out)" = "started
end probe ran" ] || fail group "unexpected output"

start second -c "sh -c \"trap '' TERM INT; while :; do sleep 1; done\""
wait_for second.out started || fail second "the script did not start"
kill -INT "$TAPC_PID"
wait_for second.out "end probe ran" || fail second "the end probe did not run"
alive "$TAPC_PID" || fail second "tapc ended before the -c command did"
kill -INT "$TAPC_PID"
finish
[ "$RC" = 130 ] || fail second "exit status $RC, expected 130"
[ "$(cat second.out)" = "started
end probe ran" ] || fail second "unexpected output"
grep -q 'taprun: stopped by a second signal (SIGINT)' second.err ||
	fail second "no message for the forced stop"
