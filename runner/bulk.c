/* taprun -b: the script's output in one file per CPU, each record with a
 * header that numbers it over all CPUs (struct bulk_hdr), and taprun
 * --merge, which puts the records of those files back in that order, as
 * stap's stap-merge does for its per-CPU files.  The files are named as
 * stap names them: FILE_N with -o FILE, FILE_cpuN with -F -o FILE,
 * stpd_cpuN without -o.  The merge is a part of taprun rather than a
 * program of its own because the format is taprun's: the two can't drift
 * apart, and there is no other binary to install and document. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk.h"
#include "outfile.h"

static void bulk_name(const struct bulk *b, int cpu, char *name, size_t size)
{
	if (!b->base[0])
		snprintf(name, size, "stpd_cpu%d", cpu);
	else
		snprintf(name, size, "%s_%s%d", b->base, b->flight ? "cpu" : "", cpu);
}

static int bulk_open_cpu(struct bulk *b, int cpu, char *failed, size_t size)
{
	char name[PATH_MAX + 16];

	if (cpu >= b->n) {
		int *fds = realloc(b->fds, sizeof(int) * (size_t)(cpu + 1));

		if (!fds)
			return -1;
		b->fds = fds;
		while (b->n <= cpu)
			b->fds[b->n++] = -1;
	}
	if (b->fds[cpu] >= 0)
		return 0;
	bulk_name(b, cpu, name, sizeof(name));
	b->fds[cpu] = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (b->fds[cpu] < 0) {
		snprintf(failed, size, "%s", name);
		return -1;
	}
	return 0;
}

int bulk_open(struct bulk *b, const char *pattern, bool flight, int ncpus, char *failed,
	      size_t size)
{
	b->flight = flight;
	b->base[0] = '\0';
	if (pattern && outfile_expand(pattern, b->base, sizeof(b->base)) < 0) {
		snprintf(failed, size, "%s", pattern);
		return -1;
	}
	for (int cpu = 0; cpu < ncpus; cpu++)
		if (bulk_open_cpu(b, cpu, failed, size) < 0)
			return -1;
	return 0;
}

static int write_all_fd(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!k)
				errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int bulk_write(struct bulk *b, int cpu, uint64_t seq, const void *data, uint32_t len,
	       char *failed, size_t size)
{
	struct bulk_hdr h = { .len = len, .seq = seq };

	memcpy(h.magic, BULK_MAGIC, sizeof(h.magic));
	if (bulk_open_cpu(b, cpu, failed, size) < 0)
		return -1;
	if (write_all_fd(b->fds[cpu], &h, sizeof(h)) < 0 ||
	    write_all_fd(b->fds[cpu], data, len) < 0) {
		bulk_name(b, cpu, failed, size);
		return -1;
	}
	return 0;
}

int bulk_close(struct bulk *b)
{
	int rc = 0;

	for (int i = 0; i < b->n; i++)
		if (b->fds[i] >= 0 && close(b->fds[i]) < 0 && errno != EINTR)
			rc = -1;
	free(b->fds);
	b->fds = NULL;
	b->n = 0;
	return rc;
}

/* ---- --merge ---- */

struct input {
	const char *name;
	FILE *f;
	long long offset;		/* of the header in h */
	bool more;			/* h holds the next record */
	struct bulk_hdr h;
};

/* Read the next header of in; -1 (after the message) when it is not one. */
static int next_header(struct input *in)
{
	size_t n = fread(&in->h, 1, sizeof(in->h), in->f);

	in->more = false;
	if (n == 0 && !ferror(in->f))
		return 0;		/* the end, between records */
	if (n < sizeof(in->h) || memcmp(in->h.magic, BULK_MAGIC, 4)) {
		if (ferror(in->f))
			fprintf(stderr, "taprun: --merge: %s: %s\n", in->name, strerror(errno));
		else if (in->offset == 0)
			fprintf(stderr, "taprun: --merge: %s is not a file of taprun -b (bulk mode)\n",
				in->name);
		else
			fprintf(stderr, "taprun: --merge: %s: a broken record at byte %lld\n",
				in->name, in->offset);
		return -1;
	}
	in->more = true;
	return 0;
}

/* Copy in's current record (len bytes after the header) to out. */
static int copy_record(struct input *in, FILE *out, const char *out_name)
{
	char buf[65536];
	uint32_t left = in->h.len;

	while (left) {
		size_t k = fread(buf, 1, left < sizeof(buf) ? left : sizeof(buf), in->f);

		if (k == 0) {
			fprintf(stderr, "taprun: --merge: %s: the record at byte %lld is cut short\n",
				in->name, in->offset);
			return -1;
		}
		if (fwrite(buf, 1, k, out) != k) {
			fprintf(stderr, "taprun: --merge: cannot write to %s: %s\n", out_name,
				strerror(errno));
			return -1;
		}
		left -= (uint32_t)k;
	}
	in->offset += (long long)sizeof(in->h) + in->h.len;
	return next_header(in);
}

static int merge_inputs(struct input *in, int n, FILE *out, const char *out_name)
{
	for (;;) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (in[i].more && (best < 0 || in[i].h.seq < in[best].h.seq))
				best = i;
		if (best < 0)
			return 0;
		if (copy_record(&in[best], out, out_name) < 0)
			return -1;
	}
}

int bulk_merge(int nfiles, char **files, const char *outfile)
{
	struct input *in = calloc((size_t)nfiles ? (size_t)nfiles : 1, sizeof(*in));
	const char *out_name = outfile ? outfile : "stdout";
	FILE *out = stdout;
	int rc = 1, i;

	if (!in) {
		fprintf(stderr, "taprun: --merge: out of memory\n");
		return 1;
	}
	for (i = 0; i < nfiles; i++) {
		in[i].name = files[i];
		in[i].f = fopen(files[i], "rb");
		if (!in[i].f) {
			fprintf(stderr, "taprun: --merge: cannot open %s: %s\n", files[i], strerror(errno));
			goto out;
		}
		if (next_header(&in[i]) < 0)
			goto out;
	}
	if (outfile && !(out = fopen(outfile, "wb"))) {
		fprintf(stderr, "taprun: --merge: cannot open %s: %s\n", outfile, strerror(errno));
		goto out;
	}
	if (merge_inputs(in, nfiles, out, out_name) == 0)
		rc = 0;
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
		fprintf(stderr, "taprun: --merge: cannot write to %s: %s\n", out_name, strerror(errno));
		rc = 1;
	}
out:
	for (i = 0; i < nfiles; i++)
		if (in[i].f)
			fclose(in[i].f);
	free(in);
	return rc;
}
