/* SPDX-License-Identifier: GPL-2.0 */
/* uprobe_register_refctr() registered a uprobe with an SDT semaphore
 * until 6.12 folded it into uprobe_register(), which since returns the
 * struct uprobe to unregister (uprobe_unregister_nosync.c). */
#include <linux/uprobes.h>

int tapc_autoconf_test(struct inode *inode, struct uprobe_consumer *uc);
int tapc_autoconf_test(struct inode *inode, struct uprobe_consumer *uc)
{
	return uprobe_register_refctr(inode, 0, 0, uc);
}
