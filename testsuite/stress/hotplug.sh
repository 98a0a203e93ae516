# Runs in the VM (--smp 2) after guest.sh: hotplug.stp's timer.profile with
# CPU 1 offline at the start, brought online during the run, taken offline
# and online again.  Usage: sh hotplug.sh MODULE.ko OUTDIR
ko=$1 out=$2
. testsuite/stress/started.sh
cpu1=/sys/devices/system/cpu/cpu1/online
echo 0 >$cpu1
$TAPRUN "$ko" >"$out/hotplug.out" 2>"$out/hotplug.err" &
t=$!
wait_started
sleep 1; echo 1 >$cpu1
sleep 2; echo 0 >$cpu1
sleep 1; echo 1 >$cpu1
sleep 1
kill -INT $t
wait $t
echo $? >"$out/hotplug.rc"
dmesg >"$out/hotplug.dmesg"
