/*
 * Pass 4's fast path.  A `make modules` spends most of its second reading
 * the kernel's Makefiles before it runs five commands.  Those commands
 * are the same for every module of one kernel and option set but for the
 * module's directory and name, and Kbuild writes each into a .cmd file
 * beside what it made.  So Kbuild builds a template module once (build.c,
 * with the runtime), replay_record() keeps its commands with the
 * directory and name as placeholders, and replay_run() runs them for each
 * script: compile the C, link it with the runtime, modpost, compile the
 * .mod.c, link the .ko.  They stay the kernel's own commands (modversions
 * CRCs and vermagic included); only -g goes when debug info isn't asked
 * for, and the BTF step (not in a .cmd file) is not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "replay.h"

#define DIR_MARK "@DIR@"
#define NAME_MARK "@NAME@"

/* The .cmd files of the steps, in the order Kbuild runs them ('%' is the
 * module's name), with Kbuild's short label for -v. */
static const struct step {
	const char *cmd_file, *label, *made;
	bool compiles;		/* may carry -g */
} steps[] = {
	{ ".%_src.o.cmd", "CC [M]", "%_src.o", true },
	{ ".%.o.cmd", "LD [M]", "%.o", false },
	{ ".Module.symvers.cmd", "MODPOST", "Module.symvers", false },
	{ ".%.mod.o.cmd", "CC [M]", "%.mod.o", true },
	{ ".%.ko.cmd", "LD [M]", "%.ko", false },
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* text with every from replaced by to. */
static char *subst(const char *text, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, from)); p += nf)
		n++;
	out = o = arena_alloc(strlen(text) + n * (nt > nf ? nt - nf : 0) + 1);
	while ((p = strstr(text, from))) {
		memcpy(o, text, p - text);
		o += p - text;
		memcpy(o, to, nt);
		o += nt;
		text = p + nf;
	}
	strcpy(o, text);
	return out;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;
	ssize_t len;
	char *copy;

	if (!f)
		return NULL;
	len = getdelim(&buf, &n, '\0', f);
	fclose(f);
	if (len < 0) {
		free(buf);
		return NULL;
	}
	copy = arena_strdup(buf);
	free(buf);
	return copy;
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	return f && fputs(text, f) != EOF && fclose(f) == 0;
}

static const char *with_name(const char *pattern, const char *name)
{
	return subst(pattern, "%", name);
}

/* The command of a .cmd file: its first line is `savedcmd_TARGET := CMD`
 * (`cmd_TARGET := CMD` before 6.3), a make assignment, so `$$` is `$`. */
static char *saved_command(const char *path)
{
	char *text = read_text(path), *nl, *cmd;

	if (!text || (strncmp(text, "savedcmd_", 9) != 0 && strncmp(text, "cmd_", 4) != 0))
		return NULL;
	if ((nl = strchr(text, '\n')))
		*nl = '\0';
	if (!(cmd = strstr(text, " := ")))
		return NULL;
	return subst(cmd + 4, "$$", "$");
}

/* A NUL-separated file, as a NULL-ended array. */
static char **read_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char **list = arena_alloc(sizeof(char *)), *item = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	while (getdelim(&item, &cap, '\0', f) > 0) {
		char **more = arena_alloc((n + 2) * sizeof(char *));

		memcpy(more, list, n * sizeof(char *));
		more[n++] = arena_strdup(item);
		list = more;
	}
	free(item);
	fclose(f);
	list[n] = NULL;
	return list;
}

/* What Kbuild's environment adds to ours (REPLAY_ENV), but make's own
 * protocol (MAKEFLAGS with its jobserver, MAKELEVEL): no make runs. */
static bool record_env(const char *dir)
{
	char **env = read_list(arena_printf("%s/%s", dir, REPLAY_ENV));
	FILE *f = fopen(arena_printf("%s/env.in", dir), "w");
	bool ok = env && f;

	for (; ok && *env; env++) {
		char *eq = strchr(*env, '='), *name;
		const char *ours;

		if (!eq || !strncmp(*env, "MAKE", 4) || !strncmp(*env, "MFLAGS=", 7))
			continue;
		name = arena_printf("%.*s", (int)(eq - *env), *env);
		ours = getenv(name);
		if (ours && !strcmp(ours, eq + 1))
			continue;
		ok = fputs(subst(subst(*env, dir, DIR_MARK), REPLAY_TEMPLATE, NAME_MARK), f) != EOF &&
		     fputc('\0', f) != EOF;
	}
	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

bool replay_record(const char *dir)
{
	const char *out = "";
	char *mod, *order;

	for (size_t i = 0; i < NSTEPS; i++) {
		const char *file = with_name(steps[i].cmd_file, REPLAY_TEMPLATE);
		char *cmd = saved_command(arena_printf("%s/%s", dir, file));

		/* each must name the module's directory: else it is not what we
		 * think it is */
		if (!cmd || !strstr(cmd, dir) || strstr(cmd, DIR_MARK) || strstr(cmd, NAME_MARK))
			return false;
		cmd = subst(subst(cmd, dir, DIR_MARK), REPLAY_TEMPLATE, NAME_MARK);
		out = arena_printf("%s%s\n", out, cmd);
	}
	mod = read_text(arena_printf("%s/%s.mod", dir, REPLAY_TEMPLATE));
	order = read_text(arena_printf("%s/modules.order", dir));
	if (!mod || !order || !record_env(dir))
		return false;
	return write_text(arena_printf("%s/mod.in", dir),
			  subst(subst(mod, dir, DIR_MARK), REPLAY_TEMPLATE, NAME_MARK)) &&
	       write_text(arena_printf("%s/order.in", dir),
			  subst(subst(order, dir, DIR_MARK), REPLAY_TEMPLATE, NAME_MARK)) &&
	       write_text(arena_printf("%s/commands", dir), out);
}

static const char *instantiate(const char *text, const char *dir, const char *name)
{
	return subst(subst(text, DIR_MARK, dir), NAME_MARK, name);
}

/* sh -c cmd in build_dir, in Kbuild's environment, its output to log_fd. */
static bool run_command(const char *cmd, char **env, const char *build_dir, int log_fd)
{
	pid_t pid;
	int status = -1;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		if (chdir(build_dir) != 0)
			_exit(127);
		unsetenv("ARCH");
		for (; *env; env++)
			putenv(*env);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool copy_bytes(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;
	bool ok = true;

	if (!in)
		return false;
	if (!(out = fopen(to, "wb"))) {
		fclose(in);
		return false;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ok = false;
	fclose(in);
	return fclose(out) == 0 && ok;
}

/* The files Kbuild would have made before the commands: the object list
 * the link reads, modules.order for modpost, the (empty) .cmd file where
 * modpost looks for the CRCs of what the C exports, and on kernels that
 * have it the name-independent .module-common.o, made once. */
static bool lay_out(const char *tdir, const char *dir, const char *name)
{
	char *mod = read_text(arena_printf("%s/mod.in", tdir));
	char *order = read_text(arena_printf("%s/order.in", tdir));
	const char *common = arena_printf("%s/.module-common.o", tdir);

	if (!mod || !order ||
	    !write_text(arena_printf("%s/%s.mod", dir, name), instantiate(mod, dir, name)) ||
	    !write_text(arena_printf("%s/modules.order", dir), instantiate(order, dir, name)) ||
	    !write_text(arena_printf("%s/.%s_src.o.cmd", dir, name), ""))
		return false;
	return access(common, R_OK) != 0 ||
	       copy_bytes(common, arena_printf("%s/.module-common.o", dir));
}

bool replay_run(const char *tdir, const char *build_dir, const char *dir, const char *name,
		bool debug, bool verbose, const char *log)
{
	char *cmds = read_text(arena_printf("%s/commands", tdir)), *save = NULL, *line;
	size_t i = 0;
	int fd;
	bool ok = true;

	char **env = read_list(arena_printf("%s/env.in", tdir));

	if (!cmds || !env || !lay_out(tdir, dir, name))
		return false;
	for (char **e = env; *e; e++)
		*e = (char *)instantiate(*e, dir, name);
	fd = verbose ? dup(2) : open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	for (line = strtok_r(cmds, "\n", &save); ok && line; line = strtok_r(NULL, "\n", &save), i++) {
		const char *cmd = instantiate(line, dir, name);

		if (i >= NSTEPS) {
			ok = false;
			break;
		}
		if (steps[i].compiles && !debug)
			cmd = subst(cmd, " -g ", " ");
		if (verbose)
			fprintf(stderr, "  %-7s %s/%s\n", steps[i].label, dir, with_name(steps[i].made, name));
		ok = run_command(cmd, env, build_dir, fd);
	}
	close(fd);
	return ok && i == NSTEPS && access(arena_printf("%s/%s.ko", dir, name), R_OK) == 0;
}
