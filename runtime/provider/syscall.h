/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/syscall.h - kernel.syscall("NAME") probes: what the translator
 * emits (compiler/provider/syscall.c), the inline hit path its callbacks
 * use, and what a probe handler sees of the call (c->probe_data).
 *
 * The translator emits the two tracepoint callbacks themselves, for the
 * directions the script probes:
 *
 *	static void tapc_syscall_enter(void *data, struct pt_regs *regs, long id)
 *	{
 *		switch (tapc_syscall_key(id)) {
 *		case 0:			// read
 *			tapc_syscall_hit(&tapc_sc_points[0], regs, id, 0,
 *					 probe_3, probe_3_budget, true);
 *			break;
 *		...
 *		}
 *		tapc_syscall_hit(&tapc_sc_points[7], regs, id, 0,	// .any
 *				 probe_9, probe_9_budget, false);
 *	}
 *
 * so a hit costs a few compares and direct (usually inlined) calls of the
 * probe bodies, whatever the number of syscalls probed (tapc_syscall_hit()
 * is in provider/syscall_hit.h, which only the generated code includes).
 * The family's group has one "site", a struct tapc_syscall_desc naming
 * the two callbacks (tapc_syscall_sites[1]); the runtime only registers
 * them (provider/syscall.c).  Tapset code that serves any probe (returnval(),
 * the *_arg() readers) asks tapc_syscall_of(CONTEXT) whether it runs in a
 * syscall probe.
 */
#ifndef TAPC_PROVIDER_SYSCALL_H
#define TAPC_PROVIDER_SYSCALL_H

#include "../tapc_runtime.h"

/* The ABI of a call (TAPC_SC_ABI_* follow compiler/syscalls.h). */
#define TAPC_SC_ABI_64		0
#define TAPC_SC_ABI_I386	1

/* The switch key of an i386 call: its number plus this. */
#define TAPC_SC_I386_KEY	0x10000

/* How an argument register becomes a parameter's value, 4 bits per
 * parameter in a site's kinds (the order of compiler/syscalls.h's
 * enum syscall_arg_kind). */
enum tapc_sc_kind {
	TAPC_SC_S64, TAPC_SC_U64, TAPC_SC_S32, TAPC_SC_U32, TAPC_SC_S16,
	TAPC_SC_U16, TAPC_SC_S8, TAPC_SC_U8, TAPC_SC_PTR,
};

struct tapc_syscall_site {
	const char *pp;
	const char *func;		/* probefunc(): "__x64_sys_read" */
	const char *name;		/* $$name: "read" ("" for .any) */
	unsigned long kinds;		/* enum tapc_sc_kind of each parameter */
};

/* One call as the probe handlers of a hit see it (per CPU, see below;
 * c->probe_data during the hit).  Arguments are read from regs when a
 * handler asks. */
struct tapc_syscall_hit {
	const struct tapc_syscall_site *site;
	struct pt_regs *regs;		/* the user registers saved at entry */
	long nr;			/* the syscall number, -1 if none */
	long ret;			/* the return value (sys_exit) */
};

struct tapc_syscall_desc {
	/* the generated callbacks, NULL for a direction nobody probes */
	void (*enter)(void *data, struct pt_regs *regs, long id);
	void (*exit)(void *data, struct pt_regs *regs, long ret);
};

/* The group provider: registers the callbacks of its one desc on
 * sys_enter / sys_exit; unregistration waits until none runs. */
extern const struct tapc_provider tapc_syscall_provider;

#ifdef __KERNEL__		/* not in the user-space unit tests' shim */
/* The hit a syscall probe runs for, per CPU (provider/syscall.c): only
 * the holder of the CPU's context uses it, and a generated callback
 * fills it after taking the context (no struct on the callback's stack
 * to zero and guard). */
DECLARE_PER_CPU(struct tapc_syscall_hit, tapc_syscall_hits);

/* The hit of a syscall probe's handler (generated code, which knows). */
#define tapc_sc_hit(c)	((const struct tapc_syscall_hit *)(c)->probe_data)

/* The syscall hit c runs for, or NULL when c's probe is no syscall probe
 * (or its body reads nothing of the call): probe_data is the CPU's hit
 * only in a syscall probe. */
static __always_inline const struct tapc_syscall_hit *
tapc_syscall_of(const struct tapc_context *c)
{
	const struct tapc_syscall_hit *h = this_cpu_ptr(&tapc_syscall_hits);

	return c->probe_data == h ? h : NULL;
}

/* The ABI of the call (TAPC_SC_ABI_*): the current task's, as at the hit. */
static __always_inline int tapc_syscall_abi(const struct tapc_syscall_hit *h)
{
	return tapc_arch_syscall_abi();
}

/* The generated callbacks are bracketed by these.  Kernels whose
 * syscall tracepoints may fault (DECLARE_TRACE_SYSCALL) call them
 * preemptible; the CPU's context and hit need the CPU kept. */
#ifdef DECLARE_TRACE_SYSCALL
#define tapc_syscall_cb_begin()	preempt_disable_notrace()
#define tapc_syscall_cb_end()	preempt_enable_notrace()
#else
#define tapc_syscall_cb_begin()	do { } while (0)
#define tapc_syscall_cb_end()	do { } while (0)
#endif

/* The switch key of call id of the current task (at sys_enter/sys_exit). */
static __always_inline long tapc_syscall_key(long id)
{
	return tapc_arch_syscall_abi() ? id + TAPC_SC_I386_KEY : id;
}

/* Argument n (0-based) of the call as its ABI passes it (a 32-bit
 * task's: 32 bits, zero-extended). */
static __always_inline u64 tapc_syscall_raw(const struct tapc_syscall_hit *h, int n)
{
	return tapc_arch_syscall_arg_of(h->regs, tapc_syscall_abi(h), n);
}

/* Argument n converted to its parameter's C type ($param). */
static __always_inline int64_t tapc_syscall_param(const struct tapc_syscall_hit *h, int n)
{
	u64 v = tapc_syscall_raw(h, n);

	switch ((h->site->kinds >> (4 * n)) & 0xf) {
	case TAPC_SC_S32: return (s32)v;
	case TAPC_SC_U32: return (u32)v;
	case TAPC_SC_S16: return (s16)v;
	case TAPC_SC_U16: return (u16)v;
	case TAPC_SC_S8: return (s8)v;
	case TAPC_SC_U8: return (u8)v;
	default: return (int64_t)v;
	}
}
#endif /* __KERNEL__ */

#endif /* TAPC_PROVIDER_SYSCALL_H */
