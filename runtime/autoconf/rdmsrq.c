/* SPDX-License-Identifier: GPL-2.0 */
/* rdmsrq() replaced rdmsrl() (6.16): print_regs() reads FS/GS bases. */
#include <asm/msr.h>

u64 tapc_autoconf_test(void);
u64 tapc_autoconf_test(void)
{
	u64 v;

	rdmsrq(MSR_FS_BASE, v);
	return v;
}
