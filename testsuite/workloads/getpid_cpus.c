/*
 * getpid_cpus N: on each online CPU in turn, pinned to it, call getpid N
 * times, so that per-CPU data of a probe on getpid is spread over every CPU
 * for certain (run/variance_smp.stp); prints "getpid_cpus: CPUS x N".
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	for (long cpu = 0; cpu < cpus; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			perror("getpid_cpus: CPU affinity");
			return 1;
		}
		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
	}
	fprintf(stderr, "getpid_cpus: %ld x %ld\n", cpus, n);
	return 0;
}
