#!/bin/sh
# VM: yes
# The guest's stdout is written on the host by taprun --vm: a write error
# there (ENOSPC on -o /dev/full, EPIPE on stdout when the reader is gone)
# is reported, stops the guest's command and makes the exit status
# non-zero.  (run/output_full.stp checks taprun itself, in the guest.)
cd "$OUT" || exit 1
"$TAPRUN" --vm-shell --kernel "$KVER" --timeout 300 -o /dev/full 'echo hello' 2>full.err
rc=$?
[ $rc -ne 0 ] || { echo "-o /dev/full: exit status 0"; cat full.err; exit 1; }
grep -q 'cannot write the output to /dev/full: No space left on device' full.err ||
	{ echo "-o /dev/full: no message"; cat full.err; exit 1; }

# the loop would print for a minute; the stop request ends it early
{ "$TAPRUN" --vm-shell --kernel "$KVER" --timeout 300 \
	'i=0; while [ $i -lt 6000 ]; do echo line $i; i=$((i+1)); sleep 0.01; done' 2>pipe.err
  echo $? >pipe.rc; } | head -1 >pipe.out
rc=$(cat pipe.rc)
[ "$rc" -ne 0 ] || { echo "stdout closed: exit status 0"; cat pipe.err; exit 1; }
grep -q 'cannot write the output to stdout: Broken pipe' pipe.err ||
	{ echo "stdout closed: no message"; cat pipe.err; exit 1; }
[ "$(cat pipe.out)" = "line 0" ] || { echo "stdout: $(cat pipe.out)"; exit 1; }
