/*
 * command.h - taprun's -c command: checked before the module loads,
 * started once the probes are armed, reaped at the end.
 */
#ifndef TAPC_RUNNER_COMMAND_H
#define TAPC_RUNNER_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct command {
	pid_t pid;			/* 0: no command */
	int go_fd;			/* write end: releases the child */
	int report_fd;			/* read end: what the child could not do */
	int status;			/* waitpid()'s, once done */
	bool done;
	bool killed;			/* by us, at the end: not news */
	bool failed;			/* it could not be started (reported) */
};

/*
 * Fork the child for cmd: it enters chroot_dir and cwd (each may be NULL),
 * checks that cmd can be started, and waits for command_release().  -1,
 * with the reason printed, when it can't start: before any module is
 * loaded.
 */
int command_fork(struct command *c, const char *cmd, const char *chroot_dir, const char *cwd);

/* Let the child exec the command (the probes are armed). */
void command_release(struct command *c);

/* Collect the child's exit status if it has ended (wait: until it has). */
void command_reap(struct command *c, bool wait);

/* At the end of the run: a child still running gets SIGTERM (SIGKILL
 * when force), is waited for, and a signal it died of is reported. */
void command_finish(struct command *c, bool force);

/*
 * Can cmd be started?  0, or an errno with what naming the program (or
 * saying what is wrong).  A program named without a '/' is looked up in
 * PATH only when search_path is true (else it is taken as found).
 */
int command_check(const char *cmd, bool search_path, char *what, size_t size);

#endif
