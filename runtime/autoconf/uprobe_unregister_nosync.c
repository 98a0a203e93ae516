/* SPDX-License-Identifier: GPL-2.0 */
/* 6.12: uprobe_register() returns the uprobe; unregistering is
 * uprobe_unregister_nosync() per consumer, then one
 * uprobe_unregister_sync() before the consumers' memory may go. */
#include <linux/uprobes.h>

void tapc_autoconf_test(struct inode *inode, struct uprobe_consumer *uc);
void tapc_autoconf_test(struct inode *inode, struct uprobe_consumer *uc)
{
	struct uprobe *u = uprobe_register(inode, 0, 0, uc);

	if (!IS_ERR(u))
		uprobe_unregister_nosync(u, uc);
	uprobe_unregister_sync();
}
