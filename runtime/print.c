// SPDX-License-Identifier: GPL-2.0
/*
 * print.c - the per-hit print buffer.
 *
 * print/printf format into the context's pb; the runtime flushes it into the
 * CPU's ring as one record when the handler ends (or earlier when pb fills
 * up), so one probe hit's output stays contiguous.  In bulk mode the
 * record is numbered when its first byte goes in, which is under the
 * script's locks, so taprun --merge orders hits as the locks did.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "tapc_runtime.h"
#include "print.h"
#include "transport.h"

void tapc_print_flush(struct tapc_context *c)
{
	if (c->pb_len) {
		tapc_transport_write_seq(TAPC_CHAN_OUT, c->pb, c->pb_len, c->pb_seq);
		c->pb_len = 0;
	}
}

static void tapc_vprintf(struct tapc_context *c, const char *fmt, va_list ap)
{
	unsigned int room = TAPC_PRINTBUF_SIZE - c->pb_len;
	va_list aq;
	int n;

	if (!c->pb_len)
		c->pb_seq = tapc_transport_seq();
	va_copy(aq, ap);
	n = vsnprintf(c->pb + c->pb_len, room, fmt, aq);
	va_end(aq);
	if (n < room) {
		c->pb_len += n;
		return;
	}
	/* did not fit: flush what is pending and format again; a single
	 * piece longer than the whole buffer is truncated */
	tapc_print_flush(c);
	c->pb_seq = tapc_transport_seq();
	n = vsnprintf(c->pb, TAPC_PRINTBUF_SIZE, fmt, ap);
	c->pb_len = min_t(unsigned int, n, TAPC_PRINTBUF_SIZE - 1);
}

void tapc_printf(struct tapc_context *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tapc_vprintf(c, fmt, ap);
	va_end(ap);
}

void tapc_print_bytes(struct tapc_context *c, const char *s, size_t n)
{
	while (n) {
		size_t k = min_t(size_t, n, TAPC_PRINTBUF_SIZE - c->pb_len);

		if (!c->pb_len)
			c->pb_seq = tapc_transport_seq();
		memcpy(c->pb + c->pb_len, s, k);
		c->pb_len += k;
		s += k;
		n -= k;
		if (c->pb_len == TAPC_PRINTBUF_SIZE)
			tapc_print_flush(c);
	}
}

void tapc_print_str(struct tapc_context *c, const char *s)
{
	tapc_print_bytes(c, s, strlen(s));
}

void tapc_print_char(struct tapc_context *c, int ch)
{
	char b = ch;

	tapc_print_bytes(c, &b, 1);
}

void tapc_print_error(struct tapc_context *c)
{
	int n;

	tapc_print_flush(c);
	if (c->error_loc)
		n = scnprintf(c->pb, TAPC_PRINTBUF_SIZE,
			      "ERROR: %s near %s in probe %s\n", c->last_error,
			      c->error_loc, c->probe_point);
	else
		n = scnprintf(c->pb, TAPC_PRINTBUF_SIZE,
			      "ERROR: %s in probe %s\n", c->last_error,
			      c->probe_point);
	tapc_transport_write(TAPC_CHAN_ERR, c->pb, n);
}

/* Format a chan-2 line with prefix unless the text already carries one. */
static void tapc_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[256];
	size_t pl = strlen(prefix);
	int n;

	n = vscnprintf(buf + pl, sizeof(buf) - pl - 1, fmt, ap);
	if (!strncmp(buf + pl, "WARNING:", 8) || !strncmp(buf + pl, "ERROR:", 6)) {
		memmove(buf, buf + pl, n);
	} else {
		memcpy(buf, prefix, pl);
		n += pl;
	}
	if (!n || buf[n - 1] != '\n')
		buf[n++] = '\n';
	tapc_transport_write(TAPC_CHAN_ERR, buf, n);
}

void tapc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tapc_vmsg("WARNING: ", fmt, ap);
	va_end(ap);
}

void tapc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tapc_vmsg("ERROR: ", fmt, ap);
	va_end(ap);
}
