#!/bin/sh
# nfs_loopback.sh - an NFS server and client over loopback in the test VM,
# with the kernel's own interfaces only (no nfs-utils: no rpc.mountd,
# rpcbind or mount.nfs in the image).  Run by a run test's SETUP:
#
#   # SETUP: sh testsuite/workloads/nfs_loopback.sh
#
# Afterwards $NFS_MNT (default /tmp/tapc-nfs/v4) is a kernel NFSv4.2 client
# mount of 127.0.0.1:/, served by the kernel's nfsd from a tmpfs, read-write
# for root (no root squash): create, write, read, rename and unlink files
# there.  The exported tmpfs itself is /tmp/tapc-nfs/export (what the server
# sees).  Every test of a boot runs SETUP: a second run finds the mount and
# does nothing, so tests share the server and should use file names of their
# own.  Exit status 0 when the mount is there, 1 (with the reason) when not.
#
# The server and the client's connection live in a network namespace of
# their own (its own loopback, 127.0.0.1 on both sides), bound at
# /tmp/tapc-nfs/netns, so the nfsd of the VM's own namespace is left alone
# for tests that start and stop it (run/rpc_alias).  The mount itself is in
# the common mount namespace: every process sees it.
#
# What mountd would do is done by writing the answers into the kernel's
# export caches (/proc/net/rpc/*/channel) up front, and NFSv2/3 are turned
# off, since they need rpcbind and mountd: NFSv4 registers with rpcbind
# optionally.  The grace period after the server starts is ended at once
# (v4_end_grace), so the first OPEN need not wait 90 seconds.
D=/tmp/tapc-nfs
MNT=${NFS_MNT:-$D/v4}
NS=$D/netns

die() { echo "nfs_loopback: $*" >&2; exit 1; }

grep -qs " $MNT nfs4 " /proc/mounts && exit 0

modprobe nfsd || die "cannot load nfsd"
modprobe nfsv4 || die "cannot load nfsv4"
mkdir -p "$D/export" "$D/nfsd" "$MNT" || die "cannot make $D"
grep -qs " $D/export tmpfs " /proc/mounts || mount -t tmpfs tapc-nfs "$D/export" ||
	die "cannot mount a tmpfs on $D/export"
[ -e "$NS" ] || { : >"$NS" && unshare --net="$NS" true; } || die "cannot make a network namespace"

# In the namespace: loopback up, nfsd's file system, the caches, the server.
# Cache lines: "class address expiry domain" (auth.unix.ip), "domain
# fsidtype fsid expiry path" (nfsd.fh: FSID_NUM 0 is the NFSv4 root), and
# "domain path expiry flags anonuid anongid fsid" (nfsd.export).  Flags:
# NFSEXP_FSID 0x2000 (tmpfs has no device number), NOSUBTREECHECK 0x400,
# INSECURE_PORT 0x2; no ROOTSQUASH.  The expiry is wall-clock seconds.
nsenter --net="$NS" sh -s "$D" "$MNT" <<'EOF' || die "cannot start nfsd (see dmesg)"
D=$1 MNT=$2
set -e
ip link set lo up
grep -qs " $D/nfsd nfsd " /proc/mounts || mount -t nfsd nfsd "$D/nfsd"
exp=2147483647
echo "nfsd 127.0.0.1 $exp tapc-nfs" >/proc/net/rpc/auth.unix.ip/channel
echo "tapc-nfs 1 \\x00000000 $exp $D/export" >/proc/net/rpc/nfsd.fh/channel
echo "tapc-nfs $D/export $exp 9218 65534 65534 0" >/proc/net/rpc/nfsd.export/channel
if [ "$(cat "$D/nfsd/threads")" = 0 ]; then
	for v in -2 -3 +4 +4.1 +4.2; do echo "$v" >"$D/nfsd/versions" 2>/dev/null || :; done
	echo 10 >"$D/nfsd/nfsv4gracetime"
	echo 2 >"$D/nfsd/threads"
fi
echo Y 2>/dev/null >"$D/nfsd/v4_end_grace" || :
n=0
while [ "$(cat "$D/nfsd/v4_end_grace")" != Y ] && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
mount -i -t nfs4 -o vers=4.2,addr=127.0.0.1,clientaddr=127.0.0.1,soft,timeo=100,retrans=2 \
	127.0.0.1:/ "$MNT"
EOF
grep -qs " $MNT nfs4 " /proc/mounts || die "$MNT is not mounted"
