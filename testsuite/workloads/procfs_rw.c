/*
 * procfs_rw DIR: talk to a script's procfs files in DIR (run/procfs_rw.stp):
 *  - write the modes of DIR/in, DIR/text and DIR/big to DIR/in, then
 *    "hello\n" in one write(2);
 *  - write 600 'x' bytes to DIR/in with write(2) until all are taken,
 *    then how many calls that took;
 *  - read DIR/text twice (two opens), 7 bytes per read(2), and write each
 *    text back to DIR/in after "text:";
 *  - read DIR/big 1000 bytes at a time and write its length and its
 *    last 10 bytes to DIR/in.
 * So the script sees in its write probe what this program read from its
 * read probes.  Errors go to stderr, exit status 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static const char *dir;

static const char *path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/* One write(2) of text to DIR/in (the script's write probe sees it all). */
static void say(const char *text)
{
	int fd = open(path("in"), O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail("write in");
	close(fd);
}

/* Everything one open of DIR/name reads, chunk bytes per read(2). */
static size_t slurp(const char *name, char *buf, size_t size, size_t chunk)
{
	int fd = open(path(name), O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		fail(name);
	while (len + chunk < size && (n = read(fd, buf + len, chunk)) > 0)
		len += n;
	if (n < 0)
		fail(name);
	buf[len] = '\0';
	close(fd);
	return len;
}

int main(int argc, char **argv)
{
	static char buf[65536], msg[66000];
	const char *names[] = { "in", "text", "big" };
	char xs[600];
	size_t off = 0, len;
	int fd, calls = 0, i;
	struct stat st;

	if (argc != 2) {
		fprintf(stderr, "usage: procfs_rw DIR\n");
		return 2;
	}
	dir = argv[1];
	strcpy(msg, "modes");
	for (i = 0; i < 3; i++) {
		if (stat(path(names[i]), &st) < 0)
			fail(names[i]);
		snprintf(msg + strlen(msg), 32, " %o", (unsigned)(st.st_mode & 07777));
	}
	strcat(msg, "\n");
	say(msg);
	say("hello\n");
	memset(xs, 'x', sizeof(xs));
	fd = open(path("in"), O_WRONLY);
	if (fd < 0)
		fail("in");
	while (off < sizeof(xs)) {
		ssize_t n = write(fd, xs + off, sizeof(xs) - off);

		if (n <= 0)
			fail("write xs");
		off += n;
		calls++;
	}
	close(fd);
	snprintf(msg, sizeof(msg), "calls=%d\n", calls);
	say(msg);
	for (i = 0; i < 2; i++) {
		slurp("text", buf, sizeof(buf), 7);
		snprintf(msg, sizeof(msg), "text:%s", buf);
		say(msg);
	}
	len = slurp("big", buf, sizeof(buf), 1000);
	snprintf(msg, sizeof(msg), "big=%zu tail=%s", len, len >= 10 ? buf + len - 10 : buf);
	say(msg);
	return 0;
}
