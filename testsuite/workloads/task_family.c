/*
 * task_family: a parent and a child whose task_structs a run test checks
 * against what they did.  The parent sets nice 5 and a soft RLIMIT_NOFILE
 * of 123, moves to /etc, opens /proc/version as fd 9, forks and waits.
 * The child starts its own session, takes uids 2001/2002/2003 and gids
 * 1001/1002/1003 (real/effective/saved), spins until its own user time
 * (getrusage) is at least 20 ms, waits until the parent sleeps in wait,
 * then makes these marker system calls:
 *   getppid()   the state above
 *   dup(9) three times, mmap and touch 1024 anonymous pages
 *   getpid()    three more descriptors, 1024 more pages
 * and exits.  It prints "parent=P child=C" on stderr.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 1024

static int die(const char *what)
{
	perror(what);
	exit(1);
}

/* The parent's state letter from /proc/PID/stat, '?' if unreadable. */
static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void spin_user(long usec)
{
	struct rusage ru;
	volatile unsigned long x = 0;

	do {
		for (int i = 0; i < 100000; i++)
			x += i;
		getrusage(RUSAGE_THREAD, &ru);
	} while (ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec < usec);
}

static void child(pid_t parent)
{
	char *mem;
	int tries;

	if (setsid() < 0)
		die("setsid");
	if (setresgid(1001, 1002, 1003) || setresuid(2001, 2002, 2003))
		die("setres*id");
	spin_user(20000);
	/* not timed: the parent is in waitpid() once it is asleep */
	for (tries = 0; tries < 100000 && state_of(parent) != 'S'; tries++)
		sched_yield();
	syscall(SYS_getppid);
	for (int i = 0; i < 3; i++)
		if (dup(9) < 0)
			die("dup");
	mem = mmap(NULL, PAGES * 4096L, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	for (long i = 0; i < PAGES; i++)
		mem[i * 4096] = 1;
	syscall(SYS_getpid);
	_exit(0);
}

int main(void)
{
	struct rlimit rl;
	pid_t pid, parent;
	int fd, status;

	if (setpriority(PRIO_PROCESS, 0, 5))
		die("setpriority");
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	rl.rlim_cur = 123;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	if (chdir("/etc"))
		die("chdir");
	fd = open("/proc/version", O_RDONLY);
	if (fd < 0 || dup2(fd, 9) != 9)
		die("/proc/version");
	close(fd);
	parent = getpid();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child(parent);	/* not getppid(): that is the marker */
	fprintf(stderr, "parent=%d child=%d\n", (int)getpid(), (int)pid);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
