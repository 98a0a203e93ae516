/* Regular expressions: a POSIX extended regular expression subset parsed
 * into a Thompson NFA and determinised (subset construction) into the
 * search DFA of regex.h, which translate_regex.c emits as C tables.
 *
 * Supported: literals, '.', bracket expressions ([a-z], [^...], [[:alpha:]]),
 * '*', '+', '?', '{m}', '{m,}', '{m,n}', '|', '(...)', '^', '$' and '\'
 * before a punctuation character.  Everything else a POSIX or Perl regex
 * may have (back-references, \d \w \b, [=x=], [.x.]) is an error, as are
 * patterns whose automata would be too big for a module: the NFA and DFA
 * sizes are bounded, so a hostile pattern costs bounded time here and
 * nothing at run time.  Matching is "anywhere in the string" (the DFA
 * restarts the pattern at every byte); '.' and negated brackets match any
 * byte but NUL, which ends strings.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "regex_dfa.h"

#define MAX_NFA 2000		/* NFA states */
#define MAX_DFA 1024		/* DFA states */
#define MAX_CELLS 65536		/* DFA states x byte classes */
#define MAX_DEPTH 100		/* nested groups */
#define MAX_REPEAT 255		/* RE_DUP_MAX */

enum nkind { N_SET, N_SPLIT, N_EPS, N_BOL, N_EOL, N_MATCH };

struct nstate {
	enum nkind kind;
	int out, out1;		/* -1: none yet */
	uint8_t set[32];	/* N_SET: the bytes it consumes */
};

/* A fragment: entered at start, left through end (an N_EPS whose out is
 * patched when the fragment is joined to what follows). */
struct frag {
	int start, end;
};

struct rx {
	const char *p;		/* the pattern */
	int pos, depth;
	struct nstate *n;
	int nn;
	const char *err;
	int errpos;
};

static bool fail(struct rx *r, int pos, const char *msg)
{
	if (!r->err) {
		r->err = msg;
		r->errpos = pos;
	}
	return false;
}

static int state(struct rx *r, enum nkind k, int out, int out1)
{
	if (r->nn == MAX_NFA) {
		fail(r, -1, "regular expression too large (its automaton would need more than 2000 states)");
		return -1;
	}
	r->n[r->nn] = (struct nstate){ .kind = k, .out = out, .out1 = out1 };
	return r->nn++;
}

static bool frag_of(struct rx *r, int start, struct frag *f)
{
	if (start < 0)
		return false;
	f->start = start;
	f->end = start;
	if (r->n[start].kind != N_EPS) {
		f->end = state(r, N_EPS, -1, -1);
		if (f->end < 0)
			return false;
		r->n[start].out = f->end;
	}
	return true;
}

static void set_add(uint8_t *set, int c)
{
	set[c >> 3] |= (uint8_t)(1 << (c & 7));
}

static bool set_has(const uint8_t *set, int c)
{
	return set[c >> 3] & (1 << (c & 7));
}

static const char *const classes[] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph",
	"lower", "print", "punct", "space", "upper", "xdigit",
};

/* Membership in a [:name:] class, in the C locale (the kernel has no other). */
static bool in_class(int i, int c)
{
	bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';
	bool punct = c > 32 && c < 127 && !up && !lo && !dig;

	switch (i) {
	case 0: return up || lo || dig;
	case 1: return up || lo;
	case 2: return c == ' ' || c == '\t';
	case 3: return c < 32 || c == 127;
	case 4: return dig;
	case 5: return c > 32 && c < 127;
	case 6: return lo;
	case 7: return c >= 32 && c < 127;
	case 8: return punct;
	case 9: return c == ' ' || (c >= '\t' && c <= '\r');
	case 10: return up;
	default: return dig || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}
}

/* [...] with r->pos just past the '['. */
static bool bracket(struct rx *r, uint8_t *set)
{
	int open = r->pos - 1;
	bool neg = false, first = true;
	uint8_t s[32] = { 0 };

	if (r->p[r->pos] == '^') {
		neg = true;
		r->pos++;
	}
	for (;;) {
		int c = (unsigned char)r->p[r->pos], lo, hi;

		if (!c)
			return fail(r, open, "unterminated '[' in regular expression");
		if (c == ']' && !first) {
			r->pos++;
			break;
		}
		first = false;
		if (c == '[' && (r->p[r->pos + 1] == '=' || r->p[r->pos + 1] == '.'))
			return fail(r, r->pos, "'[= =]' and '[. .]' are not supported in regular expressions");
		if (c == '[' && r->p[r->pos + 1] == ':') {
			const char *name = r->p + r->pos + 2, *end = strstr(name, ":]");
			size_t i;

			for (i = 0; end && i < sizeof(classes) / sizeof(classes[0]); i++)
				if (strlen(classes[i]) == (size_t)(end - name) &&
				    !strncmp(classes[i], name, (size_t)(end - name)))
					break;
			if (!end || i == sizeof(classes) / sizeof(classes[0]))
				return fail(r, r->pos, "unknown character class in regular expression");
			for (int b = 1; b < 256; b++)
				if (in_class((int)i, b))
					set_add(s, b);
			r->pos = (int)(end - r->p) + 2;
			continue;
		}
		lo = hi = c;
		r->pos++;
		if (r->p[r->pos] == '-' && r->p[r->pos + 1] && r->p[r->pos + 1] != ']') {
			hi = (unsigned char)r->p[r->pos + 1];
			if (hi < lo)
				return fail(r, r->pos, "invalid range in regular expression bracket (end before start)");
			r->pos += 2;
		}
		for (int b = lo; b <= hi; b++)
			set_add(s, b);
	}
	for (int b = 1; b < 256; b++)
		if (set_has(s, b) != neg)
			set_add(set, b);
	return true;
}

static bool alternation(struct rx *r, struct frag *f);

/* One atom; false (with r->err) on error. */
static bool atom(struct rx *r, struct frag *f)
{
	int c = (unsigned char)r->p[r->pos], at = r->pos, s;

	switch (c) {
	case '(':
		if (++r->depth > MAX_DEPTH)
			return fail(r, at, "regular expression groups nested too deeply");
		r->pos++;
		if (!alternation(r, f))
			return false;
		if (r->p[r->pos] != ')')
			return fail(r, at, "missing ')' in regular expression");
		r->pos++;
		r->depth--;
		return true;
	case '^': case '$':
		r->pos++;
		return frag_of(r, state(r, c == '^' ? N_BOL : N_EOL, -1, -1), f);
	case '*': case '+': case '?': case '{':
		return fail(r, at, "nothing to repeat in regular expression");
	case ')':
		return fail(r, at, "unmatched ')' in regular expression");
	}
	s = state(r, N_SET, -1, -1);
	if (s < 0)
		return false;
	r->pos++;
	if (c == '.') {
		memset(r->n[s].set, 0xff, sizeof(r->n[s].set));
		r->n[s].set[0] &= 0xfe;
	} else if (c == '[') {
		if (!bracket(r, r->n[s].set))
			return false;
	} else if (c == '\\') {
		c = (unsigned char)r->p[r->pos];
		if (!c)
			return fail(r, at, "trailing '\\' in regular expression");
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return fail(r, at, "unsupported escape in regular expression (back-references and \\d-style classes are not supported)");
		r->pos++;
		set_add(r->n[s].set, c);
	} else {
		set_add(r->n[s].set, c);
	}
	return frag_of(r, s, f);
}

static void join(struct rx *r, struct frag *a, const struct frag *b)
{
	r->n[a->end].out = b->start;
	a->end = b->end;
}

static bool repeated(struct rx *r, struct frag *f, int stop);

/* x{m,n} as m copies then n-m optional ones (x{m,} ends in x*).  Each copy
 * re-parses the text [start, stop) of x, so the copies are separate NFA
 * states. */
static bool repeat_copies(struct rx *r, int start, int stop, int min, int max, struct frag *f)
{
	int after = r->pos, e = state(r, N_EPS, -1, -1);

	if (e < 0)
		return false;
	*f = (struct frag){ e, e };
	for (int i = 0; i < (max < 0 ? min + 1 : max); i++) {
		struct frag x;

		r->pos = start;
		if (!repeated(r, &x, stop))
			return false;
		if (i >= min) {
			int sp = state(r, N_SPLIT, x.start, -1), end = state(r, N_EPS, -1, -1);

			if (sp < 0 || end < 0)
				return false;
			r->n[sp].out1 = end;
			r->n[x.end].out = max < 0 ? sp : end;
			x = (struct frag){ sp, end };
		}
		join(r, f, &x);
	}
	r->pos = after;
	return true;
}

static bool read_count(struct rx *r, int *v)
{
	if (r->p[r->pos] < '0' || r->p[r->pos] > '9')
		return false;
	*v = 0;
	while (r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
		*v = *v * 10 + (r->p[r->pos++] - '0');
		if (*v > MAX_REPEAT)
			return fail(r, r->pos, "repetition count over 255 in regular expression");
	}
	return true;
}

/* An atom and the repetition operators after it, up to STOP (-1: all).
 * A repeated repetition (a*{2}, a{2}{3}) repeats everything before it. */
static bool repeated(struct rx *r, struct frag *f, int stop)
{
	int start = r->pos;

	if (!atom(r, f))
		return false;
	while (stop < 0 || r->pos < stop) {
		int c = r->p[r->pos], sp, e, min, max, brace;

		if (c == '*' || c == '+' || c == '?') {
			r->pos++;
			e = state(r, N_EPS, -1, -1);
			sp = state(r, N_SPLIT, f->start, e);
			if (e < 0 || sp < 0)
				return false;
			r->n[f->end].out = c == '?' ? e : sp;
			*f = (struct frag){ c == '+' ? f->start : sp, e };
			continue;
		}
		if (c != '{')
			break;
		brace = r->pos++;
		if (!read_count(r, &min))
			return fail(r, brace, "invalid repetition count in regular expression");
		max = min;
		if (r->p[r->pos] == ',') {
			r->pos++;
			max = -1;
			if (r->p[r->pos] != '}' && !read_count(r, &max))
				return fail(r, brace, "invalid repetition count in regular expression");
		}
		if (r->p[r->pos] != '}')
			return fail(r, brace, "missing '}' in regular expression");
		r->pos++;
		if (max >= 0 && max < min)
			return fail(r, brace, "invalid repetition count in regular expression (maximum below minimum)");
		/* the fragment parsed so far is dropped: its states stay unreachable */
		if (!repeat_copies(r, start, brace, min, max, f))
			return false;
	}
	return true;
}

/* A sequence of repeated atoms, possibly empty. */
static bool concat(struct rx *r, struct frag *f)
{
	if (!frag_of(r, state(r, N_EPS, -1, -1), f))
		return false;
	while (r->p[r->pos] && r->p[r->pos] != '|' && r->p[r->pos] != ')') {
		struct frag x;

		if (!repeated(r, &x, -1))
			return false;
		join(r, f, &x);
	}
	return true;
}

static bool alternation(struct rx *r, struct frag *f)
{
	if (!concat(r, f))
		return false;
	while (r->p[r->pos] == '|') {
		struct frag b;
		int sp, e;

		r->pos++;
		if (!concat(r, &b))
			return false;
		sp = state(r, N_SPLIT, f->start, b.start);
		e = state(r, N_EPS, -1, -1);
		if (sp < 0 || e < 0)
			return false;
		r->n[f->end].out = e;
		r->n[b.end].out = e;
		*f = (struct frag){ sp, e };
	}
	return true;
}

/* ---- subset construction ---- */

struct dfa_build {
	const struct rx *r;
	int words;			/* uint64_t words per NFA state set */
	uint64_t *sets;			/* MAX_DFA sets */
	int n;
	int *hash;			/* open addressing: DFA state + 1 */
	int *stack;
};

#define HASH_SIZE 4096

static void closure(const struct rx *r, uint64_t *set, int *stack, bool bol)
{
	int sp = 0;

	for (int i = 0; i < r->nn; i++)
		if (set[i / 64] >> (i % 64) & 1)
			stack[sp++] = i;
	while (sp) {
		const struct nstate *s = &r->n[stack[--sp]];
		int next[2] = { -1, -1 };

		switch (s->kind) {
		case N_SPLIT: next[0] = s->out; next[1] = s->out1; break;
		case N_EPS: next[0] = s->out; break;
		case N_BOL: if (bol) next[0] = s->out; break;
		case N_SET: case N_EOL: case N_MATCH: break;
		}
		for (int k = 0; k < 2; k++) {
			int t = next[k];

			if (t >= 0 && !(set[t / 64] >> (t % 64) & 1)) {
				set[t / 64] |= 1ULL << (t % 64);
				stack[sp++] = t;
			}
		}
	}
}

static unsigned set_hash(const uint64_t *set, int words)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < words; i++)
		h = (h ^ set[i]) * 1099511628211ULL;
	return (unsigned)(h ^ h >> 32) % HASH_SIZE;
}

/* The DFA state of SET, added if new; -1 when there would be too many. */
static int dfa_state(struct dfa_build *b, const uint64_t *set)
{
	unsigned h = set_hash(set, b->words);

	for (;; h = (h + 1) % HASH_SIZE) {
		int d = b->hash[h] - 1;

		if (d < 0)
			break;
		if (!memcmp(&b->sets[(size_t)d * b->words], set, (size_t)b->words * 8))
			return d;
	}
	if (b->n == MAX_DFA)
		return -1;
	memcpy(&b->sets[(size_t)b->n * b->words], set, (size_t)b->words * 8);
	b->hash[h] = b->n + 1;
	return b->n++;
}

/* Does the closure of SET through '$' assertions reach the match state? */
static bool accepts_at_end(const struct rx *r, const uint64_t *set, uint64_t *tmp, int *stack, int words)
{
	bool grew = true;

	memcpy(tmp, set, (size_t)words * 8);
	while (grew) {
		grew = false;
		for (int i = 0; i < r->nn; i++)
			if ((tmp[i / 64] >> (i % 64) & 1) && r->n[i].kind == N_EOL) {
				int t = r->n[i].out;

				if (!(tmp[t / 64] >> (t % 64) & 1)) {
					tmp[t / 64] |= 1ULL << (t % 64);
					grew = true;
				}
			}
		if (grew)
			closure(r, tmp, stack, false);
	}
	for (int i = 0; i < r->nn; i++)
		if ((tmp[i / 64] >> (i % 64) & 1) && r->n[i].kind == N_MATCH)
			return true;
	return false;
}

/* Bytes that every N_SET treats alike share a class: start with one class
 * and split each class by membership in each set in turn. */
static int byte_classes(const struct rx *r, uint8_t *cls)
{
	int n = 1, size[256] = { 256 };

	memset(cls, 0, 256);
	for (int i = 0; i < r->nn; i++) {
		int in[256] = { 0 }, to[256];

		if (r->n[i].kind != N_SET)
			continue;
		for (int b = 0; b < 256; b++)
			if (set_has(r->n[i].set, b))
				in[cls[b]]++;
		for (int c = 0, old = n; c < old; c++)
			to[c] = in[c] && in[c] < size[c] ? n++ : c;
		for (int b = 0; b < 256; b++)
			if (set_has(r->n[i].set, b) && to[cls[b]] != cls[b]) {
				size[cls[b]]--;
				cls[b] = (uint8_t)to[cls[b]];
				size[cls[b]]++;
			}
	}
	return n;
}

static bool determinise(struct rx *r, int start, struct regex_dfa *dfa)
{
	struct dfa_build b = { .r = r, .words = (r->nn + 63) / 64 };
	uint64_t *set, *tmp;
	uint16_t *next;
	uint8_t *accept;
	int rep[256];
	bool ok = false;

	dfa->nclasses = byte_classes(r, dfa->cls);
	for (int b2 = 255; b2 >= 0; b2--)
		rep[dfa->cls[b2]] = b2;
	b.sets = calloc((size_t)MAX_DFA * b.words, 8);
	b.hash = calloc(HASH_SIZE, sizeof(*b.hash));
	b.stack = malloc((size_t)r->nn * sizeof(*b.stack) + 1);
	set = calloc((size_t)b.words, 8);
	tmp = calloc((size_t)b.words, 8);
	next = malloc((size_t)MAX_CELLS * sizeof(*next));
	accept = calloc(MAX_DFA, 1);
	if (!b.sets || !b.hash || !b.stack || !set || !tmp || !next || !accept)
		die("out of memory");

	set[start / 64] |= 1ULL << (start % 64);
	closure(r, set, b.stack, true);
	dfa_state(&b, set);
	for (int d = 0; d < b.n; d++) {
		const uint64_t *cur = &b.sets[(size_t)d * b.words];

		for (int i = 0; i < r->nn; i++)
			if ((cur[i / 64] >> (i % 64) & 1) && r->n[i].kind == N_MATCH)
				accept[d] |= REGEX_ACCEPT;
		if (accepts_at_end(r, cur, tmp, b.stack, b.words))
			accept[d] |= REGEX_ACCEPT_END;
		if ((long)b.n * dfa->nclasses > MAX_CELLS)
			goto too_big;
		for (int c = 0; c < dfa->nclasses; c++) {
			int t;

			memset(set, 0, (size_t)b.words * 8);
			set[start / 64] |= 1ULL << (start % 64);	/* search: restart anywhere */
			cur = &b.sets[(size_t)d * b.words];
			for (int i = 0; i < r->nn; i++)
				if ((cur[i / 64] >> (i % 64) & 1) && r->n[i].kind == N_SET &&
				    set_has(r->n[i].set, rep[c]))
					set[r->n[i].out / 64] |= 1ULL << (r->n[i].out % 64);
			closure(r, set, b.stack, false);
			t = dfa_state(&b, set);
			if (t < 0 || (long)b.n * dfa->nclasses > MAX_CELLS)
				goto too_big;
			next[d * dfa->nclasses + c] = (uint16_t)t;
		}
	}
	dfa->nstates = b.n;
	dfa->next = arena_alloc((size_t)b.n * dfa->nclasses * sizeof(*next));
	memcpy(dfa->next, next, (size_t)b.n * dfa->nclasses * sizeof(*next));
	dfa->accept = arena_alloc((size_t)b.n);
	memcpy(dfa->accept, accept, (size_t)b.n);
	ok = true;
	goto out;
too_big:
	fail(r, -1, "regular expression too complex (its automaton would need more than 1024 states)");
out:
	free(b.sets);
	free(b.hash);
	free(b.stack);
	free(set);
	free(tmp);
	free(next);
	free(accept);
	return ok;
}

bool regex_compile(const char *pattern, struct regex_dfa *dfa, const char **err, int *errpos)
{
	struct rx r = { .p = pattern };
	struct frag f;
	int m;
	bool ok = false;

	memset(dfa, 0, sizeof(*dfa));
	r.n = malloc(MAX_NFA * sizeof(*r.n));
	if (!r.n)
		die("out of memory");
	if (alternation(&r, &f)) {
		if (r.p[r.pos] == ')')
			fail(&r, r.pos, "unmatched ')' in regular expression");
		else if ((m = state(&r, N_MATCH, -1, -1)) >= 0) {
			r.n[f.end].out = m;
			ok = determinise(&r, f.start, dfa);
		}
	}
	free(r.n);
	if (!ok) {
		*err = r.err;
		*errpos = r.errpos;
	}
	return ok;
}
