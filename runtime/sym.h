/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sym.h - value-name tables for the tapsets' formatting functions
 * (tapset/linux/syscall_fmt.stp and friends, in embedded C): a table of
 * { value, "NAME" } entries and the two ways SystemTap shows a value with
 * one, an exact name or a "|"-joined set of flag names, each into a
 * MAXSTRINGLEN buffer.  Header-only: a module includes it only when a
 * tapset file that uses it is in.
 */
#ifndef TAPC_SYM_H
#define TAPC_SYM_H

#include "tapc_runtime.h"

struct tapc_sym {
	unsigned long val;
	const char *name;
};
#define TAPC_SYM(x) { (unsigned long)(x), #x }

static inline void tapc_sym_append(char *dst, const char *s)
{
	strlcat(dst, s, MAXSTRINGLEN);
}

static inline void tapc_sym_appendf(char *dst, const char *fmt, unsigned long v)
{
	size_t n = strlen(dst);

	snprintf(dst + n, MAXSTRINGLEN - n, fmt, v);
}

/* Append the name of v in t (ended by a NULL name), else v in hex (base
 * 16) or decimal. */
static inline void tapc_sym_value(char *dst, const struct tapc_sym *t, unsigned long v, int base)
{
	for (; t->name; t++)
		if (t->val == v) {
			tapc_sym_append(dst, t->name);
			return;
		}
	tapc_sym_appendf(dst, base == 10 ? "%ld" : "0x%lx", v);
}

/* Append the names of the bits of v that t names, "|"-joined in table
 * order, then the bits left over in hex; 0 is the name t gives 0, else
 * "0x0". */
static inline void tapc_sym_flags(char *dst, const struct tapc_sym *t, unsigned long v)
{
	bool any = false;

	if (!v) {
		tapc_sym_value(dst, t, 0, 16);
		return;
	}
	for (; t->name; t++) {
		if (!t->val || !(t->val & v))
			continue;
		if (any)
			tapc_sym_append(dst, "|");
		tapc_sym_append(dst, t->name);
		v &= ~t->val;
		any = true;
	}
	if (v) {
		if (any)
			tapc_sym_append(dst, "|");
		tapc_sym_appendf(dst, "0x%lx", v);
	}
}

#endif /* TAPC_SYM_H */
