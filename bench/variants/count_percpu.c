/*
 * count_percpu.c - what tapc should generate for
 *
 *	global n
 *	probe kprobe.function("__x64_sys_getpid") { n++ }
 *	probe end { printf("%d\n", n) }
 *
 * once the translator turns a global that probes only increment and only
 * end probes read into a per-CPU counter (tapc_counter_*, runtime/stat.c):
 * no tapc_lock at all on the hot path.  bench/probe-cost builds this file
 * in place of the generated one (module b_count_percpu) to measure that
 * path before the translator emits it.  Hand-written, not generated.
 */
#include "tapc_runtime.h"
#include "foreach.h"
#include "stat.h"
static struct tapc_counter *g_n;
/* kprobe.function("__x64_sys_getpid") */
static void probe_0(struct tapc_context *c)
{
	if (tapc_actions(c, 1, "<input>:1:52"))
		return;
	tapc_counter_add(g_n, 1);
}
/* end: the only reader */
static void probe_1(struct tapc_context *c)
{
	if (tapc_actions(c, 1, "<input>:1:70"))
		return;
	tapc_printf(c, "%lld\n", (long long)tapc_counter_read(g_n));
}
static const struct tapc_simple_probe tapc_ends[] = {
	{ .pp = "end", .handler = probe_1, .priority = 0 },
};
static struct tapc_kprobe_site tapc_kprobe_sites[] = {
	{
		.symbol = "__x64_sys_getpid",
		.pp = "kprobe.function(\"__x64_sys_getpid\")",
		.handler = probe_0,
	},
};
static int tapc_globals_init(void)
{
	g_n = tapc_counter_alloc();
	return g_n ? 0 : -ENOMEM;
}
static void tapc_globals_free(void)
{
	tapc_counter_free(g_n);
}
union tapc_frames {
	char none;
};
struct tapc_module_desc tapc_module = {
	.name = "b_count_percpu",
	.script = "<input>",
	.ends = tapc_ends,
	.n_ends = ARRAY_SIZE(tapc_ends),
	.kprobes = tapc_kprobe_sites,
	.n_kprobes = ARRAY_SIZE(tapc_kprobe_sites),
	.frame_size = sizeof(union tapc_frames),
	.globals_init = tapc_globals_init,
	.globals_free = tapc_globals_free,
};
