/* SPDX-License-Identifier: GPL-2.0 */
/* mm_struct's rss_stat became an array of percpu_counters (6.2), from a
 * struct mm_rss_stat of atomic_long_t: proc_mem_rss() reads them. */
#include <linux/mm_types.h>
#include <linux/percpu_counter.h>

s64 tapc_autoconf_test(struct mm_struct *mm);
s64 tapc_autoconf_test(struct mm_struct *mm)
{
	return percpu_counter_read(&mm->rss_stat[0]);
}
