// SPDX-License-Identifier: GPL-2.0
/*
 * provider/syscall.c - kernel.syscall("NAME") probes over the raw syscall
 * tracepoints.
 *
 * The translator emits one callback for sys_enter and one for sys_exit
 * that serve every site, whichever and however many syscalls the script
 * probes (provider/syscall.h); this file registers them.  The tracepoints
 * are looked up by name among the kernel's (their symbols are not
 * exported to modules).
 */
#include <linux/tracepoint.h>
#include <linux/string.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "syscall.h"
#include "syscall_hit.h"

struct tapc_sc_tp {
	const char *name;
	struct tracepoint *tp;
	void *callback;			/* registered, or NULL */
};

void tapc_syscall_hit_call(const struct tapc_syscall_site *s, struct pt_regs *regs, long nr,
			   long ret, tapc_handler_t h, bool budget, bool data)
{
	tapc_syscall_hit(s, regs, nr, ret, h, budget, data);
}

DEFINE_PER_CPU(struct tapc_syscall_hit, tapc_syscall_hits);

static struct tapc_sc_tp tapc_sc_tps[2] = {
	{ .name = "sys_enter" },
	{ .name = "sys_exit" },
};

static void tapc_sc_match(struct tracepoint *tp, void *priv)
{
	struct tapc_sc_tp *t = priv;

	if (!t->tp && !strcmp(tp->name, t->name))
		t->tp = tp;
}

static void tapc_syscalls_unregister(void *sites, unsigned int n);

/* sites: the one desc of the generated code (n is 1). */
static int tapc_syscalls_register(void *sites, unsigned int n)
{
	const struct tapc_syscall_desc *d = sites;
	int dir, rc;

	for (dir = 0; n && dir < 2; dir++) {
		struct tapc_sc_tp *t = &tapc_sc_tps[dir];
		void *cb = dir ? (void *)d->exit : (void *)d->enter;

		if (!cb)
			continue;
		if (!t->tp)
			for_each_kernel_tracepoint(tapc_sc_match, t);
		rc = t->tp ? tracepoint_probe_register(t->tp, cb, NULL) : -ENOENT;
		if (rc) {
			tapc_err("syscall probes: tracepoint %s registration error (rc %d)",
				 t->name, rc);
			tapc_syscalls_unregister(sites, n);
			return rc;
		}
		t->callback = cb;
	}
	return 0;
}

static void tapc_syscalls_unregister(void *sites, unsigned int n)
{
	bool any = false;
	int dir;

	(void)sites;
	(void)n;
	for (dir = 0; dir < 2; dir++) {
		struct tapc_sc_tp *t = &tapc_sc_tps[dir];

		if (!t->callback)
			continue;
		tracepoint_probe_unregister(t->tp, t->callback, NULL);
		t->callback = NULL;
		any = true;
	}
	/* callbacks already running finish before the module may go away */
	if (any)
		tracepoint_synchronize_unregister();
}

const struct tapc_provider tapc_syscall_provider = {
	.name = "syscall",
	.register_sites = tapc_syscalls_register,
	.unregister_sites = tapc_syscalls_unregister,
};
