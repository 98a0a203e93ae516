// SPDX-License-Identifier: GPL-2.0
/*
 * text.c - SystemTap's quoted text and UTF-16/32 strings (text.h).
 *
 * Memory the script names is copied first (nofault, a page at a time)
 * into this CPU's scratch buffer, then escaped from there: a fault is
 * known before anything is written, and the escaping itself is plain
 * code over bytes (testsuite/unit/text_test.c runs it in user space, with
 * the nofault copies faked).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/percpu.h>

#include "tapc_runtime.h"
#include "text.h"

/* One per CPU: only the hit that holds this CPU's context runs here. */
struct tapc_text_scratch {
	char b[MAXSTRINGLEN];
};
#ifdef __KERNEL__
static DEFINE_PER_CPU(struct tapc_text_scratch, tapc_text_scratch);
#define TEXT_SCRATCH()	this_cpu_ptr(&tapc_text_scratch)
#else				/* testsuite/unit: one thread */
static struct tapc_text_scratch tapc_text_scratch;
#define TEXT_SCRATCH()	(&tapc_text_scratch)
#endif

static const char hex_digits[] = "0123456789ABCDEF";

/* A valid UTF-8 sequence (not overlong, no surrogate, at most U+10FFFF)
 * at s (n bytes left): its length (2..4) and code point, else 1. */
static int utf8_get(const u8 *s, int n, u32 *cp)
{
	int len, i;
	u32 c;

	if ((s[0] & 0xE0) == 0xC0)
		len = 2, c = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, c = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, c = s[0] & 0x07;
	else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF ||
	    c < (len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000))
		return 1;
	*cp = c;
	return len;
}

/* The escape of byte b ("\n", "\101"...) into esc; its length. */
static int escape_byte(char *esc, u8 b)
{
	static const char named[] = "\a\b\f\n\r\t\v\"\\", letter[] = "abfnrtv\"\\";
	const char *p = b ? memchr(named, b, sizeof(named) - 1) : NULL;

	if (b >= 32 && b < 127 && b != '"' && b != '\\') {
		esc[0] = b;
		return 1;
	}
	esc[0] = '\\';
	if (p) {
		esc[1] = letter[p - named];
		return 2;
	}
	esc[1] = '0' + (b >> 6);
	esc[2] = '0' + ((b >> 3) & 7);
	esc[3] = '0' + (b & 7);
	return 4;
}

/* tapc_text_str() over n bytes already in memory. */
static void text_escape(char *dst, const u8 *src, int n, int outlen, unsigned int flags)
{
	bool quoted = flags & TAPC_TEXT_QUOTED, cut = false;
	int i = 0, o = 0;
	char esc[10];

	if (outlen <= 0 || outlen > MAXSTRINGLEN - 1)
		outlen = MAXSTRINGLEN - 1;
	if (quoted) {
		/* room for both quotes, and the dots only replace text */
		outlen = max(outlen, 5) - 2;
		dst[o++] = '"';
		outlen++;
	}
	while (i < n && (src[i] || (flags & TAPC_TEXT_BUFFER))) {
		u32 cp;
		int used = utf8_get(src + i, n - i, &cp), k, d;

		if (used > 1) {
			k = cp > 0xFFFF ? 10 : 6;
			esc[0] = '\\';
			esc[1] = cp > 0xFFFF ? 'U' : 'u';
			for (d = k - 1; d >= 2; d--, cp >>= 4)
				esc[d] = hex_digits[cp & 0xF];
		} else {
			k = escape_byte(esc, src[i]);
		}
		if (o + k > outlen) {
			cut = true;
			break;
		}
		memcpy(dst + o, esc, k);
		o += k;
		i += used;
	}
	if (quoted) {
		if (cut) {
			/* the last bytes make way for the dots */
			o = min(o, outlen - 3);
			memcpy(dst + o, "\"...", 4);
			o += 4;
		} else {
			dst[o++] = '"';
		}
	}
	dst[o] = '\0';
}

int tapc_text_str(char *dst, unsigned long addr, int inlen, int outlen,
		  unsigned int flags, enum tapc_mem mem)
{
	char *buf = TEXT_SCRATCH()->b;
	long n;

	if (inlen <= 0 || inlen > MAXSTRINGLEN - 1)
		inlen = MAXSTRINGLEN - 1;
	dst[0] = '\0';
	if (mem == TAPC_MEM_SCRIPT) {
		const char *s = (const char *)addr;

		n = flags & TAPC_TEXT_BUFFER ? (long)inlen : (long)strnlen(s, inlen);
		text_escape(dst, (const u8 *)s, n, outlen, flags);
		return 0;
	}
	if (flags & TAPC_TEXT_BUFFER) {
		if (mem == TAPC_MEM_USER ?
		    copy_from_user_nofault(buf, (const void __user *)addr, inlen) :
		    copy_from_kernel_nofault(buf, (const void *)addr, inlen))
			return -EFAULT;
		n = inlen;
	} else {
		n = tapc_strncpy_nofault(buf, addr, inlen + 1, mem == TAPC_MEM_USER);
		if (n < 0)
			return -EFAULT;
	}
	text_escape(dst, (const u8 *)buf, n, outlen, flags);
	return 0;
}

int tapc_utf8_put(char *buf, int size, u32 c)
{
	int n, i;

	if (c >= 0xD800 && c <= 0xDFFF)
		return -EINVAL;
	n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : c <= 0x10FFFF ? 4 : 0;
	if (!n)
		return -EINVAL;
	if (size < n + 1)
		return 0;
	buf[n] = '\0';
	if (n == 1) {
		buf[0] = c;
		return 1;
	}
	for (i = n - 1; i > 0; i--, c >>= 6)
		buf[i] = 0x80 | (c & 0x3F);
	buf[0] = (0xF00 >> n) | c;	/* 110xxxxx, 1110xxxx, 11110xxx */
	return n;
}

static bool read_unit(unsigned long addr, int unit, bool user, u32 *v)
{
	u16 v16 = 0;
	void *p = unit == 2 ? (void *)&v16 : (void *)v;
	long rc = user ? copy_from_user_nofault(p, (const void __user *)addr, unit) :
		copy_from_kernel_nofault(p, (const void *)addr, unit);

	if (unit == 2)
		*v = v16;
	return rc == 0;
}

int tapc_utf_string(char *dst, unsigned long addr, int unit, bool user,
		    unsigned long *where, u32 *bad)
{
	int o = 0, k;
	u32 c, low;

	dst[0] = '\0';
	for (;; addr += unit, o += k) {
		if (!read_unit(addr, unit, user, &c)) {
			*where = addr;
			return -EFAULT;
		}
		if (!c)
			return 0;
		/* a high surrogate and its low half make one character; a
		 * broken pair is left to tapc_utf8_put() to refuse */
		if (unit == 2 && c >= 0xD800 && c <= 0xDBFF &&
		    read_unit(addr + 2, 2, user, &low) && low >= 0xDC00 && low <= 0xDFFF) {
			c = 0x10000 + ((c & 0x3FF) << 10) + (low & 0x3FF);
			addr += 2;
		}
		k = tapc_utf8_put(dst + o, MAXSTRINGLEN - o, c);
		if (k < 0) {
			*where = addr;
			*bad = c;
			return -EILSEQ;
		}
		if (!k)
			return 0;	/* full: what fits, as stap */
	}
}
