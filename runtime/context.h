/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - runtime-internal side of the per-CPU probe context.
 *
 * The generated code sees struct tapc_context through tapc_runtime.h; this
 * header adds what the session and the providers need: allocation at module
 * load, a gate-free acquire for begin/end/error probes, and a wait until no
 * handler is running any more.
 */
#ifndef TAPC_CONTEXT_H
#define TAPC_CONTEXT_H

#include "tapc_runtime.h"

/* Process context, module load/unload. */
int tapc_context_init(void);
void tapc_context_free(void);

/* Like tapc_context_enter() but ignores the session state (begin/end/error
 * probes run while the session is STARTING or STOPPING). */
struct tapc_context *tapc_context_acquire(const char *pp, bool interruptible);

/* Process context: wait (bounded) until no CPU's context is busy. */
void tapc_context_wait_idle(void);

#endif /* TAPC_CONTEXT_H */
