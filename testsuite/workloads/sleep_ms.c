/*
 * sleep_ms MS [COUNT]: sleep MS milliseconds with nanosleep(2), COUNT times
 * (default once: each sleep blocks, so it is at least one context switch),
 * and print "slept=MS".  Keeps a -c child alive while timer probes fire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 1;

	for (long i = 0; i < count; i++) {
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) != 0)
			;
	}
	printf("slept=%ld\n", ms);
	return 0;
}
