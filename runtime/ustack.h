/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ustack.h - the user-space context functions' runtime: the current
 * task's user registers, its user stack unwound with the module's CFI
 * rows (ubin.h), and the symbols of user addresses.  Files the module
 * carries no tables of (no process probe in them, no -d/--ldd) give
 * addresses only, and unwinding stops in them.
 */
#ifndef TAPC_USTACK_H
#define TAPC_USTACK_H

#include <linux/types.h>

#include "tapc_runtime.h"

#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20			/* frames of a user backtrace, as stap */
#endif

/* The user registers of the hit's task: the probe's own when it
 * interrupted user space (uprobes), else those saved when the task
 * entered the kernel; NULL in a kernel thread or an interrupt. */
struct pt_regs *tapc_uregs(struct tapc_context *c);

/* Up to max return addresses of the user stack, the probed address first;
 * the count (0: no user stack here). */
int tapc_ustack(struct tapc_context *c, unsigned long *pcs, int max);
/* The same from the given pc, sp and fp of the hit's task (the three-
 * argument print_ubacktrace() forms): 0 when the hit has no user task. */
int tapc_ustack_from(struct tapc_context *c, unsigned long ip, unsigned long sp, unsigned long bp,
		     unsigned long *pcs, int max);

enum tapc_usym_form {
	TAPC_USYM_NAME,			/* usymname: "main", else "0x4005d0" */
	TAPC_USYM_DATA,			/* usymdata: "main+0x10/0x30 [/path]" */
	TAPC_USYM_MODULE,		/* umodname: "/path", else "<unknown>" */
	TAPC_USYM_LINE,			/* print_ubacktrace's: " 0x... : main+0x10/0x30 [/path]" */
	TAPC_USYM_LINE_SRC,		/* print_ubacktrace_fileline's: TAPC_USYM_LINE's with
					 * " at prog.c:42" after the offset where DWARF has it */
	TAPC_USYM_BRIEF,		/* sprint_ubacktrace's: "main+0x10", else "0x4005d0" */
	TAPC_USYM_SRCFILE,		/* usymfile: "prog.c", else "0x4005d0" */
	TAPC_USYM_SRCLINE,		/* usymline: "42", else "0x4005d0" */
	TAPC_USYM_SRCFILELINE,		/* usymfileline: "prog.c:42", else "0x4005d0" */
};
/* The text of addr in the current task, into a MAXSTRINGLEN buffer. */
void tapc_usym(char *dst, unsigned long addr, enum tapc_usym_form form);
/* umodaddr(), umodbuildid(): addr's offset in the file mapped there (the
 * file's own address, for a file the module knows) and that file's build
 * id ("" when the module doesn't know the file or it has none); false
 * when no file is mapped at addr. */
bool tapc_umod(unsigned long addr, unsigned long *off, const char **build_id);
/* Each of n addresses as a line of form, appended to dst; pcs[i] past
 * the first are return addresses (their call is looked up). */
void tapc_usym_lines(char *dst, const unsigned long *pcs, int n, enum tapc_usym_form form);

/* The same as print_ubacktrace() prints them, one TAPC_USYM_LINE each
 * (TAPC_USYM_LINE_SRC with src: print_ubacktrace_fileline()). */
void tapc_uprint_lines(struct tapc_context *c, const unsigned long *pcs, int n);
void tapc_uprint_src_lines(struct tapc_context *c, const unsigned long *pcs, int n);
/* The hex addresses of a ubacktrace() string into pcs (at most max). */
int tapc_ustack_parse(const char *stk, unsigned long *pcs, int max);

#endif /* TAPC_USTACK_H */
