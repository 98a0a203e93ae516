/* The provider table: probe point families by their first component.
 * One line per name; a family may answer to several (kernel, kprobe). */
#include <string.h>

#include "provider.h"

static const struct provider providers[] = {
	{ "begin", &begin_end_provider },
	{ "end", &begin_end_provider },
	{ "error", &begin_end_provider },
	{ "never", &never_provider },
	{ "kernel", &kprobe_provider },
	{ "kprobe", &kprobe_provider },
	{ "module", &kprobe_provider },
	{ "timer", &timer_provider },
};

static const struct provider_ops *const families[] = {
	&begin_end_provider, &kprobe_provider, &timer_provider, &tracepoint_provider,
	&never_provider, NULL,
};

const struct provider *provider_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
}

const struct provider_ops *const *provider_families(void)
{
	return families;
}

const struct provider *provider_table(int *n)
{
	*n = sizeof(providers) / sizeof(providers[0]);
	return providers;
}
