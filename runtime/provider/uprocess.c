// SPDX-License-Identifier: GPL-2.0
/*
 * provider/uprocess.c - process.begin/.end/.thread.begin/.thread.end
 * (provider/uprocess.h).
 *
 * No tracepoint runs in a new task before it returns to user space
 * (sched_process_fork runs in the parent), so a begin is a kretprobe on
 * schedule_tail(), the first function every new task returns from, in
 * its own context (a task running at start: uprocess_now.c).  An exec is the sched_process_exec tracepoint, in the
 * task with its new image.  An end is a kprobe on taskstats_exit(tsk,
 * group_dead): do_exit() calls it in the exiting task before exit_mm(),
 * and group_dead says exactly which exit ends the process (a later
 * tracepoint has neither the memory nor that answer).  Syscalls are the
 * sys_enter and sys_exit tracepoints, whose registers are the task's
 * user registers.
 */
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/tracepoint.h>
#include <linux/binfmts.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "../session.h"
#include "uprocess.h"

static struct tapc_uprocess_site *tapc_uprocs;
static unsigned int tapc_nuprocs;
/* the -c target begins at its first exec (taprun forked it before start) */
static atomic_t tapc_target_begun;

static bool tapc_uprocess_wanted(const struct tapc_uprocess_site *s)
{
	if (s->pid && current->tgid != s->pid)
		return false;
	if (s->exe && !tapc_exe_is(s->exe))
		return false;
	return tapc_in_target();
}

void tapc_uprocess_fire(enum tapc_uprocess_event ev, struct pt_regs *regs, bool exec,
		       bool target_exec)
{
	unsigned int i;

	for (i = 0; i < tapc_nuprocs; i++) {
		const struct tapc_uprocess_site *s = &tapc_uprocs[i];

		if (s->event != ev || (exec && !s->exe && !target_exec))
			continue;
		if (tapc_uprocess_wanted(s))
			tapc_run_probe(s->pp, s->handler, regs, false);
	}
}

/* io_uring's workers are threads of a user process that never run user code */
static bool tapc_user_task(void)
{
	return !(current->flags & (PF_KTHREAD | PF_IO_WORKER));
}

static int tapc_uprocess_born(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!tapc_user_task())
		return 0;
	tapc_uprocess_now_born();
	tapc_uprocess_fire(thread_group_leader(current) ? TAPC_UPROCESS_BEGIN
				   : TAPC_UPROCESS_THREAD_BEGIN, regs, false, false);
	return 0;
}

static void tapc_uprocess_exec(void *data, struct task_struct *p, pid_t old_pid,
			       struct linux_binprm *bprm)
{
	bool target_exec = tapc_target && current->tgid == tapc_target &&
			   !atomic_xchg(&tapc_target_begun, 1);

	tapc_uprocess_fire(TAPC_UPROCESS_BEGIN, NULL, true, target_exec);
}

static int tapc_uprocess_dies(struct kprobe *kp, struct pt_regs *regs)
{
	/* taskstats_exit(struct task_struct *tsk, int group_dead) */
	bool group_dead = (int)regs_get_kernel_argument(regs, 1);

	if (current->flags & PF_KTHREAD)
		return 0;
	if (!thread_group_leader(current) && !(current->flags & PF_IO_WORKER))
		tapc_uprocess_fire(TAPC_UPROCESS_THREAD_END, regs, false, false);
	if (group_dead)
		tapc_uprocess_fire(TAPC_UPROCESS_END, regs, false, false);
	return 0;
}

static void tapc_uprocess_sys_enter(void *data, struct pt_regs *regs, long id)
{
	tapc_uprocess_fire(TAPC_UPROCESS_SYSCALL, regs, false, false);
}

static void tapc_uprocess_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	tapc_uprocess_fire(TAPC_UPROCESS_SYSCALL_RETURN, regs, false, false);
}

/* The tracepoints the sites use, by name, with their callbacks. */
static struct tapc_uprocess_tp {
	const char *name;
	void *callback;
	enum tapc_uprocess_event ev;
	struct tracepoint *tp;		/* registered, or NULL */
} tapc_uprocess_tps[] = {
	{ "sched_process_exec", tapc_uprocess_exec, TAPC_UPROCESS_BEGIN },
	{ "sys_enter", tapc_uprocess_sys_enter, TAPC_UPROCESS_SYSCALL },
	{ "sys_exit", tapc_uprocess_sys_exit, TAPC_UPROCESS_SYSCALL_RETURN },
};

static struct kretprobe tapc_uprocess_krp;
static struct kprobe tapc_uprocess_kp;
static bool tapc_krp_on, tapc_kp_on;

static void tapc_uprocess_tp_match(struct tracepoint *tp, void *priv)
{
	struct tapc_uprocess_tp *t = priv;

	if (!strcmp(tp->name, t->name))
		t->tp = tp;
}

static void tapc_uprocess_unregister(void *sites, unsigned int n)
{
	bool any = false;
	unsigned int i;

	tapc_uprocess_now_stop();
	if (tapc_krp_on) {
		unregister_kretprobe(&tapc_uprocess_krp);
		tapc_session_add_missed(tapc_uprocess_krp.nmissed);
	}
	if (tapc_kp_on)
		unregister_kprobe(&tapc_uprocess_kp);
	for (i = 0; i < ARRAY_SIZE(tapc_uprocess_tps); i++) {
		struct tapc_uprocess_tp *t = &tapc_uprocess_tps[i];

		if (t->tp) {
			tracepoint_probe_unregister(t->tp, t->callback, NULL);
			any = true;
		}
		t->tp = NULL;
	}
	if (any)
		tracepoint_synchronize_unregister();
	tapc_krp_on = tapc_kp_on = false;
}

static bool tapc_uprocess_has(const struct tapc_uprocess_site *site, unsigned int n,
			      enum tapc_uprocess_event a, enum tapc_uprocess_event b)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (site[i].event == a || site[i].event == b)
			return true;
	return false;
}

static int tapc_uprocess_register(void *sites, unsigned int n)
{
	struct tapc_uprocess_site *site = sites;
	const char *what = NULL;
	unsigned int i;
	int rc = 0;

	tapc_uprocs = site;
	tapc_nuprocs = n;
	/* fresh each start: registration fills in addresses and flags */
	memset(&tapc_uprocess_krp, 0, sizeof(tapc_uprocess_krp));
	tapc_uprocess_krp.kp.symbol_name = "schedule_tail";
	tapc_uprocess_krp.handler = tapc_uprocess_born;
	tapc_uprocess_krp.maxactive = 64;
	memset(&tapc_uprocess_kp, 0, sizeof(tapc_uprocess_kp));
	tapc_uprocess_kp.symbol_name = "taskstats_exit";
	tapc_uprocess_kp.pre_handler = tapc_uprocess_dies;
	atomic_set(&tapc_target_begun, 0);
	if (tapc_uprocess_has(site, n, TAPC_UPROCESS_BEGIN, TAPC_UPROCESS_THREAD_BEGIN)) {
		tapc_uprocess_now_walk_begins();
		rc = register_kretprobe(&tapc_uprocess_krp);
		tapc_krp_on = !rc;
		what = "a kretprobe on schedule_tail";
		if (!rc)
			tapc_uprocess_now_start(tapc_uprocess_has(site, n, TAPC_UPROCESS_BEGIN, TAPC_UPROCESS_BEGIN),
						tapc_uprocess_has(site, n, TAPC_UPROCESS_THREAD_BEGIN,
								  TAPC_UPROCESS_THREAD_BEGIN));
	}
	for (i = 0; i < ARRAY_SIZE(tapc_uprocess_tps) && !rc; i++) {
		struct tapc_uprocess_tp *t = &tapc_uprocess_tps[i];

		t->tp = NULL;
		if (!tapc_uprocess_has(site, n, t->ev, t->ev))
			continue;
		for_each_kernel_tracepoint(tapc_uprocess_tp_match, t);
		rc = t->tp ? tracepoint_probe_register(t->tp, t->callback, NULL) : -ENOENT;
		if (rc)
			t->tp = NULL;
		what = t->name;
	}
	if (!rc && tapc_uprocess_has(site, n, TAPC_UPROCESS_END, TAPC_UPROCESS_THREAD_END)) {
		rc = register_kprobe(&tapc_uprocess_kp);
		tapc_kp_on = !rc;
		what = "a kprobe on taskstats_exit";
	}
	if (rc) {
		tapc_err("probe %s registration error (rc %d): %s", site[0].pp, rc, what);
		tapc_uprocess_unregister(sites, n);
	}
	return rc;
}

const struct tapc_provider tapc_uprocess_provider = {
	.name = "uprocess",
	.register_sites = tapc_uprocess_register,
	.unregister_sites = tapc_uprocess_unregister,
};
