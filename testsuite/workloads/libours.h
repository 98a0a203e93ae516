/* libours.so: the shared library of the user-space probe tests (uprog.c). */
#ifndef LIBOURS_H
#define LIBOURS_H

/* a * b + 1, with an SDT marker libours:computed(a, b) */
int ours_compute(int a, int b);

#endif
