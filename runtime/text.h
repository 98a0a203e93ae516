/* SPDX-License-Identifier: GPL-2.0 */
/*
 * text.h - quoted text and UTF-16/32 strings for the tapset library
 * (string_quoted(), text_strn(), kernel_string_quoted(),
 * kernel_buffer_quoted(), kernel_string_utf16() ...).
 *
 * Probe context only: the reads are nofault and the scratch buffer is the
 * running CPU's, which only the hit holding that CPU's context uses.
 */
#ifndef TAPC_TEXT_H
#define TAPC_TEXT_H

#include <linux/types.h>

/* Where the bytes of a text are. */
enum tapc_mem {
	TAPC_MEM_SCRIPT,	/* a string of the script: read directly */
	TAPC_MEM_KERNEL,	/* kernel memory, read nofault */
	TAPC_MEM_USER,		/* the current task's memory, read nofault */
};

#define TAPC_TEXT_QUOTED 1	/* "..." around it; ... after when cut */
#define TAPC_TEXT_BUFFER 2	/* inlen bytes exactly: a NUL is \000 */

/*
 * dst (MAXSTRINGLEN) = the text at addr with what is not printable ASCII
 * escaped as SystemTap does: \n \t \r \a \b \f \v \" \\, other bytes as
 * \ooo, valid UTF-8 sequences as \uXXXX or \UXXXXXXXX.  At most inlen bytes
 * are read (<= 0 or more than MAXSTRINGLEN - 1: MAXSTRINGLEN - 1), the
 * text stops at a NUL unless TAPC_TEXT_BUFFER, and at most outlen bytes
 * are written (<= 0: MAXSTRINGLEN - 1).  0, or -EFAULT when the memory
 * can't be read (dst is then "").
 */
int tapc_text_str(char *dst, unsigned long addr, int inlen, int outlen,
		  unsigned int flags, enum tapc_mem mem);

/* Code point c as UTF-8 into buf (NUL-terminated): its bytes, 0 when
 * size has no room for them and the NUL, -EINVAL for a surrogate or a
 * value past U+10FFFF. */
int tapc_utf8_put(char *buf, int size, u32 c);

/*
 * The NUL-terminated UTF-16 (unit 2) or UTF-32 (unit 4) string at addr
 * into dst (MAXSTRINGLEN) as UTF-8, as much as fits.  0; -EFAULT when a
 * unit can't be read (*where: its address); -EILSEQ for a character
 * UTF-8 can't hold (*where: its address, *bad: its value).  dst holds
 * what was converted before a failure.
 */
int tapc_utf_string(char *dst, unsigned long addr, int unit, bool user,
		    unsigned long *where, u32 *bad);

#endif /* TAPC_TEXT_H */
