/* taprun's output file: -o FILE with strftime patterns, as stap's -o, and
 * -S SIZE[,N] rotation, as staprun's: FILE.0, FILE.1, ... each of about
 * SIZE MiB (a file is changed between records, never inside one), with at
 * most N kept (the oldest removed).  switch_file() from the script is a
 * rotation too.  Kept apart from taprun.c so testsuite/unit tests it
 * without a module. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

int outfile_expand(const char *pattern, char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	if (!strchr(pattern, '%')) {
		n = strlen(pattern);
		if (n >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(buf, pattern, n + 1);
		return 0;
	}
	localtime_r(&now, &tm);
	n = strftime(buf, size, pattern, &tm);
	if (n == 0) {	/* too long, or nothing at all */
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int outfile_parse_rotation(const char *arg, long long *limit, int *keep)
{
	char *end;
	long mb, n = 0;

	errno = 0;
	mb = strtol(arg, &end, 10);
	if (errno || end == arg || mb < 1 || mb > 4095 || (*end && *end != ','))
		return -1;
	if (*end == ',') {
		const char *p = end + 1;

		n = strtol(p, &end, 10);
		if (errno || end == p || *end || n < 1 || n > 100000)
			return -1;
	}
	*limit = (long long)mb << 20;
	*keep = (int)n;
	return 0;
}

static int open_name(struct outfile *o, const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (o->fd >= 0)
		close(o->fd);
	o->fd = fd;
	o->written = 0;
	snprintf(o->name, sizeof(o->name), "%s", name);
	return 0;
}

int outfile_open(struct outfile *o)
{
	char name[sizeof(o->name)];

	o->fd = -1;
	o->index = 0;
	if (outfile_expand(o->pattern, o->base, sizeof(o->base)) < 0)
		return -1;
	if (!o->limit)
		return open_name(o, o->base);
	snprintf(name, sizeof(name), "%s.0", o->base);
	return open_name(o, name);
}

int outfile_next(struct outfile *o)
{
	char name[sizeof(o->name)];

	snprintf(name, sizeof(name), "%s.%d", o->base, o->index + 1);
	if (open_name(o, name) < 0)
		return -1;
	o->index++;
	if (o->limit && o->keep && o->index >= o->keep) {
		snprintf(name, sizeof(name), "%s.%d", o->base, o->index - o->keep);
		unlink(name);
	}
	return 0;
}

bool outfile_full(const struct outfile *o)
{
	return o->limit && o->written >= o->limit;
}
