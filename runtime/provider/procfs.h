/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/procfs.h - procfs("PATH").read / .write probes: one struct
 * tapc_procfs_site per file in the translator's table, naming the file's
 * read probe (at most one) and its write probes.
 *
 * The files live in the module's /proc/tapc_MODULE/ (PATH may name
 * subdirectories, made as needed) from start to stop.  Each open of the
 * file gets a buffer of bufsize bytes: the first read(2) runs the read
 * probe, whose assignments to $value fill it (tapc_procfs_set()), and the
 * reads return its text.  Each write(2) hands at most MAXSTRINGLEN - 1
 * bytes to every write probe as $value (tapc_procfs_value()) and consumes
 * those bytes.  Probes run in the reader's or writer's process context,
 * on the CPU's context as any probe (locks, MAXACTION, errors).
 */
#ifndef TAPC_PROVIDER_PROCFS_H
#define TAPC_PROVIDER_PROCFS_H

#include <linux/types.h>

#include "../tapc_runtime.h"

/* The read buffer without .maxsize(N), as stap's STP_PROCFS_BUFSIZE. */
#ifndef TAPC_PROCFS_BUFSIZE
#define TAPC_PROCFS_BUFSIZE MAXSTRINGLEN
#endif

struct tapc_procfs_probe {
	const char *pp;
	tapc_handler_t handler;
};

struct tapc_procfs_site {
	const char *path;		/* below /proc/tapc_MODULE/ */
	umode_t mode;
	u32 bufsize;			/* the read buffer, NUL included */
	const struct tapc_procfs_probe *read;	/* NULL: none */
	const struct tapc_procfs_probe *writes;
	unsigned int nwrites;
	/* runtime private */
	struct proc_dir_entry *pde;
};

/* A write probe's $value: the bytes of this write(2), NUL-terminated. */
const char *tapc_procfs_value(struct tapc_context *c);
/* A read probe's $value = s (append: $value .= s).  False, with the error
 * set, when the buffer can't hold it ("consider .maxsize(N)"). */
bool tapc_procfs_set(struct tapc_context *c, const char *s, bool append,
		     const char *loc);

/* Its sites' group provider: registration creates the files,
 * unregistration removes them (waiting for reads and writes in
 * progress). */
extern const struct tapc_provider tapc_procfs_provider;

#endif /* TAPC_PROVIDER_PROCFS_H */
