// SPDX-License-Identifier: GPL-2.0
/*
 * library.c - runtime support of the tapset library (library.h): abort(),
 * the requests to taprun behind system() and switch_file(), and the time
 * zone taprun passes at load.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "tapc_runtime.h"
#include "library.h"
#include "transport.h"

long tapc_tz_gmtoff;
module_param(tapc_tz_gmtoff, long, 0444);
MODULE_PARM_DESC(tapc_tz_gmtoff, "local time zone: seconds west of UTC");

char tapc_tz_name[16] = "UTC";
module_param_string(tapc_tz_name, tapc_tz_name, sizeof(tapc_tz_name), 0444);
MODULE_PARM_DESC(tapc_tz_name, "local time zone name");

int tapc_stp_pid;
module_param(tapc_stp_pid, int, 0444);
MODULE_PARM_DESC(tapc_stp_pid, "process id of the taprun that loaded the module");

const char tapc_abort_msg[] = "abort()";

void tapc_abort_hit(struct tapc_context *c)
{
	tapc_request_exit();
	tapc_error(c, tapc_abort_msg, NULL);
	c->actions_left = -1;
}

void tapc_system(struct tapc_context *c, const char *cmd)
{
	tapc_print_flush(c);
	tapc_transport_write(TAPC_CHAN_SYSTEM, cmd, strlen(cmd));
}

void tapc_switch_file(struct tapc_context *c)
{
	tapc_print_flush(c);
	tapc_transport_write(TAPC_CHAN_SWITCH, "", 1);
}

void tapc_warn_line(struct tapc_context *c, const char *msg)
{
	size_t n = strlen(msg);

	/* the context's print buffer is free once flushed, and holds any
	 * MAXSTRINGLEN message (a stack buffer that size would not do) */
	tapc_print_flush(c);
	c->pb_len = scnprintf(c->pb, TAPC_PRINTBUF_SIZE, "WARNING: %s%s", msg,
			      n && msg[n - 1] == '\n' ? "" : "\n");
	tapc_transport_write(TAPC_CHAN_ERR, c->pb, c->pb_len);
	c->pb_len = 0;
}
