/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/x86_64.h - the only place that names x86_64 registers.
 *
 * Function arguments follow the kernel's calling convention (rdi rsi rdx rcx
 * r8 r9).  Syscall entry points since 4.17 are wrappers (__x64_sys_NAME)
 * taking one struct pt_regs * (the user registers saved at syscall entry):
 * their arguments are in that inner pt_regs, with r10 in place of rcx.
 */
#ifndef TAPC_ARCH_X86_64_H
#define TAPC_ARCH_X86_64_H

#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/kernel.h>

/* n-th (1-based) integer argument at function entry; 0 past the sixth
 * (stack arguments are not supported). */
static inline unsigned long tapc_arch_arg(const struct pt_regs *regs, int n)
{
	switch (n) {
	case 1: return regs->di;
	case 2: return regs->si;
	case 3: return regs->dx;
	case 4: return regs->cx;
	case 5: return regs->r8;
	case 6: return regs->r9;
	default: return 0;
	}
}

static inline unsigned long tapc_arch_return_value(const struct pt_regs *regs)
{
	return regs->ax;
}

/* Guru mode: in a kretprobe handler the trampoline returns to the caller
 * with the registers of regs, so the caller sees this value returned. */
static inline void tapc_arch_set_return_value(struct pt_regs *regs, unsigned long v)
{
	regs->ax = v;
}

/* Guru mode: at function entry (a kprobe on the first instruction) the
 * function goes on with the argument registers of regs. */
static inline void tapc_arch_set_arg(struct pt_regs *regs, int n, unsigned long v)
{
	switch (n) {
	case 1: regs->di = v; break;
	case 2: regs->si = v; break;
	case 3: regs->dx = v; break;
	case 4: regs->cx = v; break;
	case 5: regs->r8 = v; break;
	case 6: regs->r9 = v; break;
	}
}

/* Register n in DWARF's numbering (the x86_64 psABI's: rax rdx rcx rbx
 * rsi rdi rbp rsp r8..r15, 16 = the return address column, here ip): the
 * compiler turns DWARF location expressions into calls of this. */
static inline unsigned long tapc_arch_dwarf_reg(const struct pt_regs *regs, int n)
{
	switch (n) {
	case 0: return regs->ax;
	case 1: return regs->dx;
	case 2: return regs->cx;
	case 3: return regs->bx;
	case 4: return regs->si;
	case 5: return regs->di;
	case 6: return regs->bp;
	case 7: return regs->sp;
	case 8: return regs->r8;
	case 9: return regs->r9;
	case 10: return regs->r10;
	case 11: return regs->r11;
	case 12: return regs->r12;
	case 13: return regs->r13;
	case 14: return regs->r14;
	case 15: return regs->r15;
	case 16: return regs->ip;
	default: return 0;
	}
}

static inline unsigned long tapc_arch_ip(const struct pt_regs *regs)
{
	return regs->ip;
}

static inline unsigned long tapc_arch_sp(const struct pt_regs *regs)
{
	return regs->sp;
}

static inline unsigned long tapc_arch_fp(const struct pt_regs *regs)
{
	return regs->bp;
}

/* register("NAME"): SystemTap's names of the 64-bit registers (rax or
 * ax, ..., rip or ip, eflags or flags, orig_rax or orig_ax, cs, ss,
 * r8..r15) and of the low halves of the first eight (eax, ..., esp:
 * *low32 set).  False when name is none of them. */
static inline bool tapc_arch_register(const struct pt_regs *regs, const char *name,
				      unsigned long *v, bool *low32)
{
	static const struct { const char *a, *b, *low; unsigned short off; } regs_by_name[] = {
		{ "rax", "ax", "eax", offsetof(struct pt_regs, ax) },
		{ "rbx", "bx", "ebx", offsetof(struct pt_regs, bx) },
		{ "rcx", "cx", "ecx", offsetof(struct pt_regs, cx) },
		{ "rdx", "dx", "edx", offsetof(struct pt_regs, dx) },
		{ "rsi", "si", "esi", offsetof(struct pt_regs, si) },
		{ "rdi", "di", "edi", offsetof(struct pt_regs, di) },
		{ "rbp", "bp", "ebp", offsetof(struct pt_regs, bp) },
		{ "rsp", "sp", "esp", offsetof(struct pt_regs, sp) },
		{ "rip", "ip", "eip", offsetof(struct pt_regs, ip) },
		{ "eflags", "flags", NULL, offsetof(struct pt_regs, flags) },
		{ "orig_rax", "orig_ax", NULL, offsetof(struct pt_regs, orig_ax) },
		{ "cs", "xcs", NULL, offsetof(struct pt_regs, cs) },
		{ "ss", "xss", NULL, offsetof(struct pt_regs, ss) },
		{ "r8", NULL, NULL, offsetof(struct pt_regs, r8) },
		{ "r9", NULL, NULL, offsetof(struct pt_regs, r9) },
		{ "r10", NULL, NULL, offsetof(struct pt_regs, r10) },
		{ "r11", NULL, NULL, offsetof(struct pt_regs, r11) },
		{ "r12", NULL, NULL, offsetof(struct pt_regs, r12) },
		{ "r13", NULL, NULL, offsetof(struct pt_regs, r13) },
		{ "r14", NULL, NULL, offsetof(struct pt_regs, r14) },
		{ "r15", NULL, NULL, offsetof(struct pt_regs, r15) },
	};
	unsigned int i;

	for (i = 0; i < sizeof(regs_by_name) / sizeof(regs_by_name[0]); i++) {
		bool full = !strcmp(name, regs_by_name[i].a) ||
			    (regs_by_name[i].b && !strcmp(name, regs_by_name[i].b));
		bool low = regs_by_name[i].low && !strcmp(name, regs_by_name[i].low);

		if (full || low) {
			*v = *(const unsigned long *)((const char *)regs + regs_by_name[i].off);
			*low32 = low;
			return true;
		}
	}
	return false;
}

/* The user registers a syscall wrapper received as its first argument. */
static inline const struct pt_regs *tapc_arch_syscall_regs(const struct pt_regs *regs)
{
	return (const struct pt_regs *)regs->di;
}

/* n-th (1-based) syscall argument from the inner pt_regs of a wrapper. */
static inline unsigned long tapc_arch_syscall_arg(const struct pt_regs *regs, int n)
{
	const struct pt_regs *u = tapc_arch_syscall_regs(regs);

	switch (n) {
	case 1: return u->di;
	case 2: return u->si;
	case 3: return u->dx;
	case 4: return u->r10;
	case 5: return u->r8;
	case 6: return u->r9;
	default: return 0;
	}
}

/* At the raw syscall tracepoints regs are the task's user registers:
 * the syscall number and the arguments as the syscall instruction left
 * them (r10 for the fourth). */
static inline long tapc_arch_user_syscall_nr(const struct pt_regs *regs)
{
	return regs->orig_ax;
}

static inline unsigned long tapc_arch_user_syscall_arg(const struct pt_regs *regs, int n)
{
	switch (n) {
	case 1: return regs->di;
	case 2: return regs->si;
	case 3: return regs->dx;
	case 4: return regs->r10;
	case 5: return regs->r8;
	case 6: return regs->r9;
	default: return 0;
	}
}

/* The ABI of the current task's syscall (at sys_enter / sys_exit): 1 for
 * an ia32 call of a 32-bit task (int 0x80, sysenter), else 0. */
static inline int tapc_arch_syscall_abi(void)
{
	return in_ia32_syscall() ? 1 : 0;
}

/* The number of the syscall whose user registers these are (at sys_exit,
 * which is not passed it): orig_ax, -1 when there is none. */
static __always_inline long tapc_arch_syscall_nr(const struct pt_regs *u)
{
	return u->orig_ax;
}

/* Guru mode: at sys_enter the call goes on with the arguments of the
 * saved user registers (what tapc_arch_syscall_arg_of() reads); a 32-bit
 * task's entry reads 32 bits of each. */
static __always_inline void tapc_arch_syscall_set_arg_of(struct pt_regs *u, int abi, int n, u64 v)
{
	if (abi) {
		v = (u32)v;
		switch (n) {
		case 0: u->bx = v; break;
		case 1: u->cx = v; break;
		case 2: u->dx = v; break;
		case 3: u->si = v; break;
		case 4: u->di = v; break;
		case 5: u->bp = v; break;
		}
		return;
	}
	switch (n) {
	case 0: u->di = v; break;
	case 1: u->si = v; break;
	case 2: u->dx = v; break;
	case 3: u->r10 = v; break;
	case 4: u->r8 = v; break;
	case 5: u->r9 = v; break;
	}
}

/* Argument n (0-based) of a syscall from the user registers saved at its
 * entry (what the raw syscall tracepoints pass): the 64-bit ABI's rdi rsi
 * rdx r10 r8 r9, or i386's ebx ecx edx esi edi ebp, 32 bits each as the
 * ia32 entry reads them. */
static __always_inline u64 tapc_arch_syscall_arg_of(const struct pt_regs *u, int abi, int n)
{
	if (abi) {
		switch (n) {
		case 0: return (u32)u->bx;
		case 1: return (u32)u->cx;
		case 2: return (u32)u->dx;
		case 3: return (u32)u->si;
		case 4: return (u32)u->di;
		case 5: return (u32)u->bp;
		default: return 0;
		}
	}
	switch (n) {
	case 0: return u->di;
	case 1: return u->si;
	case 2: return u->dx;
	case 3: return u->r10;
	case 4: return u->r8;
	case 5: return u->r9;
	default: return 0;
	}
}

#endif /* TAPC_ARCH_X86_64_H */
