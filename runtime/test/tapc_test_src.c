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
 * and, for statistics, tracepoints, timer variants and priorities:
 *
 *   global x, lin, tpcount[2048], n_getpid, n_prof, n_jiff
 *   probe begin(5) { println("begin prio 5") }
 *   probe begin(-1) { println("begin prio -1"); x <<< -1; x <<< 1
 *                     for (i = 0; i < 350; i++) lin <<< ... }
 *   probe kernel.trace("sched_process_exec") {
 *     if (pid() == target()) printf("exec %s\n", kernel_string($p->comm)) }
 *   probe kernel.trace("sys_enter") {
 *     if ($id == __NR_getpid && pid() == target()) { tpcount[pid()] <<< $id
 *                                                      n_getpid++ } }
 *   probe timer.profile { n_prof++ }
 *   probe timer.jiffies(5).randomize(2) { n_jiff++ }
 *   probe error { println("error probe") }
 *   probe end(10) { print(@hist_log(x)); print(@hist_linear(lin, 0, 1500, 50))
 *                   printf("tp getpid count=%d sum/count=%d counter=%d\n", ...)
 *                   printf("profile>0=%d jiffies>0=%d\n", ...) }
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
#include <linux/binfmts.h>
#include <asm/unistd.h>
#include "tapc_runtime.h"
#include "provider/kprobe.h"
#include "provider/timer.h"
#include "provider/tracepoint.h"

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
static struct tapc_stat *g_x, *g_lin;
static struct tapc_stat_map *g_tpcount;
static struct tapc_counter *g_n_getpid, *g_n_prof, *g_n_jiff;
static const struct tapc_stat_shape shape_x = { .hist = TAPC_HIST_LOG };
static const struct tapc_stat_shape shape_lin = {
	.hist = TAPC_HIST_LINEAR, .lo = 0, .hi = 1500, .width = 50 };
static const struct tapc_stat_shape shape_tpcount = { .bit_shift = 4 };
static struct tapc_lock l_x = TAPC_LOCK_INIT(l_x, "x");
static struct tapc_lock l_lin = TAPC_LOCK_INIT(l_lin, "lin");
static struct tapc_lock l_tpcount = TAPC_LOCK_INIT(l_tpcount, "tpcount");
static struct tapc_lock l_hits = TAPC_LOCK_INIT(l_hits, "hits");
static struct tapc_lock l_ticks = TAPC_LOCK_INIT(l_ticks, "ticks");
static struct tapc_lock l_rets = TAPC_LOCK_INIT(l_rets, "rets");
static struct tapc_lock l_calls = TAPC_LOCK_INIT(l_calls, "calls");

struct key_calls { int64_t k1; };
struct key_tpcount { int64_t k1; };

/* ---- frames ---- */
struct frame_probe_1 { struct key_calls key; };
struct frame_probe_2 { int64_t ret; };
struct frame_probe_end { void *it; int64_t n; };
struct frame_probe_tp { struct key_tpcount key; tapc_string comm; };
struct frame_probe_end10 { struct key_tpcount key; int64_t cnt, sum, var; };
union tapc_frame_any {
	struct frame_probe_1 p1;
	struct frame_probe_2 p2;
	struct frame_probe_end pe;
	struct frame_probe_tp tp;
	struct frame_probe_end10 pe10;
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
	struct entry_probe_2 *e = c->probe_data;

	e->t0 = tapc_gettimeofday_ns();
}

static void probe_2(struct tapc_context *c)	/* getpid return */
{
	static struct tapc_lock *const locks[] = { &l_rets };
	struct frame_probe_2 *f = tapc_frame(c, 0);
	struct entry_probe_2 *e = c->probe_data;

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

static void probe_begin_m1(struct tapc_context *c)	/* begin(-1) */
{
	int i;

	tapc_printf(c, "begin prio -1\n");
	/* no tapc_lock: `<<<` only touches this CPU's copy */
	tapc_stat_add(g_x, -1);
	tapc_stat_add(g_x, 1);
	/* the counts of SystemTap's linear.exp example: 177 in [0,50),
	 * 170 in [50,100), 3 in [1450,1500) */
	for (i = 0; i < 350; i++)
		tapc_stat_add(g_lin, i < 177 ? i % 50 : i < 347 ? 50 + i % 50 : 1499);
}

static void probe_begin_5(struct tapc_context *c)	/* begin(5) */
{
	tapc_printf(c, "begin prio 5\n");
}

/* kernel.trace("sched_process_exec"): TP_PROTO(struct task_struct *p,
 * pid_t old_pid, struct linux_binprm *bprm) */
static void probe_exec(struct tapc_context *c)
{
	struct frame_probe_tp *f = tapc_frame(c, 0);
	struct task_struct *p = (struct task_struct *)(unsigned long)((u64 *)c->probe_data)[0];

	if (tapc_actions(c, 1, "t.stp:9:1"))
		return;
	if (tapc_pid() != tapc_target_pid())
		return;
	if (!tapc_kernel_string(c, f->comm, (unsigned long)p->comm, "t.stp:9:40"))
		return;
	tapc_printf(c, "exec %s pid=%lld old_pid=%lld\n", f->comm,
		    (long long)p->tgid, (long long)((u64 *)c->probe_data)[1]);
}

static void tp_cb_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	struct tapc_trace_site *s = data;
	u64 args[3] = { (u64)(unsigned long)p, (u64)old_pid, (u64)(unsigned long)bprm };
	struct tapc_context *c = tapc_trace_enter(s, args);

	if (!c)
		return;
	s->handler(c);
	tapc_trace_exit(c);
}

/* kernel.trace("sys_enter"): TP_PROTO(struct pt_regs *regs, long id) */
static void probe_sys_enter(struct tapc_context *c)
{
	struct frame_probe_tp *f = tapc_frame(c, 0);

	if (tapc_actions(c, 1, "t.stp:10:1"))
		return;
	if ((long)((u64 *)c->probe_data)[1] != __NR_getpid || tapc_pid() != tapc_target_pid())
		return;
	memset(&f->key, 0, sizeof(f->key));
	f->key.k1 = tapc_pid();
	if (!tapc_stat_map_add(c, g_tpcount, &f->key, (long)((u64 *)c->probe_data)[1],
			       "operator '<<<' at t.stp:10:50"))
		return;
	tapc_counter_add(g_n_getpid, 1);
}

static void tp_cb_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct tapc_trace_site *s = data;
	u64 args[2] = { (u64)(unsigned long)regs, (u64)id };
	struct tapc_context *c = tapc_trace_enter(s, args);

	if (!c)
		return;
	s->handler(c);
	tapc_trace_exit(c);
}

static void probe_profile(struct tapc_context *c)	/* timer.profile */
{
	tapc_counter_add(g_n_prof, 1);
}

static void probe_jiffies(struct tapc_context *c)	/* timer.jiffies(5) */
{
	tapc_counter_add(g_n_jiff, 1);
}

static void probe_error(struct tapc_context *c)
{
	tapc_printf(c, "error probe\n");
}

static void probe_end10(struct tapc_context *c)	/* end(10) */
{
	static struct tapc_lock *const locks[] = { &l_x, &l_lin, &l_tpcount };
	struct frame_probe_end10 *f = tapc_frame(c, 0);
	const struct tapc_stat_data *d;

	if (!tapc_lock_all(c, locks, 3))
		return;
	tapc_stat_print_hist(c, tapc_stat_get(g_x), &shape_x);
	tapc_stat_print_hist(c, tapc_stat_get(g_lin), &shape_lin);
	memset(&f->key, 0, sizeof(f->key));
	f->key.k1 = tapc_target_pid();
	d = tapc_stat_map_get(g_tpcount, &f->key);
	if (!tapc_stat_extract(c, d, &shape_tpcount, TAPC_STAT_COUNT, &f->cnt, "t.stp:20:1"))
		goto out;
	if (f->cnt) {
		if (!tapc_stat_extract(c, d, &shape_tpcount, TAPC_STAT_SUM, &f->sum, "t.stp:20:2") ||
		    !tapc_stat_extract(c, d, &shape_tpcount, TAPC_STAT_VARIANCE, &f->var, "t.stp:20:3"))
			goto out;
		tapc_printf(c, "tp getpid count=%lld avg=%lld variance=%lld\n",
			    f->cnt, f->sum / f->cnt, f->var);
	}
	tapc_printf(c, "tp getpid counter=%lld\n", tapc_counter_read(g_n_getpid));
	tapc_printf(c, "profile>0=%d jiffies>0=%d\n",
		    tapc_counter_read(g_n_prof) > 0, tapc_counter_read(g_n_jiff) > 0);
out:
	tapc_unlock_all(locks, 3);
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
	{ .jiffies = 1, .per_cpu = true, .pp = "timer.profile", .handler = probe_profile },
	{ .jiffies = 5, .randomize_jiffies = 2, .pp = "timer.jiffies(5).randomize(2)",
	  .handler = probe_jiffies },
};

static struct tapc_trace_site tapc_trace_sites[] = {
	{ .name = "sched_process_exec", .pp = "kernel.trace(\"sched_process_exec\")",
	  .callback = tp_cb_exec, .handler = probe_exec },
	{ .name = "sys_enter", .pp = "kernel.trace(\"sys_enter\")",
	  .callback = tp_cb_sys_enter, .handler = probe_sys_enter },
	{ .name = "tapc_no_such_tracepoint", .pp = "kernel.trace(\"tapc_no_such_tracepoint\")?",
	  .callback = tp_cb_sys_enter, .handler = probe_sys_enter, .optional = true },
};

/* not const: globals_init() picks how many kprobes */
static struct tapc_site_group tapc_site_groups[] = {
	{ &tapc_kprobe_provider, tapc_kprobe_sites, 2 },
	{ &tapc_tracepoint_provider, tapc_trace_sites, ARRAY_SIZE(tapc_trace_sites) },
	{ &tapc_timer_provider, tapc_timer_sites, ARRAY_SIZE(tapc_timer_sites) },
};

/* deliberately not sorted: the runtime orders by priority */
static const struct tapc_simple_probe tapc_begins[] = {
	{ .pp = "begin(5)", .handler = probe_begin_5, .priority = 5 },
	{ .pp = "begin", .handler = probe_0 },
	{ .pp = "begin(-1)", .handler = probe_begin_m1, .priority = -1 },
};
static const struct tapc_simple_probe tapc_ends[] = {
	{ .pp = "end(10)", .handler = probe_end10, .priority = 10 },
	{ .pp = "end", .handler = probe_end },
};
static const struct tapc_simple_probe tapc_errors[] = {
	{ .pp = "error", .handler = probe_error },
};

static void globals_free(void);

static int globals_init(void)
{
	g_calls = tapc_map_alloc(sizeof(struct key_calls), sizeof(int64_t),
				 MAXMAPENTRIES, false, "calls");
	g_x = tapc_stat_alloc(&shape_x, "x");
	g_lin = tapc_stat_alloc(&shape_lin, "lin");
	g_tpcount = tapc_stat_map_alloc(sizeof(struct key_tpcount), MAXMAPENTRIES,
					false, &shape_tpcount, "tpcount");
	g_n_getpid = tapc_counter_alloc();
	g_n_prof = tapc_counter_alloc();
	g_n_jiff = tapc_counter_alloc();
	/* the translator knows its kprobe count; the test picks it at load */
	tapc_site_groups[0].n = entry_only ? 1 : bad_symbol ? 3 : 2;
	if (!g_calls || !g_x || !g_lin || !g_tpcount || !g_n_getpid ||
	    !g_n_prof || !g_n_jiff) {
		globals_free();
		return -ENOMEM;
	}
	return 0;
}

static void globals_free(void)
{
	tapc_map_free(g_calls);
	tapc_stat_free(g_x);
	tapc_stat_free(g_lin);
	tapc_stat_map_free(g_tpcount);
	tapc_counter_free(g_n_getpid);
	tapc_counter_free(g_n_prof);
	tapc_counter_free(g_n_jiff);
}

struct tapc_module_desc tapc_module = {
	.name = "tapc_test",
	.script = "t.stp",
	.groups = tapc_site_groups,
	.n_groups = ARRAY_SIZE(tapc_site_groups),
	.begins = tapc_begins, .n_begins = ARRAY_SIZE(tapc_begins),
	.ends = tapc_ends, .n_ends = ARRAY_SIZE(tapc_ends),
	.errors = tapc_errors, .n_errors = ARRAY_SIZE(tapc_errors),
	.frame_size = sizeof(union tapc_frame_any),
	.globals_init = globals_init,
	.globals_free = globals_free,
};
