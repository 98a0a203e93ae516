// SPDX-License-Identifier: GPL-2.0
/*
 * provider/hwbkpt.c - kernel.data(ADDR|"SYMBOL").write/.rw probes as
 * wide hardware breakpoints.
 *
 * The perf layer puts each watchpoint into a debug register of every CPU
 * (CPUs coming online get it too); its handler runs in the debug
 * exception after the access, NMI-like, so the probe follows the
 * runtime's rules like any hit.  A symbol's address is only known at
 * start: kallsyms_lookup_name() is not exported, so kprobes, which use it
 * for their symbol_name, find it (for a data symbol the registration then
 * fails, with the address resolved), and sprint_symbol() checks that what
 * was found is the symbol's own address.
 */
#include <linux/hw_breakpoint.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/err.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "hwbkpt.h"

static void tapc_hwbkpt_hit(struct perf_event *bp, struct perf_sample_data *data,
			    struct pt_regs *regs)
{
	struct tapc_hwbkpt_site *s = bp->overflow_handler_context;

	tapc_run_probe(s->pp, s->handler, regs, false);
}

/* SYMBOL's address, 0 when the kernel has no such symbol. */
static unsigned long tapc_hwbkpt_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	char buf[KSYM_SYMBOL_LEN];
	size_t n = strlen(name);
	unsigned long a, off;

	if (!register_kprobe(&kp))
		unregister_kprobe(&kp);	/* a text symbol: found all the same */
	a = (unsigned long)kp.addr;
	if (!a)
		return 0;
	/* a kprobe steps over an ENDBR64 at a function's start: the offset
	 * sprint_symbol() shows takes it back to the symbol's address */
	sprint_symbol(buf, a);
	if (strncmp(buf, name, n) || buf[n] != '+' || sscanf(buf + n + 1, "%lx", &off) != 1 ||
	    off > a || off > 4)
		return 0;
	return a - off;
}

static const char *tapc_hwbkpt_why(long rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such kernel symbol";
	case -ENOSPC:
		return "no free debug register (each CPU has 4 for all watchpoints)";
	case -EINVAL:
		return "the CPU can't watch this address and length";
	case -EBUSY:
		return "the debug registers are in use";
	default:
		return "";
	}
}

static int tapc_hwbkpt_one(struct tapc_hwbkpt_site *s)
{
	struct perf_event_attr attr;
	struct perf_event * __percpu *bp;
	unsigned long addr = s->addr;

	if (s->symbol) {
		addr = tapc_hwbkpt_lookup(s->symbol);
		if (!addr)
			return -ENOENT;
	}
	hw_breakpoint_init(&attr);
	attr.bp_addr = addr;
	attr.bp_len = s->len;
	attr.bp_type = s->rw ? HW_BREAKPOINT_RW : HW_BREAKPOINT_W;
	bp = register_wide_hw_breakpoint(&attr, tapc_hwbkpt_hit, s);
	if (IS_ERR((void __force *)bp))
		return PTR_ERR((void __force *)bp);
	s->bp = bp;
	return 0;
}

static void tapc_hwbkpt_unregister(void *sites, unsigned int n)
{
	struct tapc_hwbkpt_site *s = sites;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (s[i].bp)
			unregister_wide_hw_breakpoint(s[i].bp);
		s[i].bp = NULL;
	}
}

static int tapc_hwbkpt_register(void *sites, unsigned int n)
{
	struct tapc_hwbkpt_site *s = sites;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = tapc_hwbkpt_one(&s[i]);
		if (!rc || s[i].optional)
			continue;
		tapc_err("probe %s registration error (rc %d): %s", s[i].pp, rc,
			 tapc_hwbkpt_why(rc));
		tapc_hwbkpt_unregister(sites, i);
		return rc;
	}
	return 0;
}

const struct tapc_provider tapc_hwbkpt_provider = {
	.name = "hwbkpt",
	.register_sites = tapc_hwbkpt_register,
	.unregister_sites = tapc_hwbkpt_unregister,
};
