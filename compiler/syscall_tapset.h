/* The syscall tapset (syscall.NAME, nd_syscall.NAME, tp_syscall.NAME and
 * their .return, syscall_name(), syscall_num()), generated for a kernel
 * from its syscalls and tapset/syscalls.tab: see syscall_tapset.c. */
#ifndef TAPC_SYSCALL_TAPSET_H
#define TAPC_SYSCALL_TAPSET_H

struct kernel;

/* The tapset's text (malloc'ed), or NULL after an error (printed); NULL
 * quietly when k's build tree has no syscall tables. */
char *syscall_tapset(struct kernel *k, const char *table_path);

#endif
