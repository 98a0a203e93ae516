/*
 * sig_self: signals to itself through each kernel path the signal tapset
 * probes (run/signal_alias.stp): sigaction() of SIGUSR1 with SIGUSR2 in
 * its mask, SIGUSR1 blocked, kill() of itself (left pending),
 * rt_sigpending(), SIGUSR1 unblocked (delivered to the handler), then
 * tkill() and tgkill() of SIGUSR2 to its own thread.  Prints "handled=3".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set, pending;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGUSR2, &sa, NULL)) {
		perror("sig_self: sigaction");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	sigpending(&pending);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	syscall(SYS_tkill, gettid(), SIGUSR2);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
	printf("handled=%d\n", (int)handled);
	return handled == 3 ? 0 : 1;
}
