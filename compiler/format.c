/* Parsing printf formats (see format.h).  The syntax is
 * %[flags][width][.precision][l]conv as in SystemTap; `l` is accepted and
 * ignored because every integer is 64 bits. */
#include <string.h>

#include "arena.h"
#include "format.h"

static struct fmt_dir *dir_new(enum fmt_conv conv)
{
	struct fmt_dir *d = arena_alloc(sizeof(*d));

	d->conv = conv;
	d->width = d->prec = -1;
	return d;
}

static int parse_num(const char *fmt, size_t len, size_t *i)
{
	int v = 0;

	if (*i < len && fmt[*i] == '*') {
		(*i)++;
		return FMT_STAR;
	}
	/* saturate: a width past any string's length means nothing more */
	while (*i < len && fmt[*i] >= '0' && fmt[*i] <= '9') {
		int d = fmt[(*i)++] - '0';

		v = v < 100000 ? v * 10 + d : 1000000;
	}
	return v;
}

struct fmt_dir *fmt_parse(const char *fmt, size_t len, const char **err)
{
	struct fmt_dir *head = NULL, **tail = &head, *lit = NULL;
	size_t i = 0;

	while (i < len) {
		struct fmt_dir *d;
		size_t nflags = 0;

		if (fmt[i] != '%' || (i + 1 < len && fmt[i + 1] == '%')) {
			size_t start = i;

			i += fmt[i] == '%' ? 2 : 1;
			if (!lit) {
				lit = dir_new(FMT_LITERAL);
				lit->text = arena_strndup(fmt + start, 1);
				lit->len = 1;
				*tail = lit;
				tail = &lit->next;
			} else {
				lit->text = arena_printf("%.*s%c", (int)lit->len, lit->text, fmt[start]);
				lit->len++;
			}
			continue;
		}
		lit = NULL;
		d = dir_new(FMT_LITERAL);
		i++;
		while (i < len && strchr("-+ #0", fmt[i]) && nflags < sizeof(d->flags) - 1)
			d->flags[nflags++] = fmt[i++];
		if (i < len && (fmt[i] == '*' || (fmt[i] >= '0' && fmt[i] <= '9')))
			d->width = parse_num(fmt, len, &i);
		if (i < len && fmt[i] == '.') {
			i++;
			d->prec = parse_num(fmt, len, &i);
		}
		if (i < len && fmt[i] == 'l')
			i++;
		if (i >= len) {
			*err = "incomplete format directive at the end";
			return NULL;
		}
		switch (fmt[i++]) {
		case 'd': case 'i': d->conv = FMT_SIGNED; break;
		case 'u': d->conv = FMT_UNSIGNED; break;
		case 'o': d->conv = FMT_OCTAL; break;
		case 'x': d->conv = FMT_HEX; break;
		case 'X': d->conv = FMT_HEX_UPPER; break;
		case 'p': d->conv = FMT_POINTER; break;
		case 'c': d->conv = FMT_CHAR; break;
		case 's': d->conv = FMT_STRING; break;
		case 'b': d->conv = FMT_BINARY; break;
		case 'm': d->conv = FMT_MEMORY; break;
		case 'M': d->conv = FMT_MEMORY; d->hex = true; break;
		default:
			*err = "invalid or missing conversion specifier";
			return NULL;
		}
		*tail = d;
		tail = &d->next;
	}
	if (!head)
		head = dir_new(FMT_LITERAL), head->text = "", head->len = 0;
	return head;
}

/* The i-th argument slot: star width, star precision, then the value. */
static enum type_kind slot_type(const struct fmt_dir *d, int *i)
{
	if (d->conv == FMT_LITERAL)
		return TYPE_VOID;
	if (d->width == FMT_STAR && (*i)-- == 0)
		return TYPE_LONG;
	if (d->prec == FMT_STAR && (*i)-- == 0)
		return TYPE_LONG;
	if ((*i)-- == 0)
		return d->conv == FMT_STRING ? TYPE_STRING : TYPE_LONG;
	return TYPE_VOID;
}

enum type_kind fmt_arg_type(const struct fmt_dir *d, int i)
{
	for (; d; d = d->next) {
		enum type_kind t = slot_type(d, &i);

		if (t != TYPE_VOID)
			return t;
	}
	return TYPE_UNKNOWN;
}

int fmt_nargs(const struct fmt_dir *d)
{
	int n = 0;

	for (; d; d = d->next) {
		if (d->conv == FMT_LITERAL)
			continue;
		n += 1 + (d->width == FMT_STAR) + (d->prec == FMT_STAR);
	}
	return n;
}
