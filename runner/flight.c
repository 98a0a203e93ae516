/*
 * flight.c - taprun -L, -A MODULE and -d MODULE: the modules that taprun -F
 * left running (SystemTap's flight recorder; staprun's -A and -d).
 *
 * A tapc module is a /proc/tapc_NAME directory.  Its ctl status says which
 * taprun reads its output (the `reader`, claimed through ctl, see
 * runtime/transport.c) and, for a background taprun of -F -o, the file it
 * writes.  -A becomes the reader when there is none (the flight recorder's
 * buffer is printed, then what comes); Ctrl-C releases the module, which
 * goes on.  When a background taprun serves it, -A follows that taprun's
 * file instead.  -d writes `stop`: the end probes run and the reader, if
 * there is one, drains the output to where it goes and unloads; with no
 * reader -d does that itself, to its stdout.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "taprun.h"

#define READ_SIZE	(1 << 20)

static bool name_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 55)
		return false;
	for (; *n; n++)
		if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) && *n != '_')
			return false;
	return true;
}

/* Why NAME can't be opened, as one clear line. */
static void explain_missing(const char *name, const char *dir, int err)
{
	char sys[128];
	struct stat st;

	snprintf(sys, sizeof(sys), "/sys/module/%s", name);
	if (err == EACCES || err == EPERM) {
		char ctl[192];

		snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
		if (stat(ctl, &st) == 0)
			error_msg("%s belongs to uid %u: only that user or root may attach to it or stop it",
				  name, (unsigned)st.st_uid);
		else
			error_msg("%s: %s", dir, strerror(err));
	} else if (stat(sys, &st) == 0) {
		error_msg("%s is not a tapc module (it has no %s)", name, dir);
	} else {
		error_msg("no module %s is loaded (taprun -L lists the running tapc modules)", name);
	}
}

/* Open NAME's proc files into r; -1 after saying why not. */
static int open_module(struct run *r, const char *name)
{
	char path[192];
	int err;

	if (!name_ok(name)) {
		error_msg("'%s' is not a module name (lower case letters, digits and _)", name);
		return -1;
	}
	run_init(r);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->dir, sizeof(r->dir), "/proc/tapc_%s", name);
	snprintf(path, sizeof(path), "%s/ctl", r->dir);
	r->ctl_fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->ctl_fd < 0) {
		explain_missing(name, r->dir, errno);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/out", r->dir);
	r->out_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->out_fd < 0) {
		err = errno;
		close(r->ctl_fd);
		explain_missing(name, r->dir, err);
		return -1;
	}
	r->buf = malloc(READ_SIZE);
	if (!r->buf) {
		error_msg("out of memory");
		return -1;
	}
	return 0;
}

static void close_module(struct run *r)
{
	if (r->out_fd >= 0)
		close(r->out_fd);
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	free(r->buf);
	r->buf = NULL;
}

/* The module's -s size in MiB, for the dropped-output warning. */
static long module_bufsize_mb(const char *name)
{
	char path[192];
	long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/tapc_bufsize", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &bytes) != 1)
			bytes = 0;
		fclose(f);
	}
	return bytes >> 20;
}

/* ---- -L ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_one(const char *name)
{
	char path[192];
	struct run r;
	struct status s;
	const char *out;

	run_init(&r);
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(path, sizeof(path), "/proc/tapc_%s/ctl", name);
	r.ctl_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.ctl_fd < 0 || read_status(&r, &s) < 0) {
		struct stat st;

		if (stat(path, &st) == 0)
			printf("%-24s %-9s %-7s %-24s %s\n", name, "?", "?", "?",
			       "(another user's: ask root)");
		if (r.ctl_fd >= 0)
			close(r.ctl_fd);
		return;
	}
	close(r.ctl_fd);
	out = s.file[0] ? s.file : s.reader ? "(taprun's)" :
	      s.flight ? "(flight recorder buffer)" : "(buffer)";
	if (s.reader)
		snprintf(path, sizeof(path), "%ld", s.reader);
	else
		snprintf(path, sizeof(path), "-");
	printf("%-24s %-9s %-7s %-24s %s\n", name, s.state, path, out, s.script);
}

int flight_list(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d) {
		error_msg("cannot read /proc: %s", strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		char **more;

		if (strncmp(e->d_name, "tapc_", 5) || !name_ok(e->d_name + 5))
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more || !(more[n] = strdup(e->d_name + 5))) {
			error_msg("out of memory");
			closedir(d);
			return 1;
		}
		names = more;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	if (n)
		printf("%-24s %-9s %-7s %-24s %s\n", "MODULE", "STATE", "TAPRUN", "OUTPUT", "SCRIPT");
	for (size_t i = 0; i < n; i++) {
		list_one(names[i]);
		free(names[i]);
	}
	free(names);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- -A ---- */

/* Copy what was added to fd since *pos to stdout. */
static void copy_new(int fd, off_t *pos, char *buf)
{
	ssize_t n;

	while ((n = pread(fd, buf, READ_SIZE, *pos)) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return;
		*pos += n;
	}
	fflush(stdout);
}

/*
 * A background taprun (-F -o) serves the module: show what it writes
 * from now on, as tail -f would, going on in the next file when it
 * rotates (-S, switch_file()), until Ctrl-C or the module is gone.
 */
static int follow_file(struct run *r, struct status *s)
{
	char file[sizeof(s->file)];
	off_t pos;
	int fd;

	snprintf(file, sizeof(file), "%s", s->file);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_msg("cannot open %s, the output of %s: %s", file, r->name, strerror(errno));
		return 1;
	}
	pos = lseek(fd, 0, SEEK_END);
	fprintf(stderr, "taprun: %s is written to %s by taprun (pid %ld); showing what comes\n",
		r->name, file, s->reader);
	for (;;) {
		bool gone;

		copy_new(fd, &pos, r->buf);
		if (stop_requests())
			break;
		gone = read_status(r, s) < 0 || !s->reader;
		if (!gone && s->file[0] && strcmp(s->file, file)) {
			int next = open(s->file, O_RDONLY | O_CLOEXEC);

			if (next >= 0) {
				copy_new(fd, &pos, r->buf);
				close(fd);
				fd = next;
				pos = 0;
				snprintf(file, sizeof(file), "%s", s->file);
			}
		}
		if (gone) {	/* its last words (end probes) are in the file */
			sleep_tick();
			copy_new(fd, &pos, r->buf);
			break;
		}
		sleep_tick();
	}
	close(fd);
	return 0;
}

int flight_attach(const char *name)
{
	struct run r;
	struct status s;
	int rc = 0;

	if (open_module(&r, name) < 0)
		return 1;
	setup_signals();
	if (read_status(&r, &s) < 0) {
		error_msg("cannot read %s/ctl", r.dir);
		close_module(&r);
		return 1;
	}
	if (s.reader && s.file[0]) {
		rc = follow_file(&r, &s);
		close_module(&r);
		return rc;
	}
	if (claim_reader(&r) < 0) {
		close_module(&r);
		return 1;
	}
	if (s.overwritten)
		fprintf(stderr, "taprun: the flight recorder overwrote the oldest %lld bytes of %s's output\n",
			s.overwritten, name);
	for (;;) {
		drain(&r);
		fflush(stdout);
		if (stop_requests()) {
			/* detach: the module goes on, its output stays buffered */
			command(&r, "release");
			fprintf(stderr, "taprun: detached from %s; it goes on running (taprun -d %s stops it)\n",
				name, name);
			close_module(&r);
			return 0;
		}
		if (read_status(&r, &s) == 0 && strcmp(s.state, "RUNNING") != 0)
			break;		/* exit(), an error limit, or taprun -d */
		sleep_tick();
	}
	rc = finish_run(&r, module_bufsize_mb(name));
	free(r.buf);
	return rc;
}

/* ---- -d ---- */

static bool module_present(const struct run *r)
{
	struct stat st;

	return stat(r->dir, &st) == 0;
}

int flight_delete(const char *name)
{
	struct run r;
	struct status s;
	int err, rc;

	if (open_module(&r, name) < 0)
		return 1;
	setup_signals();
	if (read_status(&r, &s) < 0) {
		error_msg("cannot read %s/ctl", r.dir);
		close_module(&r);
		return 1;
	}
	if (s.reader) {
		/* its reader drains the end probes' output and unloads it */
		say("asking taprun (pid %ld) to stop %s", s.reader, name);
		err = command(&r, "stop");
		if (err)
			error_msg("stop: %s", strerror(-err));
		while (module_present(&r) && !stop_requests()) {
			if (read_status(&r, &s) == 0 && !s.reader)
				break;	/* it died on the way: we finish */
			sleep_tick();
		}
		if (!module_present(&r) || stop_requests()) {
			close_module(&r);
			return err ? 1 : 0;
		}
	}
	if (claim_reader(&r) < 0) {
		close_module(&r);
		return 1;
	}
	rc = finish_run(&r, module_bufsize_mb(name));
	free(r.buf);
	return rc;
}
