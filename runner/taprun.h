/*
 * taprun.h - what taprun's parts share.
 *
 * taprun.c hands over to vm_main() (runner/vm.c) when its first argument is
 * --vm or --vm-shell; the VM mode boots a kernel and runs this same binary
 * natively inside the guest.  flight.c serves -L, -A and -d (modules left
 * running by -F), bulk.c the per-CPU files of -b and --merge; both use
 * taprun.c's way of talking to a module, declared here.  The record layout
 * of /proc/tapc_NAME/out is mirrored here from runtime/transport.h (struct
 * tapc_rec).
 */
#ifndef TAPC_RUNNER_TAPRUN_H
#define TAPC_RUNNER_TAPRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulk.h"
#include "command.h"
#include "outfile.h"

/* VM mode (runner/vm.c): argv is main()'s argv unchanged (argv[1] is
 * "--vm" or "--vm-shell"); returns taprun's exit status. */
int vm_main(int argc, char **argv);

/* One output record header: len payload bytes follow. */
struct taprun_rec {
	uint32_t len;
	uint16_t chan;			/* TAPRUN_CHAN_* */
	uint16_t cpu;
	uint64_t seq;			/* bulk mode: order over all CPUs */
};

enum {
	TAPRUN_CHAN_OUT = 1,		/* the script's output */
	TAPRUN_CHAN_ERR = 2,		/* ERROR:/WARNING: lines for stderr */
	TAPRUN_CHAN_SYSTEM = 3,		/* system(): a command to run */
	TAPRUN_CHAN_SWITCH = 4,		/* switch_file(): the next -o file */
};

/* A module being served: its proc files and where its output goes. */
struct run {
	char name[64];				/* module name */
	char dir[128];				/* /proc/tapc_NAME */
	int out_fd, ctl_fd, data_fd;		/* data_fd: stdout or -o */
	struct command cmd;			/* -c */
	const char *data_name;			/* "stdout" or the -o file */
	int output_errno;			/* first write error on data_fd */
	unsigned long long output_lost;		/* bytes not written after it */
	bool cut_short;				/* a forced stop left output unread */
	bool saw_error;				/* an ERROR: line from the module */
	bool daemon;				/* -F -o: stderr is the -o file */
	int stdin_fd;				/* the module's __stdin, -1: none */
	bool has_outfile;			/* -o FILE */
	struct outfile of;			/* its file(s), with -S rotated */
	bool bulk;				/* -b: a file per CPU */
	struct bulk bf;				/* those files */
	char *buf;
};

/* The first line of ctl, and the lines the transport adds. */
struct status {
	char state[16];
	long errors, skipped, dropped, missed;
	long reentrant;			/* hits skipped on a busy context */
	long dropwrites;		/* writes that dropped output */
	long long overwritten;		/* flight recorder: oldest bytes lost */
	long reader;			/* the taprun reading out, 0: none */
	long uid;			/* who loaded the module */
	int flight, bulk;		/* its mode */
	char file[256];			/* the reader's -o file, or "" */
	char script[256];		/* the script it was built from */
};

/* run.c helpers, in taprun.c */
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void setup_signals(void);
int stop_requests(void);
void run_init(struct run *r);
int open_proc(struct run *r);
int read_status(struct run *r, struct status *s);
int command(struct run *r, const char *cmd);
/* `claim [FILE]` with the -o file's absolute name; -errno */
int claim_reader(struct run *r);
size_t drain(struct run *r);
/* stop (end probes), drain, report, unload: the exit status */
int finish_run(struct run *r, long bufsize_mb);
void sleep_tick(void);

/* flight.c: taprun -L, -A MODULE, -d MODULE; exit statuses */
int flight_list(void);
int flight_attach(const char *name);
int flight_delete(const char *name);

#endif /* TAPC_RUNNER_TAPRUN_H */
