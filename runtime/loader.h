/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loader.h - the process that loaded the module (taprun, or whatever
 * called finit_module): stap's "stapio" process.  stp_pid() is its pid,
 * is_myproc() compares with its user, and the ns_*() functions translate
 * ids into the "target namespaces": its pid and user namespaces, or with
 * --target-namespace=PID (module parameter tapc_target_ns_pid) those of
 * process PID.  Recorded by module init, which runs in that process.
 */
#ifndef TAPC_LOADER_H
#define TAPC_LOADER_H

#include <linux/types.h>
#include <linux/uidgid.h>

struct pid_namespace;
struct user_namespace;

struct tapc_loader {
	pid_t pid;			/* its thread group id, as pid() counts */
	uid_t uid;			/* its real uid, in its user namespace */
	struct pid_namespace *pid_ns;	/* target: held until module exit */
	struct user_namespace *user_ns;	/* target: held until module exit */
};
extern struct tapc_loader tapc_loader;

/* Module init (in the loading process; -ESRCH when the target namespace
 * process is gone) and exit. */
int tapc_loader_init(void);
void tapc_loader_exit(void);

#endif /* TAPC_LOADER_H */
