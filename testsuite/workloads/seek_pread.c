/*
 * seek_pread N: N calls lseek(fd, 0, SEEK_SET) on its own program file,
 * then one pread(fd, buf, 1, 0), and exits.  A guru test rewrites the
 * calls' arguments at their entry and checks what the kernel returned.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	int fd = open("/proc/self/exe", O_RDONLY);
	char c;

	if (fd < 0)
		return 1;
	for (long i = 0; i < n; i++)
		lseek(fd, 0, SEEK_SET);
	return pread(fd, &c, 1, 0) == 1 ? 0 : 1;
}
