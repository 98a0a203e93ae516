/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/syscall.h - kernel.syscall("NAME") probes: the site tables the
 * translator emits (compiler/provider/syscall.c) and what a probe handler
 * sees of the call (c->syscall).
 *
 * The translator sorts the sites by ABI, direction and syscall number and
 * emits, per ABI and direction that has any, first[nr] = the index of the
 * first site of number nr (first[nr + 1] is the end), so a hit finds its
 * probes with two loads whatever the number of syscalls probed.
 * kernel.syscall.any sites are kept apart and run for every call.
 */
#ifndef TAPC_PROVIDER_SYSCALL_H
#define TAPC_PROVIDER_SYSCALL_H

/* The ABI of a call (TAPC_SC_ABI_* follow compiler/syscalls.h). */
#define TAPC_SC_ABI_64		0
#define TAPC_SC_ABI_I386	1
#define TAPC_SC_NABI		2

/* How an argument register becomes a parameter's value, 4 bits per
 * parameter in a site's kinds (the order of compiler/syscalls.h's
 * enum syscall_arg_kind). */
enum tapc_sc_kind {
	TAPC_SC_S64, TAPC_SC_U64, TAPC_SC_S32, TAPC_SC_U32, TAPC_SC_S16,
	TAPC_SC_U16, TAPC_SC_S8, TAPC_SC_U8, TAPC_SC_PTR,
};

/* One call as the probe handlers of a hit see it (on the tracepoint
 * callback's stack). */
struct tapc_syscall_hit {
	const struct tapc_syscall_site *site;	/* the site running now */
	long nr;			/* the syscall number, -1 if none */
	long ret;			/* the return value (sys_exit) */
	int abi;			/* TAPC_SC_ABI_* */
	u64 raw[6];			/* argument registers (i386: 32 bits) */
	s64 val[6];			/* raw converted to the parameters' types */
};

struct tapc_syscall_site {
	const char *pp;
	const char *func;		/* probefunc(): "__x64_sys_read" */
	const char *name;		/* $$name: "read" ("" for .any) */
	tapc_handler_t handler;
	int nr;				/* -1: kernel.syscall.any */
	unsigned long kinds;		/* enum tapc_sc_kind of each parameter */
};

struct tapc_syscall_group {		/* one ABI, one direction */
	const u16 *first;		/* [nr_limit + 1], NULL: no sites */
	unsigned int nr_limit;
};

struct tapc_syscall_desc {
	const struct tapc_syscall_site *sites;
	struct tapc_syscall_group groups[TAPC_SC_NABI][2];	/* [abi][is_return] */
	const struct tapc_syscall_site *any[2];			/* [is_return] */
	unsigned int n_any[2];
};

/* Process context: register the sys_enter / sys_exit callbacks the sites
 * need; 0 or the kernel's errno (nothing stays registered then). */
int tapc_syscalls_register(void);
/* Unregister them and wait until no callback runs. */
void tapc_syscalls_unregister(void);

#endif /* TAPC_PROVIDER_SYSCALL_H */
