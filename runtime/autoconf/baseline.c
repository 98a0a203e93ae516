/* SPDX-License-Identifier: GPL-2.0 */
/* Always compiles: proves the headers and the compiler work, so a failing
 * feature test means the feature is missing. */
#include <linux/module.h>

int tapc_autoconf_test(void);
int tapc_autoconf_test(void)
{
	return 0;
}
