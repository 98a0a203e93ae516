/* Where a kernel's image and modules are, for tapc and taprun alike.
 *
 * An installed kernel has /boot/vmlinuz-R and /lib/modules/R.  A kernel
 * fetched only to boot the VM sandbox (scripts/vm-kernel.sh) is Debian's
 * linux-image-R package unpacked into tapc's cache instead,
 * $XDG_CACHE_HOME/tapc/kernels/R (default ~/.cache/tapc/kernels/R), so
 * that fetching it changes nothing about how the machine boots; its
 * headers are installed as usual (/lib/modules/R/build).
 */
#ifndef TAPC_KERNEL_FILES_H
#define TAPC_KERNEL_FILES_H

/* The directory of unpacked kernels (malloc'd), or NULL without a home. */
char *kfiles_cache_dir(void);

/* Release's image: /boot/vmlinuz-R, else the cache's copy (malloc'd), or
 * NULL when neither is readable. */
char *kfiles_image(const char *release);

/* The directory of release's modules (kernel/..., modules.dep): /lib/modules/R
 * when it has them (with headers alone it has only build), else the cache's
 * (malloc'd), or NULL. */
char *kfiles_modules(const char *release);

/* fn for each release with a readable image, in /boot and then in the cache
 * (a release may come twice). */
void kfiles_each_image(void (*fn)(const char *release, void *arg), void *arg);

#endif
