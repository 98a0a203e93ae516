/* -v's pass lines in stap's form (passlog.c). */
#ifndef TAPC_PASSLOG_H
#define TAPC_PASSLOG_H

#include <sys/resource.h>
#include <time.h>

/* When a pass started: real time and the CPU time of tapc and of the
 * children it has waited for (make, taprun). */
struct pass_clock {
	struct timespec real;
	struct rusage self, children;
};

void pass_clock_start(struct pass_clock *c);
/* "using NNNvirt/NNNres/NNNshr/NNNdata kb, " as this process stands now */
const char *pass_memory(void);
/* "in NNusr/NNsys/NNNreal ms." since c started */
const char *pass_times(const struct pass_clock *c);
/* "N WORD" or "N WORDs", stap's way of counting things in a pass line */
const char *pass_count(int n, const char *word);

#endif
