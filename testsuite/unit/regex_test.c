/* regex_test.c - the =~ DFA compiler (compiler/regex.c) against glibc's
 * POSIX regexec: fixed cases, then random patterns of the supported subset
 * over a small alphabet, each tried on many random strings.  Any
 * disagreement is a failure; so is a pattern of the subset we reject. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/regex_dfa.h"

static int passed, failed;

static int dfa_match(const struct regex_dfa *d, const char *s)
{
	unsigned st = 0;

	for (;; s++) {
		if (d->accept[st] & REGEX_ACCEPT)
			return 1;
		if (!*s)
			return !!(d->accept[st] & REGEX_ACCEPT_END);
		st = d->next[st * d->nclasses + d->cls[(unsigned char)*s]];
	}
}

static int posix_match(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

static int compile(const char *pat, struct regex_dfa *d)
{
	const char *err;
	int pos;

	if (regex_compile(pat, d, &err, &pos))
		return 1;
	printf("FAIL: /%s/ rejected (%s at %d)\n", pat, err, pos);
	failed++;
	return 0;
}

static void check_dfa(const struct regex_dfa *d, const char *pat, const char *s, int want, const char *why)
{
	int got = dfa_match(d, s);

	if (got != want) {
		printf("FAIL: /%s/ on \"%s\": %d, %s says %d\n", pat, s, got, why, want);
		failed++;
	} else {
		passed++;
	}
}

static void check(const char *pat, const char *s, int want, const char *why)
{
	struct regex_dfa d;

	if (compile(pat, &d))
		check_dfa(&d, pat, s, want, why);
}

static void reject(const char *pat)
{
	struct regex_dfa d;
	const char *err;
	int pos;

	if (regex_compile(pat, &d, &err, &pos)) {
		printf("FAIL: /%s/ accepted\n", pat);
		failed++;
	} else {
		passed++;
	}
}

/* A random pattern of the subset: depth-limited.  Anchors only at the top
 * level: glibc mishandles '^' inside a repeated group ("(^.+b|a){2}."
 * matches "cacbbbc" there; Python's re and we say no). */
static void gen(char *buf, size_t *len, size_t cap, int depth)
{
	int alts = rand() % 4 == 0 ? 2 : 1;

	for (int a = 0; a < alts; a++) {
		int items = rand() % 4;

		if (a && *len < cap - 1)
			buf[(*len)++] = '|';
		if (depth == 0 && rand() % 8 == 0 && *len < cap - 1)
			buf[(*len)++] = '^';
		for (int i = 0; i < items && *len < cap - 16; i++) {
			int k = rand() % 10;

			if (k < 4)
				buf[(*len)++] = "abc"[rand() % 3];
			else if (k == 4)
				buf[(*len)++] = '.';
			else if (k == 5) {
				const char *b = rand() % 2 ? "[ab]" : "[^a]";
				memcpy(buf + *len, b, 4);
				*len += 4;
			} else if (k < 8 && depth < 3) {
				buf[(*len)++] = '(';
				gen(buf, len, cap - 2, depth + 1);
				buf[(*len)++] = ')';
			} else {
				buf[(*len)++] = "ab"[rand() % 2];
			}
			switch (rand() % 8) {
			case 0: buf[(*len)++] = '*'; break;
			case 1: buf[(*len)++] = '+'; break;
			case 2: buf[(*len)++] = '?'; break;
			case 3: {
				const char *r = (const char *[]){ "{2}", "{1,2}", "{0,}", "{2,3}" }[rand() % 4];
				memcpy(buf + *len, r, strlen(r));
				*len += strlen(r);
				break;
			}
			default: break;
			}
		}
		if (depth == 0 && rand() % 8 == 0 && *len < cap - 1)
			buf[(*len)++] = '$';
	}
	buf[*len] = 0;
}

int main(void)
{
	/* fixed cases: the operators one by one */
	check("abc", "xxabcxx", 1, "substring");
	check("abc", "abx", 0, "substring");
	check("^ab", "ab", 1, "anchor");
	check("^ab", "cab", 0, "anchor");
	check("ab$", "cab", 1, "anchor");
	check("ab$", "abc", 0, "anchor");
	check("^$", "", 1, "empty");
	check("^$", "a", 0, "empty");
	check("", "anything", 1, "empty pattern");
	check("a.c", "abc", 1, "dot");
	check("a.c", "ac", 0, "dot");
	check("[[:digit:]]+x", "ab12x", 1, "class");
	check("[[:upper:]]", "abc", 0, "class");
	check("[a-c]{3}", "xbcax", 1, "range, count");
	check("[]a]", "]", 1, "']' first in a bracket");
	check("[a-]", "-", 1, "'-' last in a bracket");
	check("a{2,3}b", "aab", 1, "count");
	check("^a{2,3}b", "ab", 0, "count");
	check("^a{2,3}b", "aaaab", 0, "count");
	check("(ab|cd)+e", "xcdabe", 1, "group");
	check("\\.", "a.b", 1, "escape");
	check("\\.", "ab", 0, "escape");
	check("colou?r", "color", 1, "optional");
	check("^(foo|bar)$", "foobar", 0, "alternation anchored");
	check("a**", "b", 1, "nested star");
	check("(a*){2}{2}b", "b", 1, "repeated count");
	reject("a(b");
	reject("a)b");
	reject("*a");
	reject("a{2");
	reject("a{3,2}");
	reject("a{256}");
	reject("[a");
	reject("[[:nope:]]");
	reject("(a)\\1");
	reject("\\d");
	reject("[z-a]");
	reject("a\\");
	reject("((((((((((a{255}){255}){255}))))))))");
	reject("(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)");	/* 2^11 DFA states */

	/* random patterns against glibc */
	srand(12345);
	for (int i = 0; i < 3000; i++) {
		char pat[256], s[16];
		size_t len = 0;
		regex_t re;

		gen(pat, &len, sizeof(pat) - 1, 0);
		struct regex_dfa d;

		if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		if (!compile(pat, &d)) {
			regfree(&re);
			continue;
		}
		for (int j = 0; j < 20; j++) {
			int n = rand() % 8;

			for (int k = 0; k < n; k++)
				s[k] = "abc"[rand() % 3];
			s[n] = 0;
			check_dfa(&d, pat, s, posix_match(&re, s), "glibc");
		}
		regfree(&re);
	}
	printf("regex: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
