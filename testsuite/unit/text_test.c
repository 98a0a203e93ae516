/*
 * text_test.c - runtime/text.c in user space: SystemTap's escapes and
 * quoting (string_quoted, text_strn, kernel_buffer_quoted), the cut with
 * "..." at the output limit, UTF-8 as \u escapes, and UTF-16/32 strings
 * turned into UTF-8.  Addresses below 4096 fault (shim/linux/uaccess.h).
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include "tapc_runtime.h"
#include "text.h"

static int passed, failed;

/* context.c's, which the unit tests don't build: the shim's reads */
long tapc_strncpy_nofault(char *dst, unsigned long addr, size_t max, bool user)
{
	size_t n = 0;

	(void)user;
	if (addr < 4096)
		return -14;
	while (n + 1 < max && ((const char *)addr)[n])
		n++;
	memcpy(dst, (const char *)addr, n);
	dst[n] = 0;
	return n;
}

static void check(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want)) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: got [%s], want [%s]\n", what, got, want);
}

static const char *text(const char *in, int inlen, int outlen, unsigned int flags, enum tapc_mem mem)
{
	static char out[MAXSTRINGLEN];

	if (tapc_text_str(out, (unsigned long)in, inlen, outlen, flags, mem) < 0)
		return "<fault>";
	return out;
}

static void escapes(void)
{
	char big[MAXSTRINGLEN + 100];

	check("plain", text("abc", 0, 0, 0, TAPC_MEM_SCRIPT), "abc");
	check("named", text("\a\b\f\n\r\t\v\"\\", 0, 0, 0, TAPC_MEM_SCRIPT),
	      "\\a\\b\\f\\n\\r\\t\\v\\\"\\\\");
	check("octal", text("\001\177\377x", 0, 0, 0, TAPC_MEM_SCRIPT), "\\001\\177\\377x");
	check("quoted", text("a\"b", 0, 0, TAPC_TEXT_QUOTED, TAPC_MEM_SCRIPT), "\"a\\\"b\"");
	check("utf8", text("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0, 0, 0, TAPC_MEM_SCRIPT),
	      "\\u00E9\\u20AC\\U0001F600");
	check("overlong", text("\xc0\x80z", 0, 0, 0, TAPC_MEM_SCRIPT), "\\300\\200z");
	check("surrogate", text("\xed\xa0\x80", 0, 0, 0, TAPC_MEM_SCRIPT), "\\355\\240\\200");
	check("cut", text("abcdef", 0, 3, 0, TAPC_MEM_SCRIPT), "abc");
	check("cut escape", text("ab\n", 0, 3, 0, TAPC_MEM_SCRIPT), "ab");
	check("quoted cut", text("abcdefgh", 0, 6, TAPC_TEXT_QUOTED, TAPC_MEM_SCRIPT), "\"a\"...");
	check("quoted fits", text("abcd", 0, 6, TAPC_TEXT_QUOTED, TAPC_MEM_SCRIPT), "\"abcd\"");
	/* stap's rule: a cut quoted text is max(outlen, 5) characters */
	check("quoted tiny", text("abcdefgh", 0, 2, TAPC_TEXT_QUOTED, TAPC_MEM_SCRIPT), "\"\"...");
	check("inlen", text("abcdef", 4, 0, TAPC_TEXT_QUOTED, TAPC_MEM_SCRIPT), "\"abcd\"");
	check("buffer", text("a\0b", 3, 0, TAPC_TEXT_QUOTED | TAPC_TEXT_BUFFER, TAPC_MEM_KERNEL),
	      "\"a\\000b\"");
	check("kernel", text("k\tx", 0, 0, TAPC_TEXT_QUOTED, TAPC_MEM_KERNEL), "\"k\\tx\"");
	check("fault", text((const char *)16, 0, 0, TAPC_TEXT_QUOTED, TAPC_MEM_KERNEL), "<fault>");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	/* MAXSTRINGLEN - 1 characters at most: the text cut to make room */
	check("long quoted", text(big, 0, 0, TAPC_TEXT_QUOTED, TAPC_MEM_KERNEL) + MAXSTRINGLEN - 7,
	      "xx\"...");
	check("long length", strlen(text(big, 0, 0, TAPC_TEXT_QUOTED, TAPC_MEM_KERNEL)) ==
	      MAXSTRINGLEN - 1 ? "ok" : "wrong", "ok");
}

static const char *utf(const void *s, int unit)
{
	static char out[MAXSTRINGLEN], why[64];
	unsigned long at = 0;
	u32 bad = 0;
	int rc = tapc_utf_string(out, (unsigned long)s, unit, false, &at, &bad);

	if (rc == -EFAULT)
		return "<fault>";
	if (rc) {
		snprintf(why, sizeof(why), "<bad U+%X at +%ld>", bad, (long)(at - (unsigned long)s));
		return why;
	}
	return out;
}

static void utf_strings(void)
{
	static const u16 s16[] = { 'h', 0xe9, 0x20ac, 0xd83d, 0xde00, 0 };
	static const u16 lone[] = { 'a', 0xdc00, 0 };
	static const u32 s32[] = { 'h', 0xe9, 0x1f600, 0 };
	static const u32 big32[] = { 'a', 0x110000, 0 };
	char buf[8];

	check("utf16", utf(s16, 2), "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	check("utf16 lone", utf(lone, 2), "<bad U+DC00 at +2>");
	check("utf32", utf(s32, 4), "h\xc3\xa9\xf0\x9f\x98\x80");
	check("utf32 big", utf(big32, 4), "<bad U+110000 at +4>");
	check("utf fault", utf((const void *)8, 4), "<fault>");
	check("utf8_put room", tapc_utf8_put(buf, 3, 0x20ac) == 0 ? "full" : "wrote", "full");
}

int main(void)
{
	escapes();
	utf_strings();
	printf("text: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
