/*
 * sysctl_write FILE V...: write each value V to the sysctl FILE (a
 * /proc/sys path), one write(2) of its own each, read the file back
 * after each and check it holds V, then write back the value it had.
 * Prints "wrote N values, read N back, restored".  A kernel.data watch
 * on the sysctl's variable sees N + 1 writes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail(const char *what, const char *path)
{
	perror(what);
	fprintf(stderr, "sysctl_write: %s\n", path);
	exit(1);
}

static void put(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	size_t n = strlen(v);

	if (fd < 0 || write(fd, v, n) != (ssize_t)n)
		fail("write", path);
	close(fd);
}

static void get(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, size - 1)) <= 0)
		fail("read", path);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	close(fd);
}

int main(int argc, char **argv)
{
	char old[64], now[64];
	int i, back = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: sysctl_write FILE VALUE...\n");
		return 2;
	}
	get(argv[1], old, sizeof(old));
	for (i = 2; i < argc; i++) {
		put(argv[1], argv[i]);
		get(argv[1], now, sizeof(now));
		back += strcmp(now, argv[i]) == 0;
	}
	put(argv[1], old);
	printf("wrote %d values, read %d back, restored\n", argc - 2, back);
	return 0;
}
