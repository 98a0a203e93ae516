/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/kprobe.h - kprobes and kretprobes over tapc_module.kprobes[].
 */
#ifndef TAPC_PROVIDER_KPROBE_H
#define TAPC_PROVIDER_KPROBE_H

/* Register every site in order; on a non-optional failure unregister what
 * was registered, report "probe PP registration error (rc N)" on chan 2
 * and return the kernel's errno. */
int tapc_kprobes_register(void);
/* Unregister all (waits for running handlers); nmissed goes to `missed`. */
void tapc_kprobes_unregister(void);

#endif /* TAPC_PROVIDER_KPROBE_H */
