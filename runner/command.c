/*
 * command.c - taprun's -c command.
 *
 * The child is forked before the module loads, so target() knows its pid.
 * It enters --chroot and --cwd and checks that the command can be started
 * (the program exists and may be executed) at once, and tells us over a
 * close-on-exec pipe: a command that can't start is an error before any
 * probe runs.  Then it waits until the probes are armed.  If the exec
 * itself still fails (a script whose interpreter is missing), the child
 * says why on the same pipe before it exits; a successful exec closes the
 * pipe with nothing said.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wordexp.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "command.h"

/* What the child tells taprun: err 0 means "ready, waiting"; else what
 * names the program (the message is "WHAT: strerror(err)"), or is the
 * whole message when whole is set. */
struct report {
	int err;
	bool whole;
	char what[256];
};

static int program_check(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	return access(path, X_OK) < 0 ? errno : 0;
}

/* A script's "#!" interpreter must run too, or the exec fails after the
 * module has loaded: 0, or why it can't (the program itself read fine). */
static int interpreter_check(const char *path)
{
	char line[256], *p, *end;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;	/* executable but unreadable: exec decides */
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = 0;
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	for (end = p; *end && *end != ' ' && *end != '\t' && *end != '\n'; end++)
		;
	*end = 0;
	return *p ? program_check(p) : ENOEXEC;
}

/* As execvp(3) looks a name up: each PATH entry, "" meaning ".". */
static int program_find(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	int err = ENOENT;

	if (!path)
		path = "/bin:/usr/bin";
	for (p = path; ; p = end + 1) {
		char full[4096];
		int e;

		end = strchrnul(p, ':');
		snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - p), p, end > p ? "/" : "", name);
		e = program_check(full);
		if (!e)
			return 0;
		if (e == EACCES)	/* as execvp: say so if nothing else runs */
			err = EACCES;
		if (!*end)
			break;
	}
	return err;
}

int command_check(const char *cmd, bool search_path, char *what, size_t size)
{
	wordexp_t w;
	int rc = wordexp(cmd, &w, WRDE_NOCMD), err = 0;

	if (rc == WRDE_SYNTAX) {
		snprintf(what, size, "'%s'", cmd);
		return EINVAL;
	}
	if (rc != 0 || w.we_wordc == 0) {	/* run by /bin/sh -c */
		if (rc == 0)
			wordfree(&w);
		snprintf(what, size, "/bin/sh");
		return program_check("/bin/sh");
	}
	snprintf(what, size, "%s", w.we_wordv[0]);
	if (strchr(w.we_wordv[0], '/')) {
		err = program_check(w.we_wordv[0]);
		if (!err && (err = interpreter_check(w.we_wordv[0])))
			snprintf(what, size, "%s (its #! interpreter)", w.we_wordv[0]);
	}
	else if (search_path)
		err = program_find(w.we_wordv[0]);
	wordfree(&w);
	return err;
}

/*
 * Run the command as stap does: a plain command line (words, quotes,
 * variables) is split with wordexp(3) and exec'd directly, so target() is
 * the command itself and no shell runs code (a shell calls getpid() at
 * startup, which a getpid probe would see).  Anything with shell syntax
 * (redirections, pipes, lists) goes through /bin/sh -c, with "exec" in front
 * when it is a single command, so the pid is still the command's.  Returns
 * only when the exec failed, naming the program in *r.
 */
static void child_exec(const char *cmd, struct report *r)
{
	static char buf[8192];
	wordexp_t w;

	if (wordexp(cmd, &w, WRDE_NOCMD) == 0 && w.we_wordc > 0) {
		execvp(w.we_wordv[0], w.we_wordv);
		r->err = errno;
		/* it was there a moment ago: a #! line naming no program */
		snprintf(r->what, sizeof(r->what), "%s%s", w.we_wordv[0],
			 errno == ENOENT && strchr(w.we_wordv[0], '/') ? " (its #! interpreter)" : "");
		return;
	}
	if (!strpbrk(cmd, ";&|\n()") && strlen(cmd) + 6 <= sizeof(buf)) {
		snprintf(buf, sizeof(buf), "exec %s", cmd);
		cmd = buf;
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	r->err = errno;
	snprintf(r->what, sizeof(r->what), "/bin/sh");
}

static void child_report(int fd, const struct report *r)
{
	if (write(fd, r, sizeof(*r)) != sizeof(*r))
		_exit(127);
}

static void child_main(const char *cmd, const char *chroot_dir, const char *cwd, int go_fd,
		       int report_fd)
{
	struct report r = { 0 };
	char go;

	if (chroot_dir && (chroot(chroot_dir) < 0 || chdir("/") < 0)) {
		r.err = errno;
		snprintf(r.what, sizeof(r.what), "chroot %s", chroot_dir);
	} else if (cwd && chdir(cwd) < 0) {
		r.err = errno;
		snprintf(r.what, sizeof(r.what), "cd %s", cwd);
	} else {
		r.err = command_check(cmd, true, r.what, sizeof(r.what));
		if (r.err == EINVAL) {
			snprintf(r.what, sizeof(r.what), "shell syntax error in '%s'", cmd);
			r.whole = true;
		} else if (r.err == ENOENT && !strchr(r.what, '/')) {
			strncat(r.what, ": command not found", sizeof(r.what) - strlen(r.what) - 1);
			r.whole = true;
		}
	}
	child_report(report_fd, &r);
	/* wait until the probes are armed; EOF means taprun gave up */
	if (r.err || read(go_fd, &go, 1) != 1)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	child_exec(cmd, &r);
	child_report(report_fd, &r);
	_exit(127);
}

static void say_failed(const struct report *r)
{
	if (r->whole)
		fprintf(stderr, "taprun: cannot run the -c command: %s\n", r->what);
	else
		fprintf(stderr, "taprun: cannot run the -c command: %s: %s\n", r->what,
			strerror(r->err));
}

int command_fork(struct command *c, const char *cmd, const char *chroot_dir, const char *cwd)
{
	int go[2], rep[2];
	struct report r;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->go_fd = c->report_fd = -1;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		fprintf(stderr, "taprun: pipe: %s\n", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		fprintf(stderr, "taprun: fork: %s\n", strerror(errno));
		c->pid = 0;
		return -1;
	}
	if (c->pid == 0) {
		close(go[1]);
		close(rep[0]);
		child_main(cmd, chroot_dir, cwd, go[0], rep[1]);
	}
	close(go[0]);
	close(rep[1]);
	c->go_fd = go[1];
	c->report_fd = rep[0];
	do
		n = read(c->report_fd, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(r) && !r.err)
		return 0;
	if (n != sizeof(r)) {
		r.err = n < 0 ? errno : EPIPE;
		snprintf(r.what, sizeof(r.what), "the child");
	}
	say_failed(&r);
	c->failed = true;
	command_finish(c, true);
	return -1;
}

void command_release(struct command *c)
{
	if (!c->pid || c->go_fd < 0)
		return;
	if (write(c->go_fd, "g", 1) != 1)
		fprintf(stderr, "taprun: cannot start the -c command: %s\n", strerror(errno));
	close(c->go_fd);
	c->go_fd = -1;
}

void command_reap(struct command *c, bool wait)
{
	if (!c->pid || c->done)
		return;
	if (waitpid(c->pid, &c->status, wait ? 0 : WNOHANG) == c->pid)
		c->done = true;
}

/* Once the child is done: did its exec fail?  Then say why. */
static void command_report_exec(struct command *c)
{
	struct report r;

	if (c->report_fd < 0)
		return;
	if (!c->failed && read(c->report_fd, &r, sizeof(r)) == sizeof(r) && r.err) {
		say_failed(&r);
		c->failed = true;
	}
	close(c->report_fd);
	c->report_fd = -1;
}

void command_finish(struct command *c, bool force)
{
	if (!c->pid)
		return;
	if (c->go_fd >= 0) {		/* never released: it exits 127 */
		close(c->go_fd);
		c->go_fd = -1;
	}
	command_reap(c, false);
	if (!c->done) {
		c->killed = true;
		kill(c->pid, force ? SIGKILL : SIGTERM);
	}
	command_reap(c, true);
	if (!c->done)
		return;		/* interrupted: the caller calls again */
	command_report_exec(c);
	if (WIFSIGNALED(c->status) && !c->killed)
		fprintf(stderr, "WARNING: Child process exited with signal %d (%s)\n",
			WTERMSIG(c->status), strsignal(WTERMSIG(c->status)));
}
