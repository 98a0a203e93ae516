/* bulk.c: taprun -b's files, one per CPU, and taprun --merge. */
#ifndef TAPRUN_BULK_H
#define TAPRUN_BULK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A record of a bulk file: this header, then len bytes of the script's
 * output.  seq numbers the module's records over all CPUs (from 1), so
 * --merge can interleave the files again; magic tells a bulk file from
 * anything else.  Native byte order: the files are merged on the machine
 * that wrote them, as stap's are.
 */
struct bulk_hdr {
	char magic[4];			/* BULK_MAGIC */
	uint32_t len;
	uint64_t seq;
};
#define BULK_MAGIC "tapB"

struct bulk {
	char base[PATH_MAX];		/* -o FILE expanded, or "" */
	bool flight;			/* -F: FILE_cpuN, as stap names them */
	int n;				/* files opened so far */
	int *fds;			/* [cpu], -1: not yet */
};

/* Open FILE_N (FILE_cpuN with -F; stpd_cpuN without -o) for CPUs 0 to
 * ncpus-1; -1 with errno and the failing name in *failed. */
int bulk_open(struct bulk *b, const char *pattern, bool flight, int ncpus, char *failed,
	      size_t size);
/* One record of cpu's output (its file opened when first needed). */
int bulk_write(struct bulk *b, int cpu, uint64_t seq, const void *data, uint32_t len,
	       char *failed, size_t size);
/* Close them: -1 (errno) when the last writes failed. */
int bulk_close(struct bulk *b);

/* taprun --merge [-o FILE] FILE...: the records of all FILEs in seq
 * order, their bytes to FILE or stdout; an exit status. */
int bulk_merge(int nfiles, char **files, const char *outfile);

#endif
