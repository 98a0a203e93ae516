#!/bin/busybox sh
# guest-init.sh - /init of taprun's VM sandbox (built into the initramfs by runner/vm.c).
#
# Brings up just enough of a system to mount the host's root file system
# read-only over 9p at /host, then runs /tapc/run.sh (written by vm.c: the
# host's taprun with its arguments, or the --vm-shell commands) chrooted in
# /host, with /tmp a fresh tmpfs and each --share directory mounted
# read-write at its host path.  Serial ports: ttyS0 is the console (the
# command's stderr, kernel messages, and the final line @@TAPC-EXIT=N@@),
# ttyS1 carries the command's stdout raw; a byte arriving from the host on
# ttyS1 asks the command to stop with SIGINT, as Ctrl-C would ("F": a second
# SIGINT, which forces the stop).
# vm.conf sets TAPC_MODE (vm|shell), TAPC_MODULE (file in /tapc/mod),
# TAPC_NSHARES and TAPC_SHARE_<i>.
/bin/busybox --install -s /bin
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /tapc/vm.conf
H=/host
KERNEL_TROUBLE='BUG:|WARNING:|Oops'

# Report STATUS and power off.  stty sets the modes with TCSADRAIN, so each
# one waits until its port has sent everything: nothing written before the
# power-off is lost.
finish() {
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	echo "@@TAPC-EXIT=$1@@"
	stty -F /dev/console onlcr 2>/dev/null
	poweroff -f
}
fail() { echo "tapc-vm: $*" >&2; finish 125; }

# qemu's multi-threaded TCG crashes the guest when a kprobe is armed or
# disarmed while another vCPU runs the probed code (an oops at the first
# cycle with optimized kprobes; with plain int3 kprobes too on 6.1, less
# often), with a minimal hand-written kprobe module and no tapc code.
# taprun --vm therefore runs several vCPUs in one qemu thread (runner/vm.c),
# and the guest keeps to plain int3 kprobes there as well: this is the
# throw-away guest's own setting, never the host's, and taprun itself
# changes no system-wide setting.  One vCPU keeps the default (the
# benchmarks run there).
if [ "$(grep -c ^processor /proc/cpuinfo)" -gt 1 ]; then
	echo 0 > /proc/sys/debug/kprobes-optimization 2>/dev/null
fi

# The 9p chain, in dependency order (vm.c numbers the files); pieces the
# kernel has built in are simply absent.
for m in /lib/tapc/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || echo "tapc-vm: insmod $m failed" >&2
done

mkdir -p $H
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose host $H ||
	fail "cannot mount the host's root file system over 9p"
mount -t proc proc $H/proc && mount -t sysfs sysfs $H/sys && mount -t devtmpfs devtmpfs $H/dev &&
	mount -t tmpfs tmpfs $H/tmp || fail "cannot mount proc, sys, dev or tmp in $H"
# devtmpfs has no pts directory: without it there are no pseudo terminals
mkdir -p $H/dev/pts && mount -t devpts -o ptmxmode=0666 devpts $H/dev/pts 2>/dev/null
mount -t debugfs debugfs $H/sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs $H/sys/kernel/tracing 2>/dev/null
i=0
while [ "$i" -lt "$TAPC_NSHARES" ]; do
	eval "dir=\$TAPC_SHARE_$i"
	mkdir -p "$H$dir" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "share$i" "$H$dir" ||
		fail "cannot mount --share $dir"
	i=$((i + 1))
done
mkdir -p $H/tmp/.tapc/bin && cp /tapc/run.sh $H/tmp/.tapc/ && cp /tapc/bin/taprun $H/tmp/.tapc/bin/ ||
	fail "cannot copy taprun into $H/tmp"
if [ -n "$TAPC_MODULE" ]; then
	cp "/tapc/mod/$TAPC_MODULE" "$H/tmp/$TAPC_MODULE" || fail "cannot copy the module into $H/tmp"
fi

# Signal the command once (the two watchers below may both fire): run.sh
# wrote its pid, which is taprun's since it execs taprun; in shell mode it
# is a session leader whose whole group gets the signal.  taprun catches
# SIGINT only once it runs, and loads the module right after: wait for the
# module's /proc directory so an early stop request is not lost.
stop_command() {
	mkdir /tmp/stopping 2>/dev/null || return
	while [ ! -s $H/tmp/.tapc/pid ]; do sleep 1; done
	pid=$(cat $H/tmp/.tapc/pid)
	if [ "$TAPC_MODE" = shell ]; then
		kill -INT "-$pid"
		: >/tmp/stop-sent
		return
	fi
	n=0
	while [ $n -lt 50 ] && [ -d "/proc/$pid" ] && ! ls -d /proc/tapc_* >/dev/null 2>&1; do
		sleep 0.2
		n=$((n + 1))
	done
	kill -INT "$pid"
	: >/tmp/stop-sent
}

# A second request from the host (a second Ctrl-C) forces the stop: taprun
# gets a second SIGINT, after the first, and unloads its module without
# waiting for the rest of its output or its -c command; the commands of
# shell mode are killed.
force_command() {
	stop_command
	mkdir /tmp/forcing 2>/dev/null || return
	n=0
	while [ ! -e /tmp/stop-sent ] && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
	pid=$(cat $H/tmp/.tapc/pid)
	if [ "$TAPC_MODE" = shell ]; then
		kill -KILL "-$pid"
	else
		kill -INT "$pid"
	fi
}

# Stop requests come two ways: bytes on ttyS1 (sent only after we say READY
# on the console, so none meets a not yet raw, echoing ttyS1), and, because
# a loaded TCG guest has been seen to miss those, a file "stop" appearing in
# the host's work directory, shared read-only at /ctl.  A forced stop is an
# "F" byte or a file "force"; other bytes are plain stop requests.  ttyS1
# stays open for the whole run so its raw mode sticks.
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo
mkdir -p /ctl
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=none tapcctl /ctl 2>/dev/null
(while IFS= read -r -n 1 c <&3; do
	if [ "$c" = F ]; then force_command; else stop_command; fi
done) &
watch_tty=$!
(while [ ! -e /ctl/stop ] && [ ! -e /ctl/force ]; do sleep 0.3; done; stop_command
 while [ ! -e /ctl/force ]; do sleep 0.3; done; force_command) &
watch_file=$!
echo "@@TAPC-READY@@"
setsid chroot $H /bin/sh /tmp/.tapc/run.sh </dev/null >&3 2>/dev/console
rc=$?
kill $watch_tty $watch_file 2>/dev/null

# Kernel trouble fails the run even when the command itself succeeded.
if dmesg | grep -qE "$KERNEL_TROUBLE"; then
	echo "tapc-vm: the kernel reported problems:" >&2
	dmesg | grep -E -A 20 "$KERNEL_TROUBLE" | head -60 >&2
	[ "$rc" -eq 0 ] && rc=1
fi
exec 3>&-
finish $rc
