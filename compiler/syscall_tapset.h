/* The syscall tapset (syscall.NAME, nd_syscall.NAME, tp_syscall.NAME and
 * their .return, syscall_any, syscall_name(), syscall_num()), generated
 * for the target kernel from its syscalls and tapset/linux/syscalls.tab:
 * a generator of tapset.h (see syscall_tapset.c). */
#ifndef TAPC_SYSCALL_TAPSET_H
#define TAPC_SYSCALL_TAPSET_H

#include "tapset.h"

extern const struct tapset_generator syscall_tapset_generator;

#endif
