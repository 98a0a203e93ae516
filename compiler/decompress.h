/* Growable byte buffers and in-memory xz/zstd decompression (liblzma,
 * libzstd): for the vmlinux inside a bzImage (btf.c) and for compressed
 * modules, .ko.xz and .ko.zst (modules.c). */
#ifndef TAPC_DECOMPRESS_H
#define TAPC_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	unsigned char *data;		/* malloc'ed; the owner frees it */
	size_t len, cap;
};

/* Room for want bytes; false when out of memory. */
bool buf_grow(struct buf *b, size_t want);
/* The whole file into b; false with errno set. */
bool buf_read_file(const char *path, struct buf *b);

/* Decompress one xz or zstd stream starting at in into out (replacing its
 * contents).  True only when the stream ended cleanly; on false out->len
 * says how much was produced before the error (btf.c accepts a vmlinux
 * payload followed by garbage). */
bool decompress_xz(const unsigned char *in, size_t len, struct buf *out);
bool decompress_zstd(const unsigned char *in, size_t len, struct buf *out);

#endif
