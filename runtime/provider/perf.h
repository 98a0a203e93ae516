/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/perf.h - perf.type(T).config(C) probes (and tapset/linux/perf.stp's
 * perf.sw.* / perf.hw.* / perf.hw_cache.* aliases of them), one struct
 * tapc_perf_site each in the translator's table.
 *
 * Each site is a kernel perf event (perf_event_create_kernel_counter) whose
 * overflow handler runs the probe every `period` events (or `period` times
 * a second with freq), with the registers the event interrupted as the
 * probe's context: in NMI for hardware counters, in the hrtimer interrupt
 * for cpu_clock/task_clock, where the event happens for the other
 * software events (a page fault, the scheduler for context switches).
 * TAPC_PERF_CPUS: one event per online CPU (a CPU hotplug state adds one
 * for a CPU coming online, drops it before the CPU goes down);
 * TAPC_PERF_TARGET: one event on the target process (tapc_target), its
 * threads and children inherit it; TAPC_PERF_EXEC: one on each process
 * that execs `path` while the script runs (at most TAPC_PERF_MAXTASKS per
 * site), attached by a task_work in the process as it leaves exec.
 */
#ifndef TAPC_PROVIDER_PERF_H
#define TAPC_PROVIDER_PERF_H

#include <linux/types.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "../tapc_runtime.h"

#ifndef TAPC_PERF_MAXTASKS
#define TAPC_PERF_MAXTASKS 64
#endif

enum tapc_perf_scope { TAPC_PERF_CPUS, TAPC_PERF_TARGET, TAPC_PERF_EXEC };

struct tapc_perf_task {
	struct tapc_perf_site *site;
	struct perf_event *event;
	struct callback_head twork;	/* attaches it in the process */
};

struct tapc_perf_site {
	u32 type;
	u64 config;
	u64 period;			/* events per hit, or hits a second (freq) */
	bool freq;
	enum tapc_perf_scope scope;
	const char *path;		/* TAPC_PERF_EXEC: the program */
	const char *pp;
	tapc_handler_t handler;
	bool optional;			/* '?': an event the kernel refuses is ignored */
	/* runtime private */
	bool failed;			/* optional and refused */
	struct perf_event **cpu_events;	/* CPUS: [nr_cpu_ids] */
	struct perf_event *task_event;	/* TARGET */
	struct tapc_perf_task *tasks;	/* EXEC: [TAPC_PERF_MAXTASKS] */
	atomic_t ntasks;
	dev_t dev;			/* EXEC: path's file */
	unsigned long ino;
};

/* Its sites' group provider: registration creates the events (an event
 * the kernel refuses fails the start, with its errno, unless optional);
 * unregistration releases them. */
extern const struct tapc_provider tapc_perf_provider;

#endif /* TAPC_PROVIDER_PERF_H */
