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
