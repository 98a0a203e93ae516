/*
 * workload.c - the test module's workload: call getpid(2) N times (the
 * raw syscall, so no libc caching), then sleep MS milliseconds and exit.
 *
 *   workload N [MS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10;
	long ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
	if (ms)
		nanosleep(&ts, NULL);
	printf("workload %ld done\n", (long)getpid());
	return 0;
}
