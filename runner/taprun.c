/*
 * taprun.c - load a tapc module, stream its output, stop it, unload it.
 *
 *   taprun [-o FILE] [-c CMD] [-x PID] [-T SECS] [-s MB] [-F] [-b] [-v]
 *          [--target-namespace=PID] MODULE.ko [param=value...]
 *   taprun -L | -A MODULE | -d MODULE   (runner/flight.c: modules left running by -F)
 *   taprun --merge [-o FILE] FILE...    (runner/bulk.c: -b's per-CPU files in order)
 *   taprun --vm ...   (runner/vm.c: the same inside a qemu guest)
 *
 * The protocol is in docs/internals.md: the module creates /proc/tapc_NAME/
 * with `out` (records of struct taprun_rec + bytes, polled: the module never
 * wakes us) and `ctl` (commands start/stop, and the session state).  The -c
 * child (command.c) is forked first, checks that the command can start,
 * and waits on a pipe, so target() is known at load time, a command that
 * can't run is an error before the module loads, and the command starts
 * only once the probes are armed.  Everything
 * that ends a run (SIGINT/SIGTERM, -T, the child's exit, exit() in the
 * script, an error limit) leads to the same path: write `stop` (end probes
 * run in the module), drain `out`, report, delete_module.  The taprun that
 * reads `out` claims it first (`claim` on ctl), so nobody else reads it
 * while that one lives.  -F leaves the module running: with -o a child
 * goes on in the background (the daemon) and serves it; without, the
 * module keeps its output in its buffers (the flight recorder) until
 * taprun -A attaches or -d stops it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "command.h"
#include "outfile.h"
#include "taprun.h"

#define POLL_NS		(20 * 1000 * 1000L)	/* 20 ms, like stapio */
#define READ_SIZE	(1 << 20)

struct options {
	const char *outfile;
	long long rotate_size;			/* -S SIZE[,N]: bytes, 0 = none */
	int rotate_keep;			/* N, 0 = all */
	const char *command;
	const char *chroot_dir;			/* --chroot: for the -c child */
	const char *cwd;			/* --cwd: for the -c child */
	long target;				/* -x */
	long target_ns;				/* --target-namespace, 0 = none */
	long timeout;				/* -T seconds, 0 = none */
	long bufsize_mb;			/* -s */
	bool flight;				/* -F */
	bool bulk;				/* -b */
	int mode;				/* -L, -A, -d, --merge, or 0: run */
	const char *mode_arg;			/* -A's / -d's MODULE */
	int verbose;
	const char *module;
	char **params;
	int nparams;
};


/* SIGINT/SIGTERM/SIGHUP received: from our parent (tapc passing its own
 * on) and from anyone else; see stop_requests() */
static volatile sig_atomic_t sig_forwarded, sig_direct, last_signal;
static int verbose;

void say(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fputs("taprun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void error_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("taprun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs("usage: taprun [-o FILE [-S SIZE[,N]]] [-c CMD] [-x PID] [-T SECS] [-s MB] [-F] [-b] [-v]\n"
	      "              [--target-namespace=PID] MODULE.ko [param=value...]\n"
	      "       taprun -L | -A MODULE | -d MODULE\n"
	      "       taprun --merge [-o FILE] FILE_cpu0 FILE_cpu1 ...\n"
	      "       taprun --vm [--kernel KVER] [taprun options] MODULE.ko   (see taprun(1))\n"
	      "  -o FILE   write the script's output to FILE (strftime %-patterns are expanded)\n"
	      "  -S SIZE[,N]  with -o: go on in FILE.0, FILE.1 ... of SIZE MiB each, keeping N\n"
	      "  -F        flight recorder: leave the module running and return; with -o the\n"
	      "            output goes on into FILE from a background taprun (its pid is\n"
	      "            printed), without -o it stays in the module's buffer (-s MiB per\n"
	      "            CPU, the oldest overwritten) until taprun -A or -d\n"
	      "  -b        bulk mode: one output file per CPU, FILE_N (FILE_cpuN with -F,\n"
	      "            stpd_cpuN without -o); taprun --merge puts them back in order\n"
	      "  -L        list the running tapc modules\n"
	      "  -A MODULE attach to a running module: print what it has buffered and go on;\n"
	      "            Ctrl-C detaches and leaves it running\n"
	      "  -d MODULE stop a running module (its end probes run) and unload it\n"
	      "  --merge FILE...  the records of -b's files in the order they were written\n"
	      "  -c CMD    run CMD (/bin/sh -c) once the probes are armed; stop when it exits\n"
	      "  -x PID    value of target()\n"
	      "  -T SECS   stop after SECS seconds\n"
	      "  -s MB     output buffer per CPU in MiB (default 1)\n"
	      "  -v        say what taprun does\n"
	      "  --chroot DIR, --cwd DIR   where the -c command runs\n"
	      "  --target-namespace=PID  the ns_*() functions see ids as PID's pid and user\n"
	      "            namespaces do (default: taprun's own)\n", f);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (si->si_code == SI_USER && si->si_pid == getppid())
		sig_forwarded++;
	else
		sig_direct++;
	last_signal = sig;
}

/*
 * How many times we were asked to stop.  tapc passes on what it gets, and
 * a Ctrl-C or a signal to the process group reaches tapc and us alike: the
 * larger of the two counts is what was meant.  The first stops the run
 * cleanly; a second forces it (stop_forced()).
 */
int stop_requests(void)
{
	return sig_forwarded > sig_direct ? sig_forwarded : sig_direct;
}

static const char *signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "?";
}

/* A second request: stop waiting for output and for the -c command; the
 * module is still stopped (its end probes run) and unloaded. */
static bool stop_forced(void)
{
	return stop_requests() > 1;
}

static int parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *end || *v < 0 ? -1 : 0;
}

enum { OPT_MERGE = 300 };

/* -L, -A MODULE, -d MODULE, --merge [-o FILE] FILE...: what else may go
 * with them. */
static int mode_options(int argc, char **argv, struct options *o)
{
	bool extra = o->command || o->target >= 0 || o->target_ns || o->timeout || o->bufsize_mb || o->flight ||
		     o->bulk || o->rotate_size || o->chroot_dir || o->cwd;

	if (o->mode == OPT_MERGE) {
		if (extra) {
			error_msg("--merge takes only -o FILE and the files of taprun -b");
			return -1;
		}
		if (optind >= argc) {
			error_msg("--merge needs the files of taprun -b (FILE_0 FILE_1 ...)");
			return -1;
		}
		o->params = argv + optind;
		o->nparams = argc - optind;
		return 0;
	}
	if (extra || o->outfile || optind < argc) {
		error_msg("-%c takes %s and no other options", o->mode,
			  o->mode == 'L' ? "no arguments" : "one MODULE");
		return -1;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHROOT = 256, OPT_CWD, OPT_HELP, OPT_TARGET_NS };
	static const struct option longopts[] = {
		{ "chroot", required_argument, NULL, OPT_CHROOT },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "target-namespace", required_argument, NULL, OPT_TARGET_NS },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->target = -1;
	while ((c = getopt_long(argc, argv, "o:c:x:T:s:S:vhFbLA:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': o->flight = true; break;
		case 'b': o->bulk = true; break;
		case 'L':
		case 'A':
		case 'd':
		case OPT_MERGE:
			if (o->mode && o->mode != c) {
				error_msg("-L, -A, -d and --merge each do a thing of their own: give one");
				return -1;
			}
			o->mode = c;
			o->mode_arg = optarg;
			break;
		case 'o': o->outfile = optarg; break;
		case 'S':
			if (outfile_parse_rotation(optarg, &o->rotate_size, &o->rotate_keep) < 0) {
				error_msg("-S: bad SIZE[,N] '%s' (SIZE MiB 1..4095, N files 1..100000)", optarg);
				return -1;
			}
			break;
		case 'c': o->command = optarg; break;
		case 'x':
			if (parse_long(optarg, &o->target) || o->target > INT_MAX) {
				error_msg("-x: bad pid '%s'", optarg);
				return -1;
			}
			break;
		case 'T':
			if (parse_long(optarg, &o->timeout) || o->timeout == 0) {
				error_msg("-T: bad number of seconds '%s'", optarg);
				return -1;
			}
			break;
		case 's':
			if (parse_long(optarg, &o->bufsize_mb) || o->bufsize_mb == 0 ||
			    o->bufsize_mb > 4095) {
				error_msg("-s: bad buffer size '%s' (MiB, 1..4095)", optarg);
				return -1;
			}
			break;
		case 'v': o->verbose++; break;
		case OPT_CHROOT: o->chroot_dir = optarg; break;
		case OPT_CWD: o->cwd = optarg; break;
		case OPT_TARGET_NS:
			if (parse_long(optarg, &o->target_ns) || o->target_ns == 0 ||
			    o->target_ns > INT_MAX) {
				error_msg("--target-namespace: bad pid '%s'", optarg);
				return -1;
			}
			break;
		case 'h':
		case OPT_HELP: usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (o->mode)
		return mode_options(argc, argv, o);
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	if (o->command && o->target >= 0) {
		error_msg("-c and -x cannot be used together");
		return -1;
	}
	if (o->rotate_size && !o->outfile) {
		error_msg("-S rotates the -o FILE: it needs -o");
		return -1;
	}
	if (o->flight && o->command) {
		error_msg("-F leaves the module running and returns: -c needs taprun to wait for its command");
		return -1;
	}
	if (o->bulk && o->rotate_size) {
		error_msg("-S can't rotate -b's per-CPU files");
		return -1;
	}
	if (o->bulk && o->flight && !o->outfile) {
		error_msg("-b writes a file per CPU: with -F it needs -o FILE");
		return -1;
	}
	o->module = argv[optind];
	o->params = argv + optind + 1;
	o->nparams = argc - optind - 1;
	for (int i = 0; i < o->nparams; i++) {
		if (!strchr(o->params[i], '=') || !strncmp(o->params[i], "tapc_", 5)) {
			error_msg("bad module parameter '%s' (want name=value)", o->params[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- preflight: say clearly why this kernel or user can't do it ---- */

static bool has_cap_sys_module(void)
{
	char line[256];
	bool ok = true;			/* can't tell: let the kernel decide */
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return ok;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long caps;

		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ok = caps & (1ULL << 16);	/* CAP_SYS_MODULE */
			break;
		}
	}
	fclose(f);
	return ok;
}

static int preflight(void)
{
	char v = '0';
	int fd;

	if (access("/proc/modules", F_OK) != 0) {
		if (access("/proc/self", F_OK) != 0)
			error_msg("/proc is not mounted");
		else
			error_msg("this kernel cannot load modules (no CONFIG_MODULES); try --vm");
		return -1;
	}
	fd = open("/proc/sys/kernel/modules_disabled", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &v, 1) == 1 && v == '1') {
			close(fd);
			error_msg("module loading is disabled (kernel.modules_disabled=1); try --vm");
			return -1;
		}
		close(fd);
	}
	if (!has_cap_sys_module()) {
		error_msg("loading a module needs CAP_SYS_MODULE (run as root)");
		return -1;
	}
	return 0;
}

/* MemAvailable of /proc/meminfo in bytes, or -1. */
static long long mem_available(void)
{
	char line[256];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && sscanf(line, "MemAvailable: %lld kB", &kb) != 1)
		;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/*
 * The module allocates -s MiB of output buffer for every possible CPU when
 * it loads; more than the memory available fails in the kernel with an
 * allocator warning and no word of why.  Say so here instead.
 */
static int check_bufsize(const struct options *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	long long avail = mem_available(), need;

	if (!o->bufsize_mb || ncpu <= 0 || avail < 0)
		return 0;
	need = (long long)o->bufsize_mb * ncpu << 20;
	if (need <= avail)
		return 0;
	error_msg("-s %ld: %ld CPUs x %ld MiB of output buffer is more than the %lld MiB of memory available",
		  o->bufsize_mb, ncpu, o->bufsize_mb, avail >> 20);
	return -1;
}

/* Does the running kernel export a symbol?  (For error diagnosis only.) */
static bool kernel_has_symbol(const char *sym)
{
	char line[512], name[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, sym))
			found = true;
	fclose(f);
	return found;
}

/* ---- the module file ---- */

/* The module's name as the kernel will know it: "name=" in .modinfo,
 * falling back to the file name with '-' turned into '_' as kmod does. */
static int module_name(const char *path, char *name, size_t size)
{
	static const char key[] = "name=";
	const char *base = strrchr(path, '/');
	size_t n, len = 0;
	char *data = NULL;
	FILE *f = fopen(path, "rb");

	if (!f) {
		error_msg("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	data = malloc(READ_SIZE);
	while (data && (n = fread(data + len, 1, READ_SIZE, f)) > 0) {
		char *p;

		len += n;
		p = realloc(data, len + READ_SIZE);
		if (!p) {
			free(data);
			data = NULL;
		}
		data = p;
	}
	fclose(f);
	for (size_t i = 1; data && i + sizeof(key) < len; i++) {
		if (data[i - 1] == '\0' && !memcmp(data + i, key, sizeof(key) - 1)) {
			snprintf(name, size, "%s", data + i + sizeof(key) - 1);
			free(data);
			return name[0] ? 0 : -1;
		}
	}
	free(data);
	snprintf(name, size, "%s", base ? base + 1 : path);
	n = strlen(name);
	if (n > 3 && !strcmp(name + n - 3, ".ko"))
		name[n - 3] = '\0';
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return 0;
}

/* The local time zone for tz_gmtoff() and tz_name(), as stap's staprun
 * passes it: seconds west of UTC and the zone's abbreviation (only
 * [A-Za-z0-9+-]: it goes on the module's parameter line). */
static void local_zone(long *west, char *name, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	*west = 0;
	snprintf(name, size, "UTC");
	if (!localtime_r(&t, &tm))
		return;
	*west = -tm.tm_gmtoff;
	if (tm.tm_zone && tm.tm_zone[0] && strlen(tm.tm_zone) < size &&
	    strspn(tm.tm_zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-") ==
	    strlen(tm.tm_zone))
		snprintf(name, size, "%s", tm.tm_zone);
}

/* --target-namespace=PID: the inode of PID's pid namespace, which the
 * module checks (loader.c); a clear error when there is no such process. */
static int target_ns_inode(long pid, unsigned long *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
	if (stat(path, &st) == 0) {
		*ino = st.st_ino;
		return 0;
	}
	if (errno == ENOENT)
		error_msg("--target-namespace=%ld: no such process", pid);
	else
		error_msg("--target-namespace=%ld: cannot read %s: %s", pid, path, strerror(errno));
	return -1;
}

static char *param_string(const struct options *o, long target, unsigned long ns_ino)
{
	size_t size = 256;
	char *s, *p, zone[16];
	long west;

	for (int i = 0; i < o->nparams; i++)
		size += strlen(o->params[i]) + 1;
	s = malloc(size);
	if (!s)
		return NULL;
	p = s + sprintf(s, "tapc_target=%ld", target >= 0 ? target : 0);
	local_zone(&west, zone, sizeof(zone));
	p += sprintf(p, " tapc_tz_gmtoff=%ld tapc_tz_name=%s tapc_stp_pid=%d", west, zone,
		     (int)getpid());
	if (o->bufsize_mb)
		p += sprintf(p, " tapc_bufsize=%ld", o->bufsize_mb << 20);
	if (o->target_ns)
		p += sprintf(p, " tapc_target_ns_pid=%ld tapc_target_ns_ino=%lu", o->target_ns, ns_ino);
	if (o->flight && !o->outfile)	/* nobody reads: keep the newest */
		p += sprintf(p, " tapc_flight=1");
	if (o->bulk)
		p += sprintf(p, " tapc_bulk=1");
	for (int i = 0; i < o->nparams; i++)
		p += sprintf(p, " %s", o->params[i]);
	return s;
}

static int load_module(const struct options *o, const char *params)
{
	int fd = open(o->module, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		error_msg("cannot open %s: %s", o->module, strerror(errno));
		return -1;
	}
	if (syscall(SYS_finit_module, fd, params, 0) == 0) {
		close(fd);
		return 0;
	}
	err = errno;
	close(fd);
	switch (err) {
	case EEXIST:
		error_msg("a module with this name is already loaded (rmmod it first)");
		break;
	case ENOEXEC:
		error_msg("%s is not a module for this kernel (built for another release?)",
			  o->module);
		break;
	case ENOENT:
		if (!kernel_has_symbol("register_kprobe"))
			error_msg("this kernel has no kprobes (CONFIG_KPROBES); try --vm");
		else
			error_msg("cannot load %s: unknown symbol (see dmesg)", o->module);
		break;
	case EPERM:
	case EKEYREJECTED:
		error_msg("the kernel refused %s: %s (module signing or lockdown?)",
			  o->module, strerror(err));
		break;
	case ENOSYS:
		error_msg("this kernel cannot load modules (no CONFIG_MODULES); try --vm");
		break;
	case ESRCH:
		if (o->target_ns) {	/* loader.c: gone, or its pid reused */
			error_msg("--target-namespace=%ld: the process was gone when the module loaded",
				  o->target_ns);
			break;
		}
		/* fall through */
	default:
		error_msg("cannot load %s: %s", o->module, strerror(err));
	}
	return -1;
}

static void unload_module(const char *name)
{
	for (int i = 0; i < 100; i++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0)
			return;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		usleep(20000);
	}
	error_msg("cannot unload module %s: %s", name, strerror(errno));
}

/* ---- talking to the module ---- */

/* The first failed write of the script's output (a full disk, an I/O
 * error, a reader gone) is reported, ends the run, and makes the exit
 * status 1; what could not be written after it is counted. */
static void output_failed(struct run *r, int err, size_t unwritten)
{
	if (!r->output_errno) {
		r->output_errno = err;
		error_msg("cannot write the output to %s: %s", r->data_name, strerror(err));
	}
	r->output_lost += unwritten;
}

static void write_all(struct run *r, int fd, const char *p, size_t n)
{
	if (fd == r->data_fd && r->output_errno) {
		r->output_lost += n;
		return;
	}
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR && stop_forced()) {
			r->cut_short = true;	/* a blocked reader holds us no longer */
			return;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (fd == r->data_fd)
				output_failed(r, k < 0 ? errno : EIO, n);
			return;
		}
		p += k;
		n -= k;
	}
}

/* system(cmd): /bin/sh -c cmd in the background, with taprun's stdin,
 * stdout and stderr (not -o FILE: stapio does the same) and default
 * signal handling.  The command runs in a grandchild, so nobody has to
 * reap it and taprun's -c child stays the only child it waits for. */
static void run_system(const char *cmd, size_t len)
{
	char *text = strndup(cmd, len);
	pid_t pid;

	if (!text) {
		error_msg("system(): out of memory");
		return;
	}
	say("system(%s)", text);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			signal(SIGPIPE, SIG_DFL);
			execl("/bin/sh", "sh", "-c", text, (char *)NULL);
			fprintf(stderr, "taprun: system(): /bin/sh: %s\n", strerror(errno));
			_exit(127);
		}
		_exit(0);
	}
	if (pid < 0)
		error_msg("system(): fork: %s", strerror(errno));
	else	/* our signal handlers don't restart it (setup_signals()) */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	free(text);
}

/* switch_file(), or a full file with -S: go on in the next output file
 * (outfile.c names it). */
static void switch_file(struct run *r)
{
	if (!r->has_outfile)
		return;
	if (outfile_next(&r->of) < 0) {
		error_msg("cannot open the next output file after %s: %s", r->of.name, strerror(errno));
		return;
	}
	say("output now in %s", r->of.name);
	r->data_fd = r->of.fd;
	r->data_name = r->of.name;	/* for a write error's message */
	if (r->daemon)
		dup2(r->data_fd, STDERR_FILENO);
	/* -A follows the daemon's file: tell it the new one */
	claim_reader(r);
}

/* -b: a record of the script's output into its CPU's file. */
static void bulk_record(struct run *r, const struct taprun_rec *rec, const char *data)
{
	char failed[PATH_MAX + 16];

	if (r->output_errno) {
		r->output_lost += rec->len;
		return;
	}
	if (bulk_write(&r->bf, rec->cpu, rec->seq, data, rec->len, failed, sizeof(failed)) < 0) {
		r->data_name = strdup(failed);
		output_failed(r, errno, rec->len);
	}
}

/* Copy everything in `out` to stdout / -o FILE and stderr; returns bytes. */
size_t drain(struct run *r)
{
	size_t total = 0;

	for (;;) {
		ssize_t n;
		size_t off = 0;

		if (stop_forced()) {
			r->cut_short = true;	/* the rest goes with the module */
			break;
		}
		n = read(r->out_fd, r->buf, READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
		while (off + sizeof(struct taprun_rec) <= (size_t)n) {
			struct taprun_rec rec;

			memcpy(&rec, r->buf + off, sizeof(rec));
			off += sizeof(rec);
			if (rec.len > n - off)
				break;		/* can't happen: whole records only */
			if (rec.chan == TAPRUN_CHAN_ERR) {
				if (rec.len >= 6 && !memcmp(r->buf + off, "ERROR:", 6))
					r->saw_error = true;
				write_all(r, STDERR_FILENO, r->buf + off, rec.len);
			} else if (rec.chan == TAPRUN_CHAN_SYSTEM) {
				run_system(r->buf + off, rec.len);
			} else if (rec.chan == TAPRUN_CHAN_SWITCH) {
				switch_file(r);
			} else if (r->bulk) {
				bulk_record(r, &rec, r->buf + off);
			} else {
				if (r->has_outfile && outfile_full(&r->of))
					switch_file(r);
				write_all(r, r->data_fd, r->buf + off, rec.len);
				r->of.written += rec.len;
			}
			off += rec.len;
		}
	}
	return total;
}


/* A "key=" line of the status text into buf ("" when absent). */
static void status_line(const char *text, const char *key, char *buf, size_t size)
{
	const char *p = strstr(text, key);
	size_t n;

	buf[0] = '\0';
	if (!p || (p != text && p[-1] != '\n'))
		return;
	p += strlen(key);
	n = strcspn(p, "\n");
	if (n < size)
		snprintf(buf, size, "%.*s", (int)n, p);
}

int read_status(struct run *r, struct status *s)
{
	char buf[1024];
	const char *p;
	ssize_t n = pread(r->ctl_fd, buf, sizeof(buf) - 1, 0);

	memset(s, 0, sizeof(*s));
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "state=%15s errors=%ld skipped=%ld dropped=%ld missed=%ld reentrant=%ld dropwrites=%ld",
		   s->state, &s->errors, &s->skipped, &s->dropped, &s->missed,
		   &s->reentrant, &s->dropwrites) < 5)
		return -1;
	p = strstr(buf, " overwritten=");
	if (p)
		sscanf(p, " overwritten=%lld reader=%ld uid=%ld flight=%d bulk=%d", &s->overwritten,
		       &s->reader, &s->uid, &s->flight, &s->bulk);
	status_line(buf, "file=", s->file, sizeof(s->file));
	status_line(buf, "script=", s->script, sizeof(s->script));
	return 0;
}

int command(struct run *r, const char *cmd)
{
	say("%s", cmd);
	if (write(r->ctl_fd, cmd, strlen(cmd)) < 0)
		return -errno;
	return 0;
}

/* Claim `out` for this process, naming the -o file (absolute, for -A). */
int claim_reader(struct run *r)
{
	char cmd[PATH_MAX + 16], *abs = NULL;
	int err;

	if (r->has_outfile && !r->bulk)
		abs = realpath(r->of.name, NULL);
	/* a name too long for the module: -A can't follow, the run goes on */
	if (abs && strlen(abs) < 250)
		snprintf(cmd, sizeof(cmd), "claim %s", abs);
	else
		snprintf(cmd, sizeof(cmd), "claim");
	free(abs);
	err = command(r, cmd);
	if (err == -EBUSY) {
		struct status s;

		read_status(r, &s);
		error_msg("%s is being read by taprun (pid %ld): it is served already", r->name,
			  s.reader);
	} else if (err) {
		error_msg("%s: claim: %s", r->dir, strerror(-err));
	}
	return err;
}

int open_proc(struct run *r)
{
	char path[192];

	snprintf(r->dir, sizeof(r->dir), "/proc/tapc_%s", r->name);
	snprintf(path, sizeof(path), "%s/out", r->dir);
	r->out_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/ctl", r->dir);
	r->ctl_fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->out_fd < 0 || r->ctl_fd < 0) {
		error_msg("%s: %s (not a tapc module?)", r->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* input.char / input.line (tapset/input.stp): a script that has them
 * has a procfs file __stdin, which gets our stdin.  Opened after start
 * (the file exists while the probes are registered). */
static void open_stdin_feed(struct run *r)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/__stdin", r->dir);
	r->stdin_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (r->stdin_fd >= 0)
		say("feeding stdin to %s", path);
}

/* Wait up to one poll tick for stdin and pass what came one byte per
 * write(2), so each byte is one input.char; EOF ends the feeding. */
static void feed_stdin(struct run *r)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[4096];
	ssize_t n, i;

	if (poll(&p, 1, POLL_NS / 1000000) <= 0)
		return;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		say("stdin: %s", n ? strerror(errno) : "end of file");
		close(r->stdin_fd);
		r->stdin_fd = -1;
		return;
	}
	/* a probe that fails (EIO) loses its byte: the error is reported */
	for (i = 0; i < n; i++)
		while (write(r->stdin_fd, buf + i, 1) < 0 && errno == EINTR)
			;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The poll loop: returns when something asks for the run to end. */
static void run_loop(struct run *r, const struct options *o)
{
	double deadline = o->timeout ? now() + o->timeout : 0;
	struct timespec tick = { 0, POLL_NS };
	struct status s;

	for (;;) {
		drain(r);
		if (stop_requests()) {
			say("interrupted");
			return;
		}
		if (r->output_errno) {
			say("output failed");
			return;
		}
		if (read_status(r, &s) == 0 && strcmp(s.state, "RUNNING") != 0) {
			say("module state %s", s.state);
			return;
		}
		command_reap(&r->cmd, false);
		if (r->cmd.done) {
			say("command exited");
			return;
		}
		if (deadline && now() >= deadline) {
			say("-T expired");
			return;
		}
		if (r->stdin_fd >= 0)
			feed_stdin(r);
		else
			nanosleep(&tick, NULL);
	}
}

/* The last write error of a file may show only when it is closed (NFS). */
static void finish_output(struct run *r)
{
	if (r->data_fd >= 0 && close(r->data_fd) < 0 && errno != EINTR)
		output_failed(r, errno, 0);
	r->data_fd = -1;
	if (r->bulk && bulk_close(&r->bf) < 0 && errno != EINTR) {
		r->data_name = "the -b files";
		output_failed(r, errno, 0);
	}
	if (r->output_lost)
		error_msg("%llu bytes of output were not written", r->output_lost);
}

void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	/* no SA_RESTART: a blocked write to our output or the wait for the
	 * -c command returns, so that a second signal can force the end */
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->out_fd = r->ctl_fd = r->stdin_fd = -1;
	r->data_fd = STDOUT_FILENO;
	r->data_name = "stdout";
	r->of.fd = -1;
}

void sleep_tick(void)
{
	struct timespec tick = { 0, POLL_NS };

	nanosleep(&tick, NULL);
}

/*
 * The end of every run: `stop` (the end probes run in the module), the
 * rest of the output, the module's counts, the unload.  Returns the exit
 * status (1 after errors, or when the module did not stop cleanly).
 */
int finish_run(struct run *r, long bufsize_mb)
{
	struct status s = { .state = "?" };
	int err, rc;

	err = command(r, "stop");
	if (err)
		error_msg("stop: %s", strerror(-err));
	drain(r);
	finish_output(r);
	if (read_status(r, &s) < 0)
		error_msg("cannot read %s/ctl", r->dir);
	say("state=%s errors=%ld skipped=%ld dropped=%ld missed=%ld reentrant=%ld",
	    s.state, s.errors, s.skipped, s.dropped, s.missed, s.reentrant);
	if (s.errors || s.skipped + s.missed)
		fprintf(stderr, "WARNING: Number of errors: %ld, skipped probes: %ld\n",
			s.errors, s.skipped + s.missed);
	if (s.dropped)	/* stap's words, and how much was lost */
		fprintf(stderr, "WARNING: There were %ld transport failures. Try -s to increase the buffer size from %ld MiB (%ld bytes of output dropped).\n",
			s.dropwrites, bufsize_mb ? bufsize_mb : 1, s.dropped);
	rc = s.errors || r->saw_error || r->output_errno || strcmp(s.state, "STOPPED") ? 1 : 0;
	close(r->out_fd);
	close(r->ctl_fd);
	r->out_fd = r->ctl_fd = -1;
	say("unloading %s", r->name);
	unload_module(r->name);
	return rc;
}

/* -o FILE, or -b's files: opened before the module loads. */
static int open_output(struct run *r, const struct options *o)
{
	char failed[PATH_MAX + 16];

	if (o->bulk) {
		r->bulk = true;
		if (bulk_open(&r->bf, o->outfile, o->flight, (int)sysconf(_SC_NPROCESSORS_CONF),
			      failed, sizeof(failed)) < 0) {
			error_msg("cannot open %s: %s", failed, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!o->outfile)
		return 0;
	r->has_outfile = true;
	r->of.pattern = o->outfile;
	r->of.limit = o->rotate_size;
	r->of.keep = o->rotate_keep;
	if (outfile_open(&r->of) < 0) {
		error_msg("cannot open %s: %s", r->of.name[0] ? r->of.name : o->outfile, strerror(errno));
		return -1;
	}
	r->data_fd = r->of.fd;
	r->data_name = r->of.name;
	return 0;
}

/*
 * -F -o FILE: go on in a child of our own, in a session of its own with
 * no terminal, its stderr the -o file (so the module's ERROR:/WARNING:
 * lines and ours end up where its output does); we print its pid, as
 * stap -F does, once it has claimed the module, and return.  Returns in
 * the child (0); the parent exits, or returns -1 when there is no child
 * to serve the module (which the caller then stops and unloads).
 */
static int daemonize(struct run *r)
{
	int p[2], null;
	char ok = 0;
	pid_t pid;

	fflush(NULL);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		error_msg("-F: cannot start the background taprun: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		while (read(p[0], &ok, 1) < 0 && errno == EINTR)
			;
		if (!ok)	/* the child said why on our stderr: unload */
			return -1;
		printf("%d\n", (int)pid);
		exit(0);
	}
	close(p[0]);
	setsid();
	if (claim_reader(r) < 0)
		_exit(1);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(r->bulk ? null : r->data_fd, STDERR_FILENO);
		close(null);
	}
	r->daemon = true;
	verbose = 0;		/* nobody to tell */
	ok = 1;
	if (write(p[1], &ok, 1) < 0)
		_exit(1);
	close(p[1]);
	return 0;
}

/* -F without -o: the module keeps its output (tapc_flight=1) until
 * someone attaches; we say how to, in stap's words, and return. */
static int detach_flight(struct run *r)
{
	printf("\nDisconnecting from tapc module %s.\n"
	       "To reconnect, type \"taprun -A %s\"\n", r->name, r->name);
	close(r->out_fd);
	close(r->ctl_fd);
	return 0;
}

static int native_main(const struct options *o)
{
	struct run r;
	long target = o->target;
	unsigned long ns_ino = 0;
	char *params = NULL;
	int rc = 1, err;

	run_init(&r);
	if (preflight() < 0 || check_bufsize(o) < 0 ||
	    module_name(o->module, r.name, sizeof(r.name)) < 0 ||
	    (o->target_ns && target_ns_inode(o->target_ns, &ns_ino) < 0))
		return 1;
	/* a closed stdout would be reused by the first open(): output lost */
	if (!o->outfile && fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		error_msg("stdout is closed (use -o FILE)");
		return 1;
	}
	r.buf = malloc(READ_SIZE);
	if (!r.buf) {
		error_msg("out of memory");
		return 1;
	}
	if (open_output(&r, o) < 0)
		return 1;
	setup_signals();
	if (o->command) {
		if (command_fork(&r.cmd, o->command, o->chroot_dir, o->cwd) < 0)
			return 1;
		target = r.cmd.pid;
	}
	params = param_string(o, target, ns_ino);
	say("loading %s (module %s) with '%s'", o->module, r.name, params ? params : "");
	if (!params || load_module(o, params) < 0)
		goto end_command;
	if (open_proc(&r) < 0)
		goto unload;

	err = command(&r, "start");
	if (err) {
		if (!claim_reader(&r))
			drain(&r);	/* begin output and the registration error */
		error_msg("cannot start %s: %s", r.name, strerror(-err));
		goto unload;
	}
	if (o->flight && !o->outfile && !o->bulk) {
		free(params);
		return detach_flight(&r);
	}
	if (o->flight ? daemonize(&r) < 0 : claim_reader(&r) < 0) {
		command(&r, "stop");
		goto unload;
	}
	command_release(&r.cmd);
	open_stdin_feed(&r);
	run_loop(&r, o);
	if (r.stdin_fd >= 0)
		close(r.stdin_fd);
	rc = finish_run(&r, o->bufsize_mb);
	goto end_command;
unload:
	if (r.out_fd >= 0)
		close(r.out_fd);
	if (r.ctl_fd >= 0)
		close(r.ctl_fd);
	say("unloading %s", r.name);
	unload_module(r.name);
end_command:
	/* a command that outlives our SIGTERM is killed on a second signal */
	do
		command_finish(&r.cmd, stop_forced());
	while (r.cmd.pid && !r.cmd.done);
	if (r.cmd.failed)
		rc = 1;
	if (stop_forced()) {
		error_msg("stopped by a second signal (%s)%s", signal_name(last_signal),
			  r.cut_short ? ": the rest of the output was discarded" : "");
		rc = 128 + last_signal;
	}
	free(params);
	free(r.buf);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;

	if (argc > 1 && (!strcmp(argv[1], "--vm") || !strcmp(argv[1], "--vm-shell")))
		return vm_main(argc, argv);
	if (parse_options(argc, argv, &o) < 0)
		return 1;
	verbose = o.verbose;
	switch (o.mode) {
	case 'L': return flight_list();
	case 'A': return flight_attach(o.mode_arg);
	case 'd': return flight_delete(o.mode_arg);
	case OPT_MERGE: return bulk_merge(o.nparams, o.params, o.outfile);
	default: return native_main(&o);
	}
}
