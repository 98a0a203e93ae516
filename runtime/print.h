/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - runtime-internal helpers of the print buffer.
 */
#ifndef TAPC_PRINT_H
#define TAPC_PRINT_H

#include "tapc_runtime.h"

/* Report the context's pending error on chan 2 as
 * "ERROR: MSG near LOC in probe PP" (after flushing pending output). */
void tapc_print_error(struct tapc_context *c);

/* An "ERROR: ..." line on chan 2 (tapc_warn()'s twin); any context. */
void tapc_err(const char *fmt, ...) __printf(1, 2);

#endif /* TAPC_PRINT_H */
