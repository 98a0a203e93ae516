/* usdt.c: the arguments of an SDT marker (.note.stapsdt), as the C a
 * uprobe handler runs to read them.  The note gives each argument as
 * "[-]SIZE@OPERAND" in the assembler's syntax (x86_64 AT&T: "%rdi",
 * "-4@-20(%rbp)", "8@$5", "8@counter(%rip)"), chosen by the compiler
 * that built the marker: where the value was at that instruction. */
#ifndef TAPC_USDT_H
#define TAPC_USDT_H

#include <stdbool.h>

struct image;
struct usdt;

struct usdt_arg {
	int size;			/* bytes */
	bool is_signed;
	const char *expr;		/* an int64_t C expression over c->regs */
	bool reads_memory;		/* may fault: the error is set on the context */
};

/* How many arguments the marker has. */
int usdt_nargs(const struct usdt *m);
/* Argument n (1-based) of marker m of image im; loc: the script position
 * (a C string literal) for the error of a read that faults.  NULL, or why
 * the operand can't be read. */
const char *usdt_arg(struct image *im, const struct usdt *m, int n, const char *loc,
		     struct usdt_arg *out);

#endif
