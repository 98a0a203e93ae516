/*
 * read_bytes FILE N [CHUNK]: read up to N bytes from FILE with read(2) calls
 * of CHUNK bytes (default: all N in one call) and print "read=TOTAL calls=K".
 * vfs_read probes can check both the byte count and the call count.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n, chunk, total = 0, calls = 0;
	char *buf;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: read_bytes FILE N [CHUNK]\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 0);
	chunk = argc > 3 ? strtol(argv[3], NULL, 0) : n;
	if (chunk <= 0)
		chunk = 1;
	fd = open(argv[1], O_RDONLY);
	buf = malloc((size_t)chunk);
	if (fd < 0 || !buf) {
		perror(argv[1]);
		return 1;
	}
	while (total < n) {
		ssize_t r = read(fd, buf, (size_t)(n - total < chunk ? n - total : chunk));

		calls++;
		if (r <= 0)
			break;
		total += r;
	}
	printf("read=%ld calls=%ld\n", total, calls);
	close(fd);
	free(buf);
	return 0;
}
