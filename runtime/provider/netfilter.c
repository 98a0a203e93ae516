// SPDX-License-Identifier: GPL-2.0
/*
 * provider/netfilter.c - netfilter.hook("HOOK").pf("PF") probes.
 *
 * Hooks are per network namespace, so the sites are registered through a
 * pernet subsystem: its init hooks them into a namespace (every existing
 * one at registration, and each made later), its exit unhooks them.  The
 * kernel keeps each namespace's copy of our nf_hook_ops array
 * (net_generic); only the pernet_operations is allocated, at
 * registration, never in probe context.  The hook function runs
 * with RCU held in softirq or the sender's context; the probe takes the
 * CPU's context like any other hit.
 */
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "netfilter.h"

enum { NF_HOOKNUM, NF_SKB, NF_IN, NF_OUT, NF_OKFN, NF_VERDICT, NF_SLOTS };

static unsigned int tapc_nf_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct tapc_nf_site *s = priv;
	u64 d[NF_SLOTS] = {
		[NF_HOOKNUM] = state->hook,
		[NF_SKB] = (unsigned long)skb,
		[NF_IN] = (unsigned long)state->in,
		[NF_OUT] = (unsigned long)state->out,
		[NF_OKFN] = (unsigned long)state->okfn,
		[NF_VERDICT] = NF_ACCEPT,
	};
	struct tapc_context *c = tapc_context_enter(s->pp, false);

	if (!c)
		return NF_ACCEPT;
	c->probe_data = d;
	s->handler(c);
	c->probe_data = NULL;	/* NULL between hits */
	tapc_context_exit(c);
	/* only guru mode assigns it: what it says goes, as in stap */
	return (unsigned int)d[NF_VERDICT];
}

static struct tapc_nf_site *tapc_nf_sites;
static unsigned int tapc_nf_n;
static unsigned int tapc_nf_id;

static int tapc_nf_net_init(struct net *net)
{
	struct nf_hook_ops *ops = net_generic(net, tapc_nf_id);
	unsigned int i;
	int rc;

	for (i = 0; i < tapc_nf_n; i++) {
		ops[i].hook = tapc_nf_hook;
		ops[i].pf = tapc_nf_sites[i].pf;
		ops[i].hooknum = tapc_nf_sites[i].hooknum;
		ops[i].priority = tapc_nf_sites[i].priority;
		ops[i].priv = &tapc_nf_sites[i];
		rc = nf_register_net_hook(net, &ops[i]);
		if (rc) {
			/* the init namespace's failure is the start's error */
			if (net_eq(net, &init_net))
				tapc_err("probe %s registration error (rc %d)",
					 tapc_nf_sites[i].pp, rc);
			while (i--)
				nf_unregister_net_hook(net, &ops[i]);
			return rc;
		}
	}
	return 0;
}

static void tapc_nf_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, net_generic(net, tapc_nf_id), tapc_nf_n);
}

/* Made at registration: its size (the sites' nf_hook_ops per namespace)
 * is a const member since 6.12, so it is set by an initializer, not an
 * assignment, in memory of no declared type. */
static struct pernet_operations *tapc_nf_pernet;

static int tapc_nf_register(void *sites, unsigned int n)
{
	const struct pernet_operations tmpl = {
		.init = tapc_nf_net_init,
		.exit = tapc_nf_net_exit,
		.id = &tapc_nf_id,
		.size = n * sizeof(struct nf_hook_ops),
	};
	int rc;

	tapc_nf_sites = sites;
	tapc_nf_n = n;
	tapc_nf_pernet = kmemdup(&tmpl, sizeof(tmpl), GFP_KERNEL);
	if (!tapc_nf_pernet) {
		tapc_err("probe %s registration error (out of memory)", tapc_nf_sites[0].pp);
		return -ENOMEM;
	}
	/* on a failure it has undone the namespaces done before */
	rc = register_pernet_subsys(tapc_nf_pernet);
	if (rc) {
		kfree(tapc_nf_pernet);
		tapc_nf_pernet = NULL;
	}
	return rc;
}

static void tapc_nf_unregister(void *sites, unsigned int n)
{
	if (!tapc_nf_pernet)
		return;
	unregister_pernet_subsys(tapc_nf_pernet);
	/* a hook unhooked may still be running on another CPU (netfilter
	 * frees its hook lists through RCU without waiting): hooks run under
	 * rcu_read_lock, so this waits for the last one */
	synchronize_rcu();
	kfree(tapc_nf_pernet);
	tapc_nf_pernet = NULL;
}

const struct tapc_provider tapc_netfilter_provider = {
	.name = "netfilter",
	.register_sites = tapc_nf_register,
	.unregister_sites = tapc_nf_unregister,
};
