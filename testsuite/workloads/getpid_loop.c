/*
 * getpid_loop N: call getpid N times through syscall(2), so no libc cache
 * can hide a call, then print "pid=PID calls=N".  A kprobe on
 * __x64_sys_getpid filtered by target() must count exactly N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	long pid = 0;

	for (long i = 0; i < n; i++)
		pid = syscall(SYS_getpid);
	fprintf(stderr, "getpid_loop: pid=%ld calls=%ld\n", n > 0 ? pid : (long)getpid(), n);
	return 0;
}
