/* stap's options tapc refuses, with the reason (stap_options.c). */
#ifndef TAPC_STAP_OPTIONS_H
#define TAPC_STAP_OPTIONS_H

#include <stdbool.h>

struct stap_refused {
	const char *name;	/* long option (any value form is refused), or NULL */
	char letter;		/* short option, or 0 */
	bool takes_value;	/* the short option's value, as stap takes one */
	const char *why;
};

/* Ends with an entry whose why is NULL. */
extern const struct stap_refused stap_refused[];

#endif
