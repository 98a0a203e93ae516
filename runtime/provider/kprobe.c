// SPDX-License-Identifier: GPL-2.0
/*
 * provider/kprobe.c - kernel.function / kprobe.function probes.
 *
 * A site embeds its struct kprobe / kretprobe, so a handler finds its site
 * with container_of.  kprobe handlers already run with preemption disabled;
 * tapc_context_get() takes the CPU's context.  For .return probes that use
 * @entry(...) the translator supplies an entry handler and a per-call data
 * size: the entry handler fills kretprobe_instance->data, the return
 * handler reads it through c->probe_data.
 */
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/cpumask.h>

#include "../tapc_runtime.h"
#include "../context.h"
#include "../print.h"
#include "../session.h"
#include "kprobe.h"

/* Sites without a translator wrapper: one indirect call to the body. */
static int tapc_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct tapc_kprobe_site *s = container_of(p, struct tapc_kprobe_site, u.kp);

	return tapc_kprobe_hit(p, regs, s->handler);
}

static int tapc_kretprobe_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct tapc_kprobe_site *s = tapc_kri_site(ri);

	/* not a return yet (is_return() is 0 in @entry); nonzero: no return
	 * probe for this call (its @entry data would be
	 * garbage because the entry part was skipped) */
	return tapc_kretprobe_hit(s, ri, regs, s->entry_handler, false);
}

static int tapc_kretprobe_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct tapc_kprobe_site *s = tapc_kri_site(ri);

	tapc_kretprobe_hit(s, ri, regs, s->handler, true);
	return 0;
}

static int tapc_kprobe_register_one(struct tapc_kprobe_site *s)
{
	memset(&s->u, 0, sizeof(s->u));
	if (!s->symbol) {	/* guru: an absolute address */
		s->u.kp.addr = (kprobe_opcode_t *)s->addr;
		s->u.kp.pre_handler = s->pre_handler ? s->pre_handler :
			tapc_kprobe_pre;
		return register_kprobe(&s->u.kp);
	}
	if (!s->is_return) {
		s->u.kp.symbol_name = s->symbol;
		s->u.kp.offset = s->offset;
		s->u.kp.pre_handler = s->pre_handler ? s->pre_handler :
			tapc_kprobe_pre;
		return register_kprobe(&s->u.kp);
	}
	s->u.krp.kp.symbol_name = s->symbol;
	s->u.krp.kp.offset = s->offset;
	s->u.krp.handler = s->ret_handler ? s->ret_handler :
		tapc_kretprobe_ret;
	if (s->entry_handler) {
		s->u.krp.entry_handler = tapc_kretprobe_entry;
		s->u.krp.data_size = s->entry_data_size;
	}
	s->u.krp.maxactive = s->maxactive ? s->maxactive :
		KRETACTIVE ? KRETACTIVE : max(15u, 6 * num_possible_cpus());
	return register_kretprobe(&s->u.krp);
}

/* What register_kprobe()'s errors mean for a raw address. */
static const char *tapc_kprobe_addr_error(int rc)
{
	switch (rc) {
	case -EILSEQ:
		return "not at an instruction boundary";
	case -ENOENT:
		return "no kernel symbol covers the address (not kernel text?)";
	case -EINVAL:
		return "kprobes refuse the address (blacklisted, or not kernel text)";
	case -EEXIST:
		return "another kprobe there can't share the address";
	case -EBUSY:
		return "the address is in use by another tracer";
	default:
		return "the kernel refused the address";
	}
}

static void tapc_kprobes_unregister(void *sites, unsigned int n);

static int tapc_kprobes_register(void *sites, unsigned int n)
{
	struct tapc_kprobe_site *site = sites;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		struct tapc_kprobe_site *s = &site[i];

		rc = tapc_kprobe_register_one(s);
		s->registered = !rc;
		if (rc && !s->optional) {
			/* a "MODULE:NAME" symbol is not found while MODULE
			 * is not loaded: say so rather than just ENOENT */
			if (rc == -ENOENT && s->symbol && strchr(s->symbol, ':'))
				tapc_err("probe %s registration error (rc %d): no %s (is module %.*s loaded?)",
					 s->pp, rc, s->symbol,
					 (int)(strchr(s->symbol, ':') - s->symbol), s->symbol);
			else if (!s->symbol)
				tapc_err("probe %s registration error (rc %d): %s",
					 s->pp, rc, tapc_kprobe_addr_error(rc));
			else
				tapc_err("probe %s registration error (rc %d)", s->pp, rc);
			tapc_kprobes_unregister(sites, n);
			return rc;
		}
	}
	return 0;
}

/* Batch unregistration: one RCU grace period for all sites, not one each. */
static void tapc_kprobes_unregister(void *sites, unsigned int n)
{
	struct tapc_kprobe_site *site = sites;
	unsigned int i, nk = 0, nr = 0;
	struct kretprobe **krps;
	struct kprobe **kps;

	if (!n)
		return;
	kps = kcalloc(n, sizeof(*kps), GFP_KERNEL);
	krps = kcalloc(n, sizeof(*krps), GFP_KERNEL);
	for (i = 0; i < n; i++) {
		struct tapc_kprobe_site *s = &site[i];

		if (!s->registered)
			continue;
		if (!kps || !krps) {	/* no memory: the slow way */
			if (s->is_return)
				unregister_kretprobe(&s->u.krp);
			else
				unregister_kprobe(&s->u.kp);
		} else if (s->is_return) {
			krps[nr++] = &s->u.krp;
		} else {
			kps[nk++] = &s->u.kp;
		}
	}
	if (nk)
		unregister_kprobes(kps, nk);
	if (nr)
		unregister_kretprobes(krps, nr);
	kfree(kps);
	kfree(krps);
	for (i = 0; i < n; i++) {
		struct tapc_kprobe_site *s = &site[i];

		if (!s->registered)
			continue;
		s->registered = false;
		if (s->is_return)
			tapc_session_add_missed(s->u.krp.nmissed +
						s->u.krp.kp.nmissed);
		else
			tapc_session_add_missed(s->u.kp.nmissed);
	}
}

const struct tapc_provider tapc_kprobe_provider = {
	.name = "kprobe",
	.register_sites = tapc_kprobes_register,
	.unregister_sites = tapc_kprobes_unregister,
};
