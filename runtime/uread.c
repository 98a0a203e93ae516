// SPDX-License-Identifier: GPL-2.0
/*
 * uread.c - fixed-size reads of user memory for user_long() and friends.
 *
 * A probe may fire in any task, often with page faults disabled, so the
 * copy never sleeps and never faults in a page: an unmapped or paged-out
 * address is a failed read.  As in SystemTap, user_long() etc. read 0 when
 * the memory is not accessible and user_long_error() etc. raise a script
 * error instead (kept apart from string.c, which the unit tests build in
 * user space).
 */
#include <linux/uaccess.h>

#include "tapc_runtime.h"

bool tapc_uread(struct tapc_context *c, void *dst, unsigned long addr,
		size_t n, const char *loc)
{
	if (likely(!copy_from_user_nofault(dst, (const void __user *)addr, n)))
		return true;
	memset(dst, 0, n);
	if (loc)
		tapc_errorf(c, loc, "user read fault at 0x%lx [man error::fault]",
			    addr);
	return false;
}

/* At most this many bytes of an argument or environment area are read:
 * the environment may be megabytes, and a probe has microseconds. */
#define TAPC_USTRINGS_MAX (64 * 1024)

void tapc_ustrings_walk(unsigned long start, unsigned long end,
			bool (*fn)(void *arg, char b), void *arg)
{
	char buf[64];
	unsigned long p = start;
	size_t k, i;

	if (end <= start)
		return;
	if (end - start > TAPC_USTRINGS_MAX)
		end = start + TAPC_USTRINGS_MAX;
	while (p < end) {
		k = min_t(size_t, sizeof(buf), end - p);
		if (copy_from_user_nofault(buf, (const void __user *)p, k))
			return;
		for (i = 0; i < k; i++)
			if (!fn(arg, buf[i]))
				return;
		p += k;
	}
}
