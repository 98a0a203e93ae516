/* bulk_test: taprun -b's per-CPU files and --merge (runner/bulk.c), in a
 * temporary directory: records numbered as the module numbers them are
 * written to three CPUs' files in a shuffled spread, and the merge must
 * give them back in number order; the names follow stap's (FILE_N,
 * FILE_cpuN with -F); a file that is not -b's, or one cut inside a
 * record, makes the merge fail. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bulk.h"

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

static bool exists(const char *name)
{
	struct stat st;

	return stat(name, &st) == 0;
}

/* The merge of files into "merged"; its exit status. */
static int merge(int n, const char *a, const char *b, const char *c)
{
	char *files[] = { (char *)a, (char *)b, (char *)c };

	return bulk_merge(n, files, "merged");
}

static char *slurp(const char *name)
{
	static char buf[1 << 16];
	FILE *f = fopen(name, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static void test_order(void)
{
	struct bulk b = { 0 };
	char failed_name[PATH_MAX], line[32], want[8192] = "";
	bool ok = true;

	check("open out_0..2", bulk_open(&b, "out", false, 3, failed_name, sizeof(failed_name)) == 0);
	check("names FILE_N", exists("out_0") && exists("out_1") && exists("out_2"));
	for (int seq = 1; seq <= 300; seq++) {
		int cpu = (seq * 7 + seq / 5) % 3;	/* a spread with runs */
		int n = snprintf(line, sizeof(line), "%d\n", seq);

		ok &= bulk_write(&b, cpu, (uint64_t)seq, line, (uint32_t)n, failed_name,
				 sizeof(failed_name)) == 0;
		strcat(want, line);
	}
	check("writes", ok);
	check("close", bulk_close(&b) == 0);
	check("merge succeeds", merge(3, "out_0", "out_1", "out_2") == 0);
	check("merged in order", !strcmp(slurp("merged"), want));
	/* the files named in another order merge the same */
	check("merge in any order", merge(3, "out_2", "out_0", "out_1") == 0 &&
	      !strcmp(slurp("merged"), want));
}

static void test_flight_names(void)
{
	struct bulk b = { 0 };
	char failed_name[PATH_MAX];

	check("open fl_cpuN", bulk_open(&b, "fl", true, 2, failed_name, sizeof(failed_name)) == 0);
	/* a CPU past the ones opened gets its file when it first writes */
	check("a later CPU", bulk_write(&b, 3, 1, "x\n", 2, failed_name, sizeof(failed_name)) == 0);
	bulk_close(&b);
	check("names FILE_cpuN", exists("fl_cpu0") && exists("fl_cpu1") && exists("fl_cpu3") &&
	      !exists("fl_cpu2"));
}

static void test_errors(void)
{
	FILE *f = fopen("text", "w");
	struct bulk b = { 0 };
	char failed_name[PATH_MAX];

	fputs("not a bulk file\n", f);
	fclose(f);
	check("a text file is refused", merge(2, "out_0", "text", NULL) == 1);
	/* a file cut inside its last record */
	bulk_open(&b, "cut", false, 1, failed_name, sizeof(failed_name));
	bulk_write(&b, 0, 1, "hello\n", 6, failed_name, sizeof(failed_name));
	bulk_close(&b);
	check("truncate", truncate("cut_0", 19) == 0);
	check("a cut record is refused", merge(1, "cut_0", NULL, NULL) == 1);
	check("a missing file is refused", merge(1, "no_such_file", NULL, NULL) == 1);
	check("an open failure names the file",
	      bulk_open(&b, "no_dir/x", false, 1, failed_name, sizeof(failed_name)) < 0 &&
	      !strcmp(failed_name, "no_dir/x_0"));
	bulk_close(&b);
}

int main(void)
{
	char dir[] = "/tmp/bulk_test.XXXXXX";

	if (!mkdtemp(dir) || chdir(dir) != 0) {
		perror("bulk_test: temporary directory");
		return 1;
	}
	test_order();
	test_flight_names();
	test_errors();
	if (system("rm -rf -- \"$PWD\"") != 0)
		printf("bulk_test: could not remove %s\n", dir);
	printf("bulk_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
