#!/bin/sh
# nfsd_ops.sh DIR - file operations on an NFS mount (DIR: a directory of
# it, e.g. /tmp/tapc-nfs/v4) for run/nfsd_*: a directory made by root
# (mode 0750) and one by uid/gid 4321, 200000 bytes written (more than one
# WRITE, so the client commits), read back once the client's cache is
# dropped, a lookup (by uid/gid 4321) of a name that is not there, a
# rename, and the removals.
set -e
d=$1
mkdir -m 750 "$d/nfsd_dir"
setpriv --reuid=4321 --regid=4321 --clear-groups mkdir "$d/nfsd_u4321"
dd if=/dev/zero of="$d/nfsd_dir/nfsd_f" bs=100000 count=2 2>/dev/null
sync
echo 3 >/proc/sys/vm/drop_caches
cat "$d/nfsd_dir/nfsd_f" >/dev/null
! setpriv --reuid=4321 --regid=4321 --clear-groups stat "$d/nfsd_none" 2>/dev/null
mv "$d/nfsd_dir/nfsd_f" "$d/nfsd_dir/nfsd_renamed"
rm "$d/nfsd_dir/nfsd_renamed"
rmdir "$d/nfsd_dir" "$d/nfsd_u4321"
