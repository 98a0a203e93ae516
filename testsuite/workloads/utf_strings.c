/*
 * utf_strings: open(2) three paths that are UTF-16 or UTF-32 text in
 * memory, so a probe on the open sees user pointers to them: "hé€😀" in
 * UTF-16 (with a surrogate pair), the same in UTF-32, and UTF-16 with a
 * lone low surrogate.  As C strings the paths are "h" and "a": the opens
 * fail with ENOENT, which is all they need to do.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

static const uint16_t good16[] = { 'h', 0xe9, 0x20ac, 0xd83d, 0xde00, 0 };
static const uint32_t good32[] = { 'h', 0xe9, 0x20ac, 0x1f600, 0 };
static const uint16_t bad16[] = { 'a', 0xdc00, 0 };

int main(void)
{
	open((const char *)good16, O_RDONLY);
	open((const char *)good32, O_RDONLY);
	open((const char *)bad16, O_RDONLY);
	return 0;
}
