// SPDX-License-Identifier: GPL-2.0
/*
 * tapc_test_src.c - a hand-written stand-in for translator output, used to
 * exercise the runtime without the compiler.  It corresponds to:
 *
 *   global hits, ticks, rets, calls[2048]
 *   probe begin { println("begin") }
 *   probe kernel.function("__x64_sys_getpid") { hits++; calls[pid()]++ }
 *   probe kernel.function("__x64_sys_getpid").return {
 *     if (pid() == target()) {
 *       rets++
 *       printf("getpid returned %d after %d ns\n", $return,
 *              gettimeofday_ns() - @entry(gettimeofday_ns()))  # ns not printed
 *     }
 *   }
 *   probe timer.ms(100) { ticks++; if (exit_ticks && ticks >= exit_ticks) exit() }
 *   probe end { printf("hits=%d rets=%d target=%d ...\n", ...); println("end") }
 *
 * Module parameters (given to taprun as param=value) select extra paths:
 * exit_ticks=N calls exit() from the timer, begin_error=1 raises a run-time
 * error in begin, loop=N runs a loop of N statements in begin (MAXACTION),
 * bad_symbol=1 adds a kprobe on a missing function (registration failure),
 * entry_only=1 leaves only the entry kprobe (for measuring its cost),
 * fault=1 makes begin read a kernel string at a good, then a bad address,
 * stuck_lock=1 makes begin keep the lock of `hits` until end, so every
 * getpid hit times out on it (skipped probes, MAXSKIPPED).
 */
#include <linux/module.h>
#include "tapc_runtime.h"

static int exit_ticks;
module_param(exit_ticks, int, 0444);
static int begin_error;
module_param(begin_error, int, 0444);
static int loop;
module_param(loop, int, 0444);
static int bad_symbol;
module_param(bad_symbol, int, 0444);
static int entry_only;
module_param(entry_only, int, 0444);
static int fault;
module_param(fault, int, 0444);
static int stuck_lock;
module_param(stuck_lock, int, 0444);

/* ---- globals ---- */
static int64_t g_hits, g_ticks, g_rets;
static struct tapc_map *g_calls;
static struct tapc_lock l_hits = TAPC_LOCK_INIT(l_hits, "hits");
static struct tapc_lock l_ticks = TAPC_LOCK_INIT(l_ticks, "ticks");
static struct tapc_lock l_rets = TAPC_LOCK_INIT(l_rets, "rets");
static struct tapc_lock l_calls = TAPC_LOCK_INIT(l_calls, "calls");

struct key_calls { int64_t k1; };

/* ---- frames ---- */
struct frame_probe_1 { struct key_calls key; };
struct frame_probe_2 { int64_t ret; };
struct frame_probe_end { void *it; int64_t n; };
union tapc_frame_any {
	struct frame_probe_1 p1;
	struct frame_probe_2 p2;
	struct frame_probe_end pe;
	tapc_string str;
};

struct entry_probe_2 { int64_t t0; };

static void probe_0(struct tapc_context *c)	/* begin */
{
	int64_t i;

	if (tapc_actions(c, 1, "t.stp:2:15"))
		return;
	tapc_printf(c, "begin\n");
	if (begin_error) {
		tapc_error(c, "division by 0", "operator '/' at t.stp:2:30");
		return;
	}
	if (fault) {
		tapc_string *str = tapc_frame(c, 0);

		if (!tapc_kernel_string(c, *str, (unsigned long)"kernel text", "t.stp:2:50"))
			return;
		tapc_printf(c, "read '%s'\n", *str);
		if (!tapc_kernel_string(c, *str, 16, "identifier 'kernel_string' at t.stp:2:60"))
			return;
	}
	/* test only: take the lock word itself so no preempt count is held
	 * across the return to user space (raw_spin_lock would keep one) */
	if (stuck_lock && !arch_spin_trylock(&l_hits.lock.raw_lock))
		return;
	for (i = 0; i < loop; i++)
		if (tapc_actions(c, 1, "operator '++' at t.stp:2:40"))
			return;
}

static void probe_1(struct tapc_context *c)	/* getpid entry */
{
	static struct tapc_lock *const locks[] = { &l_hits, &l_calls };
	struct frame_probe_1 *f = tapc_frame(c, 0);
	int64_t *v;

	if (!tapc_lock_all(c, locks, 2))
		return;
	if (tapc_actions(c, 2, "t.stp:3:45"))
		goto out;
	g_hits++;
	memset(&f->key, 0, sizeof(f->key));
	f->key.k1 = tapc_pid();
	v = tapc_map_get(c, g_calls, &f->key, "identifier 'calls' at t.stp:3:55");
	if (!v)
		goto out;
	(*v)++;
out:
	tapc_unlock_all(locks, 2);
}

static void probe_2_entry(struct tapc_context *c)
{
	struct entry_probe_2 *e = c->entry_data;

	e->t0 = tapc_gettimeofday_ns();
}

static void probe_2(struct tapc_context *c)	/* getpid return */
{
	static struct tapc_lock *const locks[] = { &l_rets };
	struct frame_probe_2 *f = tapc_frame(c, 0);
	struct entry_probe_2 *e = c->entry_data;

	if (tapc_actions(c, 1, "t.stp:5:5"))
		return;
	if (tapc_pid() != tapc_target_pid())
		return;
	if (!tapc_lock_all(c, locks, 1))
		return;
	g_rets++;
	tapc_unlock_all(locks, 1);
	f->ret = (long)tapc_arch_return_value(c->regs);
	tapc_printf(c, "getpid returned %lld%s\n", f->ret,
		    tapc_gettimeofday_ns() >= e->t0 ? "" : " (clock went back)");
}

static void probe_3(struct tapc_context *c)	/* timer.ms(100) */
{
	static struct tapc_lock *const locks[] = { &l_ticks };

	if (!tapc_lock_all(c, locks, 1))
		return;
	g_ticks++;
	if (exit_ticks && g_ticks == exit_ticks) {
		tapc_printf(c, "exit after %lld ticks\n", g_ticks);
		tapc_request_exit();
	}
	tapc_unlock_all(locks, 1);
}

static void probe_end(struct tapc_context *c)
{
	static struct tapc_lock *const locks[] = { &l_hits, &l_ticks, &l_rets, &l_calls };
	struct frame_probe_end *f = tapc_frame(c, 0);
	const struct key_calls *k;

	if (stuck_lock)
		arch_spin_unlock(&l_hits.lock.raw_lock);	/* taken in begin */
	if (!tapc_lock_all(c, locks, 4))
		return;
	tapc_printf(c, "hits=%lld rets=%lld ticks>0=%d\n", g_hits, g_rets,
		    g_ticks > 0);
	f->n = 0;
	for (f->it = tapc_map_next(g_calls, NULL); f->it;
	     f->it = tapc_map_next(g_calls, f->it)) {
		k = tapc_map_key(g_calls, f->it);
		if (k->k1 == tapc_target_pid())
			tapc_printf(c, "target calls=%lld\n",
				    *(int64_t *)tapc_map_value(g_calls, f->it));
		f->n++;
	}
	tapc_printf(c, "pids=%lld\nend\n", f->n);
	tapc_unlock_all(locks, 4);
}

static struct tapc_kprobe_site tapc_kprobe_sites[] = {
	{ .symbol = "__x64_sys_getpid", .pp = "kernel.function(\"__x64_sys_getpid\")",
	  .handler = probe_1 },
	{ .symbol = "__x64_sys_getpid",
	  .pp = "kernel.function(\"__x64_sys_getpid\").return", .is_return = true,
	  .handler = probe_2, .entry_handler = probe_2_entry,
	  .entry_data_size = sizeof(struct entry_probe_2) },
	{ .symbol = "tapc_no_such_function", .pp = "kernel.function(\"tapc_no_such_function\")",
	  .handler = probe_1 },
};

static struct tapc_timer_site tapc_timer_sites[] = {
	{ .interval_ns = 100 * NSEC_PER_MSEC, .pp = "timer.ms(100)", .handler = probe_3 },
};

static const struct tapc_simple_probe tapc_begins[] = {
	{ .pp = "begin", .handler = probe_0 },
};
static const struct tapc_simple_probe tapc_ends[] = {
	{ .pp = "end", .handler = probe_end },
};

static int globals_init(void)
{
	g_calls = tapc_map_alloc(sizeof(struct key_calls), sizeof(int64_t),
				 MAXMAPENTRIES, false, "calls");
	/* the translator knows its kprobe count; the test picks it at load */
	tapc_module.n_kprobes = entry_only ? 1 : bad_symbol ? 3 : 2;
	return g_calls ? 0 : -ENOMEM;
}

static void globals_free(void)
{
	tapc_map_free(g_calls);
}

struct tapc_module_desc tapc_module = {
	.name = "tapc_test",
	.script = "t.stp",
	.kprobes = tapc_kprobe_sites,
	.n_kprobes = 2,
	.timers = tapc_timer_sites,
	.n_timers = ARRAY_SIZE(tapc_timer_sites),
	.begins = tapc_begins, .n_begins = ARRAY_SIZE(tapc_begins),
	.ends = tapc_ends, .n_ends = ARRAY_SIZE(tapc_ends),
	.frame_size = sizeof(union tapc_frame_any),
	.globals_init = globals_init,
	.globals_free = globals_free,
};
