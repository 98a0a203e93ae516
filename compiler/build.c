/* Pass 4: the module, built by Kbuild against the target's headers.
 *
 * A temporary directory gets NAME_src.c, a copy of runtime/ and a Kbuild
 * file naming the generated object and every runtime object, with each -D
 * as a ccflag; then `make -C BUILD_DIR M=TMPDIR modules`.  Its output is
 * kept in build.log and shown only when the build fails (or with -v).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "kernel.h"
#include "session.h"
#include "translate.h"

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "tapc: error: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out;
	char buf[65536];
	ssize_t n;
	bool ok = true;

	if (in < 0) {
		fprintf(stderr, "tapc: error: cannot read %s: %s\n", from, strerror(errno));
		return false;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "tapc: error: cannot write %s: %s\n", to, strerror(errno));
		close(in);
		return false;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ok = false;
	if (n < 0 || close(out) != 0)
		ok = false;
	close(in);
	if (!ok)
		fprintf(stderr, "tapc: error: cannot copy %s to %s\n", from, to);
	return ok;
}

/* Copy the runtime's .c/.h files (not its user-space tests), collecting
 * the Kbuild objects as "runtime/x.o runtime/provider/y.o". */
static bool copy_runtime(const char *from, const char *to, const char *rel, char **objs)
{
	DIR *d = opendir(from);
	struct dirent *e;
	bool ok = true;

	if (!d) {
		fprintf(stderr, "tapc: error: cannot open the runtime in %s: %s\n", from, strerror(errno));
		return false;
	}
	if (mkdir(to, 0755) != 0 && errno != EEXIST) {
		closedir(d);
		return false;
	}
	while (ok && (e = readdir(d))) {
		const char *src = arena_printf("%s/%s", from, e->d_name);
		const char *dst = arena_printf("%s/%s", to, e->d_name);
		size_t len = strlen(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.' || stat(src, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(e->d_name, "test") != 0)
				ok = copy_runtime(src, dst, arena_printf("%s/%s", rel, e->d_name), objs);
			continue;
		}
		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
			continue;
		ok = copy_file(src, dst);
		if (ok && e->d_name[len - 1] == 'c')
			*objs = arena_printf("%s %s/%.*s.o", *objs, rel, (int)len - 2, e->d_name);
	}
	closedir(d);
	return ok;
}

static bool write_kbuild(struct session *s, const char *objs)
{
	const char *flags = "-I$(src)/runtime";
	const char *text;
	int i;

	for (i = 0; i < s->ndefines; i++)
		flags = arena_printf("%s '-D%s'", flags, s->defines[i]);
	text = arena_printf("obj-m := %s.o\n%s-y := %s_src.o%s\nccflags-y := %s\n",
			    s->module_name, s->module_name, s->module_name, objs, flags);
	return write_file(arena_printf("%s/Kbuild", s->tmpdir), text, strlen(text));
}

static volatile pid_t make_pid;

/* Ctrl-C or a kill during the build stops make, so that build() fails
 * normally and the temporary directory is removed. */
static void stop_make(int sig)
{
	(void)sig;
	if (make_pid > 0)
		kill(-make_pid, SIGTERM);	/* make and the compilers it runs */
}

/* make, with its output in build.log (or on our stderr with -v). */
static int run_make(struct session *s, const char *build_dir, const char *log)
{
	struct sigaction sa = { .sa_handler = stop_make }, old_int, old_term;
	char jobs[32];
	pid_t pid;
	int status;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(jobs, sizeof(jobs), "-j%ld", ncpu > 0 ? ncpu : 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		if (!s->verbose) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		/* a user's ARCH would confuse Kbuild */
		unsetenv("ARCH");
		execlp("make", "make", "-C", build_dir, arena_printf("M=%s", s->tmpdir), jobs,
		       s->verbose ? "V=0" : "-s", "modules", (char *)NULL);
		fprintf(stderr, "tapc: error: cannot run make: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with the child's own call */
	make_pid = pid;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	make_pid = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

/* Where -p4 leaves the module: ./NAME.ko with -m, as stap does, else
 * the per-user cache, so the path printed stays valid after we clean up. */
static const char *keep_path(struct session *s)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *dir;

	if (s->module_name_given)
		return arena_printf("%s.ko", s->module_name);
	if (xdg && *xdg)
		dir = arena_printf("%s/tapc", xdg);
	else
		dir = arena_printf("%s/.cache/tapc", home ? home : "/tmp");
	mkdir(arena_printf("%s/..", dir), 0755);
	mkdir(dir, 0755);
	return arena_printf("%s/%s.ko", dir, s->module_name);
}

bool build(struct session *s)
{
	struct kernel *k = session_kernel(s);
	const char *tmp = getenv("TMPDIR"), *log, *ko;
	char *objs = "";
	char *dir;

	if (!k->build_dir) {
		fprintf(stderr, "tapc: error: no build tree for kernel %s: /lib/modules/%s/build is missing "
			"(install its headers, or pick another kernel with -r KVER)\n", k->release, k->release);
		return false;
	}
	dir = arena_printf("%s/tapc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "tapc: error: cannot make a temporary directory: %s\n", strerror(errno));
		return false;
	}
	s->tmpdir = dir;
	if (!write_file(arena_printf("%s/%s_src.c", dir, s->module_name), s->c_text, s->c_len) ||
	    !copy_runtime(s->runtime_dir, arena_printf("%s/runtime", dir), "runtime", &objs) ||
	    !write_kbuild(s, objs))
		return false;
	log = arena_printf("%s/build.log", dir);
	if (run_make(s, k->build_dir, log) != 0) {
		fprintf(stderr, "tapc: error: building the module against %s failed:\n", k->build_dir);
		show_log(log);
		return false;
	}
	ko = arena_printf("%s/%s.ko", dir, s->module_name);
	if (access(ko, R_OK) != 0) {
		fprintf(stderr, "tapc: error: make succeeded but made no %s\n", ko);
		return false;
	}
	s->module_path = (char *)ko;
	if (s->last_pass == 4 || s->module_name_given) {
		const char *keep = keep_path(s);

		if (!copy_file(ko, keep))
			return false;
		s->module_path = (char *)keep;
	}
	return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void build_cleanup(struct session *s)
{
	if (s->tmpdir)
		nftw(s->tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
