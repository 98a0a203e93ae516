/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softfp.h - IEEE 754 binary64 arithmetic in integer C, for the floating
 * point tapset (fp_add() ... fp_to_string(), SystemTap's floatingpoint.stp,
 * which keeps doubles as their bits in a long).
 *
 * Why not the FPU: kernel_fpu_begin() may not be used in every context a
 * probe runs in (NMI, some irq paths), and the FPU state would have to be
 * saved around each use.  These routines touch no FPU register, never
 * sleep or allocate, and round as x86 SSE does by default: to nearest,
 * ties to even, subnormals kept; an invalid operation (0/0, inf - inf,
 * sqrt(-1)...) gives x86's default NaN (0xfff8000000000000), and a NaN
 * operand comes back quiet.  No exception flags are kept.
 */
#ifndef TAPC_SOFTFP_H
#define TAPC_SOFTFP_H

#include <linux/types.h>

u64 tapc_f64_add(u64 a, u64 b);
u64 tapc_f64_sub(u64 a, u64 b);
u64 tapc_f64_mul(u64 a, u64 b);
u64 tapc_f64_div(u64 a, u64 b);
/* IEEE remainder: a - n * b, n = a / b rounded to the nearest even integer. */
u64 tapc_f64_rem(u64 a, u64 b);
u64 tapc_f64_sqrt(u64 a);

/* Comparisons: false when either is a NaN; -0 equals +0. */
bool tapc_f64_eq(u64 a, u64 b);
bool tapc_f64_lt(u64 a, u64 b);
bool tapc_f64_le(u64 a, u64 b);

u64 tapc_f64_from_i64(s64 v);
u64 tapc_f64_from_f32(u32 v);

/* Rounding modes of tapc_f64_to_i64 (SoftFloat's numbers, as stap's
 * fp_to_long() takes them). */
enum tapc_fp_round {
	TAPC_FP_NEAR_EVEN = 0,
	TAPC_FP_MIN_MAG = 1,	/* toward zero */
	TAPC_FP_MIN = 2,	/* toward -inf */
	TAPC_FP_MAX = 3,	/* toward +inf */
	TAPC_FP_NEAR_MAX_MAG = 4,	/* ties away from zero */
	TAPC_FP_ODD = 6,	/* an inexact result gets its lowest bit set */
};
/* a as an integer, rounded by mode (another value: NEAR_EVEN); a NaN or
 * a value out of range gives INT64_MIN, x86's "integer indefinite". */
s64 tapc_f64_to_i64(u64 a, int mode);

/*
 * The decimal number in s ([+-]digits[.digits][(e|E)[+-]digits], at least
 * one digit; nothing else around it), correctly rounded.  False when s is
 * not such a number.
 */
bool tapc_f64_from_str(const char *s, u64 *out);

/* a as printf's "%.*f" with precision decimals (0..200), correctly
 * rounded; "nan", "inf", "-inf".  At most size - 1 bytes and a NUL. */
void tapc_f64_to_str(char *dst, size_t size, u64 a, int precision);

#endif /* TAPC_SOFTFP_H */
