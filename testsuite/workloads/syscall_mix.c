/* syscall_mix: system calls with known arguments, for the syscall tapset
 * tests.  Every call is made with syscall(2), so the C library adds no
 * calls of its own in between, and the program writes down what a
 * strace-like tapc script must show for it, as SystemTap's tapsets show
 * it ("EXPECT name(argstr)" and "EXPECT name = retstr" lines, in call
 * order), from the values it passed and got back.  Then it prints those
 * lines with one write(2), execs itself ("exec" mode) and exits with
 * exit_group(3).
 *
 * "count" mode: makes a set of calls between two markers, close(31337)
 * and close(31338) (both fail with EBADF), and prints "calls N", the
 * number of calls after the first marker up to the second one, that one
 * included, for the per-process counting tests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char expect[16384];
static size_t used;

static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(expect + used, sizeof(expect) - used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(expect) - used) {
		fputs("syscall_mix: expectations too long\n", stderr);
		exit(1);
	}
	used += n;
}

/* retstr as return_str(1 or 2, ret) shows it. */
static const char *retstr(long ret, int hex)
{
	static char buf[128];

	if (ret < 0 && ret > -4096)
		snprintf(buf, sizeof(buf), "%ld (%s)", ret, strerrorname_np((int)-ret));
	else if (hex)
		snprintf(buf, sizeof(buf), "%#lx", (unsigned long)ret);
	else
		snprintf(buf, sizeof(buf), "%ld", ret);
	return buf;
}

/* What the kernel returns: the raw value, -errno on failure. */
static long raw(long r)
{
	return r == -1 ? -errno : r;
}

static void ret(const char *name, long r, int hex)
{
	add("EXPECT %s = %s\n", name, retstr(r, hex));
}

/* The kernel's struct sigaction on x86_64. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

static void never_called(int sig)
{
	(void)sig;
	_exit(99);
}

static void files(void)
{
	const char *path = "/tmp/tapc_syscall_mix";
	char buf[64];
	struct stat st;
	long fd, r;

	fd = raw(syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	add("EXPECT openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_TRUNC, 0644)\n", path);
	ret("openat", fd, 0);
	r = raw(syscall(SYS_write, fd, "hello\n", 6));
	add("EXPECT write(%ld, \"hello\\n\", 6)\n", fd);
	ret("write", r, 0);
	r = raw(syscall(SYS_close, fd));
	add("EXPECT close(%ld)\n", fd);
	ret("close", r, 0);

	fd = raw(syscall(SYS_open, path, O_RDONLY | O_CLOEXEC));
	add("EXPECT open(\"%s\", O_RDONLY|O_CLOEXEC)\n", path);
	ret("open", fd, 0);
	r = raw(syscall(SYS_read, fd, buf, sizeof(buf)));
	add("EXPECT read(%ld, %#lx, %zu)\n", fd, (unsigned long)buf, sizeof(buf));
	ret("read", r, 0);
	r = raw(syscall(SYS_fstat, fd, &st));
	add("EXPECT fstat(%ld, %#lx)\n", fd, (unsigned long)&st);
	ret("fstat", r, 0);
	r = raw(syscall(SYS_close, fd));
	add("EXPECT close(%ld)\n", fd);
	ret("close", r, 0);

	r = raw(syscall(SYS_stat, path, &st));
	add("EXPECT stat(\"%s\", %#lx)\n", path, (unsigned long)&st);
	ret("stat", r, 0);
	/* the failing call */
	r = raw(syscall(SYS_openat, AT_FDCWD, "/nonexistent/tapc", O_RDONLY));
	add("EXPECT openat(AT_FDCWD, \"/nonexistent/tapc\", O_RDONLY)\n");
	ret("openat", r, 0);
	r = raw(syscall(SYS_unlink, path));
	add("EXPECT unlink(\"%s\")\n", path);
	ret("unlink", r, 0);
}

static void memory(void)
{
	long addr, r;

	addr = raw(syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0));
	add("EXPECT mmap2(0x0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n");
	ret("mmap2", addr, 1);
	r = raw(syscall(SYS_mprotect, addr, 4096, PROT_READ));
	add("EXPECT mprotect(%#lx, 4096, PROT_READ)\n", addr);
	ret("mprotect", r, 0);
	r = raw(syscall(SYS_munmap, addr, 4096));
	add("EXPECT munmap(%#lx, 4096)\n", addr);
	ret("munmap", r, 0);
	r = raw(syscall(SYS_brk, 0));
	add("EXPECT brk(0x0)\n");
	ret("brk", r, 1);
}

static void sockets(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40123) };
	long fd, r;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = raw(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	add("EXPECT socket(PF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP)\n");
	ret("socket", fd, 0);
	r = raw(syscall(SYS_bind, fd, &sin, sizeof(sin)));
	add("EXPECT bind(%ld, {AF_INET, 127.0.0.1, 40123}, %zu)\n", fd, sizeof(sin));
	ret("bind", r, 0);
	sin.sin_port = htons(1);
	r = raw(syscall(SYS_connect, fd, &sin, sizeof(sin)));
	add("EXPECT connect(%ld, {AF_INET, 127.0.0.1, 1}, %zu)\n", fd, sizeof(sin));
	ret("connect", r, 0);
	r = raw(syscall(SYS_close, fd));
	add("EXPECT close(%ld)\n", fd);
	ret("close", r, 0);
}

static void signals(void)
{
	struct ksigaction act = { .handler = never_called, .flags = SA_RESTART | 0x04000000,
				  .restorer = (void *)never_called, .mask = 1UL << (SIGINT - 1) };
	struct ksigaction ign = { .handler = SIG_IGN };
	struct ksigaction old;
	long pid = getpid(), r;

	/* SA_RESTORER (0x04000000): SIGUSR1 is never delivered */
	r = raw(syscall(SYS_rt_sigaction, SIGUSR1, &act, &old, 8));
	add("EXPECT rt_sigaction(SIGUSR1, {%#lx, SA_RESTART|SA_RESTORER, %#lx, [SIGINT]}, %#lx, 8)\n",
	    (unsigned long)act.handler, (unsigned long)act.restorer, (unsigned long)&old);
	ret("rt_sigaction", r, 0);
	r = raw(syscall(SYS_rt_sigaction, SIGUSR2, &ign, NULL, 8));
	add("EXPECT rt_sigaction(SIGUSR2, {SIG_IGN}, 0x0, 8)\n");
	ret("rt_sigaction", r, 0);
	r = raw(syscall(SYS_kill, pid, SIGUSR2));
	add("EXPECT kill(%ld, SIGUSR2)\n", pid);
	ret("kill", r, 0);
	r = raw(syscall(SYS_kill, 0x7ffffff0, 0));
	add("EXPECT kill(%d, SIG_0)\n", 0x7ffffff0);
	ret("kill", r, 0);
}

static void processes(void)
{
	int status;
	long child, r;

	child = raw(syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0));
	if (child == 0)
		syscall(SYS_exit_group, 7);
	add("EXPECT clone(SIGCHLD, 0x0, 0x0, 0x0)\n");
	ret("clone", child, 0);
	r = raw(syscall(SYS_wait4, child, &status, 0, NULL));
	add("EXPECT wait4(%ld, %#lx, 0x0, 0x0)\n", child, (unsigned long)&status);
	ret("wait4", r, 0);
}

static int count_calls(void)
{
	int n = 0, i;

	syscall(SYS_close, 31337);
	for (i = 0; i < 10; i++, n++)
		syscall(SYS_getpid);
	for (i = 0; i < 5; i++, n++)
		syscall(SYS_getppid);
	for (i = 0; i < 3; i++, n++)
		syscall(SYS_close, -1);
	syscall(SYS_write, 2, "", 0), n++;
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/tapc", O_RDONLY), n++;
	syscall(SYS_close, 31338), n++;
	return n;
}

int main(int argc, char **argv)
{
	char *args[] = { "syscall_mix", "exec", NULL };
	extern char **environ;
	int nenv = 0;

	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		syscall(SYS_exit_group, 3);
	if (argc > 1 && strcmp(argv[1], "count") == 0) {
		int n = count_calls();

		printf("calls %d\n", n);
		return 0;
	}
	files();
	memory();
	sockets();
	signals();
	processes();
	while (environ[nenv])
		nenv++;
	add("EXPECT execve(\"/proc/self/exe\", [\"syscall_mix\", \"exec\"], [/* %d var%s */])\n", nenv,
	    nenv == 1 ? "" : "s");
	add("EXPECT execve = 0\n");
	add("EXPECT exit_group(3)\n");
	if (syscall(SYS_write, 1, expect, used) != (long)used)
		return 1;
	syscall(SYS_execve, "/proc/self/exe", args, environ);
	return 2;
}
