/* The images probe points live in: the target kernel and its modules,
 * opened on first use through the session.
 */
#include <stdlib.h>

#include "kernel.h"
#include "session.h"

struct kernel *session_kernel(struct session *s)
{
	if (!s->kernel) {
		s->kernel = kernel_open(s->kernel_arg, s->vm);
		if (!s->kernel)
			exit(1);
	}
	return s->kernel;
}
