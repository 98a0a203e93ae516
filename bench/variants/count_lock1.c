/*
 * count_lock1.c - what tapc generates today for
 *
 *	global n
 *	probe kprobe.function("__x64_sys_getpid") { n++ }
 *	probe end { printf("%d\n", n) }
 *
 * with one change: a handler that needs a single global's lock takes it
 * with tapc_lock_one() / tapc_unlock_one() (inline uncontended path)
 * instead of tapc_lock_all() / tapc_unlock_all() over a one-entry array.
 * bench/probe-cost builds this file in place of the generated one (module
 * b_count_lock1).  Hand-written, not generated.
 */
#include "tapc_runtime.h"
#include "foreach.h"
#include "stat.h"
static int64_t g_n;
static struct tapc_lock g_n_lock = TAPC_LOCK_INIT(g_n_lock, "n");
/* kprobe.function("__x64_sys_getpid") */
static void probe_0(struct tapc_context *c)
{
	int64_t t0;

	if (!tapc_lock_one(c, &g_n_lock))
		return;
	if (tapc_actions(c, 1, "<input>:1:52"))
		goto out;
	t0 = g_n;
	g_n = (int64_t)((uint64_t)t0 + 1);
out:
	tapc_unlock_one(&g_n_lock);
}
/* end */
static void probe_1(struct tapc_context *c)
{
	if (!tapc_lock_one(c, &g_n_lock))
		return;
	if (tapc_actions(c, 1, "<input>:1:70"))
		goto out;
	tapc_printf(c, "%lld\n", (long long)g_n);
out:
	tapc_unlock_one(&g_n_lock);
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
union tapc_frames {
	char none;
};
struct tapc_module_desc tapc_module = {
	.name = "b_count_lock1",
	.script = "<input>",
	.ends = tapc_ends,
	.n_ends = ARRAY_SIZE(tapc_ends),
	.kprobes = tapc_kprobe_sites,
	.n_kprobes = ARRAY_SIZE(tapc_kprobe_sites),
	.frame_size = sizeof(union tapc_frames),
};
