// SPDX-License-Identifier: GPL-2.0
/*
 * pretty.c - $var$ / $var$$ / $$parms$: a target value printed as text.
 *
 * The translator flattens the value's type into a table of operations
 * (compiler/pretty.c), so the kernel side never sees a type: it reads the
 * bytes each operation names, nofault, and appends their text.  As in
 * SystemTap, a fault anywhere but in a string makes the whole value read
 * "ERROR" (stap wraps each pretty-print in try/catch), and a string that
 * can't be read prints as "<unknown>".  A user program's value
 * (tapc_upretty()) is in the task's memory, or on the handler's stack
 * when it was a register: there only the first level is kernel memory.
 */
#include <linux/uaccess.h>

#include "tapc_runtime.h"

struct pp_out {
	char *dst;
	size_t len;
};

static void pp_append(struct pp_out *o, const char *fmt, ...) __printf(2, 3);
static void pp_append(struct pp_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->len >= MAXSTRINGLEN - 1)
		return;
	va_start(ap, fmt);
	o->len += vscnprintf(o->dst + o->len, MAXSTRINGLEN - o->len, fmt, ap);
	va_end(ap);
}

bool tapc_kread_quiet(void *dst, unsigned long addr, size_t n)
{
	return !copy_from_kernel_nofault(dst, (const void *)addr, n);
}


static bool pp_read(void *dst, unsigned long addr, size_t n, bool user)
{
	if (user)
		return !copy_from_user_nofault(dst, (const void __user *)addr, n);
	return tapc_kread_quiet(dst, addr, n);
}

/* An integer of size 1, 2, 4 or 8 bytes, sign-extended when asked. */
static bool pp_int(unsigned long addr, int size, bool is_signed, u64 *v, bool user)
{
	union { u8 b; u16 h; u32 w; u64 q; } x;

	if (!pp_read(&x, addr, size, user))
		return false;
	switch (size) {
	case 1: *v = is_signed ? (u64)(s64)(s8)x.b : x.b; break;
	case 2: *v = is_signed ? (u64)(s64)(s16)x.h : x.h; break;
	case 4: *v = is_signed ? (u64)(s64)(s32)x.w : x.w; break;
	default: *v = x.q; break;
	}
	return true;
}

/* A bit-field: only the bytes that hold it are read, so a field at the
 * end of an object never reads past it. */
static bool pp_bits(unsigned long addr, const struct tapc_pp_op *op, u64 *v, bool user)
{
	unsigned int nbytes = (op->bit_off + op->bit_size + 7) / 8;
	u8 b[9];
	u64 x = 0;
	unsigned int i;

	if (nbytes > sizeof(b) || !pp_read(b, addr, nbytes, user))
		return false;
	for (i = nbytes; i-- > 0;)
		x = (x << 8) | b[i];
	x >>= op->bit_off;
	if (op->bit_size < 64)
		x &= (1ULL << op->bit_size) - 1;
	if (op->is_signed && op->bit_size < 64 && (x >> (op->bit_size - 1)) & 1)
		x |= ~0ULL << op->bit_size;
	*v = x;
	return true;
}

/* A char as SystemTap's '%#c' shows it: printable as is, the rest
 * escaped, so a NUL or newline never breaks the line. */
static void pp_char(struct pp_out *o, u8 ch)
{
	static const char esc[] = "\a\b\f\n\r\t\v\\'";
	static const char name[] = "abfnrtv\\'";
	const char *e = ch ? strchr(esc, ch) : NULL;

	if (e)
		pp_append(o, "'\\%c'", name[e - esc]);
	else if (ch >= 0x20 && ch < 0x7f)
		pp_append(o, "'%c'", ch);
	else
		pp_append(o, "'\\%03o'", ch);
}

/* The bytes at addr up to a NUL, max bytes or the end of the output,
 * between double quotes; a fault prints "<unknown>". */
static void pp_string(struct pp_out *o, unsigned long addr, size_t max, bool user)
{
	size_t start = o->len;
	long n;

	pp_append(o, "\"");
	if (o->len >= MAXSTRINGLEN - 1)
		return;
	n = tapc_strncpy_nofault(o->dst + o->len, addr,
				 min_t(size_t, max + 1, MAXSTRINGLEN - o->len), user);
	if (n < 0) {
		o->len = start;
		o->dst[o->len] = 0;
		pp_append(o, "\"<unknown>\"");
		return;
	}
	o->len += n;
	pp_append(o, "\"");
}

/* base_user: the bytes at base are the task's (else kernel memory);
 * user: a pointer read from the value points into the task's memory. */
static void pp_run(char *dst, unsigned long base, bool ok, const struct tapc_pp_op *op,
		   bool base_user, bool user)
{
	struct pp_out o = { dst, strnlen(dst, MAXSTRINGLEN - 1) };
	size_t start = o.len;
	bool at_user = base_user;
	u64 v;

	for (; ok && op->kind != TAPC_PP_END; op++) {
		unsigned long at = base + op->off;

		switch (op->kind) {
		case TAPC_PP_TEXT:
			pp_append(&o, "%s", op->text);
			break;
		case TAPC_PP_INT:
			ok = pp_int(at, op->size, op->is_signed, &v, at_user);
			if (ok)
				pp_append(&o, op->is_signed ? "%lld" : "%llu", v);
			break;
		case TAPC_PP_BITS:
			ok = pp_bits(at, op, &v, at_user);
			if (ok)
				pp_append(&o, op->is_signed ? "%lld" : "%llu", v);
			break;
		case TAPC_PP_CHAR:
			ok = pp_int(at, 1, false, &v, at_user);
			if (ok)
				pp_char(&o, (u8)v);
			break;
		case TAPC_PP_PTR:	/* stap's %p, which is %#x since stap 1.3 */
			ok = pp_int(at, 8, false, &v, at_user);
			if (ok)
				pp_append(&o, "0x%llx", v);
			break;
		case TAPC_PP_STR:
			ok = pp_int(at, 8, false, &v, at_user);
			if (ok)
				pp_string(&o, (unsigned long)v, MAXSTRINGLEN, user);
			break;
		case TAPC_PP_CHARS:
			pp_string(&o, at, op->len, at_user);
			break;
		case TAPC_PP_DEREF:
			ok = pp_int(at, 8, false, &v, at_user);
			base = (unsigned long)v;
			at_user = user;
			break;
		}
	}
	if (!ok) {
		o.len = start;
		o.dst[o.len] = 0;
		pp_append(&o, "ERROR");
	}
}

void tapc_pretty(char *dst, unsigned long base, bool ok, const struct tapc_pp_op *op)
{
	pp_run(dst, base, ok, op, false, false);
}

void tapc_upretty(char *dst, unsigned long base, bool ok, const struct tapc_pp_op *op, bool in_user)
{
	pp_run(dst, base, ok, op, in_user, true);
}
