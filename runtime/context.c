// SPDX-License-Identifier: GPL-2.0
/*
 * context.c - per-CPU probe contexts, the action budget, script errors,
 * global-variable locks and the context functions (execname, uid, ...).
 *
 * Every probe hit runs on its CPU's context: the locals frames live there
 * (not on the kernel stack), so a second hit on the same CPU while one is
 * running (an interrupt, a probe inside a called function) is skipped and
 * counted instead of corrupting them.  As in SystemTap with its default
 * INTERRUPTIBLE=1, such reentrancy skips are counted apart from the
 * "skipped probes" total (lock timeouts) and don't count toward MAXSKIPPED.
 * Preemption stays disabled from enter to exit so the hit cannot migrate
 * away from its context.
 */
#include <linux/vmalloc.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/timekeeping.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/uaccess.h>

#include "tapc_runtime.h"
#include "context.h"
#include "print.h"
#include "session.h"

static struct tapc_context **tapc_contexts;	/* [nr_cpu_ids] */

int tapc_context_init(void)
{
	size_t fsz = tapc_module.frame_size * (MAXNESTING + 1);
	int cpu;

	tapc_contexts = kcalloc(nr_cpu_ids, sizeof(*tapc_contexts), GFP_KERNEL);
	if (!tapc_contexts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct tapc_context *c = vzalloc(sizeof(*c));

		if (!c)
			goto nomem;
		tapc_contexts[cpu] = c;
		if (fsz) {
			c->frames = vzalloc(fsz);
			if (!c->frames)
				goto nomem;
		}
	}
	return 0;
nomem:
	tapc_context_free();
	return -ENOMEM;
}

void tapc_context_free(void)
{
	int cpu;

	if (!tapc_contexts)
		return;
	for_each_possible_cpu(cpu) {
		struct tapc_context *c = tapc_contexts[cpu];

		if (c) {
			vfree(c->frames);
			vfree(c);
		}
	}
	kfree(tapc_contexts);
	tapc_contexts = NULL;
}

void tapc_context_wait_idle(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		/* handlers are bounded by MAXACTION: a second is plenty */
		for (i = 0; i < 1000; i++) {
			if (!atomic_read(&tapc_contexts[cpu]->busy))
				break;
			msleep(1);
		}
	}
}

struct tapc_context *tapc_context_acquire(const char *pp, bool interruptible)
{
	struct tapc_context *c;

	preempt_disable();
	c = tapc_contexts[smp_processor_id()];
	if (atomic_cmpxchg(&c->busy, 0, 1) != 0) {
		preempt_enable();
		tapc_session_count_reentrant();
		return NULL;
	}
	c->probe_point = pp;
	c->probe_func = "";
	c->regs = NULL;
	c->kri = NULL;
	c->entry_data = NULL;
	c->actions_left = interruptible ? MAXACTION_INTERRUPTIBLE : MAXACTION;
	c->nesting = 0;
	c->last_error = NULL;
	c->error_loc = NULL;
	c->pb_len = 0;
	return c;
}

struct tapc_context *tapc_context_enter(const char *pp, bool interruptible)
{
	if (!tapc_session_probes_on())
		return NULL;
	return tapc_context_acquire(pp, interruptible);
}

void tapc_context_exit(struct tapc_context *c)
{
	if (unlikely(c->last_error)) {
		tapc_print_error(c);
		tapc_session_count_error();
	}
	tapc_print_flush(c);
	atomic_set(&c->busy, 0);
	preempt_enable();
}

void tapc_run_probe(const char *pp, tapc_handler_t h, struct pt_regs *regs,
		    bool interruptible)
{
	struct tapc_context *c = tapc_context_enter(pp, interruptible);

	if (!c)
		return;
	c->regs = regs;
	h(c);
	tapc_context_exit(c);
}

bool tapc_actions_over(struct tapc_context *c, long n, const char *loc)
{
	tapc_error(c, "MAXACTION exceeded", loc);
	return true;
}

void tapc_error(struct tapc_context *c, const char *msg, const char *loc)
{
	if (c->last_error)	/* keep the first error of this hit */
		return;
	c->last_error = msg;
	c->error_loc = loc;
}

void tapc_errorf(struct tapc_context *c, const char *loc, const char *fmt, ...)
{
	va_list ap;

	if (c->last_error)
		return;
	va_start(ap, fmt);
	vsnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	tapc_error(c, c->error_buf, loc);
}

bool tapc_enter(struct tapc_context *c, const char *loc)
{
	if (c->nesting >= MAXNESTING) {
		tapc_error(c, "MAXNESTING exceeded", loc);
		return false;
	}
	c->nesting++;
	return true;
}

/*
 * Global locks: raw spinlocks (never sleeping locks, also on PREEMPT_RT),
 * taken only with trylock so a handler can never wait unboundedly; the
 * total wait is MAXTRYLOCK * TRYLOCKDELAY microseconds per lock.
 */
bool tapc_lock_all(struct tapc_context *c, struct tapc_lock *const *locks, int n)
{
	int i, t;

	for (i = 0; i < n; i++) {
		for (t = 0; t < MAXTRYLOCK; t++) {
			if (raw_spin_trylock(&locks[i]->lock))
				break;
			udelay(TRYLOCKDELAY);
		}
		if (t == MAXTRYLOCK) {
			tapc_unlock_all(locks, i);
			tapc_session_count_skip();
			return false;
		}
	}
	return true;
}

void tapc_unlock_all(struct tapc_lock *const *locks, int n)
{
	while (n-- > 0)
		raw_spin_unlock(&locks[n]->lock);
}

/* ---- context functions ---- */

void tapc_execname(char *dst)
{
	/* get_task_comm() takes task_lock: not allowed here; a racy copy
	 * of current's own comm is always NUL-terminated by strscpy. */
	strscpy(dst, current->comm, MAXSTRINGLEN < TASK_COMM_LEN ?
		MAXSTRINGLEN : TASK_COMM_LEN);
}

int64_t tapc_uid(void)
{
	return from_kuid_munged(current_user_ns(), current_uid());
}

int64_t tapc_gettimeofday_ns(void)
{
	/* NMI-safe, unlike ktime_get_real_ns() */
	return ktime_get_real_fast_ns();
}

int64_t tapc_ppid(void)
{
	int64_t ppid;

	/* real_parent is RCU-protected; handlers run with preemption off,
	 * which is an RCU read-side section, but say so for lockdep */
	rcu_read_lock();
	ppid = rcu_dereference(current->real_parent)->tgid;
	rcu_read_unlock();
	return ppid;
}

int64_t tapc_gid(void)
{
	return from_kgid_munged(current_user_ns(), current_gid());
}

int64_t tapc_euid(void)
{
	return from_kuid_munged(current_user_ns(), current_euid());
}

int64_t tapc_egid(void)
{
	return from_kgid_munged(current_user_ns(), current_egid());
}

int64_t tapc_ktime_ns(void)
{
	return local_clock();
}

bool tapc_kread(struct tapc_context *c, void *dst, unsigned long addr,
		size_t n, const char *loc)
{
	if (likely(!copy_from_kernel_nofault(dst, (const void *)addr, n)))
		return true;
	tapc_errorf(c, loc, "read fault [man error::fault] at 0x%lx", addr);
	return false;
}

/*
 * strncpy_from_{kernel,user}_nofault() are not exported to modules: copy
 * page by page with the exported copy_from_*_nofault() and stop at the
 * NUL.  Bytes after the NUL are read only up to the end of its page, which
 * is mapped since the NUL was.  Returns the length or -EFAULT.
 */
static long tapc_strncpy_nofault(char *dst, unsigned long addr, bool user)
{
	size_t n = 0;

	while (n < MAXSTRINGLEN - 1) {
		size_t chunk = min_t(size_t, MAXSTRINGLEN - 1 - n,
				     PAGE_SIZE - ((addr + n) & ~PAGE_MASK));
		char *nul;
		long rc;

		if (user)
			rc = copy_from_user_nofault(dst + n,
					(const void __user *)(addr + n), chunk);
		else
			rc = copy_from_kernel_nofault(dst + n,
					(const void *)(addr + n), chunk);
		if (rc)
			return -EFAULT;
		nul = memchr(dst + n, '\0', chunk);
		if (nul)
			return nul - dst;
		n += chunk;
	}
	dst[n] = '\0';
	return n;
}

bool tapc_kernel_string(struct tapc_context *c, char *dst, unsigned long addr,
			const char *loc)
{
	if (likely(tapc_strncpy_nofault(dst, addr, false) >= 0))
		return true;
	dst[0] = '\0';
	tapc_errorf(c, loc, "kernel string copy fault at 0x%lx [man error::fault]",
		    addr);
	return false;
}

bool tapc_user_string(struct tapc_context *c, char *dst, unsigned long addr,
		      const char *loc)
{
	long rc = tapc_strncpy_nofault(dst, addr, true);

	if (likely(rc >= 0))
		return true;
	dst[0] = '\0';
	tapc_errorf(c, loc, "user string copy fault %ld at 0x%lx [man error::fault]",
		    rc, addr);
	return false;
}
