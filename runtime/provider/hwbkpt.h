/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/hwbkpt.h - kernel.data(ADDR|"SYMBOL").write/.rw probes, one
 * struct tapc_hwbkpt_site each in the translator's table.
 *
 * Each site is a wide hardware breakpoint (a watchpoint in a debug
 * register of every CPU); the probe runs in the debug exception that
 * follows the access, with the registers of the code that made it.
 */
#ifndef TAPC_PROVIDER_HWBKPT_H
#define TAPC_PROVIDER_HWBKPT_H

#include <linux/types.h>
#include <linux/perf_event.h>

#include "../tapc_runtime.h"

struct tapc_hwbkpt_site {
	unsigned long addr;		/* when symbol is NULL */
	const char *symbol;		/* resolved at registration */
	int len;			/* 1, 2, 4 or 8 */
	bool rw;			/* reads too, not only writes */
	bool optional;			/* '?': registration failure ignored */
	const char *pp;
	tapc_handler_t handler;
	/* runtime private */
	struct perf_event * __percpu *bp;
};

/* Its sites' group provider: registration in table order (a failure says
 * "probe PP registration error (rc N): why"), unregistration of all. */
extern const struct tapc_provider tapc_hwbkpt_provider;

#endif /* TAPC_PROVIDER_HWBKPT_H */
