/*
 * disk_io DEV BYTES: one O_DIRECT write of BYTES bytes (a multiple of 4096)
 * at the start of block device DEV, fdatasync, then one O_DIRECT read of
 * them back; prints "wrote=N read=N same=1" when the read found what was
 * written.  O_DIRECT makes each call one bio of its own, so the block
 * layer's probes see exactly these two transfers of BYTES bytes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *out = NULL, *in = NULL;
	ssize_t w, r;
	long n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: disk_io DEV BYTES\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 0);
	if (n <= 0 || n % 4096 || posix_memalign(&out, 4096, (size_t)n) ||
	    posix_memalign(&in, 4096, (size_t)n)) {
		fprintf(stderr, "disk_io: BYTES must be a positive multiple of 4096\n");
		return 2;
	}
	memset(out, 0x5a, (size_t)n);
	memset(in, 0, (size_t)n);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	w = pwrite(fd, out, (size_t)n, 0);
	if (w != n || fdatasync(fd)) {
		perror("disk_io: write");
		return 1;
	}
	r = pread(fd, in, (size_t)n, 0);
	if (r != n) {
		perror("disk_io: read");
		return 1;
	}
	printf("wrote=%zd read=%zd same=%d\n", w, r, !memcmp(in, out, (size_t)n));
	close(fd);
	return 0;
}
