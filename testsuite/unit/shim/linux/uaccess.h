/* shim: see ../kernel_shim.h.  The nofault copies fail below 4096 (the
 * unit tests' "unmapped" addresses) and copy otherwise. */
#include "../kernel_shim.h"
#include <errno.h>

#define __user
static inline long copy_from_kernel_nofault(void *dst, const void *src, size_t n)
{
	if ((unsigned long)src < 4096)
		return -EFAULT;
	memcpy(dst, src, n);
	return 0;
}
#define copy_from_user_nofault(dst, src, n)	copy_from_kernel_nofault(dst, src, n)
