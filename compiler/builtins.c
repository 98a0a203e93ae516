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
