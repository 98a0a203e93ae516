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
	u64 seq;	/* bulk mode: order over all CPUs (from 1); else 0 */
};

extern unsigned int tapc_bufsize;	/* module parameter, bytes per CPU */
extern bool tapc_flight;		/* module parameter: overwrite the oldest */
extern bool tapc_bulk;			/* module parameter: number the records */

/* Process context, module load/unload (init creates the proc files). */
int tapc_transport_init(const char *modname);
void tapc_transport_exit(void);

/* Any context: append one record to this CPU's ring (or count a drop;
 * in flight-recorder mode the oldest records make room instead). */
void tapc_transport_write(enum tapc_chan chan, const void *data, size_t len);
/* The same with a sequence number taken earlier (tapc_transport_seq()):
 * the print buffer takes its number when a hit's first byte goes in,
 * under the script's locks, so merged bulk output is in lock order. */
void tapc_transport_write_seq(enum tapc_chan chan, const void *data, size_t len,
			      u64 seq);

/* Bulk mode: the next record number (any context); else 0. */
u64 tapc_transport_seq_next(void);
static inline u64 tapc_transport_seq(void)
{
	return tapc_bulk ? tapc_transport_seq_next() : 0;
}

/* Bytes dropped so far, and in how many writes. */
u64 tapc_transport_dropped(void);
u64 tapc_transport_drop_writes(void);
/* Flight recorder: bytes of the oldest records overwritten. */
u64 tapc_transport_overwritten(void);

/* " reader=PID uid=N flight=0|1 bulk=0|1" and the "file=" line of the
 * ctl status (process context). */
int tapc_transport_status(char *buf, size_t size);

#endif /* TAPC_TRANSPORT_H */
