/* The target kernel's system calls, read from its build tree.
 *
 * One entry per implemented syscall of each ABI the x86_64 kernel serves:
 * its number, its user-space name (the __NR_ name of the uapi unistd
 * header, "stat" for number 4), the kernel function that implements it
 * (from the generated syscall tables, "sys_newstat", or
 * "compat_sys_..." for an i386 call with a compat entry) and that
 * function's parameters (names and C types from the prototypes in
 * include/linux/syscalls.h and compat.h, sizes of typedefs from BTF).
 * Numbers the tables fill with sys_ni_syscall are left out.  Nothing here
 * is a hand-written list: a new kernel's new syscalls appear by
 * themselves.  The few x86 entry points that no header declares get no
 * parameters here (nparams -1); tapset/linux/syscalls.tab may describe them.
 */
#ifndef TAPC_SYSCALLS_H
#define TAPC_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

struct kernel;

enum syscall_abi {
	SYSCALL_ABI_64,			/* x86_64 (the syscall instruction) */
	SYSCALL_ABI_I386,		/* ia32 emulation (int 0x80, sysenter) */
	SYSCALL_NABI,
};

/* How an argument register becomes the parameter's value (the runtime's
 * TAPC_SC_ARG_* codes, runtime/tapc_runtime.h, in the same order). */
enum syscall_arg_kind {
	SA_S64, SA_U64, SA_S32, SA_U32, SA_S16, SA_U16, SA_S8, SA_U8,
	SA_PTR,				/* an address: 64 bits, unsigned */
	SA_USER_PTR,			/* an address in user space (__user) */
};

#define SYSCALL_MAX_PARAMS 6

struct syscall_param {
	const char *name;		/* "filename"; "argN" when the header
					 * leaves it unnamed */
	const char *ctype;		/* "const char *" (no __user) */
	enum syscall_arg_kind kind;
	int btf_type;			/* the type in the kernel's BTF, -1 */
};

struct syscall {
	enum syscall_abi abi;
	int nr;
	const char *name;		/* user-space name: "stat" */
	const char *entry;		/* kernel function: "sys_newstat" */
	int nparams;			/* -1: no prototype found */
	struct syscall_param params[SYSCALL_MAX_PARAMS];
};

struct syscall_table {
	struct syscall *calls;		/* by ABI, then number */
	size_t ncalls;
	int nr_limit[SYSCALL_NABI];	/* highest number + 1, per ABI */
	/* every __NR_ name of the uapi headers by number, implemented or not
	 * (what syscall_name() answers), [uapi_limit[abi]] entries each */
	const char **uapi[SYSCALL_NABI];
	int uapi_limit[SYSCALL_NABI];
};

/* The syscalls of k, read once and kept with k; NULL when its build tree
 * has no syscall tables. */
const struct syscall_table *kernel_syscalls(struct kernel *k);

/* The syscall of abi named name (user-space name), or NULL. */
const struct syscall *syscall_by_name(const struct syscall_table *t, enum syscall_abi abi,
				      const char *name);
/* The syscall of abi with number nr, or NULL. */
const struct syscall *syscall_by_nr(const struct syscall_table *t, enum syscall_abi abi, int nr);
/* "" for the 64-bit ABI, "32" for i386: what kernel.syscall32 adds. */
const char *syscall_abi_suffix(enum syscall_abi abi);
/* The entry's name without its sys_ / compat_sys_ / ia32 prefix
 * ("newstat" for sys_newstat, "open" for compat_sys_open). */
const char *syscall_base(const struct syscall *sc);
/* Whether the kernel may change a syscall's argument registers before it
 * returns (execve replaces them), so they can't be read at its return. */
bool syscall_clobbers_args(const struct syscall *sc);

/* Where kernel_syscalls() looks, for messages. */
#define SYSCALL_TABLE_FILE "arch/x86/include/generated/asm/syscalls_64.h"

#endif
