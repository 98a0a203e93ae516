/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - runtime-internal side of the per-CPU probe context.
 *
 * The generated code sees struct tapc_context through tapc_runtime.h; this
 * header adds what the session and the providers need: allocation at module
 * load, a gate-free acquire for begin/end/error probes, a wait until no
 * handler is running any more, and the inline hot path for providers whose
 * handlers already run with preemption disabled (kprobes, kretprobes).
 *
 * Between two hits a context is kept clean: last_error and probe_data
 * are NULL, pb_len and nesting are 0 (whoever sets them restores them on
 * the way out), so taking it only writes the fields that describe the new
 * hit.
 */
#ifndef TAPC_CONTEXT_H
#define TAPC_CONTEXT_H

#include <linux/percpu.h>
#include <linux/lockdep.h>

#include "tapc_runtime.h"
#include "session.h"

/* Process context, module load/unload. */
int tapc_context_init(void);
void tapc_context_free(void);

/* Like tapc_context_enter() but ignores the session state (begin/end/error
 * probes run while the session is STARTING or STOPPING). */
struct tapc_context *tapc_context_acquire(const char *pp, bool interruptible);

/* Process context: wait (bounded) until no CPU's context is busy. */
void tapc_context_wait_idle(void);

DECLARE_PER_CPU(struct tapc_context *, tapc_cpu_context);
/* tapc_cpu_context while tapc_session_probes_on(), else NULL; set by
 * tapc_context_gate() (session.c, at every change of the session state and
 * at an abort, from any context: it only writes pointers). */
DECLARE_PER_CPU(struct tapc_context *, tapc_cpu_hit_context);
void tapc_context_gate(bool open);

/* Out of line: report the hit's error, flush its output, clean up and
 * release the context (clear busy). */
void tapc_context_finish_slow(struct tapc_context *c);

/*
 * Take context c (this CPU's: this_cpu_read(tapc_cpu_context)) for a hit
 * of pp, in a handler that runs with preemption disabled (so the CPU
 * cannot change) and with the session already checked.  The busy flag
 * needs no atomic read-modify-write: only this CPU writes it, and whatever
 * interrupts us between the test and the set (an irq, an NMI) has released
 * the context again before we resume.  False (counted as a reentrant skip)
 * when a hit on this CPU is running.  A bool rather than a NULL context:
 * the kernel builds with -fno-delete-null-pointer-checks, so callers
 * would test the pointer again.
 */
static __always_inline bool
tapc_context_take_for(struct tapc_context *c, const char *pp, const char *func,
		      struct pt_regs *regs, bool interruptible, bool budget)
{
	lockdep_assert_preemption_disabled();
	if (unlikely(atomic_read(&c->busy))) {
		tapc_session_count_reentrant();
		return false;
	}
	atomic_set(&c->busy, 1);
	barrier();	/* the flag is set before the fields are touched */
	c->probe_point = pp;
	c->probe_func = func;
	c->regs = regs;
	/* a handler whose statements can't exceed MAXACTION never reads it */
	if (budget)
		c->actions_left = interruptible ? MAXACTION_INTERRUPTIBLE :
			MAXACTION;
	/* nesting is 0 already: every tapc_enter() has its tapc_leave() */
	return true;
}

static __always_inline bool
tapc_context_take(struct tapc_context *c, const char *pp, const char *func,
		  struct pt_regs *regs, bool interruptible)
{
	return tapc_context_take_for(c, pp, func, regs, interruptible, true);
}

/* The same, returning this CPU's context or NULL. */
static __always_inline struct tapc_context *
tapc_context_get(const char *pp, const char *func, struct pt_regs *regs,
		 bool interruptible)
{
	struct tapc_context *c = this_cpu_read(tapc_cpu_context);

	return tapc_context_take(c, pp, func, regs, interruptible) ? c : NULL;
}

/* Release a context taken with tapc_context_get(); preemption stays off. */
static __always_inline void tapc_context_put(struct tapc_context *c)
{
	/* one test for "failed or printed": the common hit does neither.
	 * The slow path releases c itself, so c is dead after the call and
	 * the compiler needs no callee-saved register to keep it. */
	if (unlikely((unsigned long)c->last_error | c->pb_len)) {
		tapc_context_finish_slow(c);
		return;
	}
	barrier();	/* done with the fields before the flag drops */
	atomic_set(&c->busy, 0);
}

#endif /* TAPC_CONTEXT_H */
