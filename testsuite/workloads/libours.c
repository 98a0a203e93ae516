/*
 * libours.so: a shared library of ours for the user-space probe tests:
 * process("libours.so").function(...), .library("libours.so"), a marker
 * in a library, and probes that fire in every process that maps it.
 */
#include <sys/sdt.h>

#include "libours.h"

__attribute__((noinline)) int ours_compute(int a, int b)
{
	int r = a * b + 1;

	STAP_PROBE2(libours, computed, a, b);
	return r;
}
