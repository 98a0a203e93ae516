/*
 * map_test.c - user-space unit tests of runtime/map.c and runtime/string.c
 * through the kernel shim (shim/): lookup/insert, iteration order, delete,
 * clear, the two overflow messages, wrap mode, and the string helpers'
 * truncation.  Prints one line per failed check and "N passed, N failed".
 */
#include "tapc_runtime.h"
#include "map.h"

static struct task_struct shim_task = { .pid = 1, .tgid = 1, .comm = "unit" };
struct task_struct *shim_current = &shim_task;
int shim_cpu;
long shim_mem_pages = 1L << 18;		/* 1 GiB available */
unsigned long long shim_alloc_limit = 1ULL << 28;

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) \
		passed++; \
	else { \
		failed++; \
		printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

/* context.c's error entry points, reduced to what map.c needs */
void tapc_error(struct tapc_context *c, const char *msg, const char *loc)
{
	if (!c->last_error) {
		c->last_error = msg;
		c->error_loc = loc;
	}
}

void tapc_errorf(struct tapc_context *c, const char *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	tapc_error(c, c->error_buf, loc);
}

/* print.c's ERROR line, kept for the checks */
static char err_line[512];

void tapc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_line, sizeof(err_line), fmt, ap);
	va_end(ap);
}

struct key { int64_t a; char s[12]; };

static struct key mkkey(int64_t a, const char *s)
{
	struct key k;

	memset(&k, 0, sizeof(k));
	k.a = a;
	strcpy(k.s, s);
	return k;
}

static void test_basic(void)
{
	static struct tapc_context c;
	struct tapc_map *m = tapc_map_alloc(sizeof(struct key), sizeof(int64_t), 100,
					    false, "m");
	struct key k;
	int64_t *v;
	void *it;
	int i, n;

	CHECK(m != NULL);
	k = mkkey(1, "one");
	CHECK(tapc_map_lookup(m, &k) == NULL);
	v = tapc_map_get(&c, m, &k, "loc");
	CHECK(v && *v == 0);
	*v = 11;
	CHECK(tapc_map_get(&c, m, &k, "loc") == v);
	k = mkkey(1, "One");
	CHECK(tapc_map_lookup(m, &k) == NULL);	/* bytewise keys */
	for (i = 2; i <= 100; i++) {
		k = mkkey(i, "x");
		v = tapc_map_get(&c, m, &k, "loc");
		CHECK(v != NULL);
		if (v)
			*v = i * 11;
	}
	CHECK(tapc_map_count(m) == 100);
	/* insertion order, every value reachable */
	n = 0;
	for (it = tapc_map_next(m, NULL); it; it = tapc_map_next(m, it)) {
		const struct key *kk = tapc_map_key(m, it);

		n++;
		CHECK(kk->a == n);
		CHECK(*(int64_t *)tapc_map_value(m, it) == n * 11);
	}
	CHECK(n == 100);
	/* full: the overflow error names the size limit */
	k = mkkey(1000, "x");
	CHECK(tapc_map_get(&c, m, &k, "identifier 'm' at t.stp:1:2") == NULL);
	CHECK(c.last_error && !strcmp(c.last_error, "Array overflow, check size limit (100)"));
	CHECK(c.error_loc && !strcmp(c.error_loc, "identifier 'm' at t.stp:1:2"));
	/* delete frees a slot; the new key goes to the end of the order */
	k = mkkey(50, "x");
	CHECK(tapc_map_delete(m, &k));
	CHECK(!tapc_map_delete(m, &k));
	CHECK(tapc_map_lookup(m, &k) == NULL);
	CHECK(tapc_map_count(m) == 99);
	k = mkkey(1000, "x");
	c.last_error = NULL;
	v = tapc_map_get(&c, m, &k, "loc");
	CHECK(v && *v == 0 && !c.last_error);
	it = tapc_map_next(m, NULL);
	for (n = 1; tapc_map_next(m, it); n++)
		it = tapc_map_next(m, it);
	CHECK(n == 100 && ((const struct key *)tapc_map_key(m, it))->a == 1000);
	tapc_map_clear(m);
	CHECK(tapc_map_count(m) == 0 && tapc_map_next(m, NULL) == NULL);
	k = mkkey(1, "one");
	CHECK(tapc_map_lookup(m, &k) == NULL);
	tapc_map_free(m);
}

static void test_default_size_and_wrap(void)
{
	static struct tapc_context c;
	struct tapc_map *m = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t),
					    MAXMAPENTRIES, false, "d");
	struct tapc_map *w = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t), 4,
					    true, "w");
	int64_t k, *v;
	int ok = 1;

	for (k = 0; k < MAXMAPENTRIES; k++)
		ok &= tapc_map_get(&c, m, &k, "loc") != NULL;
	CHECK(ok && !c.last_error);
	for (k = 0; k < MAXMAPENTRIES; k++)
		ok &= tapc_map_lookup(m, &k) != NULL;
	CHECK(ok);
	CHECK(tapc_map_get(&c, m, &k, "loc") == NULL);
	CHECK(c.last_error && !strcmp(c.last_error, "Array overflow, check MAXMAPENTRIES"));
	tapc_map_free(m);

	/* wrap: the oldest entry makes room, no error */
	c.last_error = NULL;
	for (k = 1; k <= 6; k++) {
		v = tapc_map_get(&c, w, &k, "loc");
		CHECK(v != NULL);
		if (v)
			*v = k;
	}
	CHECK(!c.last_error && tapc_map_count(w) == 4);
	k = 1;
	CHECK(tapc_map_lookup(w, &k) == NULL);
	k = 2;
	CHECK(tapc_map_lookup(w, &k) == NULL);
	k = 3;
	v = tapc_map_lookup(w, &k);
	CHECK(v && *v == 3);
	CHECK(*(int64_t *)tapc_map_key(w, tapc_map_next(w, NULL)) == 3);
	tapc_map_free(w);
}

static void test_strings(void)
{
	static tapc_string s, t;
	int i;

	tapc_strcpy(s, "abc");
	tapc_strcat(s, "def");
	CHECK(!strcmp(s, "abcdef"));
	for (i = 0; i < MAXSTRINGLEN + 10; i++)
		t[i % (MAXSTRINGLEN - 1)] = 'x';
	t[MAXSTRINGLEN - 1] = '\0';
	tapc_strcat(s, t);	/* truncated, terminated */
	CHECK(strlen(s) == MAXSTRINGLEN - 1 && !strncmp(s, "abcdefxx", 8));
	tapc_sprintf(s, "%d-%s", 42, "z");
	CHECK(!strcmp(s, "42-z"));
	tapc_sprint_bin(s, 0x41424344, 4);
	CHECK(!memcmp(s, "DCBA", 5));
}

/* A map keyed by one string: bytes after the NUL don't count. */
static void test_str_keys(void)
{
	struct tapc_context c = { 0 };
	struct tapc_map *m = tapc_map_alloc_str(sizeof(int64_t), 8, false, "s");
	char k[MAXSTRINGLEN], k2[MAXSTRINGLEN];
	int64_t *v;

	CHECK(m != NULL);
	memset(k, 'x', sizeof(k));
	strcpy(k, "abcd");
	v = tapc_map_get(&c, m, k, "loc");
	CHECK(v != NULL);
	*v = 4;
	memset(k2, 'y', sizeof(k2));
	strcpy(k2, "abcd");		/* other garbage after the NUL */
	CHECK(tapc_map_lookup(m, k2) == v);
	strcpy(k, "ab");		/* "ab\0d" in the same buffer */
	CHECK(tapc_map_lookup(m, k) == NULL);
	strcpy(k, "abcde");
	CHECK(tapc_map_lookup(m, k) == NULL);
	k[0] = '\0';
	v = tapc_map_get(&c, m, k, "loc");	/* the empty key */
	CHECK(v && *v == 0);
	CHECK(tapc_map_count(m) == 2);
	CHECK(!strcmp(tapc_map_key(m, tapc_map_next(m, NULL)), "abcd"));
	CHECK(tapc_map_delete(m, k2));
	CHECK(tapc_map_lookup(m, k2) == NULL);
	CHECK(tapc_map_count(m) == 1);
	tapc_map_free(m);
}

/*
 * A map the machine can't hold is refused before anything is allocated
 * (the shim aborts an allocation over its limit), with a message naming
 * the global and the sizes: more than the memory available, more entries
 * than a map holds (-D MAXMAPENTRIES=-5 arrives as 4294967291), none.
 */
static void test_too_big(void)
{
	struct tapc_map *m;

	err_line[0] = '\0';
	m = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t), 100000000, false, "a");
	CHECK(m == NULL);
	CHECK(strstr(err_line, "cannot allocate global 'a': 100000000 entries take ") == err_line);
	CHECK(strstr(err_line, " GiB, and 1.0 GiB of memory is available") != NULL);
	err_line[0] = '\0';
	m = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t), (u32)-5, false, "b");
	CHECK(m == NULL);
	CHECK(strstr(err_line, "cannot allocate global 'b': 4294967291 entries (") == err_line);
	CHECK(strstr(err_line, "is more than a map holds (2147483648)") != NULL);
	err_line[0] = '\0';
	m = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t), 0, false, "c");
	CHECK(m == NULL);
	CHECK(strstr(err_line, "cannot allocate global 'c': it has room for 0 entries") == err_line);
	err_line[0] = '\0';
	m = tapc_map_alloc(sizeof(int64_t), sizeof(int64_t), 1000, false, "d");
	CHECK(m != NULL && err_line[0] == '\0');
	tapc_map_free(m);
}

int main(void)
{
	test_basic();
	test_too_big();
	test_default_size_and_wrap();
	test_strings();
	test_str_keys();
	printf("map: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
