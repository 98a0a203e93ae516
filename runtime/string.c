// SPDX-License-Identifier: GPL-2.0
/*
 * string.c - bounded string helpers for MAXSTRINGLEN buffers.
 *
 * Script strings are fixed MAXSTRINGLEN arrays: every helper truncates
 * instead of overflowing and always leaves a NUL terminator.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "tapc_runtime.h"

void tapc_strcpy(char *dst, const char *src)
{
	if (dst != src)
		strscpy(dst, src, MAXSTRINGLEN);
}

void tapc_strcat(char *dst, const char *src)
{
	size_t n = strnlen(dst, MAXSTRINGLEN - 1);

	strscpy(dst + n, src, MAXSTRINGLEN - n);
}

void tapc_sprintf(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, MAXSTRINGLEN, fmt, ap);
	va_end(ap);
}

/* %b: the value's low `width` bytes in host byte order, as printf("%b")
 * does in SystemTap; the caller prints exactly width bytes. */
void tapc_sprint_bin(char *dst, int64_t v, int width)
{
	if (width != 1 && width != 2 && width != 4 && width != 8)
		width = 8;
	memcpy(dst, &v, width);	/* little endian: low bytes first */
	dst[width] = '\0';
}
