/*
 * getpid_ns N [read]: time N getpid system calls (or, with "read", N
 * one-byte reads of /dev/zero) and print "ns_per_call=X".
 * Under qemu -icount shift=0 a guest nanosecond is one instruction, so
 * bench/probe-cost reads this as instructions per call.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	int fd = argc > 2 && strcmp(argv[2], "read") == 0 ? open("/dev/zero", O_RDONLY) : -1;
	struct timespec a, b;
	char c;
	double ns;

	if (n <= 0)
		n = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (fd >= 0)
		for (long i = 0; i < n; i++)
			syscall(SYS_read, fd, &c, 1);
	else
		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("ns_per_call=%.1f\n", ns / (double)n);
	return 0;
}
