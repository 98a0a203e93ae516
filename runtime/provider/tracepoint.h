/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/tracepoint.h - kernel.trace("NAME") probes over
 * tapc_module.traces[] (the site API is in tapc_runtime.h).
 */
#ifndef TAPC_PROVIDER_TRACEPOINT_H
#define TAPC_PROVIDER_TRACEPOINT_H

/* Process context: 0 or the errno of the first failing non-optional site
 * (everything registered so far is unregistered again). */
int tapc_traces_register(void);
/* Unregister all sites and wait until no callback is running any more. */
void tapc_traces_unregister(void);

#endif /* TAPC_PROVIDER_TRACEPOINT_H */
