/* -v's pass lines, in the form stap prints them, so that what people
 * grep out of stap -v (and their habits of reading it) work on tapc:
 *
 *	Pass 1: parsed user script and 95 library scripts using 123virt/45res/6shr/78data kb, in 10usr/0sys/12real ms.
 *
 * Memory is the process's own (/proc/self/statm: size, resident, shared,
 * data+stack), as stap reads it.  User and system time count the children
 * the pass waited for too (stap adds tms_cutime), so pass 4 shows make's
 * and the compiler's time and pass 5 taprun's.
 */
#include <stdio.h>
#include <unistd.h>

#include "arena.h"
#include "passlog.h"

void pass_clock_start(struct pass_clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->real);
	getrusage(RUSAGE_SELF, &c->self);
	getrusage(RUSAGE_CHILDREN, &c->children);
}

const char *pass_memory(void)
{
	long pages[6] = { 0 }, kb = sysconf(_SC_PAGESIZE) / 1024;
	FILE *f = fopen("/proc/self/statm", "r");

	/* size resident shared text lib data: stap prints 0, 1, 2 and 5 */
	if (f) {
		if (fscanf(f, "%ld %ld %ld %ld %ld %ld", &pages[0], &pages[1], &pages[2], &pages[3],
			   &pages[4], &pages[5]) != 6)
			pages[0] = pages[1] = pages[2] = pages[5] = 0;
		fclose(f);
	}
	return arena_printf("using %ldvirt/%ldres/%ldshr/%lddata kb, ", pages[0] * kb, pages[1] * kb,
			    pages[2] * kb, pages[5] * kb);
}

static long tv_ms(struct timeval a, struct timeval b)
{
	return (b.tv_sec - a.tv_sec) * 1000L + (b.tv_usec - a.tv_usec) / 1000;
}

const char *pass_times(const struct pass_clock *c)
{
	struct pass_clock now;
	long usr, sys, real;

	pass_clock_start(&now);
	usr = tv_ms(c->self.ru_utime, now.self.ru_utime) +
	      tv_ms(c->children.ru_utime, now.children.ru_utime);
	sys = tv_ms(c->self.ru_stime, now.self.ru_stime) +
	      tv_ms(c->children.ru_stime, now.children.ru_stime);
	real = (now.real.tv_sec - c->real.tv_sec) * 1000L + (now.real.tv_nsec - c->real.tv_nsec) / 1000000;
	return arena_printf("in %ldusr/%ldsys/%ldreal ms.", usr, sys, real);
}

const char *pass_count(int n, const char *word)
{
	return arena_printf("%d %s%s", n, word, n == 1 ? "" : "s");
}
