/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transport.h - per-CPU output rings and the /proc/tapc_NAME/ files.
 *
 * A record is struct tapc_rec followed by len bytes.  Writers (probe
 * context) never block and never wake anybody: when a ring has no room the
 * record is dropped and its bytes counted.  taprun polls the out file.
 */
#ifndef TAPC_TRANSPORT_H
#define TAPC_TRANSPORT_H

#include <linux/types.h>

enum tapc_chan {
	TAPC_CHAN_OUT = 1,		/* script output (stdout) */
	TAPC_CHAN_ERR = 2,		/* ERROR:/WARNING: lines (stderr) */
	TAPC_CHAN_SYSTEM = 3,		/* system(): a command for taprun to run */
	TAPC_CHAN_SWITCH = 4,		/* switch_file(): taprun's next -o file */
};

struct tapc_rec {
	u32 len;
	u16 chan;
	u16 cpu;
};

extern unsigned int tapc_bufsize;	/* module parameter, bytes per CPU */

/* Process context, module load/unload (init creates the proc files). */
int tapc_transport_init(const char *modname);
void tapc_transport_exit(void);

/* Any context: append one record to this CPU's ring (or count a drop). */
void tapc_transport_write(enum tapc_chan chan, const void *data, size_t len);

/* Bytes dropped so far, and in how many writes. */
u64 tapc_transport_dropped(void);
u64 tapc_transport_drop_writes(void);

#endif /* TAPC_TRANSPORT_H */
