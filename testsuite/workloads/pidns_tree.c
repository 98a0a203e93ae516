/*
 * pidns_tree: processes in a pid namespace of their own, for the
 * --target-namespace tests, each passing the ids it sees itself as the
 * arguments of marker system calls, so a script can compare them with
 * what its ns_*() functions say.
 *
 *   pidns_tree start FILE   make the namespace and its first process
 *                           ("pidns_init", pid 1 there); write its pid, as
 *                           this pid namespace numbers it, to FILE; return
 *                           once it waits (it stays, in the background)
 *   pidns_tree go FILE      wake it up and wait until it and its child are gone
 *
 * Woken, pidns_init calls getpriority(PRIO_PROCESS, getpid()),
 * setreuid(getuid(), geteuid()) and setregid(getgid(), getegid()), then
 * forks "pidns_kid", which becomes a session leader (setsid) and calls
 * getpriority(PRIO_PROCESS, getpid()), getpriority(PRIO_PGRP, getpgrp()),
 * getsid(getsid(0)) and kill(getppid(), 0), and starts a thread that calls
 * tgkill(getpid(), gettid(), 0).  Each is called once.
 *
 * No user namespace: the test guest runs its commands in a chroot, where
 * CLONE_NEWUSER is refused (EPERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char stack[256 * 1024] __attribute__((aligned(16)));
static int sync_pipe[2];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *thread_main(void *arg)
{
	(void)arg;
	syscall(SYS_tgkill, getpid(), gettid(), 0);
	return NULL;
}

static void kid(void)
{
	pthread_t t;

	prctl(PR_SET_NAME, "pidns_kid");
	if (setsid() < 0)
		die("setsid");
	syscall(SYS_getpriority, PRIO_PROCESS, getpid());
	syscall(SYS_getpriority, PRIO_PGRP, getpgrp());
	syscall(SYS_getsid, getsid(0));
	syscall(SYS_kill, getppid(), 0);
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		die("pthread");
	exit(0);
}

/* pid 1 of the new namespace: wait for SIGUSR1 (blocked since before
 * the clone, so it is queued even though init ignores what it has no
 * handler for), then the marker calls. */
static int init_main(void *arg)
{
	sigset_t usr1;
	char c;
	pid_t k;
	int st;

	(void)arg;
	close(sync_pipe[1]);
	if (read(sync_pipe[0], &c, 1) != 1)	/* the keeper is ready */
		return 1;
	prctl(PR_SET_NAME, "pidns_init");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigwaitinfo(&usr1, NULL) < 0)
		return 1;
	syscall(SYS_getpriority, PRIO_PROCESS, getpid());
	syscall(SYS_setreuid, getuid(), geteuid());
	syscall(SYS_setregid, getgid(), getegid());
	k = fork();
	if (k < 0)
		return 1;
	if (k == 0)
		kid();
	return waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

/* The background parent: clone pidns_init, publish its pid, say ready,
 * reap it. */
static int keeper(const char *file, int ready)
{
	char tmp[4096], text[32];
	sigset_t usr1;
	pid_t init;
	int st, fd;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (pipe(sync_pipe) < 0)
		die("pipe");
	init = clone(init_main, stack + sizeof(stack), CLONE_NEWPID | SIGCHLD, NULL);
	if (init < 0)
		die("clone(CLONE_NEWPID)");
	close(sync_pipe[0]);
	if (write(sync_pipe[1], "", 1) != 1)
		die("write");
	close(sync_pipe[1]);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	snprintf(text, sizeof(text), "%d\n", (int)init);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0 ||
	    rename(tmp, file) < 0)
		die(file);
	if (write(ready, "", 1) != 1)
		die("write");
	close(ready);
	if (waitpid(init, &st, 0) != init)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int start(const char *file)
{
	int ready[2];
	char c;
	pid_t k;

	if (pipe(ready) < 0)
		die("pipe");
	k = fork();
	if (k < 0)
		die("fork");
	if (k == 0) {
		close(ready[0]);
		exit(keeper(file, ready[1]));
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "pidns_tree: the namespace's first process did not start\n");
		return 1;
	}
	return 0;
}

static int go(const char *file)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	FILE *f = fopen(file, "r");
	int pid, i;

	if (!f || fscanf(f, "%d", &pid) != 1)
		die(file);
	fclose(f);
	if (kill(pid, SIGUSR1) < 0)
		die("kill");
	for (i = 0; i < 6000; i++) {	/* a minute at most: never forever */
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 0;
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "pidns_tree: process %d still there after a minute\n", pid);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "start") == 0)
		return start(argv[2]);
	if (argc == 3 && strcmp(argv[1], "go") == 0)
		return go(argv[2]);
	fprintf(stderr, "usage: pidns_tree start|go FILE\n");
	return 2;
}
