/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/uprocess.h - process.begin, process.end, process.thread.begin
 * and process.thread.end probes (also process("PATH").* and
 * process(PID).*), process.syscall and process.syscall.return, one struct
 * tapc_uprocess_site each in the translator's table.
 *
 * The probes run in the task that begins or ends, so pid(), tid(),
 * execname() and user memory are its own.  A process begins when it is
 * forked (its first return from the kernel) or, for process("PATH"), when
 * it execs PATH; the -c target also begins when it execs its command.
 * Processes and threads already running at start begin as they next
 * return to user space (uprocess_now.c).  A process ends when
 * its last thread exits, a thread when it exits, before the task's memory
 * is released (user_string() still reads it).  The main thread is the
 * process: it has no thread.begin or thread.end.  A syscall probe runs
 * at the raw syscall tracepoints, in the calling task.
 */
#ifndef TAPC_PROVIDER_UPROCESS_H
#define TAPC_PROVIDER_UPROCESS_H

#include "../tapc_runtime.h"
#include "../ubin.h"

enum tapc_uprocess_event {
	TAPC_UPROCESS_BEGIN,
	TAPC_UPROCESS_END,
	TAPC_UPROCESS_THREAD_BEGIN,
	TAPC_UPROCESS_THREAD_END,
	TAPC_UPROCESS_SYSCALL,		/* c->regs: the task's user registers */
	TAPC_UPROCESS_SYSCALL_RETURN,
};

struct tapc_uprocess_site {
	const char *pp;
	tapc_handler_t handler;
	enum tapc_uprocess_event event;
	struct tapc_ubin *exe;		/* process("PATH"): only processes running it, or NULL */
	int pid;			/* process(PID): only that process, or 0 */
};

/* Its sites' group provider: arms the kernel hooks the sites' events
 * need (one set per module); unregistration waits for running handlers. */
extern const struct tapc_provider tapc_uprocess_provider;

/* uprocess.c: run the sites of event ev that want current (exec: only
 * those with a program, unless target_exec). */
void tapc_uprocess_fire(enum tapc_uprocess_event ev, struct pt_regs *regs, bool exec,
			bool target_exec);

/* uprocess_now.c, the begins of the tasks running at start.  Start calls
 * walk_begins() before schedule_tail is probed and start() after;
 * schedule_tail's handler calls born() in a task it reports; stop()
 * (process context) makes the begins not run yet harmless and waits for
 * those running. */
void tapc_uprocess_now_walk_begins(void);
void tapc_uprocess_now_start(bool procs, bool threads);
void tapc_uprocess_now_born(void);
void tapc_uprocess_now_stop(void);

#endif /* TAPC_PROVIDER_UPROCESS_H */
