/*
 * open_path PATH [FLAGS]: open PATH with FLAGS (a number, or names joined
 * with '|': O_RDONLY O_WRONLY O_RDWR O_CREAT O_TRUNC O_APPEND O_EXCL
 * O_DIRECTORY O_NOFOLLOW O_CLOEXEC), mode 0644, and print
 * "path=PATH flags=0xF fd=FD errno=E".  Exits 0 even when the open fails,
 * so a probe on a failing open can be tested too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int flag;
} flag_names[] = {
	{ "O_RDONLY", O_RDONLY }, { "O_WRONLY", O_WRONLY }, { "O_RDWR", O_RDWR },
	{ "O_CREAT", O_CREAT }, { "O_TRUNC", O_TRUNC }, { "O_APPEND", O_APPEND },
	{ "O_EXCL", O_EXCL }, { "O_DIRECTORY", O_DIRECTORY }, { "O_NOFOLLOW", O_NOFOLLOW },
	{ "O_CLOEXEC", O_CLOEXEC },
};

static int parse_flags(char *s)
{
	char *end, *tok;
	long v = strtol(s, &end, 0);
	int flags = 0;

	if (*s && !*end)
		return (int)v;
	for (tok = strtok(s, "|"); tok; tok = strtok(NULL, "|")) {
		size_t i;

		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (!strcmp(tok, flag_names[i].name))
				break;
		if (i == sizeof(flag_names) / sizeof(flag_names[0])) {
			fprintf(stderr, "open_path: unknown flag %s\n", tok);
			exit(2);
		}
		flags |= flag_names[i].flag;
	}
	return flags;
}

int main(int argc, char **argv)
{
	int flags, fd, err;

	if (argc < 2) {
		fprintf(stderr, "usage: open_path PATH [FLAGS]\n");
		return 2;
	}
	flags = argc > 2 ? parse_flags(argv[2]) : O_RDONLY;
	fd = open(argv[1], flags, 0644);
	err = fd < 0 ? errno : 0;
	printf("path=%s flags=0x%x fd=%d errno=%d\n", argv[1], flags, fd, err);
	if (fd >= 0)
		close(fd);
	return 0;
}
