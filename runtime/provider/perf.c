// SPDX-License-Identifier: GPL-2.0
/*
 * provider/perf.c - perf.type(T).config(C) probes as kernel perf events.
 *
 * The overflow handler is the probe's hit: it takes the CPU's context as
 * every provider does (in any context: NMI for hardware counters, hard irq
 * for the hrtimer-driven cpu_clock/task_clock, the scheduler with its run
 * queue locked for context switches), so the body follows the runtime's
 * rules (raw locks, no sleeping, no wakeups).  Events are created and
 * released only from process context: registration, the CPU hotplug
 * callbacks, and the task_work that attaches a process that exec'd a
 * .process("PATH") program in that process, before it returns to user
 * space (the exec tracepoint itself only queues it).
 */
#include <linux/perf_event.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/namei.h>
#include <linux/fs.h>
#include <linux/task_work.h>
#include <linux/delay.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "perf.h"

static void tapc_perf_overflow(struct perf_event *event,
			       struct perf_sample_data *data,
			       struct pt_regs *regs)
{
	/* inherited events (a target's children) keep the parent's context */
	struct tapc_perf_site *s = event->overflow_handler_context;

	tapc_run_probe(s->pp, s->handler, regs, false);
}

static void tapc_perf_attr(const struct tapc_perf_site *s,
			   struct perf_event_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->type = s->type;
	a->size = sizeof(*a);
	a->config = s->config;
	if (s->freq) {
		a->freq = 1;
		a->sample_freq = s->period;
	} else {
		a->sample_period = s->period;
	}
	a->inherit = s->scope != TAPC_PERF_CPUS;
}

/* What the kernel's refusal means, for the registration error. */
static const char *tapc_perf_why(long rc)
{
	switch (rc) {
	case -ENOENT:
		return "no PMU on this machine provides this event";
	case -EOPNOTSUPP:
		return "this machine can't sample this event (no counter interrupt)";
	case -EINVAL:
		return "the kernel rejects this type/config";
	case -EBUSY:
		return "the counter is in use";
	case -ENODEV:
		return "no such device (CPU offline)";
	case -ESRCH:
		return "no target process (-c or -x)";
	case -EACCES:
	case -EPERM:
		return "not permitted";
	default:
		return "";
	}
}

static void tapc_perf_report(const struct tapc_perf_site *s, long rc)
{
	tapc_err("probe %s registration error (rc %ld): %s", s->pp, rc,
		 tapc_perf_why(rc));
}

static struct perf_event *tapc_perf_create(struct tapc_perf_site *s, int cpu,
					   struct task_struct *task)
{
	struct perf_event_attr attr;

	tapc_perf_attr(s, &attr);
	return perf_event_create_kernel_counter(&attr, cpu, task,
						tapc_perf_overflow, s);
}

/* ---- every CPU: a hotplug state creates and releases the events ---- */

static struct tapc_perf_site *tapc_perf_sites_armed;
static unsigned int tapc_perf_nsites;
static int tapc_perf_state;		/* the dynamic hotplug state, 0: none */
static bool tapc_perf_setting_up;	/* the first round: errors fail it */

static int tapc_perf_offline(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < tapc_perf_nsites; i++) {
		struct tapc_perf_site *s = &tapc_perf_sites_armed[i];

		if (s->cpu_events && s->cpu_events[cpu]) {
			perf_event_release_kernel(s->cpu_events[cpu]);
			s->cpu_events[cpu] = NULL;
		}
	}
	return 0;
}

static int tapc_perf_online(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < tapc_perf_nsites; i++) {
		struct tapc_perf_site *s = &tapc_perf_sites_armed[i];
		struct perf_event *ev;

		if (!s->cpu_events || s->failed)
			continue;
		ev = tapc_perf_create(s, cpu, NULL);
		if (!IS_ERR(ev)) {
			s->cpu_events[cpu] = ev;
			continue;
		}
		if (s->optional) {
			s->failed = true;
			continue;
		}
		if (!tapc_perf_setting_up) {
			/* never keep a CPU from coming online */
			tapc_warn("perf probe %s: no event on CPU %u (rc %ld): %s",
				  s->pp, cpu, PTR_ERR(ev), tapc_perf_why(PTR_ERR(ev)));
			continue;
		}
		tapc_perf_report(s, PTR_ERR(ev));
		/* the rollback tears down the CPUs before, not this one */
		tapc_perf_offline(cpu);
		return PTR_ERR(ev);
	}
	return 0;
}

/* ---- .process("PATH"): processes that exec it ---- */

static struct tracepoint *tapc_perf_exec_tp;

static void tapc_perf_find_tp(struct tracepoint *tp, void *priv)
{
	if (!tapc_perf_exec_tp && !strcmp(tp->name, "sched_process_exec"))
		tapc_perf_exec_tp = tp;
}

/* Exec'd attachments not yet made: each holds a task_work callback in
 * our module, so unregistration waits until none is left. */
static atomic_t tapc_perf_pending = ATOMIC_INIT(0);

/* The task_work of a process that exec'd the program: runs in that
 * process, before it returns to user space, so it is counted from its
 * first instruction on. */
static void tapc_perf_attach(struct callback_head *cb)
{
	struct tapc_perf_task *t = container_of(cb, struct tapc_perf_task, twork);
	struct perf_event *ev = tapc_perf_create(t->site, -1, current);

	if (IS_ERR(ev))
		tapc_warn("perf probe %s: can't count pid %d (rc %ld): %s",
			  t->site->pp, task_pid_nr(current), PTR_ERR(ev),
			  tapc_perf_why(PTR_ERR(ev)));
	else
		WRITE_ONCE(t->event, ev);
	atomic_dec(&tapc_perf_pending);
}

/* The exec tracepoint, in the exec'ing process (p is current): a slot
 * and a task_work per process that exec'd the program; no allocation. */
static void tapc_perf_exec(void *data, struct task_struct *p, pid_t old_pid,
			   struct linux_binprm *bprm)
{
	struct inode *inode = file_inode(bprm->file);
	unsigned int i;

	for (i = 0; i < tapc_perf_nsites; i++) {
		struct tapc_perf_site *s = &tapc_perf_sites_armed[i];
		int slot;

		if (s->scope != TAPC_PERF_EXEC || !s->tasks ||
		    inode->i_ino != s->ino || inode->i_sb->s_dev != s->dev)
			continue;
		slot = atomic_inc_return(&s->ntasks) - 1;
		if (slot >= TAPC_PERF_MAXTASKS) {
			if (slot == TAPC_PERF_MAXTASKS)
				tapc_warn("perf probe %s: more than %d processes of %s, the rest not counted (-D TAPC_PERF_MAXTASKS)",
					  s->pp, TAPC_PERF_MAXTASKS, s->path);
			continue;
		}
		init_task_work(&s->tasks[slot].twork, tapc_perf_attach);
		atomic_inc(&tapc_perf_pending);
		if (task_work_add(p, &s->tasks[slot].twork, TWA_RESUME))
			atomic_dec(&tapc_perf_pending);	/* exiting: nothing to count */
	}
}

static int tapc_perf_exec_setup(struct tapc_perf_site *s)
{
	struct path path;
	unsigned int i;
	int rc;

	rc = kern_path(s->path, LOOKUP_FOLLOW, &path);
	if (rc)
		return rc;
	s->dev = d_backing_inode(path.dentry)->i_sb->s_dev;
	s->ino = d_backing_inode(path.dentry)->i_ino;
	path_put(&path);
	s->tasks = kcalloc(TAPC_PERF_MAXTASKS, sizeof(*s->tasks), GFP_KERNEL);
	if (!s->tasks)
		return -ENOMEM;
	for (i = 0; i < TAPC_PERF_MAXTASKS; i++)
		s->tasks[i].site = s;
	atomic_set(&s->ntasks, 0);
	return 0;
}

/* ---- the group ---- */

static int tapc_perf_target(struct tapc_perf_site *s)
{
	struct pid *pid = find_get_pid(tapc_target);
	struct task_struct *task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	struct perf_event *ev;

	put_pid(pid);
	if (!tapc_target || !task)
		return -ESRCH;
	ev = tapc_perf_create(s, -1, task);
	put_task_struct(task);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	s->task_event = ev;
	return 0;
}

static void tapc_perf_unregister(void *sites, unsigned int n);

static int tapc_perf_register(void *sites, unsigned int n)
{
	struct tapc_perf_site *site = sites;
	bool cpus = false, exec = false;
	unsigned int i;
	int rc = 0;

	tapc_perf_sites_armed = site;
	tapc_perf_nsites = n;
	for (i = 0; i < n && !rc; i++) {
		struct tapc_perf_site *s = &site[i];

		s->failed = false;
		if (s->scope == TAPC_PERF_CPUS) {
			s->cpu_events = kcalloc(nr_cpu_ids, sizeof(*s->cpu_events), GFP_KERNEL);
			rc = s->cpu_events ? 0 : -ENOMEM;
			cpus = true;
		} else if (s->scope == TAPC_PERF_TARGET) {
			rc = tapc_perf_target(s);
		} else {
			rc = tapc_perf_exec_setup(s);
			exec = true;
		}
		if (rc && s->optional) {
			s->failed = true;
			rc = 0;
		} else if (rc) {
			tapc_perf_report(s, rc);
		}
	}
	if (!rc && exec) {
		for_each_kernel_tracepoint(tapc_perf_find_tp, NULL);
		rc = tapc_perf_exec_tp ?
			tracepoint_probe_register(tapc_perf_exec_tp, (void *)tapc_perf_exec, NULL) :
			-ENOENT;
		if (rc) {
			tapc_err("perf .process(\"PATH\") probes: no sched_process_exec tracepoint (rc %d)", rc);
			tapc_perf_exec_tp = NULL;
		}
	}
	if (!rc && cpus) {
		/* creates every online CPU's events before it returns */
		tapc_perf_setting_up = true;
		rc = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tapc/perf",
				       tapc_perf_online, tapc_perf_offline);
		tapc_perf_setting_up = false;
		if (rc > 0) {
			tapc_perf_state = rc;
			rc = 0;
		}
	}
	if (rc)
		tapc_perf_unregister(sites, n);
	return rc;
}

static void tapc_perf_unregister(void *sites, unsigned int n)
{
	struct tapc_perf_site *site = sites;
	unsigned int i, k;

	if (tapc_perf_exec_tp) {
		tracepoint_probe_unregister(tapc_perf_exec_tp, (void *)tapc_perf_exec, NULL);
		tracepoint_synchronize_unregister();
		tapc_perf_exec_tp = NULL;
	}
	/* a task_work runs as its process leaves exec (or exits): soon */
	for (k = 0; atomic_read(&tapc_perf_pending) && k < 10000; k++)
		msleep(1);
	if (atomic_read(&tapc_perf_pending))
		tapc_warn("perf: %d exec'd processes never ran their attachment",
			  atomic_read(&tapc_perf_pending));
	/* releases every online CPU's events; no CPU can come online to
	 * make new ones */
	if (tapc_perf_state > 0)
		cpuhp_remove_state(tapc_perf_state);
	tapc_perf_state = 0;
	for (i = 0; i < n; i++) {
		struct tapc_perf_site *s = &site[i];

		kfree(s->cpu_events);
		s->cpu_events = NULL;
		if (s->task_event)
			perf_event_release_kernel(s->task_event);
		s->task_event = NULL;
		if (!s->tasks)
			continue;
		for (k = 0; k < TAPC_PERF_MAXTASKS; k++)
			if (s->tasks[k].event)
				perf_event_release_kernel(s->tasks[k].event);
		kfree(s->tasks);
		s->tasks = NULL;
	}
	tapc_perf_sites_armed = NULL;
	tapc_perf_nsites = 0;
}

const struct tapc_provider tapc_perf_provider = {
	.name = "perf",
	.register_sites = tapc_perf_register,
	.unregister_sites = tapc_perf_unregister,
};
