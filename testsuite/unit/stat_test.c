/*
 * stat_test.c - user-space unit tests of runtime/stat.c through the kernel
 * shim: the extractors and "empty aggregate", Welford variance, merging of
 * per-CPU copies (the shim's CPU number is a variable), log/linear bucket
 * placement, stats arrays, counters, and the histogram text compared byte
 * for byte with layouts derived by hand from SystemTap's rules (two of them
 * are the examples of systemtap.maps/log_edge.exp and linear.exp).
 * Prints one line per failed check and "N passed, N failed".
 */
#include "tapc_runtime.h"
#include "stat.h"

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

/* ---- what stat.c needs from context.c / print.c ---- */
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

static char warned[256], err_line[512];

void tapc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_line, sizeof(err_line), fmt, ap);
	va_end(ap);
}

void tapc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(warned, sizeof(warned), fmt, ap);
	va_end(ap);
}

void tapc_print_bytes(struct tapc_context *c, const char *s, size_t n)
{
	memcpy(c->pb + c->pb_len, s, n);
	c->pb_len += n;
}

static struct tapc_context ctx;

static void ctx_reset(void)
{
	ctx.last_error = NULL;
	ctx.error_loc = NULL;
	ctx.pb_len = 0;
}

/* Format d's histogram and compare with want; print both on mismatch. */
static void check_hist(const struct tapc_stat_data *d,
		       const struct tapc_stat_shape *sh, const char *want,
		       int line)
{
	ctx_reset();
	tapc_stat_print_hist(&ctx, d, sh);
	ctx.pb[ctx.pb_len] = '\0';
	if (!strcmp(ctx.pb, want)) {
		passed++;
		return;
	}
	failed++;
	printf("%s:%d: histogram differs\n--- got:\n%s--- want:\n%s---\n",
	       __FILE__, line, ctx.pb, want);
}

static int64_t extract(const struct tapc_stat_data *d,
		       const struct tapc_stat_shape *sh, enum tapc_stat_op op)
{
	int64_t v;

	ctx_reset();
	if (!tapc_stat_extract(&ctx, d, sh, op, &v, "loc"))
		return -12345;
	return v;
}

static const char log_edge[] =
	"value |-------------------------------------------------- count\n"
	"   -4 |                                                   0\n"
	"   -2 |                                                   0\n"
	"   -1 |@                                                  1\n"
	"    0 |                                                   0\n"
	"    1 |@                                                  1\n"
	"    2 |                                                   0\n"
	"    4 |                                                   0\n"
	"\n";

static const char log_scaled[] =
	"value |-------------------------------------------------- count\n"
	"    1 |                                                     0\n"
	"    2 |                                                     0\n"
	"    4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           120\n"
	"    8 |                                                     0\n"
	"   16 |                                                     0\n"
	"      ~\n"
	"  128 |                                                     0\n"
	"  256 |                                                     0\n"
	"  512 |@@                                                   7\n"
	" 1024 |                                                     0\n"
	" 2048 |                                                     0\n"
	"\n";

static const char linear[] =
	"value |-------------------------------------------------- count\n"
	"    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@       177\n"
	"   50 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         170\n"
	"  100 |                                                     0\n"
	"  150 |                                                     0\n"
	"      ~\n"
	" 1350 |                                                     0\n"
	" 1400 |                                                     0\n"
	" 1450 |                                                     3\n"
	" 1500 |                                                     0\n"
	"\n";

static const char linear_overunder[] =
	"value |-------------------------------------------------- count\n"
	" <250 |@@                                                 2\n"
	"  250 |                                                   0\n"
	"  300 |                                                   0\n"
	"      ~\n"
	"  400 |                                                   0\n"
	"  450 |                                                   0\n"
	"  500 |@                                                  1\n"
	"  550 |                                                   0\n"
	"  600 |                                                   0\n"
	"      ~\n"
	"  950 |                                                   0\n"
	" 1000 |                                                   0\n"
	">1000 |@@@                                                3\n"
	"\n";

static void test_extractors(void)
{
	static const struct tapc_stat_shape sh = { .bit_shift = 8 };
	static const struct tapc_stat_shape sh0 = { 0 };
	const struct tapc_stat_data *d;
	struct tapc_stat *s = tapc_stat_alloc(&sh, "s");
	struct tapc_stat *s0 = tapc_stat_alloc(&sh0, "s0");
	int64_t v;

	CHECK(s && s0);
	d = tapc_stat_get(s);
	CHECK(extract(d, &sh, TAPC_STAT_COUNT) == 0 && !ctx.last_error);
	CHECK(extract(d, &sh, TAPC_STAT_MIN) == -12345 &&
	      !strcmp(ctx.last_error, "empty aggregate"));
	CHECK(extract(d, &sh, TAPC_STAT_AVG) == -12345);
	CHECK(extract(d, &sh, TAPC_STAT_MAX) == -12345);
	CHECK(extract(d, &sh, TAPC_STAT_SUM) == 0 && !ctx.last_error);	/* stap >= 1.5 */
	/* 1..5 spread over the CPUs: merged result = one CPU's */
	for (v = 1; v <= 5; v++) {
		shim_cpu = v % SHIM_NR_CPUS;
		tapc_stat_add(s, v);
		shim_cpu = 0;
		tapc_stat_add(s0, v);
	}
	d = tapc_stat_get(s);
	CHECK(extract(d, &sh, TAPC_STAT_COUNT) == 5);
	CHECK(extract(d, &sh, TAPC_STAT_SUM) == 15);
	CHECK(extract(d, &sh, TAPC_STAT_MIN) == 1);
	CHECK(extract(d, &sh, TAPC_STAT_MAX) == 5);
	CHECK(extract(d, &sh, TAPC_STAT_AVG) == 3);
	CHECK(extract(d, &sh, TAPC_STAT_VARIANCE) == 2);	/* 2.5 */
	d = tapc_stat_get(s0);
	CHECK(extract(d, &sh0, TAPC_STAT_COUNT) == 5);
	/* shift 0: the integer running mean sticks at 1, so M2 = 30 */
	CHECK(extract(d, &sh0, TAPC_STAT_VARIANCE) == 7);
	/* 1000 samples spread over 3 CPUs vs. one pass on one CPU */
	tapc_stat_clear(s);
	tapc_stat_clear(s0);
	for (v = 0; v < 1000; v++) {
		shim_cpu = v % 3;
		tapc_stat_add(s, v * 7 % 1001);
		shim_cpu = 0;
		tapc_stat_add(s0, v * 7 % 1001);
	}
	{
		static const struct tapc_stat_shape sh8 = { .bit_shift = 8 };
		struct tapc_stat *one = tapc_stat_alloc(&sh8, "one");
		int64_t a, b;

		for (v = 0; v < 1000; v++)
			tapc_stat_add(one, v * 7 % 1001);
		a = extract(tapc_stat_get(s), &sh, TAPC_STAT_VARIANCE);
		b = extract(tapc_stat_get(one), &sh8, TAPC_STAT_VARIANCE);
		/* the merge's integer rounding differs from one pass */
		CHECK(a > 0 && a - b <= 8 && b - a <= 8);
		/* true sample variance of this set: 83415.66 */
		CHECK(b >= 83405 && b <= 83425);
		tapc_stat_free(one);
	}
	tapc_stat_clear(s);
	CHECK(extract(tapc_stat_get(s), &sh, TAPC_STAT_COUNT) == 0);
	tapc_stat_free(s);
	tapc_stat_free(s0);
}

static void test_log(void)
{
	static const struct tapc_stat_shape sh = { .hist = TAPC_HIST_LOG };
	const struct tapc_stat_data *d;
	struct tapc_stat *s = tapc_stat_alloc(&sh, "foo");
	int64_t v;
	int i;

	CHECK(tapc_hist_log_bucket(0) == 64);
	CHECK(tapc_hist_log_bucket(1) == 65 && tapc_hist_log_bucket(-1) == 63);
	CHECK(tapc_hist_log_bucket(2) == 66 && tapc_hist_log_bucket(3) == 66);
	CHECK(tapc_hist_log_bucket(INT64_MAX) == 127);
	CHECK(tapc_hist_log_bucket(INT64_MIN) == 0);
	CHECK(tapc_hist_log_value(0) == INT64_MIN);
	CHECK(tapc_hist_log_value(127) == (int64_t)1 << 62);
	for (i = 0; i < 128; i++)
		if (tapc_hist_log_bucket(tapc_hist_log_value(i)) != i)
			break;
	CHECK(i == 128);

	shim_cpu = 1;
	tapc_stat_add(s, -1);
	shim_cpu = 2;
	tapc_stat_add(s, 1);
	d = tapc_stat_get(s);
	check_hist(d, &sh, log_edge, __LINE__);
	ctx_reset();
	CHECK(tapc_stat_hist_bucket(&ctx, d, &sh, 63, &v, "l") && v == 1);
	CHECK(tapc_stat_hist_bucket(&ctx, d, &sh, 64, &v, "l") && v == 0);
	CHECK(!tapc_stat_hist_bucket(&ctx, d, &sh, 128, &v, "l") &&
	      !strcmp(ctx.last_error, "histogram index out of range"));

	tapc_stat_clear(s);
	check_hist(tapc_stat_get(s), &sh, "", __LINE__);	/* empty: nothing */
	for (i = 0; i < 120; i++) {
		shim_cpu = i % SHIM_NR_CPUS;
		tapc_stat_add(s, 5);
	}
	for (i = 0; i < 7; i++)
		tapc_stat_add(s, 1000);
	check_hist(tapc_stat_get(s), &sh, log_scaled, __LINE__);
	tapc_stat_free(s);
}

static void test_linear(void)
{
	static const struct tapc_stat_shape sh = {
		.hist = TAPC_HIST_LINEAR, .lo = 0, .hi = 1500, .width = 50 };
	static const struct tapc_stat_shape ou = {
		.hist = TAPC_HIST_LINEAR, .lo = 250, .hi = 1000, .width = 50 };
	static const struct tapc_stat_shape bad = {
		.hist = TAPC_HIST_LINEAR, .lo = 0, .hi = 1270, .width = 10 };
	static const struct tapc_stat_shape ok126 = {
		.hist = TAPC_HIST_LINEAR, .lo = 0, .hi = 1250, .width = 10 };
	struct tapc_stat *s = tapc_stat_alloc(&sh, "agg");
	struct tapc_stat *o = tapc_stat_alloc(&ou, "x");
	const struct tapc_stat_data *d;
	int64_t v;
	int i;

	CHECK(tapc_stat_buckets(&sh) == 33);
	for (i = 0; i < 177; i++)
		tapc_stat_add(s, i % 50);
	for (i = 0; i < 170; i++) {
		shim_cpu = 3;
		tapc_stat_add(s, 50 + i % 50);
	}
	for (i = 0; i < 3; i++)
		tapc_stat_add(s, 1450 + 49);
	shim_cpu = 0;
	d = tapc_stat_get(s);
	check_hist(d, &sh, linear, __LINE__);
	CHECK(tapc_stat_hist_bucket(&ctx, d, &sh, 30, &v, "l") && v == 3);

	tapc_stat_add(o, 100);
	tapc_stat_add(o, 249);
	tapc_stat_add(o, 500);
	tapc_stat_add(o, 1050);		/* last payload bucket is [1000, 1050) */
	tapc_stat_add(o, 2000);
	tapc_stat_add(o, (int64_t)1 << 40);
	tapc_stat_add(o, 1049);		/* payload, not overflow */
	d = tapc_stat_get(o);
	CHECK(d->hist[0] == 2 && d->hist[17] == 3 && d->hist[16] == 1);
	tapc_stat_clear(o);
	tapc_stat_add(o, 100);
	tapc_stat_add(o, 249);
	tapc_stat_add(o, 500);
	tapc_stat_add(o, 1050);
	tapc_stat_add(o, 2000);
	tapc_stat_add(o, (int64_t)1 << 40);
	check_hist(tapc_stat_get(o), &ou, linear_overunder, __LINE__);

	CHECK(tapc_stat_shape_error(&ok126) == NULL);
	CHECK(tapc_stat_alloc(&bad, "big") == NULL &&
	      !strcmp(warned, "histogram: Number of buckets must be between 1 and 126 (big)"));
	tapc_stat_free(s);
	tapc_stat_free(o);
}

struct key { int64_t k; };

static void test_map(void)
{
	static const struct tapc_stat_shape sh = { .hist = TAPC_HIST_LOG };
	struct tapc_stat_map *m = tapc_stat_map_alloc(sizeof(struct key), 3,
						      false, &sh, "a");
	const struct tapc_stat_data *d;
	struct tapc_map *agg;
	struct key k = { 0 };
	void *it;
	int n = 0, i;

	CHECK(m != NULL);
	for (i = 0; i < 30; i++) {
		shim_cpu = i % SHIM_NR_CPUS;
		k.k = i % 3;
		ctx_reset();
		CHECK(tapc_stat_map_add(&ctx, m, &k, i, "l"));
	}
	k.k = 99;
	ctx_reset();
	CHECK(!tapc_stat_map_add(&ctx, m, &k, 1, "l") &&
	      !strcmp(ctx.last_error, "Array overflow, check size limit (3)"));
	CHECK(!tapc_stat_map_exists(m, &k));
	d = tapc_stat_map_get(m, &k);
	CHECK(extract(d, &sh, TAPC_STAT_COUNT) == 0);
	k.k = 1;
	CHECK(tapc_stat_map_exists(m, &k));
	d = tapc_stat_map_get(m, &k);
	CHECK(extract(d, &sh, TAPC_STAT_COUNT) == 10);
	CHECK(extract(d, &sh, TAPC_STAT_SUM) == 1 + 4 + 7 + 10 + 13 + 16 + 19 + 22 + 25 + 28);
	CHECK(extract(d, &sh, TAPC_STAT_MAX) == 28);

	ctx_reset();
	agg = tapc_stat_map_aggregate(&ctx, m, "l");
	CHECK(agg != NULL);
	for (it = tapc_map_next(agg, NULL); it; it = tapc_map_next(agg, it)) {
		const struct key *kk = tapc_map_key(agg, it);

		d = tapc_map_value(agg, it);
		CHECK(d->count == 10 && d->min == kk->k);
		n++;
	}
	CHECK(n == 3);
	CHECK(tapc_stat_map_delete(m, &k) && !tapc_stat_map_exists(m, &k));
	ctx_reset();
	agg = tapc_stat_map_aggregate(&ctx, m, "l");
	CHECK(agg && tapc_map_count(agg) == 2);
	tapc_stat_map_clear(m);
	agg = tapc_stat_map_aggregate(&ctx, m, "l");
	CHECK(agg && tapc_map_count(agg) == 0);
	tapc_stat_map_free(m);
	shim_cpu = 0;
}

static void test_counter(void)
{
	struct tapc_counter *c = tapc_counter_alloc();
	int i;

	CHECK(c && tapc_counter_read(c) == 0);
	for (i = 0; i < 100; i++) {
		shim_cpu = i % SHIM_NR_CPUS;
		tapc_counter_add(c, 2);
	}
	shim_cpu = 0;
	CHECK(tapc_counter_read(c) == 200);
	tapc_counter_set(c, 5);
	tapc_counter_add(c, -1);
	CHECK(tapc_counter_read(c) == 4);
	tapc_counter_free(c);
}

int main(void)
{
	test_extractors();
	test_log();
	test_linear();
	test_map();
	test_counter();
	printf("stat: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
