/* The table of built-in functions and the C each one becomes.
 *
 * Context functions map to runtime helpers in tapc_runtime.h; adding one
 * is adding a line here (see builtins.h for the template syntax).
 */
#include <string.h>

#include "builtins.h"

#define L TYPE_LONG
#define S TYPE_STRING
#define V TYPE_VOID

static const struct builtin builtins[] = {
	{ "execname", S, 0, { 0 }, BUILTIN_STRING_INTO, "tapc_execname($0)" },
	{ "pid", L, 0, { 0 }, BUILTIN_EXPR, "tapc_pid()" },
	{ "tid", L, 0, { 0 }, BUILTIN_EXPR, "tapc_tid()" },
	{ "uid", L, 0, { 0 }, BUILTIN_EXPR, "tapc_uid()" },
	{ "cpu", L, 0, { 0 }, BUILTIN_EXPR, "tapc_cpu()" },
	{ "target", L, 0, { 0 }, BUILTIN_EXPR, "tapc_target_pid()" },
	{ "gettimeofday_ns", L, 0, { 0 }, BUILTIN_EXPR, "tapc_gettimeofday_ns()" },
	{ "gettimeofday_us", L, 0, { 0 }, BUILTIN_EXPR, "(tapc_gettimeofday_ns() / 1000)" },
	{ "gettimeofday_ms", L, 0, { 0 }, BUILTIN_EXPR, "(tapc_gettimeofday_ns() / 1000000)" },
	{ "gettimeofday_s", L, 0, { 0 }, BUILTIN_EXPR, "(tapc_gettimeofday_ns() / 1000000000)" },
	{ "pp", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_point" },
	{ "probefunc", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_func" },
	{ "ppfunc", S, 0, { 0 }, BUILTIN_EXPR, "c->probe_func" },
	{ "exit", V, 0, { 0 }, BUILTIN_STMT, "tapc_request_exit()" },
	/* error(msg): a run-time error try/catch can catch */
	{ "error", V, 1, { S }, BUILTIN_RAISE, "tapc_errorf(c, $L, \"%s\", $1)" },
	{ "strlen", L, 1, { S }, BUILTIN_EXPR, "((int64_t)strlen($1))" },
	/* memory reads: nofault, a bad address is a run-time error (a
	 * template naming $L can fail: the translator checks the error) */
	{ "task_current", L, 0, { 0 }, BUILTIN_EXPR, "((int64_t)(unsigned long)current)" },
	{ "kernel_string", S, 1, { L }, BUILTIN_STRING_INTO,
	  "tapc_kernel_string(c, $0, (unsigned long)$1, $L)" },
	{ "kernel_string_n", S, 2, { L, L }, BUILTIN_STRING_INTO,
	  "if (tapc_kernel_string(c, $0, (unsigned long)$1, $L) && $2 >= 0 && $2 < MAXSTRINGLEN) $0[$2] = 0" },
	{ "user_string", S, 1, { L }, BUILTIN_STRING_INTO,
	  "tapc_user_string(c, $0, (unsigned long)$1, $L)" },
	{ "user_string_n", S, 2, { L, L }, BUILTIN_STRING_INTO,
	  "if (tapc_user_string(c, $0, (unsigned long)$1, $L) && $2 >= 0 && $2 < MAXSTRINGLEN) $0[$2] = 0" },
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
	/* user memory: 0 when not accessible (SystemTap's user_long etc.),
	 * the _error forms raise a run-time error instead */
#define UREAD(name, ctype, loc) \
	{ name, L, 1, { L }, BUILTIN_EXPR, \
	  "({ " ctype " _x; tapc_uread(c, &_x, (unsigned long)$1, sizeof(_x), " loc "); (int64_t)_x; })" }
	UREAD("user_long", "s64", "NULL"), UREAD("user_long_error", "s64", "$L"),
	UREAD("user_ulong", "u64", "NULL"), UREAD("user_ulong_error", "u64", "$L"),
	UREAD("user_int", "s32", "NULL"), UREAD("user_int_error", "s32", "$L"),
	UREAD("user_uint", "u32", "NULL"), UREAD("user_uint_error", "u32", "$L"),
	UREAD("user_short", "s16", "NULL"), UREAD("user_short_error", "s16", "$L"),
	UREAD("user_ushort", "u16", "NULL"), UREAD("user_ushort_error", "u16", "$L"),
	UREAD("user_char", "s8", "NULL"), UREAD("user_char_error", "s8", "$L"),
	UREAD("user_uchar", "u8", "NULL"), UREAD("user_uchar_error", "u8", "$L"),
#undef UREAD
};

const struct builtin *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const struct builtin *builtin_table(int *n)
{
	*n = sizeof(builtins) / sizeof(builtins[0]);
	return builtins;
}
