/*
 * nfs_file_ops MNT EXPORT NAME: file operations on an NFS client mount MNT
 * whose server exports EXPORT (testsuite/workloads/nfs_loopback.sh), on
 * files NAME_a and NAME_b, in this order:
 *
 *  file MNT/NAME_a: made empty (O_CREAT|O_TRUNC) and closed; opened again
 *    O_RDWR (a cached dentry: NFSv4 opens a new file in its lookup, an
 *    existing one in its open operation); write 10000 bytes;
 *    fsync; lseek to 1000 (SEEK_SET); read 3000 bytes; fcntl F_SETLK a write
 *    lock on bytes 100..199; fcntl F_SETFL O_NONBLOCK; mmap 8192 bytes
 *    shared, read-only, and touch them; sendfile 1234 bytes from offset 500
 *    to /dev/null; close.
 *  file NAME_b, 8192 bytes written on the server's side (EXPORT), so the
 *    client has none of its pages: stat and open O_RDWR through MNT; pwrite 10 bytes
 *    at 100 (the client reads page 0 first: part of it is written); pread
 *    4096 bytes at 4096 (readahead); close.
 *  unlink both through MNT (a second run starts with new files).
 *
 * Prints nothing; exits 1 with the failing step on stderr.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void file_a(const char *mnt, const char *name)
{
	static char buf[10000];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 100 };
	char path[4096];
	volatile char sum = 0;
	off_t off = 500;
	char *map;
	int fd, null, i;

	snprintf(path, sizeof(path), "%s/%s_a", mnt, name);
	memset(buf, 'a', sizeof(buf));
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || close(fd))
		fail("create NAME_a");
	fd = open(path, O_RDWR);
	if (fd < 0)
		fail("open NAME_a");
	if (write(fd, buf, 10000) != 10000)
		fail("write");
	if (fsync(fd))
		fail("fsync");
	if (lseek(fd, 1000, SEEK_SET) != 1000)
		fail("lseek");
	if (read(fd, buf, 3000) != 3000)
		fail("read");
	if (fcntl(fd, F_SETLK, &fl))
		fail("F_SETLK");
	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		fail("F_SETFL");
	map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		fail("mmap");
	for (i = 0; i < 8192; i += 4096)
		sum += map[i];
	munmap(map, 8192);
	null = open("/dev/null", O_WRONLY);
	if (null < 0 || sendfile(null, fd, &off, 1234) != 1234)
		fail("sendfile");
	close(null);
	close(fd);
}

static void file_b(const char *mnt, const char *export, const char *name)
{
	static char buf[8192];
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s_b", export, name);
	memset(buf, 'b', sizeof(buf));
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, buf, 8192) != 8192 || close(fd))
		fail("server-side NAME_b");
	snprintf(path, sizeof(path), "%s/%s_b", mnt, name);
	if (stat(path, &st))
		fail("stat NAME_b");
	fd = open(path, O_RDWR);
	if (fd < 0)
		fail("open NAME_b");
	if (pwrite(fd, "0123456789", 10, 100) != 10)
		fail("pwrite");
	if (pread(fd, buf, 4096, 4096) != 4096)
		fail("pread");
	close(fd);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc < 4) {
		fprintf(stderr, "usage: nfs_file_ops MNT EXPORT NAME\n");
		return 2;
	}
	file_a(argv[1], argv[3]);
	file_b(argv[1], argv[2], argv[3]);
	snprintf(path, sizeof(path), "%s/%s_a", argv[1], argv[3]);
	if (unlink(path))
		fail("unlink NAME_a");
	snprintf(path, sizeof(path), "%s/%s_b", argv[1], argv[3]);
	if (unlink(path))
		fail("unlink NAME_b");
	return 0;
}
