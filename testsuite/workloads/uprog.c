/*
 * uprog MODE [N]: the workload of the user-space probe tests (run/uprobe_*,
 * run/uprocess_*).  Built with -g -Og, dynamically linked against
 * libours.so (bin/, found through its $ORIGIN runpath) and libc, with SDT
 * markers from <sys/sdt.h>.  Each mode does a known amount of one thing, so
 * a script's counts can be compared with numbers the test states:
 *
 *   items N     add_item() N times on items named "item0".., then sum_items()
 *   sort        qsort() of 5 items: libc calls cmp_items(), which calls
 *               leaf() (a backtrace there crosses libc)
 *   malloc      malloc 1111 x1, 2222 x2, 3333 x3, 4444 x4 bytes (freed)
 *   lib N       ours_compute(i, 2 * i) N times (libours.so)
 *   lib-loop    ours_compute() every millisecond until killed
 *   spawn P T   fork P children (each exits at once), start T threads
 *   hold T      until killed: T threads tick, one more sleeps in pause()
 *   writes N    N write(2) calls of one byte to /dev/null, nothing else
 *   marks N     the SDT markers: uprog:item (2 args) N times, uprog:guarded
 *               when its semaphore says a probe is attached
 *
 * Line numbers matter: run/uprobe_statement.stp names a line of sum_items().
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libours.h"

/* SDT semaphores: the kernel counts the probes attached to each marker */
unsigned short uprog_item_semaphore __attribute__((section(".probes")));
unsigned short uprog_guarded_semaphore __attribute__((section(".probes")));

struct point {
	int x, y;
};

struct item {
	const char *name;
	long size;
	struct point where;
	struct item *next;
};

long sum_items(const struct item *list);
long add_item(struct item *it, int scale);
int leaf(int a, int b);

/* sum_items: the line that adds (line 61) is where the statement test reads total */
__attribute__((noinline)) long sum_items(const struct item *list)
{
	long total = 0;
	int n = 0;

	for (const struct item *it = list; it; it = it->next) {
		total += it->size * it->where.x;
		n++;
	}
	return total + n;
}

__attribute__((noinline)) long add_item(struct item *it, int scale)
{
	long r = it->size * scale + it->where.y;

	__asm__ volatile("" : : "r"(r) : "memory");
	return r;
}

static void mode_items(long n)
{
	struct item *items = calloc(n, sizeof(*items));
	char (*names)[24] = calloc(n, 24);
	long total = 0;

	for (long i = 0; i < n; i++) {
		snprintf(names[i], 24, "item%ld", i);
		items[i].name = names[i];
		items[i].size = 10 * (i + 1);
		items[i].where.x = (int)i + 1;
		items[i].where.y = -(int)i;
		items[i].next = i + 1 < n ? &items[i + 1] : NULL;
		total += add_item(&items[i], 3);
	}
	printf("items=%ld added=%ld sum=%ld\n", n, total, sum_items(n ? items : NULL));
	free(names);
	free(items);
}

__attribute__((noinline)) int leaf(int a, int b)
{
	int r = (a > b) - (a < b);	/* leaf's first line (run/uprobe_usymline) */

	__asm__ volatile("" : : "r"(r) : "memory");
	return r;
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int r = leaf((int)a->size, (int)b->size);

	return r + 0 * a->where.x;	/* not a tail call: the frame stays */
}

__attribute__((noinline)) static void run_sort(void)
{
	struct item v[5] = { { "e", 5, { 0, 0 }, NULL }, { "b", 2, { 0, 0 }, NULL },
			     { "d", 4, { 0, 0 }, NULL }, { "a", 1, { 0, 0 }, NULL },
			     { "c", 3, { 0, 0 }, NULL } };

	qsort(v, 5, sizeof(v[0]), cmp_items);
	printf("sorted %s%s%s%s%s\n", v[0].name, v[1].name, v[2].name, v[3].name, v[4].name);
}

/* through a volatile pointer: the compiler drops a plain free(malloc(n)) */
static void *volatile kept;

static void mode_malloc(void)
{
	static const size_t sizes[] = { 1111, 2222, 3333, 4444 };

	for (int s = 0; s < 4; s++)
		for (int i = 0; i <= s; i++) {
			kept = malloc(sizes[s]);
			free(kept);
		}
}

static void mode_lib(long n)
{
	long total = 0;

	for (long i = 0; i < n; i++)
		total += ours_compute((int)i, 2 * (int)i);
	printf("lib calls=%ld total=%ld\n", n, total);
}

static void mode_lib_loop(void)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0;; i++) {
		ours_compute(i, 1);
		nanosleep(&ms, NULL);
	}
}

static void *thread_main(void *arg)
{
	return (void *)(long)ours_compute((int)(long)arg, 1);
}

static void mode_spawn(long procs, long threads)
{
	pthread_t t[64];

	for (long i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	for (long i = 0; i < threads && i < 64; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)i);
	for (long i = 0; i < threads && i < 64; i++)
		pthread_join(t[i], NULL);
	printf("spawned procs=%ld threads=%ld\n", procs, threads);
}

static void *thread_tick(void *arg)
{
	struct timespec ms = { 0, 1000000 };

	for (;;)
		nanosleep(&ms, NULL);
	return arg;
}

static void *thread_pause(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* main and T threads wake every millisecond (back in user space: their
 * begins run); the pause()d thread never returns there */
static void mode_hold(long threads)
{
	pthread_t t;

	for (long i = 0; i < threads && i < 64; i++)
		pthread_create(&t, NULL, thread_tick, NULL);
	pthread_create(&t, NULL, thread_pause, NULL);
	thread_tick(NULL);
}

static void mode_writes(long n)
{
	int fd = open("/dev/null", O_WRONLY);

	for (long i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1)
			break;
	close(fd);
}

static void mode_marks(long n)
{
	long guarded = 0;

	for (long i = 0; i < n; i++) {
		const char *name = i % 2 ? "odd" : "even";

		STAP_PROBE2(uprog, item, i, name);
		if (uprog_guarded_semaphore) {
			guarded++;
			STAP_PROBE1(uprog, guarded, guarded);
		}
	}
	printf("marks=%ld guarded=%ld\n", n, guarded);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "items";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
	long m = argc > 3 ? strtol(argv[3], NULL, 10) : 0;

	if (strcmp(mode, "items") == 0)
		mode_items(n);
	else if (strcmp(mode, "sort") == 0)
		run_sort();
	else if (strcmp(mode, "malloc") == 0)
		mode_malloc();
	else if (strcmp(mode, "lib") == 0)
		mode_lib(n);
	else if (strcmp(mode, "lib-loop") == 0)
		mode_lib_loop();
	else if (strcmp(mode, "spawn") == 0)
		mode_spawn(n, m);
	else if (strcmp(mode, "hold") == 0)
		mode_hold(n);
	else if (strcmp(mode, "writes") == 0)
		mode_writes(n);
	else if (strcmp(mode, "marks") == 0)
		mode_marks(n);
	else {
		fprintf(stderr, "uprog: unknown mode %s\n", mode);
		return 2;
	}
	return 0;
}
