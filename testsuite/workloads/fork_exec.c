/*
 * fork_exec PROG [ARG...]: fork, exec PROG with PROG ARG... in the child,
 * wait for it and print "status=N", its exit status (run/kprocess_alias.stp,
 * run/scheduler_alias.stp check what the kernel saw of each step).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	pid_t child;

	if (argc < 2) {
		fprintf(stderr, "usage: fork_exec PROG [ARG...]\n");
		return 2;
	}
	child = fork();
	if (child < 0) {
		perror("fork_exec: fork");
		return 1;
	}
	if (child == 0) {
		execv(argv[1], argv + 1);
		perror("fork_exec: exec");
		_exit(127);
	}
	if (waitpid(child, &status, 0) != child) {
		perror("fork_exec: waitpid");
		return 1;
	}
	printf("status=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
