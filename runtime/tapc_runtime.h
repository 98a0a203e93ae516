/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapc_runtime.h - the header every generated module includes.
 *
 * This is the contract between the translator (compiler/translate.c) and the
 * runtime: the generated C only uses what is declared here (and in the headers
 * included here), in foreach.h and stat.h for their inline hot paths, and in
 * provider/<family>.h for each probe family it has sites of (the family's
 * site struct and provider).  Everything runs in probe context unless marked otherwise:
 * no sleeping, no allocation.  Limits carry SystemTap's names and defaults and
 * can be overridden with -D at build time.
 */
#ifndef TAPC_RUNTIME_H
#define TAPC_RUNTIME_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/ptrace.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#ifdef __KERNEL__
#include <linux/timekeeping.h>
#endif

/* ---- limits (SystemTap names and defaults) ---- */
#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif
#ifndef MAXACTION
#define MAXACTION 1000
#endif
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
#ifndef MAXNESTING
#define MAXNESTING 10
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif
#ifndef MAXERRORS
#define MAXERRORS 0
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100
#endif
#ifndef MAXTRYLOCK
#define MAXTRYLOCK 100
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10		/* microseconds */
#endif
#ifndef TAPC_PRINTBUF_SIZE
#define TAPC_PRINTBUF_SIZE 8192	/* per-hit print buffer (STP_BUFFER_SIZE) */
#endif
#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20		/* kernel stack frames a backtrace holds */
#endif
/* --suppress-handler-errors: a run-time error ends its handler without a
 * message and is counted with the skipped probes; neither MAXERRORS nor
 * MAXSKIPPED ends the run. */
#ifndef TAPC_SUPPRESS_HANDLER_ERRORS
#define TAPC_SUPPRESS_HANDLER_ERRORS 0
#endif
/* --suppress-time-limits (guru mode): MAXACTION is not enforced. */
#ifndef TAPC_SUPPRESS_TIME_LIMITS
#define TAPC_SUPPRESS_TIME_LIMITS 0
#endif
#ifndef KRETACTIVE
#define KRETACTIVE 0		/* 0 = max(15, 6 * num_possible_cpus()) */
#endif

typedef char tapc_string[MAXSTRINGLEN];

/* ---- the per-CPU probe context ---- */
struct tapc_context {
	atomic_t busy;			/* reentrancy guard */
	const char *probe_point;	/* pp() */
	const char *probe_func;		/* probefunc(); "" if none */
	/* pn(): set by each probe handler of a program that calls pn()
	 * (the translator knows the script-level point), else stale */
	const char *probe_name;
	struct pt_regs *regs;		/* the probed registers, else NULL */
	/* the hit's family data (a kretprobe's per-call data, a
	 * tracepoint's arguments), NULL if none */
	void *probe_data;
	/* in a return probe, the address of the function that returns
	 * (is_return(), "Returning from:" of print_stack()), else 0 */
	unsigned long return_from;

	long actions_left;		/* MAXACTION budget, see tapc_actions() */
	int nesting;			/* function call depth, 0 in the probe body */

	const char *last_error;		/* set by tapc_error*(), NULL if none */
	const char *error_loc;		/* "FILE:LINE:COL" of the failing token */
	char error_buf[128];		/* storage for formatted messages */

	void *frames;			/* (MAXNESTING+1) frames of tapc_module.frame_size */

	unsigned int pb_len;		/* bytes pending in pb */
	u64 pb_seq;			/* bulk mode: pb's record number (print.c) */
	char pb[TAPC_PRINTBUF_SIZE];	/* this hit's output, flushed at probe end */
};

/* Frame for nesting level n (0 = probe body, n = n-th nested call). */
static inline void *tapc_frame(struct tapc_context *c, int n);

/* Charge n statements; true when the MAXACTION budget is exhausted (the
 * error is already set: the caller just jumps out). */
bool tapc_actions_over(struct tapc_context *c, long n, const char *loc);
static inline bool tapc_actions(struct tapc_context *c, long n, const char *loc)
{
	c->actions_left -= n;
	if (likely(c->actions_left >= 0))
		return false;
	return tapc_actions_over(c, n, loc);
}

/* tapc_actions() in a body that can run at most `total` statements (no
 * loops, no calls: the translator counts them): within MAXACTION there is
 * nothing to count, and the compiler drops the check. */
static __always_inline bool tapc_actions_upto(struct tapc_context *c,
					      long total, long n,
					      const char *loc)
{
	if (total <= MAXACTION)
		return false;
	return tapc_actions(c, n, loc);
}

/* Raise a script run-time error: the probe hit is abandoned (the generated
 * code jumps to its exit or the innermost catch).  msg must be static or
 * is copied to c->error_buf. */
void tapc_error(struct tapc_context *c, const char *msg, const char *loc);
void tapc_errorf(struct tapc_context *c, const char *loc, const char *fmt, ...)
	__printf(3, 4);

/* Function call bookkeeping; tapc_enter() fails (error set) past MAXNESTING. */
bool tapc_enter(struct tapc_context *c, const char *loc);
static inline void tapc_leave(struct tapc_context *c) { c->nesting--; }

/* ---- strings ---- */
/* Copy/append with truncation at MAXSTRINGLEN-1; always NUL-terminated. */
void tapc_strcpy(char *dst, const char *src);
void tapc_strcat(char *dst, const char *src);
/* snprintf into a MAXSTRINGLEN buffer (kernel vsnprintf conversions). */
void tapc_sprintf(char *dst, const char *fmt, ...) __printf(2, 3);
/* String of a 64-bit integer in binary (%b): width bytes (1,2,4,8). */
void tapc_sprint_bin(char *dst, int64_t v, int width);

/* ---- output ---- */
void tapc_printf(struct tapc_context *c, const char *fmt, ...) __printf(2, 3);
void tapc_print_str(struct tapc_context *c, const char *s);
void tapc_print_bytes(struct tapc_context *c, const char *s, size_t n);
void tapc_print_char(struct tapc_context *c, int ch);
/* Move this hit's output into the CPU's ring (drops are counted). Called by
 * the runtime after every handler; also when pb fills up. */
void tapc_print_flush(struct tapc_context *c);
/* Runtime messages to taprun's stderr ("WARNING: ...", "ERROR: ..."). */
void tapc_warn(const char *fmt, ...) __printf(1, 2);

/* ---- global variable locks (one per global that needs one) ---- */
struct tapc_lock {
	raw_spinlock_t lock;
	const char *name;		/* global's name, for -t style reports */
};
#define TAPC_LOCK_INIT(v, nm) { .lock = __RAW_SPIN_LOCK_UNLOCKED(v.lock), .name = nm }
/* Take every lock in order, each with up to MAXTRYLOCK tries; on failure
 * release what was taken, count a skipped probe and return false. */
bool tapc_lock_all(struct tapc_context *c, struct tapc_lock *const *locks, int n);
void tapc_unlock_all(struct tapc_lock *const *locks, int n);
/* The same for a handler that needs exactly one lock, with the uncontended
 * case inline (a load and a cmpxchg instead of two calls and a loop).
 * Handlers run with preemption disabled, which is all the raw lock needs
 * beyond the lock word; lockdep still sees the lock taken. */
bool tapc_lock_one_slow(struct tapc_context *c, struct tapc_lock *l);
#ifdef __KERNEL__		/* not in the user-space unit tests' shim */
static __always_inline bool tapc_lock_one(struct tapc_context *c,
					  struct tapc_lock *l)
{
#ifndef CONFIG_DEBUG_SPINLOCK	/* do_raw_spin_*() are inline without it */
	if (likely(do_raw_spin_trylock(&l->lock))) {
		spin_acquire(&l->lock.dep_map, 0, 1, _RET_IP_);
		return true;
	}
#endif
	return tapc_lock_one_slow(c, l);
}
static __always_inline void tapc_unlock_one(struct tapc_lock *l)
{
#ifndef CONFIG_DEBUG_SPINLOCK
	spin_release(&l->lock.dep_map, _RET_IP_);
	do_raw_spin_unlock(&l->lock);
#else
	raw_spin_unlock(&l->lock);
#endif
}
#endif /* __KERNEL__ */

/* ---- maps: preallocated hash tables with fixed-size byte keys ---- */
struct tapc_map;
/* Process context only (globals init): preallocates max_entries nodes. */
struct tapc_map *tapc_map_alloc(u32 key_size, u32 value_size, u32 max_entries,
				bool wrap, const char *name);
/* A map keyed by one string (key: a MAXSTRINGLEN buffer holding it): only
 * the bytes up to the NUL count, so the key needs no zeroing. */
struct tapc_map *tapc_map_alloc_str(u32 value_size, u32 max_entries,
				    bool wrap, const char *name);
void tapc_map_free(struct tapc_map *m);
/* Process context only (globals init): n buffers for sorted foreach
 * statements over m, each as large as m (foreach.h); false, with an
 * ERROR naming the global, when they can't be had. */
bool tapc_map_sort_bufs(struct tapc_map *m, u32 n);
/* Buffer i of those, for the i-th sorted foreach over m. */
struct tapc_sort_ent *tapc_map_sort_buf(struct tapc_map *m, u32 i);
/* Keys are compared bytewise: zero the whole key struct before filling it
 * (except for tapc_map_alloc_str maps). */
void *tapc_map_lookup(struct tapc_map *m, const void *key);
/* Lookup, inserting a zeroed value when absent. NULL with the error set on
 * the context ("Array overflow, check size limit (N)") when full. */
void *tapc_map_get(struct tapc_context *c, struct tapc_map *m, const void *key,
		   const char *loc);
bool tapc_map_delete(struct tapc_map *m, const void *key);
void tapc_map_clear(struct tapc_map *m);
u32 tapc_map_count(const struct tapc_map *m);
/* Iteration in insertion order: it = NULL to start. */
void *tapc_map_next(struct tapc_map *m, void *it);
const void *tapc_map_key(struct tapc_map *m, void *it);
void *tapc_map_value(struct tapc_map *m, void *it);

/* ---- statistics aggregates (stat.c) ----
 * `x <<< v` goes to the running CPU's copy (a scalar's under a sequence
 * count, inline: tapc_stat_add_shaped() in stat.h; an array's under that
 * copy's own raw spinlock, which only a reader on another CPU ever
 * contends for), so `<<<` needs no tapc_lock of the global.  Reads (@count..., print(@hist_*),
 * foreach) merge all CPUs into the variable's aggregate buffer: the
 * generated code holds the global's tapc_lock around those reads so two
 * readers don't share that buffer.  A variable has one shape: the
 * histogram it is printed/indexed with (at most one kind, as SystemTap
 * requires) and the @variance bit shift. */
enum tapc_hist_kind { TAPC_HIST_NONE, TAPC_HIST_LOG, TAPC_HIST_LINEAR };

struct tapc_stat_shape {
	enum tapc_hist_kind hist;
	int64_t lo, hi, width;		/* @hist_linear(x, lo, hi, width) */
	int bit_shift;			/* @variance(x, N): 0..62, checked, unused (exact) */
	bool no_variance;		/* no @variance reads: skip its bookkeeping */
};

enum tapc_stat_op {
	TAPC_STAT_COUNT, TAPC_STAT_SUM, TAPC_STAT_MIN, TAPC_STAT_MAX,
	TAPC_STAT_AVG, TAPC_STAT_VARIANCE,
};

struct tapc_stat;			/* scalar stats global */
struct tapc_stat_map;			/* stats array global */
struct tapc_stat_data;			/* one merged (or per-CPU) aggregate */

/* Buckets of the shape's histogram incl. linear under/overflow (0 = none).
 * Linear shapes must have width > 0 and 1..126 payload buckets
 * ((hi - lo) / width + 1); tapc_stat_shape_error() says why not, or NULL. */
int tapc_stat_buckets(const struct tapc_stat_shape *sh);
const char *tapc_stat_shape_error(const struct tapc_stat_shape *sh);

/* Process context (globals init).  NULL when out of memory or the shape is
 * invalid (a WARNING names the variable). */
struct tapc_stat *tapc_stat_alloc(const struct tapc_stat_shape *sh,
				  const char *name);
void tapc_stat_free(struct tapc_stat *s);
void tapc_stat_add(struct tapc_stat *s, int64_t v);	/* x <<< v */
void tapc_stat_clear(struct tapc_stat *s);		/* delete x */
/* Merge all CPUs; valid until the next tapc_stat_get() of s. */
const struct tapc_stat_data *tapc_stat_get(struct tapc_stat *s);

/* Stats arrays: one preallocated tapc_map per CPU (each behind its own raw
 * spinlock) plus an aggregate map rebuilt for foreach.  Memory is
 * (possible CPUs + 1) * max_entries * (48 + 8 * buckets + key) bytes: a
 * 2048-entry @hist_log array takes ~2.2 MB per CPU.  Each CPU's map holds
 * max_entries keys; the aggregate too, so more distinct keys over all CPUs
 * than that is an "Array overflow" when aggregating (wrap: oldest dropped). */
/* key_size 0: keyed by one string, as tapc_map_alloc_str(). */
struct tapc_stat_map *tapc_stat_map_alloc(u32 key_size, u32 max_entries,
					  bool wrap,
					  const struct tapc_stat_shape *sh,
					  const char *name);
void tapc_stat_map_free(struct tapc_stat_map *m);
/* tapc_map_sort_bufs() for the merged map tapc_stat_map_aggregate() gives. */
bool tapc_stat_map_sort_bufs(struct tapc_stat_map *m, u32 n);
/* a[k] <<< v; false with "Array overflow..." set when this CPU's map is full. */
bool tapc_stat_map_add(struct tapc_context *c, struct tapc_stat_map *m,
		       const void *key, int64_t v, const char *loc);
/* Merged aggregate of one key (count 0 if absent); valid until the next
 * tapc_stat_map_get() of m. */
const struct tapc_stat_data *tapc_stat_map_get(struct tapc_stat_map *m,
					       const void *key);
bool tapc_stat_map_exists(struct tapc_stat_map *m, const void *key);
bool tapc_stat_map_delete(struct tapc_stat_map *m, const void *key);
void tapc_stat_map_clear(struct tapc_stat_map *m);
/* Rebuild the aggregate map of all keys and return it for tapc_map_next()
 * / tapc_map_key() / tapc_map_value() (values are struct tapc_stat_data *);
 * NULL with the error set if more distinct keys exist than it holds. */
struct tapc_map *tapc_stat_map_aggregate(struct tapc_context *c,
					 struct tapc_stat_map *m,
					 const char *loc);

/* @count/@sum/@min/@max/@avg/@variance of d: false with "empty aggregate"
 * set for anything but @count and @sum (0) of an empty aggregate. */
bool tapc_stat_extract(struct tapc_context *c, const struct tapc_stat_data *d,
		       const struct tapc_stat_shape *sh, enum tapc_stat_op op,
		       int64_t *out, const char *loc);
/* The exact sample variance of d truncated to an integer (0 for fewer
 * than two values): what @variance prints and a foreach sorts by. */
int64_t tapc_stat_variance(const struct tapc_stat_data *d);
/* @hist_*(x)[i]; false with "histogram index out of range" set. */
bool tapc_stat_hist_bucket(struct tapc_context *c,
			   const struct tapc_stat_data *d,
			   const struct tapc_stat_shape *sh, int64_t i,
			   int64_t *out, const char *loc);
/* print(@hist_log(x)) / print(@hist_linear(...)): SystemTap's text layout,
 * ending with a blank line; nothing for an empty aggregate. */
void tapc_stat_print_hist(struct tapc_context *c,
			  const struct tapc_stat_data *d,
			  const struct tapc_stat_shape *sh);

/* ---- per-CPU counters (stat.c) ----
 * For a global that ordinary probes only change by `n++`, `n--`,
 * `n += k`, `n -= k` (as statements) and only begin/end/error probes
 * otherwise read or write: no tapc_lock, each CPU adds to its own slot,
 * reads sum the slots.  The translator defines one per such global:
 *
 *	static DEFINE_PER_CPU(int64_t, g_n);
 *	tapc_pcount_add(&g_n, 1);		// probe context, any CPU
 *	tapc_pcount_read(&g_n);			// begin/end/error probes
 *
 * An add is one %gs-relative instruction, safe against irqs and NMIs on
 * the same CPU.  tapc_pcount_set() is for begin/end/error probes (no
 * concurrent adds run then).  struct tapc_counter is the same thing
 * allocated at run time. */
#ifdef __KERNEL__		/* not in the user-space unit tests' shim */
static __always_inline void tapc_pcount_add(int64_t __percpu *v, int64_t n)
{
	this_cpu_add(*v, n);
}
#endif
int64_t tapc_pcount_read(int64_t __percpu *v);
void tapc_pcount_set(int64_t __percpu *v, int64_t x);

struct tapc_counter;
struct tapc_counter *tapc_counter_alloc(void);	/* process context */
void tapc_counter_free(struct tapc_counter *ctr);
void tapc_counter_add(struct tapc_counter *ctr, int64_t n);
int64_t tapc_counter_read(const struct tapc_counter *ctr);
void tapc_counter_set(struct tapc_counter *ctr, int64_t v);

/* ---- context functions (tapset/linux/context.stp's embedded C calls
 * these; tapset functions say the rest in their own C) ---- */
#ifdef __KERNEL__
/* get_task_comm() takes task_lock: not allowed here.  A racy copy of
 * current's own comm, as two word moves (execname() is in most keys);
 * the last byte ends it.  MAXSTRINGLEN is at least TASK_COMM_LEN (build.c). */
static inline void tapc_execname(char *dst)
{
	memcpy(dst, current->comm, TASK_COMM_LEN);
	dst[TASK_COMM_LEN - 1] = '\0';
}
#endif
static inline int64_t tapc_pid(void) { return current->tgid; }
static inline int64_t tapc_tid(void) { return current->pid; }
int64_t tapc_uid(void);
static inline int64_t tapc_cpu(void) { return raw_smp_processor_id(); }
extern int tapc_target;			/* module parameter: -c/-x pid */
static inline int64_t tapc_target_pid(void) { return tapc_target; }
#ifdef __KERNEL__
/* NMI-safe, unlike ktime_get_real_ns(); inline: latency scripts take it
 * twice per call they time */
static inline int64_t tapc_gettimeofday_ns(void)
{
	return ktime_get_real_fast_ns();
}
#endif
/* exit(): ask taprun to stop; the current handler finishes first. */
void tapc_request_exit(void);

/* ---- memory reads from the script (nofault: a bad address is a script
 * error "... fault at 0xADDR", never an oops) ---- */
/* Copy n bytes of kernel memory; false with the error set on failure. */
bool tapc_kread(struct tapc_context *c, void *dst, unsigned long addr,
		size_t n, const char *loc);
/* The NUL-terminated string at addr into dst, at most max - 1 bytes and a
 * NUL; its length, or -EFAULT (dst then holds what was read). */
long tapc_strncpy_nofault(char *dst, unsigned long addr, size_t max, bool user);
/* kernel_string(addr) / user_string(addr) into a MAXSTRINGLEN buffer. */
bool tapc_kernel_string(struct tapc_context *c, char *dst, unsigned long addr,
			const char *loc);
bool tapc_user_string(struct tapc_context *c, char *dst, unsigned long addr,
		      const char *loc);
/* Copy n bytes of user memory (uread.c): false and dst zeroed on failure,
 * with the error set unless loc is NULL (user_long() reads 0 silently,
 * user_long_error() fails). */
bool tapc_uread(struct tapc_context *c, void *dst, unsigned long addr,
		size_t n, const char *loc);
/* The NUL-separated strings of the current task's memory [start, end)
 * (its argv or environment area: mm->arg_start..arg_end, env_start..
 * env_end), a byte at a time: fn(arg, b), b 0 ending each string, until
 * fn returns false, a read faults, or end (at most the first 64 KiB). */
void tapc_ustrings_walk(unsigned long start, unsigned long end,
			bool (*fn)(void *arg, char b), void *arg);

/* ---- $var$ pretty printing (pretty.c): the translator's table of what
 * to read at which offset from a base address, and how to print it ---- */
enum tapc_pp_kind {
	TAPC_PP_END,
	TAPC_PP_TEXT,		/* text */
	TAPC_PP_INT,		/* size bytes, is_signed: decimal */
	TAPC_PP_BITS,		/* bit_size bits from bit_off of the bytes at off */
	TAPC_PP_CHAR,		/* one byte: 'c', escaped */
	TAPC_PP_PTR,		/* 8 bytes: 0x%llx (stap's %p) */
	TAPC_PP_STR,		/* a char * at off: "string" */
	TAPC_PP_CHARS,		/* char[len] at off: "string" */
	TAPC_PP_DEREF,		/* base = the pointer at off */
};
struct tapc_pp_op {
	u8 kind, size, bit_off, bit_size;
	bool is_signed;
	u32 off, len;
	const char *text;
};
/* Append the value at base (ok false: its address could not be read) to
 * the MAXSTRINGLEN buffer dst: "ERROR" when a read faults. */
void tapc_pretty(char *dst, unsigned long base, bool ok, const struct tapc_pp_op *ops);
/* The same for a user program's value: at base in the task's memory
 * (in_user), or a register's copy on the stack; pointers in it point
 * into the task's memory. */
void tapc_upretty(char *dst, unsigned long base, bool ok, const struct tapc_pp_op *ops, bool in_user);
/* Reads for a path that ends in a pretty-print: a fault is the "ERROR"
 * text, not a script error. */
bool tapc_kread_quiet(void *dst, unsigned long addr, size_t n);

/* ---- registers (arch/<arch>.h) ---- */
#include "arch/x86_64.h"
/* tapc_arch_arg(regs, n): n-th (1-based) integer argument at function entry.
 * tapc_arch_return_value(regs): return value in a return probe. */

/* ---- probe families: each runtime provider (runtime/provider/<family>.c,
 * its site struct and its tapc_<family>_provider in <family>.h) registers
 * the sites of its group; the session arms the groups in table order and
 * disarms them in reverse ---- */
typedef void (*tapc_handler_t)(struct tapc_context *c);

struct tapc_provider {
	const char *name;
	/* Process context: register sites[0..n) (an array of the family's
	 * site struct).  On a failure of a site that is not optional: report
	 * "probe PP registration error ..." on chan 2, unregister what was
	 * registered and return the kernel's errno; else 0. */
	int (*register_sites)(void *sites, unsigned int n);
	/* Unregister them all and wait until no handler runs any more. */
	void (*unregister_sites)(void *sites, unsigned int n);
};

struct tapc_site_group {
	const struct tapc_provider *provider;
	void *sites;
	unsigned int n;
};

struct tapc_simple_probe {		/* begin / end / error */
	const char *pp;
	tapc_handler_t handler;
	long long priority;		/* begin(N) / end(N); sorted by the translator */
};

/* tapc -t: one entry per probe index (pp NULL: no body of its own). */
struct tapc_probe_info {
	const char *pp;			/* the probe's first point */
	const char *loc;		/* file:line:col of the probe */
	const char *from;		/* the probe point as written */
};
/* Per-probe hits and body cycles for -t (timing.c). */
void tapc_timing_add(unsigned int probe, u64 cycles);

struct tapc_ubin;			/* ubin.h */

struct tapc_module_desc {
	const char *name;		/* module name */
	const char *script;		/* script file name, for messages */
	const struct tapc_site_group *groups;	/* armed in order at start */
	unsigned int n_groups;
	/* begin(N) / end(N) / error(N) run in increasing priority, ties in
	 * table order (the runtime orders them; sorted tables are fine) */
	const struct tapc_simple_probe *begins, *ends, *errors;
	unsigned int n_begins, n_ends, n_errors;
	size_t frame_size;		/* largest probe/function frame */
	int (*globals_init)(void);	/* process context: allocate maps */
	void (*globals_free)(void);
	const struct tapc_probe_info *probe_info;	/* -t only */
	unsigned int n_probe_info;
	/* the user binaries process probes and user symbols need (ubin.h):
	 * opened at start before any site is armed, closed after stop */
	struct tapc_ubin *ubins;
	unsigned int n_ubins;
};
extern struct tapc_module_desc tapc_module;

static inline void *tapc_frame(struct tapc_context *c, int n)
{
	return (char *)c->frames + (size_t)n * tapc_module.frame_size;
}

/* Entry points used by the runtime providers (runtime/session.c). */
struct tapc_context *tapc_context_enter(const char *pp, bool interruptible);
void tapc_context_exit(struct tapc_context *c);
void tapc_run_probe(const char *pp, tapc_handler_t h, struct pt_regs *regs,
		    bool interruptible);

/* What the tapset library needs besides (abort(), system(), the time zone). */
#include "library.h"

#endif /* TAPC_RUNTIME_H */
