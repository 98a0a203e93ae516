/*
 * getpid_until FILE: call getpid through syscall(2) until FILE exists, then
 * print "pid=PID calls=N".  The stress test runs two of these against a
 * counting script and compares their reports with what the script counted.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = 0;
	long pid = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: getpid_until FILE\n");
		return 2;
	}
	while (access(argv[1], F_OK) != 0) {
		/* check the file only every 4096 calls: keep the syscall hot */
		for (int i = 0; i < 4096; i++, n++)
			pid = syscall(SYS_getpid);
	}
	printf("pid=%ld calls=%ld\n", pid, n);
	return 0;
}
