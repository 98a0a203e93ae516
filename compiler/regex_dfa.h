/* Regular expressions for =~ and !~: a POSIX ERE subset compiled to a DFA
 * at translate time, so the kernel only walks a table (no backtracking,
 * one step per byte). */
#ifndef TAPC_REGEX_DFA_H
#define TAPC_REGEX_DFA_H

#include <stdbool.h>
#include <stdint.h>

/* A search DFA: does the pattern match anywhere in the string?  Start in
 * state 0; before each byte, a state with REGEX_ACCEPT means a match; at
 * the terminating NUL, REGEX_ACCEPT_END does too (a match ending in '$');
 * otherwise go to next[state * nclasses + cls[byte]]. */
struct regex_dfa {
	int nstates, nclasses;
	uint8_t cls[256];
	uint16_t *next;
	uint8_t *accept;
};

enum { REGEX_ACCEPT = 1, REGEX_ACCEPT_END = 2 };

/* Compile pattern.  On an unsupported or malformed pattern returns false
 * with a message in *err and the byte offset it is about in *errpos (-1
 * when it is about the whole pattern: too big an automaton). */
bool regex_compile(const char *pattern, struct regex_dfa *dfa, const char **err, int *errpos);

#endif
