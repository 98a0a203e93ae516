#!/bin/sh
# nfs_loopback.sh - an NFS server and client over loopback in the test VM,
# with the kernel's own interfaces only (no nfs-utils: no rpc.mountd,
# rpcbind or mount.nfs in the image).  Run by a run test's SETUP:
#
#   # SETUP: sh testsuite/workloads/nfs_loopback.sh
#
# Afterwards the kernel's nfsd serves a tmpfs, /tmp/tapc-nfs/export (the
# server's view of the files), read-write for root (no root squash), and
# the kernel's NFS client mounts it over 127.0.0.1 twice:
#   /tmp/tapc-nfs/v4   NFSv4.2 (127.0.0.1:/, the export is the v4 root)
#   /tmp/tapc-nfs/v3   NFSv3 over TCP (nolock: no lock manager client)
# Both mounts are soft, so a broken server gives errors, not a hung test.
# Every test of a boot runs SETUP: a second run finds the mounts and does
# nothing, so tests share the server and use file names of their own.
# Exit status 0 when both are mounted, 1 (with the reason) when not.
#
# The server and the client's connections live in a network namespace of
# their own (its own loopback, 127.0.0.1 on both sides), bound at
# /tmp/tapc-nfs/netns, so the nfsd of the VM's own namespace is left alone
# for tests that start and stop it (run/rpc_alias).  The mounts are in the
# common mount namespace: every process sees them.
#
# What mountd would do is done by writing the answers into the kernel's
# export caches (/proc/net/rpc/*/channel) up front.  NFSv3 needs rpcbind
# (nfsd and lockd register with it or refuse to start) and the MOUNT
# protocol (the client gets the root file handle from it): bin/rpc_stub
# answers both, in the namespace, with the handle nfsd's "filehandle" file
# gives.  NFSv2 is off (Debian's nfsd has none).  The NFSv4 grace period
# after the server starts is cut to 10 seconds and waited out (writing
# v4_end_grace fails here), and lockd's is ended at once.
D=/tmp/tapc-nfs
NS=$D/netns
STUB=$(dirname "$0")/bin/rpc_stub
MOUNTPORT=20048

die() { echo "nfs_loopback: $*" >&2; exit 1; }
mounted() { grep -qs " $D/$1 $2 " /proc/mounts; }

mounted v4 nfs4 && mounted v3 nfs && exit 0

[ -x "$STUB" ] || die "no $STUB (make -C testsuite/workloads)"
modprobe nfsd || die "cannot load nfsd"
modprobe nfsv4 && modprobe nfsv3 || die "cannot load nfsv4 and nfsv3"
mkdir -p "$D/export" "$D/nfsd" "$D/v4" "$D/v3" || die "cannot make $D"
mounted export tmpfs || mount -t tmpfs tapc-nfs "$D/export" || die "cannot mount a tmpfs on $D/export"
[ -e "$NS" ] || { : >"$NS" && unshare --net="$NS" true; } || die "cannot make a network namespace"

# In the namespace: loopback up, nfsd's file system, the caches, the stub,
# the server, the mounts.  Cache lines: "class address expiry domain"
# (auth.unix.ip), "domain fsidtype fsid expiry path" (nfsd.fh: FSID_NUM 0,
# also the NFSv4 root), and "domain path expiry flags anonuid anongid fsid"
# (nfsd.export).  Flags: NFSEXP_FSID 0x2000 (tmpfs has no device number),
# NOSUBTREECHECK 0x400, INSECURE_PORT 0x2; no ROOTSQUASH.  The expiry is
# wall-clock seconds.
nsenter --net="$NS" sh -s "$D" "$STUB" "$MOUNTPORT" <<'EOF' || die "cannot start nfsd (see dmesg)"
D=$1 STUB=$2 MOUNTPORT=$3
set -e
ip link set lo up
grep -qs " $D/nfsd nfsd " /proc/mounts || mount -t nfsd nfsd "$D/nfsd"
exp=2147483647
echo "nfsd 127.0.0.1 $exp tapc-nfs" >/proc/net/rpc/auth.unix.ip/channel
echo "tapc-nfs 1 \\x00000000 $exp $D/export" >/proc/net/rpc/nfsd.fh/channel
echo "tapc-nfs $D/export $exp 9218 65534 65534 0" >/proc/net/rpc/nfsd.export/channel
if [ "$(cat "$D/nfsd/threads")" = 0 ]; then
	exec 3<>"$D/nfsd/filehandle"
	echo "tapc-nfs $D/export 64" >&3
	read -r fh <&3
	exec 3<&-
	"$STUB" "$MOUNTPORT" "$fh"
	for v in -2 +3 +4 +4.1 +4.2; do echo "$v" >"$D/nfsd/versions" 2>/dev/null || :; done
	echo 10 >"$D/nfsd/nfsv4gracetime"
	echo 2 >"$D/nfsd/threads"
fi
echo Y 2>/dev/null >/proc/fs/lockd/nlm_end_grace || :
n=0
while [ "$(cat "$D/nfsd/v4_end_grace")" != Y ] && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
o=soft,timeo=100,retrans=2,addr=127.0.0.1
grep -qs " $D/v4 nfs4 " /proc/mounts ||
	mount -i -t nfs4 -o vers=4.2,clientaddr=127.0.0.1,$o 127.0.0.1:/ "$D/v4"
grep -qs " $D/v3 nfs " /proc/mounts ||
	mount -i -t nfs -o vers=3,proto=tcp,port=2049,mountproto=tcp,mountport=$MOUNTPORT,nolock,$o \
		"127.0.0.1:$D/export" "$D/v3"
EOF
mounted v4 nfs4 || die "$D/v4 is not mounted"
mounted v3 nfs || die "$D/v3 is not mounted"
