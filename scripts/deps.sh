#!/bin/sh
# Install what tapc needs to build, to build modules for Debian's kernels, and
# to run them in the VM sandbox.  Idempotent; needs root (or sudo).
set -e
PKGS="build-essential autoconf automake pkg-config flex bison libbpf-dev libelf-dev
libdw-dev liblzma-dev libzstd-dev zlib1g-dev qemu-system-x86 busybox-static cpio xz-utils zstd kmod file
linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-image-rt-amd64 linux-headers-rt-amd64"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "scripts/deps.sh: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
