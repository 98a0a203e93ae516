/*
 * pty_io: a pseudo terminal's life (run/tty_alias.stp): open /dev/ptmx and
 * its slave, set the slave's window size to 33x77 (TIOCSWINSZ), write
 * "hello" to the slave, "abc" to the master, read the slave's line, close.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 77 };
	char buf[64];
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;

	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("pty_io: ptmx");
		return 1;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0) {
		perror("pty_io: slave");
		return 1;
	}
	if (ioctl(slave, TIOCSWINSZ, &ws)) {
		perror("pty_io: TIOCSWINSZ");
		return 1;
	}
	if (write(slave, "hello", 5) != 5 || write(master, "abc\n", 4) != 4) {
		perror("pty_io: write");
		return 1;
	}
	if (read(slave, buf, sizeof(buf)) <= 0) {
		perror("pty_io: read");
		return 1;
	}
	close(slave);
	close(master);
	return 0;
}
