/* --dump-functions, --dump-probe-aliases, --dump-probe-types (dump.c):
 * print the list on stdout after pass 1; exit status. */
#ifndef TAPC_DUMP_H
#define TAPC_DUMP_H

struct session;

int dump_functions(struct session *s);
int dump_probe_aliases(struct session *s);
int dump_probe_types(void);

#endif
