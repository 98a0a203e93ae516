// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - remember who loaded the module (see loader.h).
 */
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/user_namespace.h>

#include "loader.h"

struct tapc_loader tapc_loader;

void tapc_loader_init(void)
{
	tapc_loader.pid = task_tgid_nr(current);
	tapc_loader.uid = from_kuid_munged(current_user_ns(), current_uid());
	/* references: the loader may exit (killed) before the module goes */
	tapc_loader.pid_ns = get_pid_ns(task_active_pid_ns(current));
	tapc_loader.user_ns = get_user_ns(current_user_ns());
}

void tapc_loader_exit(void)
{
	put_pid_ns(tapc_loader.pid_ns);
	put_user_ns(tapc_loader.user_ns);
}
