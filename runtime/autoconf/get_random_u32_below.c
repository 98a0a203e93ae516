/* SPDX-License-Identifier: GPL-2.0 */
/* get_random_u32_below() replaced prandom_u32_max() (6.2, and some
 * stable 6.1.y updates: a version number can't tell). */
#include <linux/random.h>

u32 tapc_autoconf_test(void);
u32 tapc_autoconf_test(void)
{
	return get_random_u32_below(10);
}
