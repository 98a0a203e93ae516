/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/timer.h - timer.ns/us/ms/s/hz probes over tapc_module.timers[].
 */
#ifndef TAPC_PROVIDER_TIMER_H
#define TAPC_PROVIDER_TIMER_H

int tapc_timers_register(void);
/* Cancel all timers, waiting for running callbacks. */
void tapc_timers_unregister(void);

#endif /* TAPC_PROVIDER_TIMER_H */
