/* outfile_test: taprun's -o FILE names (strftime patterns) and -S
 * rotation (runner/outfile.c), in a temporary directory: records are
 * written as taprun's drain() writes them, and the files left, their
 * names and sizes, are checked. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

static int passed, failed;

static void check(const char *what, bool ok)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* The size of dir/name, or -1 if it does not exist. */
static long long size_of(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* As taprun's drain(): switch when full, then the whole record. */
static void put(struct outfile *o, const char *rec, size_t n)
{
	if (outfile_full(o))
		check("outfile_next", outfile_next(o) == 0);
	check("write", write(o->fd, rec, n) == (ssize_t)n);
	o->written += n;
}

static void test_rotation(const char *dir)
{
	char pattern[PATH_MAX], rec[40];
	struct outfile o = { 0 };
	char name[32];

	memset(rec, 'x', sizeof(rec));
	snprintf(pattern, sizeof(pattern), "%s/rot", dir);
	o.pattern = pattern;
	o.limit = 100;		/* bytes: -S counts MiB, the logic is the same */
	o.keep = 3;
	check("open FILE.0", outfile_open(&o) == 0 && size_of(dir, "rot.0") == 0);
	check("no plain FILE with -S", size_of(dir, "rot") == -1);
	for (int i = 0; i < 20; i++)	/* 800 bytes: 3 records (120 bytes) a file */
		put(&o, rec, sizeof(rec));
	close(o.fd);
	for (int i = 0; i <= 3; i++) {
		snprintf(name, sizeof(name), "rot.%d", i);
		check("the oldest files are removed", size_of(dir, name) == -1);
	}
	check("rot.4 whole", size_of(dir, "rot.4") == 120);
	check("rot.5 whole", size_of(dir, "rot.5") == 120);
	check("rot.6 the rest", size_of(dir, "rot.6") == 80);
	check("no rot.7", size_of(dir, "rot.7") == -1);
}

/* switch_file() without -S: FILE, FILE.1, FILE.2, all kept. */
static void test_switch(const char *dir)
{
	char pattern[PATH_MAX];
	struct outfile o = { 0 };

	snprintf(pattern, sizeof(pattern), "%s/sw", dir);
	o.pattern = pattern;
	check("open FILE", outfile_open(&o) == 0);
	check("write", write(o.fd, "a", 1) == 1);
	check("next", outfile_next(&o) == 0 && outfile_next(&o) == 0);
	check("never full without -S", !outfile_full(&o));
	close(o.fd);
	check("FILE kept", size_of(dir, "sw") == 1);
	check("FILE.1 and FILE.2", size_of(dir, "sw.1") == 0 && size_of(dir, "sw.2") == 0);
}

static void test_names(void)
{
	char buf[64], want[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(want, sizeof(want), "out-%Y.txt", &tm);
	check("%Y", outfile_expand("out-%Y.txt", buf, sizeof(buf)) == 0 && !strcmp(buf, want));
	check("%%", outfile_expand("a%%b", buf, sizeof(buf)) == 0 && !strcmp(buf, "a%b"));
	check("no pattern", outfile_expand("plain", buf, sizeof(buf)) == 0 && !strcmp(buf, "plain"));
	check("too long", outfile_expand("%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y", buf, 8) == -1);
}

static void test_parse(void)
{
	long long size;
	int keep;

	check("1,3", outfile_parse_rotation("1,3", &size, &keep) == 0 && size == 1 << 20 && keep == 3);
	check("2", outfile_parse_rotation("2", &size, &keep) == 0 && size == 2 << 20 && keep == 0);
	check("0 refused", outfile_parse_rotation("0", &size, &keep) < 0);
	check("1, refused", outfile_parse_rotation("1,", &size, &keep) < 0);
	check("1,0 refused", outfile_parse_rotation("1,0", &size, &keep) < 0);
	check("4096 refused", outfile_parse_rotation("4096", &size, &keep) < 0);
	check("1x refused", outfile_parse_rotation("1x", &size, &keep) < 0);
}

int main(void)
{
	char dir[] = "/tmp/tapc-outfile-XXXXXX";
	char cmd[64];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_rotation(dir);
	test_switch(dir);
	test_names();
	test_parse();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failed++;
	printf("outfile: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
