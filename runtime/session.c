// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - module_init/module_exit, the session state machine, begin /
 * end / error probes, exit() and error accounting.
 *
 * Loading the module only allocates (contexts, rings, globals) and creates
 * /proc/tapc_NAME; probes start when taprun writes `start` to ctl and stop
 * when it writes `stop` (or at unload if it never did), so end probes run
 * exactly once and their output can still be read before the unload.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>

#include "tapc_runtime.h"
#include "context.h"
#include "loader.h"
#include "print.h"
#include "session.h"
#include "transport.h"
#include "ubin.h"

int tapc_target;
module_param(tapc_target, int, 0444);
MODULE_PARM_DESC(tapc_target, "pid returned by target() (-c/-x)");

static DEFINE_MUTEX(tapc_session_lock);	/* serializes start/stop */
static atomic_t tapc_state = ATOMIC_INIT(TAPC_ST_LOADED);
static atomic_t tapc_exit_requested = ATOMIC_INIT(0);
static atomic_t tapc_aborted = ATOMIC_INIT(0);	/* MAXERRORS/MAXSKIPPED */
static atomic_t tapc_errors = ATOMIC_INIT(0);
static atomic_t tapc_skipped = ATOMIC_INIT(0);
static atomic_long_t tapc_missed = ATOMIC_LONG_INIT(0);
static atomic_long_t tapc_reentrant = ATOMIC_LONG_INIT(0);
/* globals_init()'s failure: `start` fails with it (see tapc_init()) */
static int tapc_globals_rc;

/* state == RUNNING && !aborted && no exit() in one word for the inline
 * check in session.h.  Only a state change (serialized by
 * tapc_session_lock) sets it; an abort or exit() (any CPU, probe context)
 * only clears it, so a racing abort and stop can't leave it set. */
int tapc_probes_enabled;

static void tapc_state_set(int st)
{
	bool on = st == TAPC_ST_RUNNING && !atomic_read(&tapc_aborted) &&
		  !atomic_read(&tapc_exit_requested);

	atomic_set(&tapc_state, st);
	WRITE_ONCE(tapc_probes_enabled, on);
	tapc_context_gate(on);
}

static void tapc_abort(void)
{
	atomic_set(&tapc_aborted, 1);
	WRITE_ONCE(tapc_probes_enabled, 0);
	tapc_context_gate(false);
}

/* As in SystemTap, no ordinary probe runs after exit(): the gate closes
 * now (the calling handler finishes), not when taprun's stop arrives. */
void tapc_request_exit(void)
{
	atomic_set(&tapc_exit_requested, 1);
	WRITE_ONCE(tapc_probes_enabled, 0);
	tapc_context_gate(false);
}

bool tapc_session_starting(void)
{
	return atomic_read(&tapc_state) == TAPC_ST_STARTING;
}

void tapc_session_count_error(void)
{
	if (atomic_inc_return(&tapc_errors) > MAXERRORS)
		tapc_abort();
}

void tapc_session_count_skip(void)
{
	if (atomic_inc_return(&tapc_skipped) > MAXSKIPPED && !TAPC_SUPPRESS_HANDLER_ERRORS &&
	    !atomic_xchg(&tapc_aborted, 1)) {
		WRITE_ONCE(tapc_probes_enabled, 0);
		tapc_context_gate(false);
		tapc_err("Skipped too many probes, check MAXSKIPPED or try again with stap -t for more details.");
	}
}

void tapc_session_count_reentrant(void)
{
	atomic_long_inc(&tapc_reentrant);
}

void tapc_session_add_missed(unsigned long n)
{
	atomic_long_add(n, &tapc_missed);
}

int tapc_session_status(char *buf, size_t size)
{
	static const char *const names[] = {
		[TAPC_ST_LOADED] = "LOADED",	[TAPC_ST_STARTING] = "STARTING",
		[TAPC_ST_RUNNING] = "RUNNING",	[TAPC_ST_EXITING] = "EXITING",
		[TAPC_ST_STOPPING] = "STOPPING", [TAPC_ST_STOPPED] = "STOPPED",
		[TAPC_ST_ERROR] = "ERROR",
	};
	int st = atomic_read(&tapc_state);

	if (st == TAPC_ST_RUNNING && (atomic_read(&tapc_exit_requested) ||
				      atomic_read(&tapc_aborted)))
		st = TAPC_ST_EXITING;
	return scnprintf(buf, size,
			 "state=%s errors=%d skipped=%d dropped=%llu missed=%ld reentrant=%ld dropwrites=%llu\n",
			 names[st], atomic_read(&tapc_errors),
			 atomic_read(&tapc_skipped),
			 (unsigned long long)tapc_transport_dropped(),
			 atomic_long_read(&tapc_missed),
			 atomic_long_read(&tapc_reentrant),
			 (unsigned long long)tapc_transport_drop_writes());
}

/*
 * Run a begin/end/error list in process context (interruptible budget), in
 * increasing priority with ties in table order, without sorting the const
 * table: each round picks the first entry of the smallest priority not yet
 * run.  Lists are short; n^2 is fine.
 */
static void tapc_run_simple(const struct tapc_simple_probe *p, unsigned int n)
{
	unsigned int done, i, pick, last_idx = 0;
	struct tapc_context *c;
	long long last = 0;

	for (done = 0; done < n; done++) {
		pick = n;
		for (i = 0; i < n; i++) {
			/* entries after (last, last_idx) in (priority, index) order */
			if (done && (p[i].priority < last ||
				     (p[i].priority == last && i <= last_idx)))
				continue;
			if (pick == n || p[i].priority < p[pick].priority)
				pick = i;
		}
		last = p[pick].priority;
		last_idx = pick;
		c = tapc_context_acquire(p[pick].pp, true);
		if (!c)
			continue;
		p[pick].handler(c);
		tapc_context_exit(c);
	}
}

/* Arm every group of sites in table order; on a failure the groups armed
 * before are disarmed, in reverse (the failing one cleaned up itself). */
static int tapc_probes_register(void)
{
	const struct tapc_site_group *g = tapc_module.groups;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < tapc_module.n_groups; i++) {
		rc = g[i].provider->register_sites(g[i].sites, g[i].n);
		if (rc)
			break;
	}
	while (rc && i--)
		g[i].provider->unregister_sites(g[i].sites, g[i].n);
	return rc;
}

/* Disarm every group, last armed first. */
static void tapc_probes_unregister(void)
{
	const struct tapc_site_group *g = tapc_module.groups;
	unsigned int i = tapc_module.n_groups;

	while (i--)
		g[i].provider->unregister_sites(g[i].sites, g[i].n);
}

int tapc_session_start(void)
{
	int rc = 0;

	mutex_lock(&tapc_session_lock);
	if (tapc_globals_rc) {
		rc = tapc_globals_rc;
		goto out;
	}
	if (atomic_read(&tapc_state) != TAPC_ST_LOADED) {
		rc = -EALREADY;
		goto out;
	}
	tapc_state_set(TAPC_ST_STARTING);
	/* the user binaries' inodes, before any process probe is armed */
	tapc_ubins_open();
	tapc_run_simple(tapc_module.begins, tapc_module.n_begins);
	/* an error in begin (past MAXERRORS) ends the session before any
	 * probe is armed; taprun still sends stop, which runs the end probes */
	if (!atomic_read(&tapc_aborted))
		rc = tapc_probes_register();
	if (rc)
		tapc_ubins_close();
	tapc_state_set(rc ? TAPC_ST_ERROR : TAPC_ST_RUNNING);
out:
	mutex_unlock(&tapc_session_lock);
	return rc;
}

/* Called with tapc_session_lock held. */
static void tapc_session_stop_locked(void)
{
	int st = atomic_read(&tapc_state);

	if (st == TAPC_ST_LOADED) {
		tapc_state_set(TAPC_ST_STOPPED);
		return;
	}
	if (st != TAPC_ST_RUNNING)
		return;		/* already stopped, or start failed */
	tapc_state_set(TAPC_ST_STOPPING);
	tapc_probes_unregister();
	/* providers wait for their running handlers; contexts taken
	 * elsewhere are waited for here */
	synchronize_rcu();
	tapc_context_wait_idle();
	tapc_run_simple(tapc_module.ends, tapc_module.n_ends);
	if (atomic_read(&tapc_errors))
		tapc_run_simple(tapc_module.errors, tapc_module.n_errors);
	tapc_timing_report();
	tapc_ubins_close();
	tapc_state_set(TAPC_ST_STOPPED);
}

int tapc_session_stop(void)
{
	mutex_lock(&tapc_session_lock);
	tapc_session_stop_locked();
	mutex_unlock(&tapc_session_lock);
	return 0;
}

static int __init tapc_init(void)
{
	int rc;

	rc = tapc_loader_init();
	if (rc)
		return rc;
	rc = tapc_context_init();
	if (rc)
		goto free_loader;
	rc = tapc_transport_init(THIS_MODULE->name);
	if (rc)
		goto free_context;
	rc = tapc_timing_init();
	if (rc)
		goto free_transport;
	/*
	 * A global that can't be allocated (an array too large for this
	 * machine) has said so, naming it, on chan 2.  Failing the load
	 * would take that message with the module, so it stays loaded with
	 * nothing allocated: `start` fails with the error, taprun prints the
	 * message and unloads.
	 */
	if (tapc_module.globals_init)
		tapc_globals_rc = tapc_module.globals_init();
	return 0;

free_transport:
	tapc_transport_exit();
free_context:
	tapc_context_free();
free_loader:
	tapc_loader_exit();
	return rc;
}

static void __exit tapc_exit(void)
{
	/* unloaded without `stop` (taprun killed, plain rmmod): stop now */
	tapc_session_stop();
	tapc_transport_exit();
	if (tapc_module.globals_free && !tapc_globals_rc)
		tapc_module.globals_free();
	tapc_timing_free();
	tapc_context_free();
	tapc_loader_exit();
}

module_init(tapc_init);
module_exit(tapc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tapc probe module");
