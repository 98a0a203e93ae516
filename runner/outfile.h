/* outfile.c: taprun's -o FILE, with strftime patterns in its name and -S
 * rotation. */
#ifndef TAPRUN_OUTFILE_H
#define TAPRUN_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct outfile {
	const char *pattern;		/* -o FILE: strftime %-patterns allowed */
	long long limit;		/* -S SIZE in bytes; 0: no rotation */
	int keep;			/* -S SIZE,N: at most N files; 0: all */
	int index;			/* with -S: the current FILE.index */
	long long written;		/* bytes in the current file */
	int fd;
	char base[PATH_MAX];		/* pattern expanded when the run started */
	char name[PATH_MAX + 16];	/* the current file */
};

/* The pattern with its strftime %-patterns expanded for now (local
 * time); -1 (and errno) when it expands to nothing or too much. */
int outfile_expand(const char *pattern, char *buf, size_t size);

/* "SIZE[,N]" of -S: SIZE MiB (1..4095), N files (1..100000, or none). */
int outfile_parse_rotation(const char *arg, long long *limit, int *keep);

/* Open the first file: the expanded name, or NAME.0 with -S. */
int outfile_open(struct outfile *o);
/* Go on in the next file: NAME.index+1 with -S (removing the oldest past
 * N files), else NAME.1, NAME.2 ... (switch_file() without -S); the
 * current file is closed.  -1 (errno) if the next can't be opened: the
 * current one stays. */
int outfile_next(struct outfile *o);
/* Before writing n bytes: with -S, true when the current file is full
 * (it holds at least SIZE bytes; a record is never split). */
bool outfile_full(const struct outfile *o);

#endif
