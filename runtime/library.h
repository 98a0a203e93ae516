/* SPDX-License-Identifier: GPL-2.0 */
/*
 * library.h - what the tapset library needs from the runtime beyond the
 * rest of tapc_runtime.h: abort(), system(), switch_file() and the time
 * zone taprun passes at load (tz_gmtoff(), tz_name()).
 */
#ifndef TAPC_LIBRARY_H
#define TAPC_LIBRARY_H

#include "tapc_runtime.h"

/* abort(): stop the run as exit() does and end this hit at once.  The
 * hit ends like a MAXACTION error (no catch stops it: the budget is
 * spent) whose message is tapc_abort_msg; the probe's handler then calls
 * tapc_abort_done(), so nothing is reported or counted. */
extern const char tapc_abort_msg[];
void tapc_abort_hit(struct tapc_context *c);
static inline void tapc_abort_done(struct tapc_context *c)
{
	if (unlikely(c->last_error == tapc_abort_msg)) {
		c->last_error = NULL;
		c->error_loc = NULL;
		c->actions_left = MAXACTION;
	}
}

/* system(cmd): taprun runs cmd with /bin/sh -c, after it has written this
 * hit's output so far (a record on TAPC_CHAN_SYSTEM). */
void tapc_system(struct tapc_context *c, const char *cmd);

/* switch_file(): with -o, taprun goes on in the next output file (a
 * record on TAPC_CHAN_SWITCH, after this hit's output so far). */
void tapc_switch_file(struct tapc_context *c);

/* warn(msg): "WARNING: msg\n" on stderr, after this hit's output so far. */
void tapc_warn_line(struct tapc_context *c, const char *msg);

/* stp_pid(): taprun's process id (a module parameter). */
extern int tapc_stp_pid;

/* The local time zone at load (taprun's module parameters). */
extern long tapc_tz_gmtoff;		/* seconds west of UTC */
extern char tapc_tz_name[];

#endif /* TAPC_LIBRARY_H */
