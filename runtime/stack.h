/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack.h - kernel backtraces of a probe hit and the symbols of kernel
 * addresses, in SystemTap's text forms (tapset/linux/context-unwind.stp,
 * context-symbols.stp and context-caller.stp call these).
 *
 * Probe context: nothing here sleeps, allocates or takes a lock.  The
 * unwinder is the kernel's own (ORC on x86_64) through the exported
 * asm/unwind.h API; stack_trace_save_regs() would do the same but is not
 * exported.  Symbols come from kallsyms (sprint_symbol(), what printk's
 * %pS uses from any context).
 */
#ifndef TAPC_STACK_H
#define TAPC_STACK_H

#include "tapc_runtime.h"

/*
 * The return addresses of the kernel stack where the probe hit, at most
 * max (at most MAXBACKTRACE are ever needed): [0] is the probed address
 * (in a return probe the caller's address the function returns to), then
 * the callers.  A probe without kernel registers (begin/end, a
 * tracepoint, a timer that interrupted user space) gets the stack of the
 * code that ran the probe handler, from the first frame outside this
 * module.  Returns how many were stored.
 */
unsigned int tapc_kstack(struct tapc_context *c, unsigned long *pcs, unsigned int max);

/* The text forms of an address (SystemTap's _STP_SYM_* flags). */
enum tapc_sym_form {
	TAPC_SYM_NAME,		/* vfs_read */
	TAPC_SYM_DATA,		/* vfs_read+0x4/0x1a0 [kernel] */
	TAPC_SYM_FULL,		/* 0xffffffff8123f4a4 : vfs_read+0x4/0x1a0 [kernel] */
	TAPC_SYM_SIMPLE,	/* vfs_read+0x4 [kernel] */
};

/* addr in form into dst (n bytes, NUL-terminated, truncated); an address
 * kallsyms doesn't know is its hex number ("0x%lx"), as stap's %p.  The core
 * kernel's module name is "kernel".  Returns the length written. */
size_t tapc_sym_format(char *dst, size_t n, unsigned long addr, enum tapc_sym_form form);

/* The module containing addr into dst: its name, "kernel", or false when
 * kallsyms knows no symbol there. */
bool tapc_sym_module(char *dst, size_t n, unsigned long addr);

/* print_backtrace(): one TAPC_SYM_FULL line per frame, each led by a
 * space; a return probe's first two lines name the function returning
 * ("Returning from: ") and the place it returns to ("Returning to  : "). */
void tapc_print_kstack(struct tapc_context *c);

#endif /* TAPC_STACK_H */
