/* SPDX-License-Identifier: MIT */
/*
 * printfmt.c - the kernel's one formatter, vprintfmt(), and the C99
 * snprintf()/vsnprintf() built on it (contract: printk.h and
 * Documentation/kapi/printk.md).
 *
 * Model: vprintfmt() walks the format and hands every output character to a
 * putch callback; it counts the characters and returns the count.  Each
 * conversion is handled in two phases: fmt_parse_spec() reads the whole
 * specification (flags, width, precision, length, conversion) from the
 * format string alone, and only if the conversion is one we know does
 * fmt_convert() take arguments from the va_list.  So an unknown or truncated
 * specification is printed verbatim and never consumes an argument.
 *
 * It keeps no state, takes no lock and never allocates: it is safe in IRQ
 * context and during a panic, as long as the callback is.  Widths and
 * precisions are clamped to FMT_MAX_WIDTH so a hostile format cannot make one
 * call spin for billions of characters.  There is no floating point.
 *
 * printk()/vprintk() are not here: the console code builds them on vprintfmt.
 */
#include <printk.h>

#define FMT_MAX_WIDTH 4096

/* Flags of a conversion specification. */
#define FMT_LEFT  0x01  /* '-' */
#define FMT_PLUS  0x02  /* '+' */
#define FMT_SPACE 0x04  /* ' ' */
#define FMT_ZERO  0x08  /* '0' */
#define FMT_ALT   0x10  /* '#' */
#define FMT_WSTAR 0x20  /* width is '*' */
#define FMT_PSTAR 0x40  /* precision is '*' */

enum fmt_len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
	unsigned int flags;
	int width;              /* 0 when absent */
	int prec;               /* -1 when absent */
	enum fmt_len len;
	char conv;
};

struct fmt_out {
	putch_fn putch;
	void *arg;
	int count;              /* characters produced, saturating at INT_MAX */
};

static void fmt_put(struct fmt_out *o, int ch)
{
	o->putch(ch, o->arg);
	if (o->count < __INT_MAX__)
		o->count++;
}

static void fmt_put_n(struct fmt_out *o, int ch, int n)
{
	for (int i = 0; i < n; i++)
		fmt_put(o, ch);
}

/* ------------------------------------------------------------- parsing --- */

static bool fmt_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads decimal digits at *pp, clamping the value to FMT_MAX_WIDTH. */
static int fmt_parse_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	for (; fmt_is_digit(*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > FMT_MAX_WIDTH)
			v = FMT_MAX_WIDTH;
	}
	*pp = p;
	return v;
}

static const char *fmt_parse_flags(const char *p, unsigned int *flags)
{
	for (;; p++) {
		switch (*p) {
		case '-': *flags |= FMT_LEFT; break;
		case '+': *flags |= FMT_PLUS; break;
		case ' ': *flags |= FMT_SPACE; break;
		case '0': *flags |= FMT_ZERO; break;
		case '#': *flags |= FMT_ALT; break;
		default: return p;
		}
	}
}

static const char *fmt_parse_len(const char *p, enum fmt_len *len)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*len = LEN_HH;
			return p + 2;
		}
		*len = LEN_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*len = LEN_LL;
			return p + 2;
		}
		*len = LEN_L;
		return p + 1;
	case 'z': *len = LEN_Z; return p + 1;
	case 't': *len = LEN_T; return p + 1;
	case 'j': *len = LEN_J; return p + 1;
	default: *len = LEN_NONE; return p;
	}
}

/*
 * Parses the specification after a '%' at p, touching no argument.  Returns
 * the address just past the conversion character, or NULL if the format
 * ends inside the specification.
 */
static const char *fmt_parse_spec(const char *p, struct fmt_spec *s)
{
	s->flags = 0;
	s->width = 0;
	s->prec = -1;
	p = fmt_parse_flags(p, &s->flags);
	if (*p == '*') {
		s->flags |= FMT_WSTAR;
		p++;
	} else {
		s->width = fmt_parse_num(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			s->flags |= FMT_PSTAR;
			p++;
		} else {
			s->prec = fmt_parse_num(&p);
		}
	}
	p = fmt_parse_len(p, &s->len);
	if (*p == '\0')
		return NULL;
	s->conv = *p;
	return p + 1;
}

static bool fmt_conv_known(char c)
{
	switch (c) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
	case 'c': case 's': case 'p': case '%':
		return true;
	default:
		return false;
	}
}

/* Takes the '*' width and precision from the arguments, in that order. */
static void fmt_fetch_stars(struct fmt_spec *s, va_list *ap)
{
	if (s->flags & FMT_WSTAR) {
		int w = va_arg(*ap, int);

		if (w < 0) {
			s->flags |= FMT_LEFT;
			w = (w < -FMT_MAX_WIDTH) ? FMT_MAX_WIDTH : -w;
		}
		s->width = MIN(w, FMT_MAX_WIDTH);
	}
	if (s->flags & FMT_PSTAR) {
		int pr = va_arg(*ap, int);

		s->prec = pr < 0 ? -1 : MIN(pr, FMT_MAX_WIDTH);
	}
}

/* ----------------------------------------------------------- arguments --- */

static int64_t fmt_arg_signed(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H:  return (short)va_arg(*ap, int);
	case LEN_L:  return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:  return va_arg(*ap, ssize_t);
	case LEN_T:  return va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, intmax_t);
	default:     return va_arg(*ap, int);
	}
}

static uint64_t fmt_arg_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:  return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:  return va_arg(*ap, size_t);
	case LEN_T:  return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, uintmax_t);
	default:     return va_arg(*ap, unsigned int);
	}
}

/* ------------------------------------------------------------- output --- */

/* Writes the digits of v in base, most significant first; returns the count. */
static int fmt_digits(char *buf, uint64_t v, unsigned int base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];           /* 22 octal digits cover 2^64 */
	int n = 0, i = 0;

	do {
		tmp[n++] = set[v % base];
		v /= base;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

/* Left padding, body, right padding: the common frame of every field. */
static void fmt_pad_before(struct fmt_out *o, const struct fmt_spec *s, int body)
{
	if (!(s->flags & FMT_LEFT) && s->width > body)
		fmt_put_n(o, ' ', s->width - body);
}

static void fmt_pad_after(struct fmt_out *o, const struct fmt_spec *s, int body)
{
	if ((s->flags & FMT_LEFT) && s->width > body)
		fmt_put_n(o, ' ', s->width - body);
}

/*
 * Emits one integer: [sign or 0x prefix][zeros][digits], padded to the
 * width.  'force_prefix' is %p's "0x even for zero".
 */
static void fmt_emit_int(struct fmt_out *o, const struct fmt_spec *s, uint64_t mag,
			 bool neg, bool force_prefix)
{
	unsigned int base = 10;
	char digits[24], prefix[3];
	int nd = 0, np = 0, zeros = 0, body;
	bool upper = s->conv == 'X';

	if (s->conv == 'x' || s->conv == 'X' || s->conv == 'p')
		base = 16;
	else if (s->conv == 'o')
		base = 8;
	if (!(s->prec == 0 && mag == 0))
		nd = fmt_digits(digits, mag, base, upper);

	if (neg)
		prefix[np++] = '-';
	else if ((s->conv == 'd' || s->conv == 'i') && (s->flags & FMT_PLUS))
		prefix[np++] = '+';
	else if ((s->conv == 'd' || s->conv == 'i') && (s->flags & FMT_SPACE))
		prefix[np++] = ' ';
	else if (base == 16 && (force_prefix || ((s->flags & FMT_ALT) && mag))) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}

	if (s->prec > nd)
		zeros = s->prec - nd;
	if (base == 8 && (s->flags & FMT_ALT) && zeros == 0 && (nd == 0 || digits[0] != '0'))
		zeros = 1;
	body = np + zeros + nd;
	if ((s->flags & FMT_ZERO) && !(s->flags & FMT_LEFT) && s->prec < 0 && s->width > body) {
		zeros += s->width - body;
		body = s->width;
	}

	fmt_pad_before(o, s, body);
	for (int i = 0; i < np; i++)
		fmt_put(o, prefix[i]);
	fmt_put_n(o, '0', zeros);
	for (int i = 0; i < nd; i++)
		fmt_put(o, digits[i]);
	fmt_pad_after(o, s, body);
}

/* Emits a string, reading at most 'prec' bytes of it when a precision is given. */
static void fmt_emit_str(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	int n = 0;

	if (!str)
		str = "(null)";
	while ((s->prec < 0 || n < s->prec) && str[n] && n < __INT_MAX__)
		n++;
	fmt_pad_before(o, s, n);
	for (int i = 0; i < n; i++)
		fmt_put(o, (unsigned char)str[i]);
	fmt_pad_after(o, s, n);
}

static void fmt_emit_char(struct fmt_out *o, const struct fmt_spec *s, int ch)
{
	fmt_pad_before(o, s, 1);
	fmt_put(o, (unsigned char)ch);
	fmt_pad_after(o, s, 1);
}

/* Performs one known conversion, taking its arguments. */
static void fmt_convert(struct fmt_out *o, struct fmt_spec *s, va_list *ap)
{
	int64_t v;

	fmt_fetch_stars(s, ap);
	switch (s->conv) {
	case 'd':
	case 'i':
		v = fmt_arg_signed(s->len, ap);
		fmt_emit_int(o, s, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, false);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		fmt_emit_int(o, s, fmt_arg_unsigned(s->len, ap), false, false);
		break;
	case 'p':
		fmt_emit_int(o, s, (uintptr_t)va_arg(*ap, void *), false, true);
		break;
	case 'c':
		fmt_emit_char(o, s, va_arg(*ap, int));
		break;
	case 's':
		fmt_emit_str(o, s, va_arg(*ap, const char *));
		break;
	default:        /* '%' */
		fmt_put(o, '%');
		break;
	}
}

/* Copies format text from 'from' up to (not including) 'to'. */
static void fmt_put_span(struct fmt_out *o, const char *from, const char *to)
{
	for (; from < to; from++)
		fmt_put(o, (unsigned char)*from);
}

int vprintfmt(putch_fn putch, void *arg, const char *fmt, va_list ap)
{
	struct fmt_out o = { .putch = putch, .arg = arg, .count = 0 };
	struct fmt_spec s;
	const char *p, *end;
	va_list aq;

	if (!putch)
		return 0;
	if (!fmt)
		fmt = "(null)";
	va_copy(aq, ap);
	for (p = fmt; *p; p = end) {
		if (*p != '%') {
			fmt_put(&o, (unsigned char)*p);
			end = p + 1;
			continue;
		}
		end = fmt_parse_spec(p + 1, &s);
		if (!end) {                     /* format ends mid-spec */
			for (end = p; *end; end++)
				;
			fmt_put_span(&o, p, end);
		} else if (!fmt_conv_known(s.conv)) {
			fmt_put_span(&o, p, end);
		} else {
			fmt_convert(&o, &s, &aq);
		}
	}
	va_end(aq);
	return o.count;
}

/* --------------------------------------------------------- (v)snprintf --- */

struct fmt_buf {
	char *buf;
	size_t size;            /* bytes of buf, the NUL included */
	size_t pos;             /* characters produced so far */
};

static void fmt_buf_putch(int ch, void *arg)
{
	struct fmt_buf *b = arg;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = (char)ch;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { .buf = buf, .size = buf ? size : 0, .pos = 0 };
	int n;

	n = vprintfmt(fmt_buf_putch, &b, fmt, ap);
	if (b.size)
		b.buf[MIN(b.pos, b.size - 1)] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
