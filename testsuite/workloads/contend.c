/*
 * contend N: N probe hits that find a global's lock taken for certain, not
 * by the luck of timing (run/limit_maxskipped.stp, limit_maxtrylock.stp).
 * A shared page holds a counter.  A child pinned to CPU 1 calls getpid and
 * then counts the call in the page, over and over; the parent, pinned to
 * CPU 0, writes the page's first 8 bytes to /dev/null N times.  The test's
 * probe on that write takes the lock and holds it, reading the counter
 * from $buf, until the child has counted two more calls: the second began
 * after the probe had the lock and ended before it let go, so the probe on
 * that getpid found the lock taken.  Needs two CPUs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		perror("contend: CPU affinity (two CPUs needed)");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	volatile long *count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/null", O_WRONLY);
	pid_t child;

	if (count == MAP_FAILED || fd < 0) {
		perror("contend");
		return 1;
	}
	*count = 0;	/* mapped in the parent too: the probe reads it without faulting */
	child = fork();
	if (child == 0) {
		pin(1);
		for (;;) {
			syscall(SYS_getpid);
			__atomic_add_fetch(count, 1, __ATOMIC_SEQ_CST);
		}
	}
	pin(0);
	while (__atomic_load_n(count, __ATOMIC_SEQ_CST) == 0)	/* the child runs on its CPU */
		if (waitpid(child, NULL, WNOHANG) == child)
			return 1;
	for (long i = 0; i < n; i++)
		if (write(fd, (const void *)count, 8) != 8)
			perror("contend: write");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
