#!/bin/sh
# without-system-kernels.sh CMD [ARG...]: run CMD as on a machine that has
# kernel headers but no kernel installed as a system kernel, to try the
# path where the VM's kernel lives in tapc's cache (scripts/vm-kernel.sh),
# e.g.  scripts/without-system-kernels.sh ./demo.sh
# In a private mount namespace (root; nothing outside it changes), /boot
# is empty and each /lib/modules/R holds only its build link.
exec unshare -m sh -c '
for d in /lib/modules/*; do
	b=$(readlink "$d/build") || continue
	mount -t tmpfs tapc-sim "$d" && ln -s "$b" "$d/build" || exit 1
done
mount -t tmpfs tapc-sim /boot || exit 1
exec "$@"' sh "$@"
