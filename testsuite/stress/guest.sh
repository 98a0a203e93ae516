# Runs in the VM (--smp 2): the counting module, two counted getpid hammers
# for 20 s, and an uncounted one that goes on through the SIGINT, so the
# stop comes while probes fire.  Usage: sh guest.sh MODULE.ko OUTDIR
ko=$1 out=$2
. testsuite/stress/started.sh
W=testsuite/workloads/bin
rm -f /tmp/stress-stop
$TAPRUN $TAPRUN_OPTS "$ko" >"$out/stress.out" 2>"$out/stress.err" &
t=$!
wait_started
$W/getpid_loop 2000000000 2>/dev/null &
bg=$!
$W/getpid_until /tmp/stress-stop >"$out/w1.txt" &
a=$!
$W/getpid_until /tmp/stress-stop >"$out/w2.txt" &
b=$!
sleep 20
touch /tmp/stress-stop
wait $a $b
kill -INT $t
wait $t
echo $? >"$out/stress.rc"
kill $bg
dmesg >"$out/stress.dmesg"
