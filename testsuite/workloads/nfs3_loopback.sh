#!/bin/sh
# nfs3_loopback.sh - NFSv3 over loopback in the test VM, for the nfs.proc
# tests: run by a run test's
#
#   # SETUP: sh testsuite/workloads/nfs3_loopback.sh
#
# Afterwards /tmp/tapc-nfs3/v3 is a kernel NFSv3 client mount (TCP, soft,
# no NLM) of the tmpfs /tmp/tapc-nfs3/export, served by the kernel's nfsd.
# No NFSv2: Debian builds nfsd without it (CONFIG_NFSD_V2 is off), so the
# nfsv2 client has no server to talk to here.  A second run finds v3
# mounted and does nothing.  Exit status 0 when v3 is mounted.
#
# As nfs_loopback.sh (NFSv4) does, the server lives in a network namespace
# of its own (bound at /tmp/tapc-nfs3/netns; one nfsd per namespace, so
# this one can serve v3 while that one serves v4 only), its export
# caches are written through /proc/net/rpc/*/channel instead of by mountd,
# and the client mounts from inside that namespace.  What v3 needs on
# top: rpcbind, which nfsd and lockd must register with (rpcbind_stub says
# yes to them), and the MOUNT protocol, which nfs_mount23 does without by
# handing the kernel the export's root file handle.
D=/tmp/tapc-nfs3
NS=$D/netns
BIN=$(pwd)/testsuite/workloads/bin

die() { echo "nfs3_loopback: $*" >&2; exit 1; }

grep -qs " $D/v3 nfs " /proc/mounts && exit 0

modprobe nfsd || die "cannot load nfsd"
modprobe nfsv3 || die "cannot load nfsv3"
mkdir -p "$D/export" "$D/nfsd" "$D/v3" || die "cannot make $D"
grep -qs " $D/export tmpfs " /proc/mounts || mount -t tmpfs tapc-nfs3 "$D/export" ||
	die "cannot mount a tmpfs on $D/export"
[ -e "$NS" ] || { : >"$NS" && unshare --net="$NS" true; } || die "cannot make a network namespace"

# Cache lines as in nfs_loopback.sh: the client's domain, the handle's
# fsid (FSID_NUM 0) and the export (flags NFSEXP_FSID, NOSUBTREECHECK,
# INSECURE_PORT; no root squash).
nsenter --net="$NS" sh -s "$D" "$BIN" <<'EOF' || die "cannot start nfsd (see dmesg)"
D=$1 BIN=$2
set -e
ip link set lo up
pidof rpcbind_stub >/dev/null 2>&1 || "$BIN/rpcbind_stub"
grep -qs " $D/nfsd nfsd " /proc/mounts || mount -t nfsd nfsd "$D/nfsd"
exp=2147483647
echo "nfsd 127.0.0.1 $exp tapc-nfs3" >/proc/net/rpc/auth.unix.ip/channel
echo "tapc-nfs3 1 \\x00000000 $exp $D/export" >/proc/net/rpc/nfsd.fh/channel
echo "tapc-nfs3 $D/export $exp 9218 65534 65534 0" >/proc/net/rpc/nfsd.export/channel
if [ "$(cat "$D/nfsd/threads")" = 0 ]; then
	for v in -2 +3 -4; do echo "$v" >"$D/nfsd/versions" 2>/dev/null || :; done
	echo 2 >"$D/nfsd/threads"
fi
"$BIN/nfs_mount23" 3 "$D/v3"
EOF
grep -qs " $D/v3 nfs " /proc/mounts || die "$D/v3 is not mounted"
