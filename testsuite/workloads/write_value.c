/*
 * write_value: write one record of known values (a long, an int, a short
 * and two chars) to /dev/null with write(2), so a probe on the write can
 * read them back from this process's memory with user_long() and friends.
 * The values are printed on stderr for whoever wants to compare.  With
 * "rw" the record written is a copy on the stack, which a probe may
 * overwrite (set_user_*); the static one is read-only.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct rec {
	int64_t l;	/* offset 0 */
	int32_t i;	/* offset 8 */
	int16_t s;	/* offset 12 */
	int8_t c;	/* offset 14 */
	uint8_t u;	/* offset 15 */
};

int main(int argc, char **argv)
{
	static const struct rec r = { -81985529216486896LL, -123456, -2, -7, 0xf0 };
	struct rec w = r;
	const struct rec *out = argc > 1 && strcmp(argv[1], "rw") == 0 ? &w : &r;
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || write(fd, out, sizeof(*out)) != (ssize_t)sizeof(*out)) {
		perror("/dev/null");
		return 1;
	}
	fprintf(stderr, "l=%lld i=%d s=%d c=%d u=%u\n", (long long)r.l, r.i, r.s, r.c, r.u);
	close(fd);
	return 0;
}
