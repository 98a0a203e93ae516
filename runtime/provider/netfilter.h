/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/netfilter.h - netfilter.hook("HOOK").pf("PF") probes, one
 * struct tapc_nf_site each in the translator's table.
 *
 * Each site is a netfilter hook function registered in every network
 * namespace (a pernet subsystem: namespaces made during the run get it
 * too).  The probe runs where netfilter calls its hooks (softirq for
 * received packets, the sender's context for local output) with
 * c->probe_data pointing to six u64 slots: $hooknum, $skb, $in, $out,
 * $okfn and $verdict (NF_ACCEPT unless a guru-mode probe assigns it),
 * which the hook returns.
 */
#ifndef TAPC_PROVIDER_NETFILTER_H
#define TAPC_PROVIDER_NETFILTER_H

#include <linux/types.h>
#include <linux/limits.h>

#include "../tapc_runtime.h"

struct tapc_nf_site {
	int pf;				/* NFPROTO_* */
	int hooknum;
	int priority;
	const char *pp;
	tapc_handler_t handler;
};

/* Its sites' group provider: registration hooks every site into every
 * network namespace; unregistration unhooks them (netfilter waits for
 * hooks in progress). */
extern const struct tapc_provider tapc_netfilter_provider;

#endif /* TAPC_PROVIDER_NETFILTER_H */
