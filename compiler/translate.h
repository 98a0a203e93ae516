/* Pass 3: the resolved program as one C file for the runtime (see
 * docs/internals.md "The generated module").  translate() leaves the text
 * in s->c_text; -p3 prints it. */
#ifndef TAPC_TRANSLATE_H
#define TAPC_TRANSLATE_H

#include <stdbool.h>

struct session;

bool translate(struct session *s);

/* build.c: pass 4, the .ko in s->module_path.  run.c: pass 5, exit status. */
bool build(struct session *s);
/* Remove the temporary directory build() made. */
void build_cleanup(struct session *s);
/* --clean-cache: remove the modules, runtime objects and kernel API tests
 * pass 4 cached; false (with a message) if some could not be removed. */
bool build_clean_cache(void);
int run(struct session *s);

/* Whether a path may go on make's command line or into a Kbuild file:
 * nothing make or the shell would interpret. */
bool build_path_ok(const char *path);
/* -D NAME[=VALUE]: NULL when it may go to the module, else why not (a
 * limit's value out of range, text a C #define can't hold). */
const char *build_define_error(const char *def);
/* Why -B NAME=VALUE can't go to make, or NULL: NAME a make variable
 * (letters, digits, _), VALUE only characters neither make nor a recipe's
 * shell interprets (letters, digits, spaces and _ . / + @ - , = :). */
const char *build_make_var_error(const char *var);
#endif
