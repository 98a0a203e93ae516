/* process.begin, process.end, process.thread.begin, process.thread.end,
 * process.syscall and process.syscall.return, each also as
 * process("PATH").* and process(PID).*: a process or a thread starting or
 * ending, a system call entered or returning (runtime/provider/uprocess.c).
 * Syscall sites have $syscall (its number) and $arg1..$arg6 entering,
 * $syscall and $return returning (as in stap: the arguments are gone), as
 * longs.
 *
 * A bare process.* means every process (with -c/-x: the target's process
 * tree, as for every process probe); process("PATH") only processes
 * running that program (PATH resolved as for process("PATH").function);
 * process(PID) only that process.  One site per point; the filters are
 * the runtime's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"
#include "recipe.h"
#include "session.h"
#include "uimage.h"

extern const struct provider_ops uprocess_provider;

/* runtime/provider/uprocess.h's enum tapc_uprocess_event, by name */
static const char *const events[] = {
	"TAPC_UPROCESS_BEGIN", "TAPC_UPROCESS_END", "TAPC_UPROCESS_THREAD_BEGIN",
	"TAPC_UPROCESS_THREAD_END", "TAPC_UPROCESS_SYSCALL", "TAPC_UPROCESS_SYSCALL_RETURN",
};
enum { BEGIN, END, THREAD_BEGIN, THREAD_END, SYSCALL, SYSCALL_RETURN };

struct uprocess_site {
	int event;
	struct image *exe;		/* process("PATH"), or NULL */
	int pid;			/* process(PID), or 0 */
};

static inline struct uprocess_site *ups(const struct site *site)
{
	return site->priv;
}

/* The event the components after process(...) name, or -1. */
static int event_of(const struct node **comps, int n)
{
	for (int i = 1; i < n; i++)
		if (comps[i]->u.comp.arg)
			return -1;
	if (n == 2 && strcmp(comps[1]->u.comp.name, "begin") == 0)
		return BEGIN;
	if (n == 2 && strcmp(comps[1]->u.comp.name, "end") == 0)
		return END;
	if (n == 2 && strcmp(comps[1]->u.comp.name, "syscall") == 0)
		return SYSCALL;
	if (n == 3 && strcmp(comps[1]->u.comp.name, "syscall") == 0)
		return strcmp(comps[2]->u.comp.name, "return") == 0 ? SYSCALL_RETURN : -1;
	if (n == 3 && strcmp(comps[1]->u.comp.name, "thread") == 0)
		return strcmp(comps[2]->u.comp.name, "begin") == 0 ? THREAD_BEGIN
		       : strcmp(comps[2]->u.comp.name, "end") == 0 ? THREAD_END
		       : -1;
	return -1;
}

/* process(PID): the pid, which must be a running process now (as stap
 * checks); 0 after an error. */
static int pid_of(const struct node *point, const struct node *arg)
{
	char exe[PATH_MAX];

	if (arg->u.num.value <= 0 || arg->u.num.value > 4194304 ||
	    readlink(arena_printf("/proc/%lld/exe", (long long)arg->u.num.value), exe, sizeof(exe)) <= 0) {
		diag_error(arg->loc, "no match for probe point %s: no process %lld", pp_text(point),
			   (long long)arg->u.num.value);
		return 0;
	}
	return (int)arg->u.num.value;
}

static const char *const suffixes[] = { ".begin", ".end", ".thread.begin", ".thread.end", ".syscall",
					".syscall.return" };

static int add(struct rprobe *p, struct node *point, int event, struct image *exe, int pid)
{
	const char *pp = pp_text(point);
	struct site *site;

	/* the file found, as uprobe sites name it */
	if (exe)
		pp = arena_printf("process(\"%s\")%s", exe->path, suffixes[event]);
	site = site_add(p, &uprocess_provider, point, pp);
	site->priv = arena_alloc(sizeof(struct uprocess_site));
	ups(site)->event = event;
	ups(site)->exe = exe;
	ups(site)->pid = pid;
	return 1;
}

static int uprocess_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[4], *arg;
	int n = pp_comps(point, comps, 4), event = event_of(comps, n), nbin, total = 0;
	const char **bins, *why, *err;

	if (event < 0) {
		diag_error(point->loc, "no match for probe point %s (expected process.begin, process.end, "
			   "process.thread.begin, process.thread.end, process.syscall or process.syscall.return)",
			   pp_text(point));
		return -1;
	}
	arg = comps[0]->u.comp.arg;
	if (!arg)
		return add(p, point, event, NULL, 0);
	if (arg->kind == NODE_NUM) {
		int pid = pid_of(point, arg);

		return pid ? add(p, point, event, NULL, pid) : -1;
	}
	if (arg->kind != NODE_STR) {
		diag_error(arg->loc, "no match for probe point %s: process takes a path or a process id",
			   pp_text(point));
		return -1;
	}
	nbin = uimage_find(arg->u.str.value, &bins, &why);
	if (!nbin) {
		diag_error(arg->loc, "no match for probe point %s: \"%s\": %s", pp_text(point),
			   arg->u.str.value, why);
		return -1;
	}
	for (int b = 0; b < nbin; b++) {
		struct image *im = uimage_open(s, bins[b], &err);

		if (!im) {
			diag_error(arg->loc, "probe point %s: %s", pp_text(point), err);
			return -1;
		}
		total += add(p, point, event, im, 0);
	}
	return total;
}

/* $syscall, $arg1..$arg6 and (returning) $return of a syscall site. */
static enum type_kind uprocess_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	int ev = ups(site)->event;
	char *end;
	long n = 0;

	(void)s;
	if (ev != SYSCALL && ev != SYSCALL_RETURN) {
		diag_error(t->loc, "probe point %s has no target variables (%s)", site->pp, name);
		return TYPE_UNKNOWN;
	}
	if (strncmp(name, "$arg", 4) == 0 && name[4])
		n = strtol(name + 4, &end, 10);
	if (strcmp(name, "$syscall") == 0)
		t->u.target.resolved = recipe_text("((int64_t)tapc_arch_user_syscall_nr(c->regs))");
	else if (strcmp(name, "$return") == 0 && ev == SYSCALL_RETURN)
		t->u.target.resolved = recipe_text("((int64_t)tapc_arch_return_value(c->regs))");
	else if (n >= 1 && n <= 6 && !*end && ev == SYSCALL)	/* at the return, as in stap: none */
		t->u.target.resolved = recipe_text("((int64_t)tapc_arch_user_syscall_arg(c->regs, %ld))", n);
	else {
		diag_error(t->loc, "%s is not a variable of %s (it has $syscall and %s)", name, site->pp,
			   ev == SYSCALL_RETURN ? "$return: the arguments are gone when the call returns"
						: "$arg1..$arg6");
		return TYPE_UNKNOWN;
	}
	if (t->u.target.steps || t->u.target.written) {
		diag_error(t->loc, "%s is a number: it has no members and can't be written", name);
		return TYPE_UNKNOWN;
	}
	return TYPE_LONG;
}

static const char *uprocess_vars(struct session *s, const struct site *site)
{
	(void)s;
	if (ups(site)->event == SYSCALL)
		return "$syscall:long $arg1:long $arg2:long $arg3:long $arg4:long $arg5:long $arg6:long";
	if (ups(site)->event == SYSCALL_RETURN)
		return "$syscall:long $return:long";
	return "";
}

static void uprocess_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &uprocess_provider))
		return;
	emit(e, "static struct tapc_uprocess_site tapc_uprocess_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp;

			if (site->ops != &uprocess_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{");
			emit(e, ".pp = %s,", pp);
			emit(e, ".handler = %s,", handler_name(pr));
			emit(e, ".event = %s,", events[ups(site)->event]);
			if (ups(site)->exe)
				emit(e, ".exe = &tapc_ubins[%d],", uimage(ups(site)->exe)->index);
			if (ups(site)->pid)
				emit(e, ".pid = %d,", ups(site)->pid);
			emit(e, "},");
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops uprocess_provider = {
	.family = "uprocess",
	.paths = (const char *const[]){ "process.begin", "process.end", "process.thread", "process.syscall",
					NULL },
	.expand = uprocess_expand,
	.target = uprocess_target,
	.vars = uprocess_vars,
	.runtime = "uprocess",
	.emit_tables = uprocess_tables,
};
