/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - the module's state machine and its counters.
 *
 * States, as reported by /proc/tapc_NAME/ctl: LOADED (before start),
 * STARTING, RUNNING, EXITING (exit() called, or MAXERRORS / MAXSKIPPED hit:
 * taprun must send stop), STOPPING, STOPPED, ERROR (start failed).
 */
#ifndef TAPC_SESSION_H
#define TAPC_SESSION_H

#include <linux/types.h>
#include <linux/compiler.h>

enum tapc_state {
	TAPC_ST_LOADED,
	TAPC_ST_STARTING,
	TAPC_ST_RUNNING,
	TAPC_ST_EXITING,
	TAPC_ST_STOPPING,
	TAPC_ST_STOPPED,
	TAPC_ST_ERROR,
};

/* True while ordinary (non begin/end) probe handlers may run: the state is
 * RUNNING and no MAXERRORS/MAXSKIPPED abort happened.  Inline because every
 * hit asks first; a hit that saw true just before a stop is waited for by
 * the stop (tapc_context_wait_idle, unregistration). */
extern int tapc_probes_enabled;
static __always_inline bool tapc_session_probes_on(void)
{
	return READ_ONCE(tapc_probes_enabled);
}

/* True while start registers the providers (probes are not on yet). */
bool tapc_session_starting(void);

/* Probe context: count one soft error / one skipped hit; past MAXERRORS or
 * MAXSKIPPED the session aborts (state EXITING, handlers stop running). */
void tapc_session_count_error(void);
void tapc_session_count_skip(void);
/* A hit skipped because its CPU's context was busy (reported apart). */
void tapc_session_count_reentrant(void);
/* kprobe/kretprobe nmissed, added at unregistration. */
void tapc_session_add_missed(unsigned long n);

/* Process context, serialized by the ctl file: the `start` / `stop` commands.
 * start returns 0 or the kernel's errno of the failing registration. */
int tapc_session_start(void);
int tapc_session_stop(void);

/* "state=S errors=N skipped=N dropped=N missed=N reentrant=N\n" into buf. */
int tapc_session_status(char *buf, size_t size);

/* timing.c (-t): per-CPU rows for each probe, the report after the end
 * probes. */
int tapc_timing_init(void);
void tapc_timing_free(void);
void tapc_timing_report(void);

#endif /* TAPC_SESSION_H */
