/* What the session's options say, for every pass. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "session.h"

long long session_limit(const struct session *s, const char *name)
{
	/* the runtime's defaults (runtime/tapc_runtime.h) */
	const char *dflt[][2] = { { "MAXSTRINGLEN", "512" }, { "MAXMAPENTRIES", "2048" } };
	const char *v = NULL;
	size_t n = strlen(name);

	for (int i = 0; i < s->ndefines; i++)	/* the last one counts */
		if (strncmp(s->defines[i], name, n) == 0 && s->defines[i][n] == '=')
			v = s->defines[i] + n + 1;
	for (size_t i = 0; !v && i < sizeof(dflt) / sizeof(dflt[0]); i++)
		if (strcmp(dflt[i][0], name) == 0)
			v = dflt[i][1];
	if (!v)
		die("session_limit: no default for %s", name);
	return strtoll(v, NULL, 10);
}
