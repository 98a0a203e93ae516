/*
 * softfp_test.c - runtime/softfp.c against the host: its SSE arithmetic
 * (x86-64 user code rounds to nearest even, as softfp does), libm's
 * remainder/sqrt/llrint/llround, printf's "%.*f" and strtod, bit for bit,
 * on special values and on random ones (random bits, and numbers of near
 * exponents so that sums cancel and round).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softfp.h"

static int passed, failed;

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double dbl(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* Same result: equal bits, or both NaN (which NaN SSE returns depends on
 * the operand order the compiler picked). */
static void same(const char *what, uint64_t a, uint64_t b, uint64_t got, uint64_t want)
{
	if (got == want || (isnan(dbl(got)) && isnan(dbl(want)))) {
		passed++;
		return;
	}
	if (failed++ < 20)
		printf("FAIL %s(%a, %a): got %a (%016llx), want %a (%016llx)\n", what, dbl(a),
		       dbl(b), dbl(got), (unsigned long long)got, dbl(want),
		       (unsigned long long)want);
}

static uint64_t rnd64(void)
{
	return (uint64_t)random() << 62 ^ (uint64_t)random() << 31 ^ (uint64_t)random();
}

/* A double: random bits, or a value near a random other one. */
static uint64_t pick(uint64_t other)
{
	static const double special[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 3.0, 1e308, -1e308,
					   DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MAX,
					   INFINITY, -INFINITY, NAN, 4.9e-324, 2.2250738585072009e-308 };
	switch (random() % 4) {
	case 0:
		return bits(special[random() % (sizeof(special) / sizeof(special[0]))]);
	case 1:
		return rnd64();
	case 2:	/* same exponent neighbourhood as other */
		return (other & 0xFFF0000000000000ULL) ^ (rnd64() & 0x803FFFFFFFFFFFFFULL);
	default:	/* ordinary magnitudes */
		return bits(ldexp((double)(random() % 2000000 - 1000000), (int)(random() % 80) - 60));
	}
}

static void arith(void)
{
	for (int i = 0; i < 400000; i++) {
		uint64_t a = pick(0), b = pick(a);
		volatile double x = dbl(a), y = dbl(b), r;

		same("add", a, b, tapc_f64_add(a, b), bits(x + y));
		same("sub", a, b, tapc_f64_sub(a, b), bits(x - y));
		same("mul", a, b, tapc_f64_mul(a, b), bits(x * y));
		same("div", a, b, tapc_f64_div(a, b), bits(x / y));
		/* IEEE 754: a zero remainder has the sign of x (glibc's gives
		 * +0 or -0 by its own rule for tiny y) */
		r = remainder(x, y);
		same("rem", a, b, tapc_f64_rem(a, b), r == 0 ? (a & (1ULL << 63)) : bits(r));
		same("sqrt", a, 0, tapc_f64_sqrt(a), bits(sqrt(x)));
		same("eq", a, b, tapc_f64_eq(a, b), x == y);
		same("lt", a, b, tapc_f64_lt(a, b), x < y);
		same("le", a, b, tapc_f64_le(a, b), x <= y);
	}
}

static int64_t host_to_i64(double x, int mode)
{
	double r;

	switch (mode) {
	case 1: r = trunc(x); break;
	case 2: r = floor(x); break;
	case 3: r = ceil(x); break;
	case 4: r = round(x); break;
	case 6: r = trunc(x); if (r != x && fmod(r, 2) == 0) r += x > 0 ? 1 : -1; break;
	default: r = nearbyint(x);
	}
	/* cvttsd2si: INT64_MIN for NaN and what does not fit */
	if (isnan(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)r;
}

static void conversions(void)
{
	static const int modes[] = { 0, 1, 2, 3, 4, 6 };

	for (int i = 0; i < 200000; i++) {
		uint64_t a = pick(0);
		int64_t v = (int64_t)rnd64() >> (random() % 64);
		uint32_t f = (uint32_t)rnd64();
		volatile float ff;
		int mode = modes[random() % 6];

		same("from_i64", v, 0, tapc_f64_from_i64(v), bits((double)v));
		memcpy((void *)&ff, &f, 4);
		if (!isnan(ff))	/* SSE's quieted NaN keeps the payload: checked below */
			same("from_f32", f, 0, tapc_f64_from_f32(f), bits((double)ff));
		same("to_i64", a, mode, tapc_f64_to_i64(a, mode), host_to_i64(dbl(a), mode));
	}
	/* a signalling float NaN comes out quiet with its payload */
	same("from_f32", 0x7f800001, 0, tapc_f64_from_f32(0x7f800001), 0x7ff8000020000000ULL);
}

static void check_text(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want)) {
		passed++;
		return;
	}
	if (failed++ < 20)
		printf("FAIL %s: got \"%s\", want \"%s\"\n", what, got, want);
}

static void decimal(void)
{
	char got[600], want[600], in[120];

	for (int i = 0; i < 60000; i++) {
		uint64_t a = pick(0);
		int p = random() % 3 ? random() % 12 : random() % 60;

		if (isnan(dbl(a)))
			continue;
		tapc_f64_to_str(got, sizeof(got), a, p);
		snprintf(want, sizeof(want), "%.*f", p, dbl(a));
		check_text("to_str", got, want);
	}
	for (int i = 0; i < 60000; i++) {
		int n = 0, digits = 1 + random() % (random() % 4 ? 20 : 60);
		uint64_t v;

		if (random() % 2)
			in[n++] = '-';
		for (int d = 0; d < digits; d++) {
			if (d == 1 + random() % digits && !strchr(in, '.'))
				in[n++] = '.';
			in[n++] = '0' + random() % 10;
		}
		if (random() % 2)
			n += sprintf(in + n, "e%d", (int)(random() % 700) - 350);
		in[n] = 0;
		if (!tapc_f64_from_str(in, &v)) {
			check_text("from_str accepts", in, "");
			continue;
		}
		same("from_str", 0, 0, v, bits(strtod(in, NULL)));
		memset(in, 0, sizeof(in));
	}
	/* exact halfway cases and the edges of the range */
	static const char *const edge[] = {
		"2.2250738585072011e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "9007199254740993", "9007199254740995", "0.1", "3.14",
		"123456789012345678901234567890e-30", "1e309", "1e-400", "0", "-0", ".5", "5.",
	};
	for (unsigned i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		uint64_t v = 1;

		tapc_f64_from_str(edge[i], &v);
		same(edge[i], 0, 0, v, bits(strtod(edge[i], NULL)));
	}
	static const char *const bad[] = { "", "-", ".", "e5", "1e", "1.2.3", "abc", " 1", "1 ",
					   "0x10", "nan", "inf", "deadbeef" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v;

		check_text("from_str refuses", tapc_f64_from_str(bad[i], &v) ? bad[i] : "", "");
	}
	tapc_f64_to_str(got, sizeof(got), bits(-INFINITY), 3);
	check_text("to_str -inf", got, "-inf");
	tapc_f64_to_str(got, sizeof(got), bits(NAN), 3);
	check_text("to_str nan", got, "nan");
}

int main(void)
{
	srandom(14);
	arith();
	conversions();
	decimal();
	printf("softfp: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
