// SPDX-License-Identifier: GPL-2.0
/*
 * softfp.c - IEEE 754 binary64 in integer C (softfp.h).
 *
 * A finite operand is unpacked to m * 2^e (m the significand with its
 * implicit bit, e unbiased); each operation computes m and e of the exact
 * result, or of a result with at least two bits below the last one kept
 * and a "sticky" bit ORed into its lowest bit when lower bits were
 * dropped, and round_pack() rounds that once, to nearest even.  Decimal
 * conversions are exact through a small bignum.  Everything works on the
 * running CPU's scratch area, not the stack (a probe may fire deep in a
 * kernel call chain); testsuite/unit/softfp_test.c checks the results
 * bit for bit against the host's SSE arithmetic and its printf/strtod.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/percpu.h>

#include "softfp.h"

#define SIGN_BIT	(1ULL << 63)
#define QUIET_BIT	(1ULL << 51)
#define FRAC_MASK	((1ULL << 52) - 1)
#define F64_INF		0x7FF0000000000000ULL
#define DEFAULT_NAN	0xFFF8000000000000ULL	/* x86's "real indefinite" */

typedef unsigned __int128 u128;

struct fp {
	bool neg;
	int e;
	u64 m;		/* 0: zero */
};

static bool is_nan(u64 a)
{
	return (a & ~SIGN_BIT) > F64_INF;
}

static bool is_inf(u64 a)
{
	return (a & ~SIGN_BIT) == F64_INF;
}

static bool is_zero(u64 a)
{
	return !(a & ~SIGN_BIT);
}

/* An operation with a NaN operand gives the first NaN, quiet (SSE). */
static u64 nan_of(u64 a, u64 b)
{
	return (is_nan(a) ? a : b) | QUIET_BIT;
}

static struct fp unpack(u64 a)
{
	struct fp f = { a >> 63, -1074, a & FRAC_MASK };
	int ex = (a >> 52) & 0x7FF;

	if (ex) {
		f.m |= 1ULL << 52;
		f.e = ex - 1075;
	}
	return f;
}

/* f with its significand's top bit at bit 52 (subnormals too). */
static struct fp normalized(struct fp f)
{
	int s = __builtin_clzll(f.m) - 11;

	f.m <<= s;
	f.e -= s;
	return f;
}

static u64 shift_right_jam(u64 m, int d)
{
	if (d <= 0)
		return m;
	if (d >= 64)
		return m != 0;
	return m >> d | ((m & ((1ULL << d) - 1)) != 0);
}

/* The double nearest m * 2^e (ties to even); m's lowest bit may be a
 * sticky bit standing for more nonzero bits below it. */
static u64 round_pack(bool neg, int e, u64 m)
{
	u64 sign = (u64)neg << 63, q, rest, half, bits;
	int lz, shift, top;

	if (!m)
		return sign;
	lz = __builtin_clzll(m);
	m <<= lz;
	e -= lz;
	top = e + 63;			/* 2^top <= value < 2^(top + 1) */
	if (top > 1023)
		return sign | F64_INF;
	shift = 11;			/* 64 - 53 bits of significand */
	if (top < -1022)
		shift += -1022 - top;	/* subnormal: fewer bits */
	if (shift > 64)
		return sign;		/* below half the smallest subnormal */
	if (shift == 64) {
		q = 0;
		rest = m;
		half = 1ULL << 63;
	} else {
		q = m >> shift;
		rest = m & ((1ULL << shift) - 1);
		half = 1ULL << (shift - 1);
	}
	if (rest > half || (rest == half && (q & 1)))
		q++;
	if (top < -1022)
		return sign | q;	/* a carry makes it the smallest normal */
	/* the implicit bit of q adds one to the exponent field */
	bits = ((u64)(top + 1022) << 52) + q;
	return sign | (bits >= F64_INF ? F64_INF : bits);
}

u64 tapc_f64_add(u64 a, u64 b)
{
	struct fp x, y, t;

	if (is_nan(a) || is_nan(b))
		return nan_of(a, b);
	if (is_inf(a))
		return is_inf(b) && ((a ^ b) & SIGN_BIT) ? DEFAULT_NAN : a;
	if (is_inf(b))
		return b;
	if (is_zero(a))
		return is_zero(b) ? a & b : b;	/* -0 + -0 = -0, else +0 */
	if (is_zero(b))
		return a;
	x = unpack(a);
	y = unpack(b);
	/* ten guard bits, and x the one with the larger exponent */
	x.m <<= 10, x.e -= 10;
	y.m <<= 10, y.e -= 10;
	if (y.e > x.e)
		t = x, x = y, y = t;
	y.m = shift_right_jam(y.m, x.e - y.e);
	if (x.neg == y.neg)
		return round_pack(x.neg, x.e, x.m + y.m);
	if (x.m == y.m)
		return 0;
	if (x.m > y.m)
		return round_pack(x.neg, x.e, x.m - y.m);
	return round_pack(y.neg, x.e, y.m - x.m);
}

u64 tapc_f64_sub(u64 a, u64 b)
{
	if (is_nan(a) || is_nan(b))
		return nan_of(a, b);
	return tapc_f64_add(a, b ^ SIGN_BIT);
}

u64 tapc_f64_mul(u64 a, u64 b)
{
	bool neg = (a ^ b) >> 63;
	struct fp x, y;
	u128 p;
	u64 hi;
	int s;

	if (is_nan(a) || is_nan(b))
		return nan_of(a, b);
	if (is_inf(a) || is_inf(b))
		return is_zero(a) || is_zero(b) ? DEFAULT_NAN : (u64)neg << 63 | F64_INF;
	if (is_zero(a) || is_zero(b))
		return (u64)neg << 63;
	x = unpack(a);
	y = unpack(b);
	p = (u128)x.m * y.m;
	hi = p >> 64;
	if (!hi)
		return round_pack(neg, x.e + y.e, (u64)p);
	s = 64 - __builtin_clzll(hi);
	return round_pack(neg, x.e + y.e + s,
			  (u64)(p >> s) | (((u64)p & ((1ULL << s) - 1)) != 0));
}

u64 tapc_f64_div(u64 a, u64 b)
{
	bool neg = (a ^ b) >> 63;
	struct fp x, y;
	u64 q = 0, r;
	int i;

	if (is_nan(a) || is_nan(b))
		return nan_of(a, b);
	if (is_inf(a))
		return is_inf(b) ? DEFAULT_NAN : (u64)neg << 63 | F64_INF;
	if (is_inf(b))
		return (u64)neg << 63;
	if (is_zero(b))
		return is_zero(a) ? DEFAULT_NAN : (u64)neg << 63 | F64_INF;
	if (is_zero(a))
		return (u64)neg << 63;
	x = normalized(unpack(a));
	y = normalized(unpack(b));
	/* q = floor(x.m / y.m * 2^63), in [2^62, 2^64) */
	r = x.m;
	for (i = 0; i < 64; i++) {
		q <<= 1;
		if (r >= y.m) {
			r -= y.m;
			q |= 1;
		}
		r <<= 1;
	}
	return round_pack(neg, x.e - y.e - 63, q | (r != 0));
}

/* floor(sqrt(n)) and what is left of n. */
static u64 isqrt128(u128 n, u128 *rest)
{
	u128 res = 0, bit = (u128)1 << 126;

	while (bit > n)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (n >= res + bit) {
			n -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
	}
	*rest = n;
	return (u64)res;
}

u64 tapc_f64_sqrt(u64 a)
{
	struct fp x;
	u128 rest;
	u64 r;

	if (is_nan(a))
		return a | QUIET_BIT;
	if (is_zero(a))
		return a;			/* sqrt(-0) = -0 */
	if (a & SIGN_BIT)
		return DEFAULT_NAN;
	if (is_inf(a))
		return a;
	x = normalized(unpack(a));
	if (x.e & 1) {			/* an even exponent halves exactly */
		x.m <<= 1;
		x.e -= 1;
	}
	/* m < 2^54, so m * 2^72 < 2^126 and its root has 63 bits */
	r = isqrt128((u128)x.m << 72, &rest);
	return round_pack(false, (x.e - 72) / 2, r | (rest != 0));
}

u64 tapc_f64_rem(u64 a, u64 b)
{
	struct fp x, y;
	u64 r, div;
	bool q = false, neg;
	int e, i;

	if (is_nan(a) || is_nan(b))
		return nan_of(a, b);
	if (is_inf(a) || is_zero(b))
		return DEFAULT_NAN;
	if (is_inf(b) || is_zero(a))
		return a;
	x = normalized(unpack(a));
	y = normalized(unpack(b));
	neg = x.neg;
	if (x.e < y.e - 1)
		return a;			/* |a| < |b| / 2 */
	r = x.m;
	if (x.e < y.e) {
		/* |b| / 2 <= ... : the quotient rounds to 0 or 1 */
		div = y.m << 1;
		e = x.e;
	} else {
		/* the remainder of x.m * 2^(x.e - y.e) by y.m, a bit at a time;
		 * q is the quotient's last bit (for ties to even) */
		div = y.m;
		e = y.e;
		q = r >= div;
		if (q)
			r -= div;
		for (i = 0; i < x.e - y.e; i++) {
			r <<= 1;
			q = r >= div;
			if (q)
				r -= div;
		}
	}
	if (2 * r > div || (2 * r == div && q)) {
		r = div - r;
		neg = !neg;
	}
	return round_pack(r ? neg : x.neg, e, r);
}

bool tapc_f64_eq(u64 a, u64 b)
{
	if (is_nan(a) || is_nan(b))
		return false;
	return a == b || (is_zero(a) && is_zero(b));
}

bool tapc_f64_lt(u64 a, u64 b)
{
	if (is_nan(a) || is_nan(b) || (is_zero(a) && is_zero(b)))
		return false;
	if ((a ^ b) & SIGN_BIT)
		return a & SIGN_BIT;
	return a & SIGN_BIT ? a > b : a < b;
}

bool tapc_f64_le(u64 a, u64 b)
{
	if (is_nan(a) || is_nan(b))
		return false;
	if (is_zero(a) && is_zero(b))
		return true;
	if ((a ^ b) & SIGN_BIT)
		return a & SIGN_BIT;
	return a & SIGN_BIT ? a >= b : a <= b;
}

u64 tapc_f64_from_i64(s64 v)
{
	return round_pack(v < 0, 0, v < 0 ? -(u64)v : (u64)v);
}

u64 tapc_f64_from_f32(u32 v)
{
	u64 sign = (u64)(v >> 31) << 63, frac = v & 0x7FFFFF;
	int ex = (v >> 23) & 0xFF;

	if (ex == 0xFF)
		return sign | F64_INF | (frac ? QUIET_BIT | frac << 29 : 0);
	if (!ex)
		return frac ? round_pack(sign, -149, frac) : sign;
	return sign | (u64)(ex - 127 + 1023) << 52 | frac << 29;
}

s64 tapc_f64_to_i64(u64 a, int mode)
{
	struct fp x;
	u64 whole, frac, half;
	bool exact, up;
	int k;

	if (is_nan(a) || is_inf(a))
		return S64_MIN;
	x = unpack(a);
	if (!x.m)
		return 0;
	if (x.e >= 0) {
		/* a normal m has 53 bits: from e = 11 on it is >= 2^63 */
		if (x.e >= 11)
			return S64_MIN;	/* out of range, or exactly -2^63 */
		whole = x.m << x.e;
		return x.neg ? -(s64)whole : (s64)whole;
	}
	k = -x.e;
	if (k >= 64) {
		whole = 0;
		frac = 1;		/* nonzero, below half */
		half = 2;
	} else {
		whole = x.m >> k;
		frac = x.m & ((1ULL << k) - 1);
		half = 1ULL << (k - 1);
	}
	exact = !frac;
	switch (mode) {
	case TAPC_FP_MIN_MAG:
		up = false;
		break;
	case TAPC_FP_MIN:
		up = x.neg && !exact;
		break;
	case TAPC_FP_MAX:
		up = !x.neg && !exact;
		break;
	case TAPC_FP_NEAR_MAX_MAG:
		up = frac >= half;
		break;
	case TAPC_FP_ODD:
		up = false;
		whole |= !exact;
		break;
	default:
		up = frac > half || (frac == half && (whole & 1));
	}
	whole += up;
	return x.neg ? -(s64)whole : (s64)whole;
}

/* ---- decimal conversions: a small bignum ---- */

#define BN_LIMBS 120		/* 3840 bits: 10^841 (a 511-digit string's
				 * scale) times 2^64 fits */

struct bn {
	u32 l[BN_LIMBS];	/* least significant first */
	int n;			/* limbs in use; 0 for zero */
};

struct fp_scratch {
	struct bn a, b;
	char digits[1100];
};

#ifdef __KERNEL__
static DEFINE_PER_CPU(struct fp_scratch, tapc_fp_scratch);
#define FP_SCRATCH()	this_cpu_ptr(&tapc_fp_scratch)
#else				/* testsuite/unit: one thread */
static struct fp_scratch tapc_fp_scratch;
#define FP_SCRATCH()	(&tapc_fp_scratch)
#endif

static void bn_set(struct bn *b, u64 v)
{
	b->n = 0;
	for (; v; v >>= 32)
		b->l[b->n++] = (u32)v;
}

static void bn_trim(struct bn *b)
{
	while (b->n && !b->l[b->n - 1])
		b->n--;
}

/* b = b * mul + add; false when it does not fit. */
static bool bn_mul_add(struct bn *b, u32 mul, u32 add)
{
	u64 carry = add;
	int i;

	for (i = 0; i < b->n; i++) {
		u64 t = (u64)b->l[i] * mul + carry;

		b->l[i] = (u32)t;
		carry = t >> 32;
	}
	if (carry) {
		if (b->n == BN_LIMBS)
			return false;
		b->l[b->n++] = (u32)carry;
	}
	return true;
}

static bool bn_pow10_mul(struct bn *b, int n)
{
	for (; n >= 9; n -= 9)
		if (!bn_mul_add(b, 1000000000, 0))
			return false;
	for (; n > 0; n--)
		if (!bn_mul_add(b, 10, 0))
			return false;
	return true;
}

static int bn_bitlen(const struct bn *b)
{
	return b->n ? 32 * b->n - __builtin_clz(b->l[b->n - 1]) : 0;
}

static bool bn_test(const struct bn *b, int bit)
{
	return bit >= 0 && bit / 32 < b->n && (b->l[bit / 32] >> (bit % 32) & 1);
}

/* Is any of the bits below bit set? */
static bool bn_low_any(const struct bn *b, int bit)
{
	int i;

	for (i = 0; i < b->n && i < bit / 32; i++)
		if (b->l[i])
			return true;
	return bit % 32 && i < b->n && (b->l[i] & ((1U << (bit % 32)) - 1));
}

static bool bn_shl(struct bn *b, int bits)
{
	int w = bits / 32, s = bits % 32, n, i;

	if (!b->n || !bits)
		return true;
	n = (bn_bitlen(b) + bits + 31) / 32;
	if (n > BN_LIMBS)
		return false;
	/* from the top: limb i takes bits of limbs i - w and i - w - 1,
	 * which are not overwritten yet */
	for (i = n - 1; i >= 0; i--) {
		int j = i - w;
		u32 hi = j >= 0 && j < b->n ? b->l[j] << s : 0;
		u32 lo = s && j >= 1 && j - 1 < b->n ? b->l[j - 1] >> (32 - s) : 0;

		b->l[i] = hi | lo;
	}
	b->n = n;
	return true;
}

static void bn_shr(struct bn *b, int bits)
{
	int w = bits / 32, s = bits % 32, i;

	if (w >= b->n) {
		b->n = 0;
		return;
	}
	for (i = 0; i + w < b->n; i++)
		b->l[i] = b->l[i + w] >> s |
			  (s && i + w + 1 < b->n ? b->l[i + w + 1] << (32 - s) : 0);
	b->n -= w;
	bn_trim(b);
}

static int bn_cmp(const struct bn *a, const struct bn *b)
{
	int i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n - 1; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

static void bn_sub(struct bn *a, const struct bn *b)	/* a >= b */
{
	s64 borrow = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		s64 t = (s64)a->l[i] - (i < b->n ? b->l[i] : 0) - borrow;

		borrow = t < 0;
		a->l[i] = (u32)(t + (borrow ? 1LL << 32 : 0));
	}
	bn_trim(a);
}

static u32 bn_div_small(struct bn *b, u32 d)
{
	u64 rem = 0;
	int i;

	for (i = b->n - 1; i >= 0; i--) {
		u64 t = rem << 32 | b->l[i];

		b->l[i] = (u32)(t / d);
		rem = t % d;
	}
	bn_trim(b);
	return (u32)rem;
}

/* The top 64 bits of b, the lowest of them also set when any bit below
 * is; *e: the weight of their lowest bit. */
static u64 bn_top64(const struct bn *b, int *e)
{
	int len = bn_bitlen(b), i;
	u64 m = 0;

	*e = len > 64 ? len - 64 : 0;
	for (i = len - 1; i >= *e; i--)
		m = m << 1 | bn_test(b, i);
	return m | (*e && bn_low_any(b, *e));
}

bool tapc_f64_from_str(const char *s, u64 *out)
{
	struct fp_scratch *w = FP_SCRATCH();
	struct bn *d = &w->a, *p = &w->b;
	int digits = 0, frac = 0, ex = 0, e, sh, i;
	bool neg = false, any = false, dot = false, eneg = false;
	u64 q = 0, m;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	d->n = 0;
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		any = true;
		frac += dot;
		if (*s == '0' && !digits)
			continue;	/* leading zeros */
		if (!bn_mul_add(d, 10, *s - '0'))
			return false;
		digits++;
	}
	if (!any)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++)
			if (ex < 100000)
				ex = ex * 10 + *s - '0';
	}
	if (*s)
		return false;
	e = (eneg ? -ex : ex) - frac;	/* value = d * 10^e */
	if (!d->n) {
		*out = (u64)neg << 63;
		return true;
	}
	if (digits + e > 310) {
		*out = (u64)neg << 63 | F64_INF;
		return true;
	}
	if (digits + e < -330) {
		*out = (u64)neg << 63;
		return true;
	}
	if (e >= 0) {
		if (!bn_pow10_mul(d, e))
			return false;
		m = bn_top64(d, &sh);
		*out = round_pack(neg, sh, m);
		return true;
	}
	/* d / 10^-e: q = floor(d * 2^sh / 10^-e) in [2^62, 2^64) */
	bn_set(p, 1);
	if (!bn_pow10_mul(p, -e))
		return false;
	sh = bn_bitlen(p) + 63 - bn_bitlen(d);
	if (!(sh >= 0 ? bn_shl(d, sh) : bn_shl(p, -sh)) || !bn_shl(p, 63))
		return false;
	for (i = 63; i >= 0; i--, bn_shr(p, 1)) {
		if (bn_cmp(d, p) >= 0) {
			bn_sub(d, p);
			q |= 1ULL << i;
		}
	}
	*out = round_pack(neg, -sh, q | (d->n != 0));
	return true;
}

/* The decimal digits of b (destroyed) into w->digits, at least min of
 * them (zeros in front); their number. */
static int bn_digits(struct fp_scratch *w, struct bn *b, int min)
{
	char *out = w->digits;
	int n = 0, i, k;

	while (b->n) {
		u32 chunk = bn_div_small(b, 1000000000);

		for (k = 0; k < 9 && (b->n || chunk); k++, chunk /= 10)
			out[n++] = '0' + chunk % 10;
	}
	while (n < min)
		out[n++] = '0';
	for (i = 0; i < n / 2; i++) {
		char t = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

void tapc_f64_to_str(char *dst, size_t size, u64 a, int precision)
{
	struct fp_scratch *w = FP_SCRATCH();
	struct bn *n = &w->a;
	struct fp x;
	int len, k;
	size_t o = 0;

	if (!size)
		return;
	if (is_nan(a) || is_inf(a)) {
		snprintf(dst, size, "%s%s", is_inf(a) && (a & SIGN_BIT) ? "-" : "",
			 is_nan(a) ? "nan" : "inf");
		return;
	}
	precision = clamp(precision, 0, 200);
	x = unpack(a);
	bn_set(n, x.m);
	if (x.e >= 0) {
		bn_shl(n, x.e);		/* at most 2^1024: fits */
		bn_pow10_mul(n, precision);
	} else {
		/* round(m * 10^p / 2^k), ties to even */
		bool half, rest, up;

		k = -x.e;
		bn_pow10_mul(n, precision);
		half = bn_test(n, k - 1);
		rest = bn_low_any(n, k - 1);
		bn_shr(n, k);
		up = half && (rest || (n->n && (n->l[0] & 1)));
		if (up)
			bn_mul_add(n, 1, 1);
	}
	len = bn_digits(w, n, precision + 1);
	if (x.neg && o < size - 1)
		dst[o++] = '-';
	for (k = 0; k < len && o < size - 1; k++) {
		if (k == len - precision && precision)
			dst[o++] = '.';
		if (o < size - 1)
			dst[o++] = w->digits[k];
	}
	dst[o] = '\0';
}
