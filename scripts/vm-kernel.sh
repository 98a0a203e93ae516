#!/bin/sh
# vm-kernel.sh: a kernel for tapc's VM sandbox (tapc --vm), without changing
# which kernel this machine boots.
#
#   scripts/vm-kernel.sh [--fetch]
#
# The VM needs a kernel with headers (to build modules for it) and an image
# (to boot it).  When an installed kernel that is not -rt has both
# (scripts/kernels.sh), that one is used and nothing is installed.  Else
# (or with --fetch) Debian's current default kernel, the one
# linux-image-amd64 depends on, is downloaded with `apt-get download` and
# unpacked with dpkg-deb into tapc's kernel cache,
# ${XDG_CACHE_HOME:-~/.cache}/tapc/kernels/RELEASE (mode 0700, owned by
# you): the package is not installed, so /boot, /vmlinuz and the boot menu
# stay as they are.  Its headers, linux-headers-RELEASE, are installed with
# apt-get (they change nothing about booting).  Says what it does on
# stderr; prints the release the VM is to boot (tapc --vm -r RELEASE).
set -e
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
say() { echo "scripts/vm-kernel.sh: $*" >&2; }

if [ "${1:-}" != --fetch ]; then
	r=$(scripts/kernels.sh | grep -vF -- -rt- | tail -n 1)
	if [ -n "$r" ]; then
		say "the VM will boot the installed kernel $r: nothing to install"
		echo "$r"
		exit 0
	fi
fi

say "updating the package lists (apt-get update)"
$SUDO apt-get update -q >&2
pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || { say "cannot tell which kernel linux-image-amd64 stands for"; exit 1; }
rel=${pkg#linux-image-}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tapc/kernels
if [ -r "$cache/$rel/boot/vmlinuz-$rel" ]; then
	say "$pkg is unpacked in $cache/$rel already"
else
	say "downloading $pkg and unpacking it into $cache/$rel for the VM (not installed: which kernel this machine boots does not change)"
	mkdir -p "$cache"
	chmod 0700 "$cache"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# as root, apt's download sandbox user can't write into our 0700 directory
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg" >&2)
	dpkg-deb -x "$tmp"/*.deb "$tmp/root"
	# the package leaves modules.dep to depmod at install: taprun --vm reads it
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$tmp/root" "$rel"
	rm -rf "$tmp/root/usr/share"
	rmdir "$tmp/root/usr" 2>/dev/null || true
	mv "$tmp/root" "$cache/$rel"
fi
if [ -e "/lib/modules/$rel/build/Makefile" ]; then
	say "linux-headers-$rel is installed already"
else
	say "installing linux-headers-$rel (apt-get), to build modules for the VM's kernel"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "linux-headers-$rel" >&2
fi
say "the VM will boot $rel from $cache/$rel"
echo "$rel"
