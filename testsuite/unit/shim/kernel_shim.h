/*
 * kernel_shim.h - just enough of the kernel's API for runtime data
 * structures (runtime/map.c, runtime/string.c, runtime/stat.c) to build and run in user
 * space.  Every <linux/...> header under shim/linux/ includes this file.
 * Probe-context pieces (current, per-CPU data, registers) are inert
 * placeholders: the unit tests never run probe handlers.
 */
#ifndef TAPC_KERNEL_SHIM_H
#define TAPC_KERNEL_SHIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define S64_MIN		INT64_MIN
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define array_size(a, b)	((size_t)(a) * (size_t)(b))
#define GFP_KERNEL	0
#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define __GFP_RETRY_MAYFAIL	0x400u
#define PAGE_SHIFT	12
/* what si_mem_available() answers, in pages; the tests set it */
extern long shim_mem_pages;
static inline long si_mem_available(void) { return shim_mem_pages; }
/* bytes the tests allowed allocating at once (a guard: a map that got
 * past the memory check must not make calloc try for gigabytes) */
extern unsigned long long shim_alloc_limit;

typedef struct { int counter; } atomic_t;
typedef struct { int locked; } raw_spinlock_t;
#define __RAW_SPIN_LOCK_UNLOCKED(x)	{ 0 }

struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, r10, r11, r12, r13, r14, r15, ax, bx, bp, ip, sp;
};
struct kprobe { int unused; };
struct kretprobe { int unused; };
struct kretprobe_instance { int unused; };
struct hrtimer { int unused; };
struct tracepoint { const char *name; };
struct task_struct { int pid, tgid; char comm[16]; };
extern struct task_struct *shim_current;
#define current shim_current
/* the unit tests switch "CPUs" by setting shim_cpu (< SHIM_NR_CPUS) */
#define SHIM_NR_CPUS	4
extern int shim_cpu;
#define raw_smp_processor_id()	shim_cpu
#define nr_cpu_ids	SHIM_NR_CPUS
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < SHIM_NR_CPUS; (cpu)++)
#define ____cacheline_aligned_in_smp	__attribute__((aligned(64)))
/* per-CPU memory: SHIM_NR_CPUS copies, `stride` bytes apart; the stride
 * sits in a 64-byte header before the first copy */
#define __percpu
static inline void *__alloc_percpu(size_t size, size_t align)
{
	size_t stride = (size + 63) & ~(size_t)63;
	char *p = aligned_alloc(64, 64 + stride * SHIM_NR_CPUS);

	(void)align;
	if (!p)
		return NULL;
	memset(p, 0, 64 + stride * SHIM_NR_CPUS);
	*(size_t *)p = stride;
	return p + 64;
}
#define alloc_percpu(type)	((type *)__alloc_percpu(sizeof(type), __alignof__(type)))
#define __alloc_percpu_gfp(size, align, gfp)	__alloc_percpu(size, align)
#define per_cpu_ptr(p, cpu) \
	((__typeof__(p))((char *)(p) + (size_t)(cpu) * *(size_t *)((char *)(p) - 64)))
#define this_cpu_ptr(p)	per_cpu_ptr(p, shim_cpu)
#define this_cpu_add(x, n)	(*this_cpu_ptr(&(x)) += (n))
#define free_percpu(p)	free((p) ? (char *)(p) - 64 : NULL)
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* sequence counts: single-threaded, so a reader never retries; the
 * writer section must still be balanced */
typedef struct { unsigned int sequence; } seqcount_t;
#define seqcount_init(s)	((s)->sequence = 0)
#define raw_write_seqcount_begin(s)	((s)->sequence++)
#define raw_write_seqcount_end(s)	((s)->sequence++)
#define read_seqcount_begin(s) \
	((s)->sequence & 1 ? (abort(), 0u) : (s)->sequence)
#define read_seqcount_retry(s, start)	((s)->sequence != (start))

/* locks only check pairing: the tests are single-threaded */
#define raw_spin_lock_init(l)	((l)->locked = 0)
#define raw_spin_lock_irqsave(l, f) \
	do { (f) = 0; if ((l)->locked++) abort(); } while (0)
#define raw_spin_unlock_irqrestore(l, f) \
	do { (void)(f); if (--(l)->locked) abort(); } while (0)

static inline int64_t div64_s64(int64_t a, int64_t b) { return a / b; }
static inline uint64_t div64_u64(uint64_t a, uint64_t b) { return a / b; }

static inline void *kzalloc(size_t n, int gfp) { (void)gfp; return calloc(1, n); }
/* 64-byte aligned like the slab objects cacheline-aligned arrays rely on */
static inline void *kcalloc(size_t n, size_t sz, int gfp)
{
	size_t bytes = ALIGN(n * sz, 64);
	void *p = aligned_alloc(64, bytes ? bytes : 64);

	(void)gfp;
	if (p)
		memset(p, 0, bytes);
	return p;
}
static inline void *vzalloc(size_t n) { return calloc(1, n); }
static inline void *__vmalloc(unsigned long n, unsigned int gfp)
{
	if (n > shim_alloc_limit)
		abort();
	return gfp & __GFP_ZERO ? calloc(1, n) : malloc(n);
}
static inline void kfree(void *p) { free(p); }
static inline void vfree(void *p) { free(p); }
static inline u32 get_random_u32(void) { return (u32)rand(); }

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Not the kernel's jhash: any decent byte hash serves the tests. */
static inline u32 jhash(const void *key, u32 len, u32 seed)
{
	const unsigned char *p = key;
	u32 h = 2166136261u ^ seed;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static inline size_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size);

	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return (size_t)-7;	/* -E2BIG */
	}
	memcpy(dst, src, n + 1);
	return n;
}

/* ---- list.h / hlist ---- */
struct list_head { struct list_head *next, *prev; };
struct hlist_head { struct hlist_node *first; };
struct hlist_node { struct hlist_node *next, **pprev; };

static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
static inline void list_del_entry_(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}
static inline void list_add_between_(struct list_head *n, struct list_head *p,
				     struct list_head *x)
{
	x->prev = n;
	n->next = x;
	n->prev = p;
	p->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_add_between_(n, h, h->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_add_between_(n, h->prev, h);
}
static inline void list_move(struct list_head *e, struct list_head *h)
{
	list_del_entry_(e);
	list_add(e, h);
}
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	list_del_entry_(e);
	list_add_tail(e, h);
}
#define list_entry(p, type, member)	container_of(p, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	n->next = h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}
static inline void hlist_del(struct hlist_node *n)
{
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
}
#define hlist_entry_safe_(p, type, member) \
	((p) ? container_of(p, type, member) : NULL)
#define hlist_for_each_entry(pos, head, member) \
	for (pos = hlist_entry_safe_((head)->first, __typeof__(*pos), member); pos; \
	     pos = hlist_entry_safe_(pos->member.next, __typeof__(*pos), member))

#endif /* TAPC_KERNEL_SHIM_H */
