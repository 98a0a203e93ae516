/*
 * ucall_ns N: time N calls of ucall_target() and print "ns_per_call=X".
 * bench/uprobe-cost puts a uprobe (or uretprobe) on ucall_target; under
 * qemu -icount shift=0 a guest nanosecond is one instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

long ucall_target(long x);

__attribute__((noinline)) long ucall_target(long x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, s = 0;
	struct timespec a, b;
	double ns;

	if (n <= 0)
		n = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		s = ucall_target(s);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("ns_per_call=%.1f calls=%ld\n", ns / (double)n, s);
	return 0;
}
