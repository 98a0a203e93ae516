/* The table of built-in functions and the C each one becomes.
 *
 * One rule decides what is a built-in: only what needs the translator
 * itself.  Everything else is a tapset function (tapset/, in embedded C
 * where the language can't reach), and no name is both (tapset.c refuses
 * a library that defines a built-in's name).  A built-in needs the
 * translator when it
 *  - is called by the compiler's own code (exit() ends -T's timer probe),
 *  - changes control flow (error() jumps to the enclosing catch, abort()
 *    past it),
 *  - hands out the probe's own data without a copy (pp(), probefunc(),
 *    ppfunc(): a string function would copy into a buffer; pn(), which
 *    only the translator knows: the script-level probe point), or
 *  - reports an error at the script position of the call ($L: the memory
 *    readers; an embedded function only knows its own position).
 * A name is built in with all its arities (kernel_string(addr, err_msg)
 * stays beside kernel_string(addr)): a name lives in one place.
 * A tapset function with embedded C costs no more than a built-in: it is
 * a static function the C compiler inlines, and the translator checks for
 * an error after it only when its code can raise one.
 */
#include <string.h>

#include "builtins.h"

#define L TYPE_LONG
#define S TYPE_STRING
#define V TYPE_VOID

static const struct builtin builtins[] = {
	{ "pp", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_point" },
	{ "probefunc", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_func" },
	{ "ppfunc", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_func" },
	/* pn(): the probe point as the script wrote it, an alias's name
	 * where the probe came from one (wildcards: the name matched) */
	{ "pn", S, 0, { 0 }, BUILTIN_PROBE_NAME, "c->probe_name" },
	{ "exit", V, 0, { 0 }, BUILTIN_STMT, "tapc_request_exit()" },
	/* abort(): exit() that ends the hit at once (no catch stops it) */
	{ "abort", V, 0, { 0 }, BUILTIN_ABORT, "tapc_abort_hit(c)" },
	/* error(msg): a run-time error try/catch can catch */
	{ "error", V, 1, { S }, BUILTIN_RAISE, "tapc_errorf(c, $L, \"%s\", $1)" },
	/* memory reads: nofault, a bad address is a run-time error (a
	 * template naming $L can fail: the translator checks the error) */
	{ "kernel_string", S, 1, { L }, BUILTIN_STRING_INTO,
	  "tapc_kernel_string(c, $0, (unsigned long)$1, $L)" },
	/* kernel_string(addr, err_msg): err_msg instead of the error */
	{ "kernel_string", S, 2, { L, S }, BUILTIN_STRING_INTO,
	  "if (tapc_strncpy_nofault($0, (unsigned long)$1, MAXSTRINGLEN, false) < 0) tapc_strcpy($0, $2)" },
	{ "kernel_string_n", S, 2, { L, L }, BUILTIN_STRING_INTO,
	  "if (tapc_kernel_string(c, $0, (unsigned long)$1, $L) && $2 >= 0 && $2 < MAXSTRINGLEN) $0[$2] = 0" },
	{ "user_string", S, 1, { L }, BUILTIN_STRING_INTO,
	  "tapc_user_string(c, $0, (unsigned long)$1, $L)" },
	{ "user_string_n", S, 2, { L, L }, BUILTIN_STRING_INTO,
	  "if (tapc_user_string(c, $0, (unsigned long)$1, $L) && $2 >= 0 && $2 < MAXSTRINGLEN) $0[$2] = 0" },
	/* stap's err_msg forms: err_msg instead of an error on a fault */
	{ "user_string", S, 2, { L, S }, BUILTIN_STRING_INTO,
	  "if (tapc_strncpy_nofault($0, (unsigned long)$1, MAXSTRINGLEN, true) < 0) tapc_strcpy($0, $2)" },
	{ "user_string_n", S, 3, { L, L, S }, BUILTIN_STRING_INTO,
	  "if (tapc_strncpy_nofault($0, (unsigned long)$1, MAXSTRINGLEN, true) < 0) tapc_strcpy($0, $3); "
	  "else if ($2 >= 0 && $2 < MAXSTRINGLEN) $0[$2] = 0" },
	{ "kernel_long", L, 1, { L }, BUILTIN_EXPR,
	  "({ s64 _x = 0; tapc_kread(c, &_x, (unsigned long)$1, 8, $L); (int64_t)_x; })" },
	{ "kernel_pointer", L, 1, { L }, BUILTIN_EXPR,
	  "({ u64 _x = 0; tapc_kread(c, &_x, (unsigned long)$1, 8, $L); (int64_t)_x; })" },
	{ "kernel_int", L, 1, { L }, BUILTIN_EXPR,
	  "({ s32 _x = 0; tapc_kread(c, &_x, (unsigned long)$1, 4, $L); (int64_t)_x; })" },
	{ "kernel_short", L, 1, { L }, BUILTIN_EXPR,
	  "({ s16 _x = 0; tapc_kread(c, &_x, (unsigned long)$1, 2, $L); (int64_t)_x; })" },
	{ "kernel_char", L, 1, { L }, BUILTIN_EXPR,
	  "({ s8 _x = 0; tapc_kread(c, &_x, (unsigned long)$1, 1, $L); (int64_t)_x; })" },
	/* user memory, the forms that fail (user_long() and friends, which
	 * read 0, are tapset functions: uconversions.stp) */
#define UREAD(name, ctype) \
	{ name, L, 1, { L }, BUILTIN_EXPR, \
	  "({ " ctype " _x; tapc_uread(c, &_x, (unsigned long)$1, sizeof(_x), $L); (int64_t)_x; })" }
	UREAD("user_long_error", "s64"), UREAD("user_ulong_error", "u64"),
	UREAD("user_int_error", "s32"), UREAD("user_uint_error", "u32"),
	UREAD("user_short_error", "s16"), UREAD("user_ushort_error", "u16"),
	UREAD("user_char_error", "s8"), UREAD("user_uchar_error", "u8"),
#undef UREAD
};

const struct builtin *builtin_find(const char *name, int nargs)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0 && (nargs < 0 || builtins[i].nargs == nargs))
			return &builtins[i];
	return NULL;
}

const struct builtin *builtin_table(int *n)
{
	*n = sizeof(builtins) / sizeof(builtins[0]);
	return builtins;
}
