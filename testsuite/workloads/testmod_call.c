/*
 * testmod_call SIZE FLAGS NAME ID WEIGHT [N]: write the request to
 * /proc/tapc_testmod N times (default 1), so tapc_testmod_alloc() is
 * called with those fields, then print what the caller saw and what the
 * module says it passed:
 *   passed size=S flags=F name=N id=I weight=W
 *   returned 0   or   returned -ERRNO (strerror)
 * SIZE "pid" passes this process's pid and prints it as "pid", so that a
 * script can only match it by reading the real field (compare with
 * target()), never by knowing the value in advance.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROC "/proc/tapc_testmod"

int main(int argc, char **argv)
{
	char req[128], back[160], name[32];
	long size, weight, n, i;
	int fd, flags, id, ret, err = 0;
	ssize_t r = 0;

	if (argc < 6) {
		fprintf(stderr, "usage: testmod_call SIZE FLAGS NAME ID WEIGHT [N]\n");
		return 2;
	}
	size = strcmp(argv[1], "pid") == 0 ? (long)getpid() : strtol(argv[1], NULL, 0);
	n = argc > 6 ? strtol(argv[6], NULL, 10) : 1;
	snprintf(req, sizeof(req), "%ld %s %s %s %s", size, argv[2], argv[3], argv[4], argv[5]);
	fd = open(PROC, O_RDWR);
	if (fd < 0) {
		perror(PROC);
		return 1;
	}
	for (i = 0; i < n; i++) {
		r = write(fd, req, strlen(req));
		err = r < 0 ? errno : 0;
	}
	if (pread(fd, back, sizeof(back) - 1, 0) <= 0 ||
	    sscanf(back, "size=%ld flags=%d name=%31s id=%d weight=%ld ret=%d",
		   &size, &flags, name, &id, &weight, &ret) != 6) {
		fprintf(stderr, "testmod_call: unexpected reply from " PROC "\n");
		return 1;
	}
	if (strcmp(argv[1], "pid") == 0 && size == (long)getpid())
		printf("passed size=pid flags=%d name=%s id=%d weight=%ld\n", flags, name, id, weight);
	else
		printf("passed size=%ld flags=%d name=%s id=%d weight=%ld\n", size, flags, name, id, weight);
	if (r < 0)
		printf("returned %d (%s), write failed with errno %d\n", ret, strerror(-ret), err);
	else
		printf("returned %d\n", ret);
	return 0;
}
