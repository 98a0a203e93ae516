// SPDX-License-Identifier: GPL-2.0
/*
 * provider/uprocess_now.c - process.begin and thread.begin of the
 * processes and threads already running at start (provider/uprocess.h).
 *
 * As in SystemTap, their begin runs in their own context: each gets a
 * task_work (TWA_RESUME) that fires the begin sites as it next returns to
 * user space, so pid(), execname() and user memory are its own.  A task
 * asleep through the whole session never returns there: its work is
 * still queued at stop, and task_work_cancel() is not exported.  Stop
 * then rewrites the queued work's function to kfree() (the work is the
 * start of its own allocation, so the task frees it when it runs it) and
 * waits for an RCU-tasks grace period: a task that read our function
 * before the rewrite is either in it (counted, waited for) or between the
 * read and the call, where it can't switch voluntarily, which the grace
 * period waits for.  All state changes of a work happen under one lock.
 *
 * Tasks forked while we walk the task list get their begin from
 * schedule_tail (uprocess.c) and must not get a second: the walk skips
 * tasks that schedule_tail reported meanwhile (tapc_now_born), and
 * schedule_tail marks the queued work of a task it reports as skipped
 * (still queued: its function runs later, so stop still disarms it).
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>

#include "../tapc_runtime.h"
#include "../session.h"
#include "../library.h"
#include "../ubin.h"
#include "uprocess.h"

/* SKIP: schedule_tail gave the begin; ABANDONED: stop took it off the
 * list and disarmed it */
enum { TAPC_NOW_PENDING, TAPC_NOW_SKIP, TAPC_NOW_ABANDONED };

struct tapc_now_work {
	struct callback_head cb;	/* first: an abandoned work is kfree()d through it */
	struct list_head node;		/* on tapc_now_queued until its function runs */
	struct task_struct *task;	/* compared only, never dereferenced */
	struct mm_struct *mm;		/* the image at start: after an exec, exec's begin counts */
	enum tapc_uprocess_event ev;
	int state;
};

static DEFINE_RAW_SPINLOCK(tapc_now_lock);
static LIST_HEAD(tapc_now_queued);
static atomic_t tapc_now_npending = ATOMIC_INIT(0);	/* queued works still PENDING */
static atomic_t tapc_now_running = ATOMIC_INIT(0);
static bool tapc_now_armed;

/* Tasks schedule_tail reported while the walk runs (a fork burst during
 * it is short); past the end, a task may get two begins. */
#define TAPC_NOW_BORN 256
static struct task_struct *tapc_now_born[TAPC_NOW_BORN];
static unsigned int tapc_now_nborn;
static bool tapc_now_walking;
/* when the walk ended: a task forked later (its start_time is taken
 * before it is on the task list) has no work of ours */
static u64 tapc_now_walk_end;

static bool tapc_now_was_born(struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < tapc_now_nborn && i < TAPC_NOW_BORN; i++)
		if (tapc_now_born[i] == t)
			return true;
	return false;
}

void tapc_uprocess_now_born(void)
{
	struct tapc_now_work *w;
	unsigned long flags;

	if (!READ_ONCE(tapc_now_walking) &&
	    (!atomic_read(&tapc_now_npending) || current->start_time > READ_ONCE(tapc_now_walk_end)))
		return;
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	if (tapc_now_walking && tapc_now_nborn < TAPC_NOW_BORN)
		tapc_now_born[tapc_now_nborn++] = current;
	/* still queued (stop must still disarm it): it only won't fire */
	list_for_each_entry(w, &tapc_now_queued, node) {
		if (w->task == current && w->state == TAPC_NOW_PENDING) {
			w->state = TAPC_NOW_SKIP;
			atomic_dec(&tapc_now_npending);
			break;
		}
	}
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
}

static void tapc_now_run(struct callback_head *cb)
{
	struct tapc_now_work *w = container_of(cb, struct tapc_now_work, cb);
	unsigned long flags;
	bool fire;

	atomic_inc(&tapc_now_running);
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	/* off the list: stop leaves it alone (an abandoned one is off it
	 * already, and we read our function before stop rewrote it) */
	if (w->state != TAPC_NOW_ABANDONED)
		list_del(&w->node);
	fire = w->state == TAPC_NOW_PENDING;
	if (fire)
		atomic_dec(&tapc_now_npending);
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
	if (fire && !(current->flags & PF_EXITING) && current->mm == w->mm) {
		/* a task on another CPU may get here before start has opened
		 * the probes: its begin waits for them (we hold no lock) */
		while (tapc_session_starting() && READ_ONCE(tapc_now_armed))
			msleep(1);
		tapc_uprocess_fire(w->ev, task_pt_regs(current), false, false);
	}
	kfree(w);
	atomic_dec(&tapc_now_running);
}

/* taprun's -c child, still waiting for start: it begins when it execs
 * its command (uprocess.c), not as taprun's fork. */
static bool tapc_now_unexeced_target(struct task_struct *t)
{
	return tapc_target && t->tgid == tapc_target && tapc_stp_pid &&
	       rcu_dereference(t->real_parent)->tgid == tapc_stp_pid;
}

/* Queue t's begin; false when out of memory. */
static bool tapc_now_queue(struct task_struct *t, enum tapc_uprocess_event ev)
{
	struct tapc_now_work *w = kzalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);
	unsigned long flags;
	bool skip;

	if (!w)
		return false;
	init_task_work(&w->cb, tapc_now_run);
	w->task = t;
	w->mm = t->mm;
	w->ev = ev;
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	skip = tapc_now_was_born(t);
	if (!skip) {
		w->state = TAPC_NOW_PENDING;
		list_add(&w->node, &tapc_now_queued);
		atomic_inc(&tapc_now_npending);
	}
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
	if (skip) {
		kfree(w);
		return true;
	}
	if (!task_work_add(t, &w->cb, TWA_RESUME))
		return true;
	/* exiting: the work never runs, it is still ours */
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	list_del(&w->node);
	if (w->state == TAPC_NOW_PENDING)
		atomic_dec(&tapc_now_npending);
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
	kfree(w);
	return true;
}

void tapc_uprocess_now_start(bool procs, bool threads)
{
	struct task_struct *p, *t;
	unsigned long flags;
	bool ok = true;

	WRITE_ONCE(tapc_now_armed, true);
	rcu_read_lock();
	for_each_process_thread(p, t) {
		bool leader = thread_group_leader(t);

		if (!ok)
			break;
		/* the begin checks the rest in the task (its program) */
		if ((t->flags & (PF_KTHREAD | PF_IO_WORKER | PF_EXITING)) || !t->mm ||
		    tapc_now_unexeced_target(t) || !tapc_task_in_target(t))
			continue;
		if (leader ? procs : threads)
			ok = tapc_now_queue(t, leader ? TAPC_UPROCESS_BEGIN : TAPC_UPROCESS_THREAD_BEGIN);
	}
	rcu_read_unlock();
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	WRITE_ONCE(tapc_now_walk_end, ktime_get_ns());
	tapc_now_walking = false;
	tapc_now_nborn = 0;
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
	if (!ok)
		tapc_warn("process.begin: out of memory queueing the begins of running processes; some get none");
}

void tapc_uprocess_now_walk_begins(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	WRITE_ONCE(tapc_now_walk_end, U64_MAX);
	tapc_now_walking = true;
	tapc_now_nborn = 0;
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
}

void tapc_uprocess_now_stop(void)
{
	struct tapc_now_work *w, *n;
	unsigned long flags;
	unsigned int k;

	if (!READ_ONCE(tapc_now_armed))
		return;
	WRITE_ONCE(tapc_now_armed, false);
	raw_spin_lock_irqsave(&tapc_now_lock, flags);
	list_for_each_entry_safe(w, n, &tapc_now_queued, node) {
		list_del(&w->node);
		if (w->state == TAPC_NOW_PENDING)
			atomic_dec(&tapc_now_npending);
		w->state = TAPC_NOW_ABANDONED;
		/* the last write: the task may free w as soon as it is seen */
		smp_store_release(&w->cb.func, (task_work_func_t)(void *)kfree);
	}
	tapc_now_walking = false;
	raw_spin_unlock_irqrestore(&tapc_now_lock, flags);
	/* the works that claimed themselves finish their begin */
	for (k = 0; atomic_read(&tapc_now_running) && k < 10000; k++)
		msleep(1);
	if (atomic_read(&tapc_now_running))
		tapc_warn("process.begin: %d begins of running processes still running at stop",
			  atomic_read(&tapc_now_running));
	synchronize_rcu_tasks();
}
