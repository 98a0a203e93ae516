/* In-memory decompression, see decompress.h.  Output grows in steps: a
 * stream's decompressed size is not known up front (xz keeps it in an
 * index at the end, zstd only optionally in its frame header). */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zstd.h>

#include "decompress.h"

bool buf_grow(struct buf *b, size_t want)
{
	unsigned char *p;
	size_t cap = b->cap ? b->cap : (1 << 20);

	if (b->cap >= want)
		return true;
	while (cap < want)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

bool buf_read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int saved;

	if (!f)
		return false;
	if (fstat(fileno(f), &st) != 0 || !buf_grow(b, st.st_size + 1) ||
	    fread(b->data, 1, st.st_size, f) != (size_t)st.st_size) {
		saved = errno ? errno : EIO;
		fclose(f);
		errno = saved;
		return false;
	}
	b->len = st.st_size;
	fclose(f);
	return true;
}

/* Each step leaves room for at least a quarter of the input again (a
 * module shrinks to about a quarter of its size under xz). */
static size_t step_for(size_t in_len)
{
	size_t step = 4 * in_len;

	return step < (64 << 10) ? (64 << 10) : step > (16 << 20) ? (16 << 20) : step;
}

bool decompress_xz(const unsigned char *in, size_t len, struct buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = LZMA_MEM_ERROR;

	out->len = 0;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return false;
	s.next_in = in;
	s.avail_in = len;
	do {
		if (!buf_grow(out, out->len + step_for(len)))
			break;
		s.next_out = out->data + out->len;
		s.avail_out = out->cap - out->len;
		r = lzma_code(&s, LZMA_FINISH);
		out->len = out->cap - s.avail_out;
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END;
}

bool decompress_zstd(const unsigned char *in, size_t len, struct buf *out)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t r = 1;

	out->len = 0;
	if (!d)
		return false;
	ZSTD_initDStream(d);
	while (r != 0) {
		ZSTD_outBuffer ob;

		if (!buf_grow(out, out->len + step_for(len)))
			break;
		ob.dst = out->data + out->len;
		ob.size = out->cap - out->len;
		ob.pos = 0;
		r = ZSTD_decompressStream(d, &ob, &ib);
		out->len += ob.pos;
		if (ZSTD_isError(r))
			break;
		if (ib.pos == ib.size && ob.pos == 0)
			break;
	}
	ZSTD_freeDStream(d);
	return r == 0;
}
