/* SPDX-License-Identifier: GPL-2.0 */
/* struct module's mem[] (6.4) replaced core_layout: module_size() reads
 * the script module's text and data sizes. */
#include <linux/module.h>

unsigned int tapc_autoconf_test(struct module *m);
unsigned int tapc_autoconf_test(struct module *m)
{
	return m->mem[MOD_TEXT].size;
}
