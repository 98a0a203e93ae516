/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapc_runtime.h - the one header a generated module includes.
 *
 * This is the contract between the translator (compiler/translate.c) and the
 * runtime: the generated C only uses what is declared here (and in the headers
 * included here).  Everything runs in probe context unless marked otherwise:
 * no sleeping, no allocation.  Limits carry SystemTap's names and defaults and
 * can be overridden with -D at build time.
 */
#ifndef TAPC_RUNTIME_H
#define TAPC_RUNTIME_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/kprobes.h>
#include <linux/hrtimer.h>
#include <linux/spinlock.h>

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
#ifndef KRETACTIVE
#define KRETACTIVE 0		/* 0 = max(15, 6 * num_possible_cpus()) */
#endif

typedef char tapc_string[MAXSTRINGLEN];

/* ---- the per-CPU probe context ---- */
struct tapc_context {
	atomic_t busy;			/* reentrancy guard */
	const char *probe_point;	/* pp() */
	const char *probe_func;		/* probefunc(); "" if none */
	struct pt_regs *regs;		/* kprobe/kretprobe regs, else NULL */
	struct kretprobe_instance *kri;	/* kretprobe instance (for @entry data) */
	void *entry_data;		/* kretprobe per-call data, NULL if none */

	long actions_left;		/* MAXACTION budget, see tapc_actions() */
	int nesting;			/* function call depth, 0 in the probe body */

	const char *last_error;		/* set by tapc_error*(), NULL if none */
	const char *error_loc;		/* "FILE:LINE:COL" of the failing token */
	char error_buf[128];		/* storage for formatted messages */

	void *frames;			/* (MAXNESTING+1) frames of tapc_module.frame_size */

	unsigned int pb_len;		/* bytes pending in pb */
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

/* ---- maps: preallocated hash tables with fixed-size byte keys ---- */
struct tapc_map;
/* Process context only (globals init): preallocates max_entries nodes. */
struct tapc_map *tapc_map_alloc(u32 key_size, u32 value_size, u32 max_entries,
				bool wrap, const char *name);
void tapc_map_free(struct tapc_map *m);
/* Keys are compared bytewise: zero the whole key struct before filling it. */
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

/* ---- context functions ---- */
void tapc_execname(char *dst);
static inline int64_t tapc_pid(void) { return current->tgid; }
static inline int64_t tapc_tid(void) { return current->pid; }
int64_t tapc_uid(void);
static inline int64_t tapc_cpu(void) { return raw_smp_processor_id(); }
extern int tapc_target;			/* module parameter: -c/-x pid */
static inline int64_t tapc_target_pid(void) { return tapc_target; }
int64_t tapc_gettimeofday_ns(void);
/* exit(): ask taprun to stop; the current handler finishes first. */
void tapc_request_exit(void);
int64_t tapc_ppid(void);
int64_t tapc_gid(void);
int64_t tapc_euid(void);
int64_t tapc_egid(void);
int64_t tapc_ktime_ns(void);		/* local_clock_ns(): monotonic */

/* ---- memory reads from the script (nofault: a bad address is a script
 * error "... fault at 0xADDR", never an oops) ---- */
/* Copy n bytes of kernel memory; false with the error set on failure. */
bool tapc_kread(struct tapc_context *c, void *dst, unsigned long addr,
		size_t n, const char *loc);
/* kernel_string(addr) / user_string(addr) into a MAXSTRINGLEN buffer. */
bool tapc_kernel_string(struct tapc_context *c, char *dst, unsigned long addr,
			const char *loc);
bool tapc_user_string(struct tapc_context *c, char *dst, unsigned long addr,
		      const char *loc);

/* ---- registers (arch/<arch>.h) ---- */
#include "arch/x86_64.h"
/* tapc_arch_arg(regs, n): n-th (1-based) integer argument at function entry.
 * tapc_arch_return_value(regs): return value in a return probe. */

/* ---- probe sites consumed by the runtime providers ---- */
typedef void (*tapc_handler_t)(struct tapc_context *c);

struct tapc_kprobe_site {
	const char *symbol;		/* function to probe */
	unsigned long offset;
	const char *pp;			/* probe point text, pp() */
	bool is_return;			/* kretprobe */
	bool optional;			/* '?': registration failure ignored */
	int maxactive;			/* .maxactive(N), 0 = KRETACTIVE */
	tapc_handler_t handler;
	tapc_handler_t entry_handler;	/* kretprobe entry (@entry), or NULL */
	size_t entry_data_size;		/* bytes of per-call data for @entry */
	/* runtime private */
	union {
		struct kprobe kp;
		struct kretprobe krp;
	} u;
	bool registered;
};

struct tapc_timer_site {
	u64 interval_ns;
	u64 randomize_ns;		/* .randomize(M), 0 = none */
	const char *pp;
	tapc_handler_t handler;
	/* runtime private */
	struct hrtimer timer;
	bool registered;
};

struct tapc_simple_probe {		/* begin / end / error */
	const char *pp;
	tapc_handler_t handler;
	long long priority;		/* begin(N) / end(N); sorted by the translator */
};

struct tapc_module_desc {
	const char *name;		/* module name */
	const char *script;		/* script file name, for messages */
	struct tapc_kprobe_site *kprobes;
	unsigned int n_kprobes;
	struct tapc_timer_site *timers;
	unsigned int n_timers;
	const struct tapc_simple_probe *begins, *ends, *errors;
	unsigned int n_begins, n_ends, n_errors;
	size_t frame_size;		/* largest probe/function frame */
	int (*globals_init)(void);	/* process context: allocate maps */
	void (*globals_free)(void);
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

#endif /* TAPC_RUNTIME_H */
