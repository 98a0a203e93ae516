// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - remember who loaded the module, and the target namespaces
 * (see loader.h).
 */
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/user_namespace.h>

#include "loader.h"

/* --target-namespace=PID: the process, as the loader numbers it, and the
 * inode of its pid namespace as taprun read it from /proc/PID/ns/pid, so
 * a pid reused between taprun's look and the load is refused rather than
 * taken for the process the user named. */
static int tapc_target_ns_pid;
module_param(tapc_target_ns_pid, int, 0444);
MODULE_PARM_DESC(tapc_target_ns_pid, "process whose namespaces ns_*() use (--target-namespace)");
static uint tapc_target_ns_ino;
module_param(tapc_target_ns_ino, uint, 0444);
MODULE_PARM_DESC(tapc_target_ns_ino, "inode of that process's pid namespace");

struct tapc_loader tapc_loader;

/* The namespaces of the --target-namespace process, with references. */
static int tapc_target_ns_get(void)
{
	struct task_struct *t;
	struct pid_namespace *pid_ns;
	int rc = -ESRCH;

	rcu_read_lock();
	t = pid_task(find_vpid(tapc_target_ns_pid), PIDTYPE_PID);
	pid_ns = t ? task_active_pid_ns(t) : NULL;
	if (pid_ns && pid_ns->ns.inum == tapc_target_ns_ino) {
		tapc_loader.pid_ns = get_pid_ns(pid_ns);
		tapc_loader.user_ns = get_user_ns(__task_cred(t)->user_ns);
		rc = 0;
	}
	rcu_read_unlock();
	if (rc)
		pr_err("%s: --target-namespace: no process %d with pid namespace %u\n",
		       THIS_MODULE->name, tapc_target_ns_pid, tapc_target_ns_ino);
	return rc;
}

int tapc_loader_init(void)
{
	tapc_loader.pid = task_tgid_nr(current);
	tapc_loader.uid = from_kuid_munged(current_user_ns(), current_uid());
	if (tapc_target_ns_pid > 0)
		return tapc_target_ns_get();
	/* references: the loader may exit (killed) before the module goes */
	tapc_loader.pid_ns = get_pid_ns(task_active_pid_ns(current));
	tapc_loader.user_ns = get_user_ns(current_user_ns());
	return 0;
}

void tapc_loader_exit(void)
{
	put_pid_ns(tapc_loader.pid_ns);
	put_user_ns(tapc_loader.user_ns);
}
