#!/bin/sh
# Install what tapc needs to build and to run modules in the VM sandbox
# (compilers, libraries, qemu, busybox), then any PACKAGE named, e.g. the
# running kernel's headers.  --test-kernels adds the test matrix (./check.sh):
# Debian's 6.1, 6.1-rt and 6.12 kernels with their headers, installed as
# system kernels, the debuginfod server (and curl) the debuginfod test runs,
# <sys/sdt.h> for the user-space test program's markers (systemtap-sdt-dev),
# libc's separate debuginfo for the DWARF tests of libc (libc6-dbg), and the
# programs whose SDT markers tapsets probe (python3; systemtap, for the
# stap.*/staprun.* aliases).  Says what it installs; idempotent; needs root (or sudo).
#
#   scripts/deps.sh [--test-kernels] [PACKAGE...]
set -e
PKGS="build-essential autoconf automake pkg-config flex bison libbpf-dev libelf-dev
libdw-dev libdebuginfod1 liblzma-dev libzstd-dev zlib1g-dev qemu-system-x86 busybox-static cpio xz-utils
zstd kmod file"
TEST_KERNELS="linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-image-rt-amd64 linux-headers-rt-amd64"
if [ "${1:-}" = --test-kernels ]; then
	shift
	PKGS="$PKGS $TEST_KERNELS debuginfod curl systemtap-sdt-dev libc6-dbg python3 systemtap"
fi
PKGS="$PKGS $*"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "scripts/deps.sh: installing:$missing"
case $missing in
*linux-image-*)
	echo "scripts/deps.sh: the linux-image packages are system kernels: they join the boot menu, and" \
		"the newest of them becomes the kernel this machine boots next" ;;
esac
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
