/*
 * nfs_ops MOUNT EXPORT: one of each NFS client procedure the nfs.proc tests
 * check, in a directory of its own (nfsproc.PID, made through MOUNT) so every
 * name is new to the client:
 *   - nfsproc_src (5000 bytes) is written on the server's side (EXPORT/...)
 *   - stat nfsproc_missing (LOOKUP: ENOENT), stat nfsproc_src (LOOKUP)
 *   - read nfsproc_src whole (one READ of 5000 bytes at 0)
 *   - mknod nfsproc_new S_IFREG|0640 with umask 0 (CREATE, exclusive)
 *   - 2 MiB into it in one write(2), fsync (WRITEs of at most wsize, so
 *     more than one (nfsd's largest is 1 MiB): unstable ones, then a COMMIT)
 *   - rename it to nfsproc_renamed (RENAME), unlink that (REMOVE)
 * then removes what it made.  Silent; a failing step is reported on stderr
 * and the exit status is 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char mnt[4096], srv[4096];

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "nfs_ops: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static const char *at(const char *dir, const char *name)
{
	static char path[2][8192];
	static int i;

	i ^= 1;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void put_file(const char *path, size_t len)
{
	char buf[5000];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	memset(buf, 'x', sizeof(buf));
	if (fd < 0 || len > sizeof(buf) || write(fd, buf, len) != (ssize_t)len || close(fd))
		fail("write", path);
}

static void read_whole(const char *path, size_t len)
{
	char buf[8192];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) != (ssize_t)len || close(fd))
		fail("read", path);
}

static char big[2 << 20];

static void write_big(const char *path)
{
	int fd = open(path, O_WRONLY);

	memset(big, 'y', sizeof(big));
	if (fd < 0 || write(fd, big, sizeof(big)) != sizeof(big) || fsync(fd) || close(fd))
		fail("write", path);
}

int main(int argc, char **argv)
{
	struct stat st;

	if (argc != 3) {
		fprintf(stderr, "usage: nfs_ops MOUNT EXPORT\n");
		return 2;
	}
	snprintf(mnt, sizeof(mnt), "%s/nfsproc.%d", argv[1], (int)getpid());
	snprintf(srv, sizeof(srv), "%s/nfsproc.%d", argv[2], (int)getpid());
	if (mkdir(mnt, 0755))
		fail("mkdir", mnt);
	put_file(at(srv, "nfsproc_src"), 5000);
	if (stat(at(mnt, "nfsproc_missing"), &st) == 0 || errno != ENOENT)
		fail("stat (expected ENOENT)", at(mnt, "nfsproc_missing"));
	if (stat(at(mnt, "nfsproc_src"), &st))
		fail("stat", at(mnt, "nfsproc_src"));
	read_whole(at(mnt, "nfsproc_src"), 5000);
	umask(0);
	if (mknod(at(mnt, "nfsproc_new"), S_IFREG | 0640, 0))
		fail("mknod", at(mnt, "nfsproc_new"));
	write_big(at(mnt, "nfsproc_new"));
	/* The client lets go of a closed file asynchronously (NFSv4's CLOSE,
	 * the open context's last reference, in rpciod): a file it still
	 * holds is silly-renamed by unlink(), not removed.  On an -rt kernel,
	 * whose softirqs and workqueues are threads, that can take a while. */
	sleep(1);
	if (rename(at(mnt, "nfsproc_new"), at(mnt, "nfsproc_renamed")))
		fail("rename", at(mnt, "nfsproc_new"));
	if (unlink(at(mnt, "nfsproc_renamed")))
		fail("unlink", at(mnt, "nfsproc_renamed"));
	if (unlink(at(mnt, "nfsproc_src")) || rmdir(mnt))
		fail("clean up", mnt);
	return 0;
}
