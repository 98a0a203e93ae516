/* Pass 5: hand the module to taprun, here or in the VM sandbox.
 *
 * taprun does the loading, streaming and stopping (docs/internals.md); we
 * map our options onto its own and wait for it.  SIGINT, SIGTERM and SIGHUP
 * sent to us are passed on to taprun, which stops the script cleanly on the
 * first and forces the unload on a second; one that reaches both of us
 * (Ctrl-C, a signal to the process group) counts once there, as taprun
 * tells our copies apart by their sender.  We stay until taprun is gone,
 * so that the temporary directory is removed, and exit with its status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "kernel.h"
#include "session.h"
#include "translate.h"

static volatile sig_atomic_t run_child;	/* taprun's pid, once forked */
static volatile sig_atomic_t run_pending;	/* a signal that came before it */

static void forward_signal(int sig)
{
	int saved = errno;

	if (run_child > 0)
		kill(run_child, sig);
	else
		run_pending = sig;
	errno = saved;
}

static void exec_taprun(const char *const *argv, const struct sigaction *old)
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "tapc: error: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(1);
}

/* Run taprun with argv, passing our signals on; its exit status. */
static int run_taprun(const char *const *argv)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction fwd = { .sa_handler = forward_signal }, old[3];
	int status = 0;
	pid_t pid;

	sigemptyset(&fwd.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &fwd, &old[i]);
	run_child = 0;
	run_pending = 0;
	pid = fork();
	if (pid == 0)
		exec_taprun(argv, old);
	if (pid < 0) {
		perror("tapc: fork");
		status = -1;
	} else {
		run_child = pid;
		if (run_pending)
			kill(pid, run_pending);
		/* not restarted: a signal interrupts the wait, which goes on */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (status == -1)
		return 1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "tapc: error: %s was killed by signal %d (%s)\n", argv[0],
			WTERMSIG(status), strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int run(struct session *s)
{
	const char *argv[32];
	int n = 0;

	argv[n++] = s->taprun_path;
	if (s->vm) {
		argv[n++] = "--vm";
		argv[n++] = "--kernel";
		argv[n++] = session_kernel(s)->release;
	}
	if (s->output_file) {
		argv[n++] = "-o";
		argv[n++] = s->output_file;
	}
	if (s->rotation) {
		argv[n++] = "-S";
		argv[n++] = s->rotation;
	}
	if (s->cmd) {
		argv[n++] = "-c";
		argv[n++] = s->cmd;
	}
	if (s->target_pid) {
		argv[n++] = "-x";
		argv[n++] = s->target_pid;
	}
	if (s->target_ns)
		argv[n++] = arena_printf("--target-namespace=%s", s->target_ns);
	if (s->timeout) {
		/* taprun counts whole seconds; the script's own timer probe
		 * (resolve.c) stops it on time */
		double secs = strtod(s->timeout, NULL);

		argv[n++] = "-T";
		argv[n++] = arena_printf("%ld", (long)secs + 2);
	}
	if (s->flight)
		argv[n++] = "-F";
	if (s->bulk)
		argv[n++] = "-b";
	if (s->bufsize_mb) {
		argv[n++] = "-s";
		argv[n++] = s->bufsize_mb;
	}
	if (session_verbose(s, 5))
		argv[n++] = "-v";
	argv[n++] = s->module_path;
	argv[n] = NULL;
	if (session_verbose(s, 5) > 1) {	/* main says "Pass 5: starting run." */
		fputs("Running", stderr);
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	return run_taprun(argv);
}
