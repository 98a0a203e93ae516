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
 * away from its context; the hot path itself (take the context, run the
 * handler, release it) is inline in context.h.
 */
#include <linux/vmalloc.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/timekeeping.h>
#include <linux/preempt.h>
#include <linux/uaccess.h>

#include "tapc_runtime.h"
#include "context.h"
#include "print.h"
#include "session.h"

/* This CPU's context in one %gs-relative load on the hot path. */
DEFINE_PER_CPU(struct tapc_context *, tapc_cpu_context);
/* The same while ordinary probes may run, else NULL: the kprobe hot path
 * checks the session and finds its context with that one load. */
DEFINE_PER_CPU(struct tapc_context *, tapc_cpu_hit_context);

void tapc_context_gate(bool open)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(tapc_cpu_hit_context, cpu),
			   open ? per_cpu(tapc_cpu_context, cpu) : NULL);
}

int tapc_context_init(void)
{
	size_t fsz = tapc_module.frame_size * (MAXNESTING + 1);
	int cpu;

	for_each_possible_cpu(cpu) {
		/* zeroed: not busy, no error, nothing to print */
		struct tapc_context *c = vzalloc(sizeof(*c));

		if (!c)
			goto nomem;
		per_cpu(tapc_cpu_context, cpu) = c;
		c->probe_func = "";
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

	for_each_possible_cpu(cpu) {
		struct tapc_context *c = per_cpu(tapc_cpu_context, cpu);

		if (c) {
			per_cpu(tapc_cpu_hit_context, cpu) = NULL;
			vfree(c->frames);
			vfree(c);
			per_cpu(tapc_cpu_context, cpu) = NULL;
		}
	}
}

void tapc_context_wait_idle(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		/* handlers are bounded by MAXACTION: a second is plenty */
		for (i = 0; i < 1000; i++) {
			if (!atomic_read(&per_cpu(tapc_cpu_context, cpu)->busy))
				break;
			msleep(1);
		}
	}
}

struct tapc_context *tapc_context_acquire(const char *pp, bool interruptible)
{
	struct tapc_context *c;

	preempt_disable();
	c = tapc_context_get(pp, "", NULL, interruptible);
	if (!c)
		preempt_enable();
	return c;
}

struct tapc_context *tapc_context_enter(const char *pp, bool interruptible)
{
	if (!tapc_session_probes_on())
		return NULL;
	return tapc_context_acquire(pp, interruptible);
}

void tapc_context_finish_slow(struct tapc_context *c)
{
	if (c->last_error) {
		if (TAPC_SUPPRESS_HANDLER_ERRORS) {
			tapc_session_count_skip();
		} else {
			tapc_print_error(c);
			tapc_session_count_error();
		}
		c->last_error = NULL;
		c->error_loc = NULL;
	}
	tapc_print_flush(c);
	barrier();	/* done with the fields before the flag drops */
	atomic_set(&c->busy, 0);
}

void tapc_context_exit(struct tapc_context *c)
{
	tapc_context_put(c);
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
	/* abort() empties the budget on purpose: that still stops the hit */
	if (TAPC_SUPPRESS_TIME_LIMITS && !c->last_error) {
		c->actions_left = LONG_MAX;
		return false;
	}
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
 *
 * Every handler runs with preemption disabled (kprobe, tracepoint and
 * timer callbacks are, tapc_context_acquire() does it), so the lock itself
 * is taken without raw_spin_trylock()'s out-of-line call and preempt_count
 * round trip; lockdep still sees every acquire and release.
 */
#ifndef CONFIG_DEBUG_SPINLOCK
static __always_inline bool tapc_trylock(struct tapc_lock *l)
{
	if (!do_raw_spin_trylock(&l->lock))
		return false;
	spin_acquire(&l->lock.dep_map, 0, 1, _RET_IP_);
	return true;
}

static __always_inline void tapc_unlock(struct tapc_lock *l)
{
	spin_release(&l->lock.dep_map, _RET_IP_);
	do_raw_spin_unlock(&l->lock);
}
#else
/* the debug variants of do_raw_spin_*() are not exported to modules */
static __always_inline bool tapc_trylock(struct tapc_lock *l)
{
	return raw_spin_trylock(&l->lock);
}

static __always_inline void tapc_unlock(struct tapc_lock *l)
{
	raw_spin_unlock(&l->lock);
}
#endif

static noinline bool tapc_lock_wait(struct tapc_lock *l)
{
	int t;

	for (t = 1; t < MAXTRYLOCK; t++) {
		udelay(TRYLOCKDELAY);
		if (tapc_trylock(l))
			return true;
	}
	return false;
}

/* A lock was busy: wait for it and take the rest; locks[0..i) are held. */
static noinline bool tapc_lock_all_slow(struct tapc_lock *const *locks,
					int n, int i)
{
	for (; i < n; i++) {
		if (tapc_trylock(locks[i]) || tapc_lock_wait(locks[i]))
			continue;
		tapc_unlock_all(locks, i);
		tapc_session_count_skip();
		return false;
	}
	return true;
}

bool tapc_lock_all(struct tapc_context *c, struct tapc_lock *const *locks, int n)
{
	int i;

	/* the uncontended case saves no registers and calls nothing */
	lockdep_assert_preemption_disabled();
	for (i = 0; i < n; i++)
		if (unlikely(!tapc_trylock(locks[i])))
			return tapc_lock_all_slow(locks, n, i);
	return true;
}

void tapc_unlock_all(struct tapc_lock *const *locks, int n)
{
	while (n-- > 0)
		tapc_unlock(locks[n]);
}

/* tapc_lock_one()'s fast path failed (or is compiled out): try again, wait. */
bool tapc_lock_one_slow(struct tapc_context *c, struct tapc_lock *l)
{
	if (tapc_trylock(l) || tapc_lock_wait(l))
		return true;
	tapc_session_count_skip();
	return false;
}

/* ---- context functions ---- */

int64_t tapc_uid(void)
{
	return from_kuid_munged(current_user_ns(), current_uid());
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
 * is mapped since the NUL was.
 */
long tapc_strncpy_nofault(char *dst, unsigned long addr, size_t max, bool user)
{
	size_t n = 0;

	if (!max)
		return 0;
	while (n < max - 1) {
		size_t chunk = min_t(size_t, max - 1 - n,
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
	if (likely(tapc_strncpy_nofault(dst, addr, MAXSTRINGLEN, false) >= 0))
		return true;
	dst[0] = '\0';
	tapc_errorf(c, loc, "kernel string copy fault at 0x%lx [man error::fault]",
		    addr);
	return false;
}

bool tapc_user_string(struct tapc_context *c, char *dst, unsigned long addr,
		      const char *loc)
{
	long rc = tapc_strncpy_nofault(dst, addr, MAXSTRINGLEN, true);

	if (likely(rc >= 0))
		return true;
	dst[0] = '\0';
	tapc_errorf(c, loc, "user string copy fault %ld at 0x%lx [man error::fault]",
		    rc, addr);
	return false;
}
