/*
 * file_ops DIR N: the page cache's generic file operations, in order, on a
 * file DIR/a of N bytes (run/generic_fop_alias.stp mounts a ramfs, whose
 * file operations are the generic ones, on DIR): write N bytes in one
 * write(), lseek to 0, read them back in one read(), map them shared,
 * then sendfile() all N into DIR/b.  Then it opens and closes DIR/../c
 * (the test mounts ext4 there: it opens through generic_file_open, ramfs
 * does not).
 * Prints "wrote=W read=R mapped=M sent=S".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

static int open_in(const char *dir, const char *name, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags, 0644);
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	ssize_t wrote, got, sent;
	off_t off = 0;
	char *buf, *map;
	int a, b, c;

	if (argc < 3 || n <= 0) {
		fprintf(stderr, "usage: file_ops DIR N\n");
		return 2;
	}
	buf = malloc((size_t)n);
	a = open_in(argv[1], "a", O_CREAT | O_RDWR | O_TRUNC);
	b = open_in(argv[1], "b", O_CREAT | O_WRONLY | O_TRUNC);
	if (!buf || a < 0 || b < 0) {
		perror("file_ops");
		return 1;
	}
	memset(buf, 'x', (size_t)n);
	wrote = write(a, buf, (size_t)n);
	if (lseek(a, 0, SEEK_SET) != 0) {
		perror("file_ops: lseek");
		return 1;
	}
	got = read(a, buf, (size_t)n);
	map = mmap(NULL, (size_t)n, PROT_READ, MAP_SHARED, a, 0);
	if (map == MAP_FAILED) {
		perror("file_ops: mmap");
		return 1;
	}
	munmap(map, (size_t)n);
	sent = sendfile(b, a, &off, (size_t)n);
	close(a);
	close(b);
	c = open_in(argv[1], "../c", O_CREAT | O_RDWR);
	if (c < 0) {
		perror("file_ops: open c");
		return 1;
	}
	close(c);
	printf("wrote=%zd read=%zd mapped=%ld sent=%zd\n", wrote, got, n, sent);
	return 0;
}
