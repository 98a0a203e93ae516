/* Pass 5: hand the module to taprun, here or in the VM sandbox.
 *
 * taprun does the loading, streaming and stopping (docs/internals.md); we
 * map our options onto its own and wait for it, ignoring Ctrl-C ourselves
 * (taprun gets it too and stops the script cleanly) so we can remove the
 * temporary directory afterwards.
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

int run(struct session *s)
{
	const char *argv[32];
	int n = 0, status;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	pid_t pid;

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
	if (s->cmd) {
		argv[n++] = "-c";
		argv[n++] = s->cmd;
	}
	if (s->target_pid) {
		argv[n++] = "-x";
		argv[n++] = s->target_pid;
	}
	if (s->timeout) {
		/* taprun counts whole seconds; the script's own timer probe
		 * (resolve.c) stops it on time */
		double secs = strtod(s->timeout, NULL);

		argv[n++] = "-T";
		argv[n++] = arena_printf("%ld", (long)secs + 2);
	}
	if (s->bufsize_mb) {
		argv[n++] = "-s";
		argv[n++] = s->bufsize_mb;
	}
	if (session_verbose(s, 5))
		argv[n++] = "-v";
	argv[n++] = s->module_path;
	argv[n] = NULL;
	if (session_verbose(s, 5)) {
		fputs("Pass 5: starting", stderr);
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	pid = fork();
	if (pid < 0) {
		perror("tapc: fork");
		return 1;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "tapc: error: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1;
}
