/* SPDX-License-Identifier: MIT */
/*
 * print.c - a small printf for the test programs (tiny/print.h).
 *
 * The formatter writes through a struct pbuf that counts every byte it
 * was asked to emit but stores only what fits (keeping one byte for the
 * NUL), so the return value is the untruncated length.  A conversion is
 * parsed into a struct pspec (flags, width, precision, length), its
 * argument fetched by length, and emitted by one of three helpers:
 * number, string, character.
 */
#include <stdbool.h>
#include <stdint.h>
#include <tiny/print.h>
#include <tiny/string.h>
#include <tiny/syscall.h>

struct pbuf {
	char *buf;
	size_t cap;
	size_t len;             /* bytes asked for, may exceed cap */
};

struct pspec {
	bool left, zero, alt;
	int width;
	int prec;               /* -1: none */
	int lng;                /* 0 int, 1 long, 2 long long, -1 short, -2 char */
	char conv;
};

static void pb_putc(struct pbuf *pb, char c)
{
	if (pb->len + 1 < pb->cap)
		pb->buf[pb->len] = c;
	pb->len++;
}

static void pb_pad(struct pbuf *pb, char c, int n)
{
	while (n-- > 0)
		pb_putc(pb, c);
}

static void pb_str(struct pbuf *pb, const struct pspec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	if (!sp->left)
		pb_pad(pb, ' ', sp->width - (int)n);
	for (size_t i = 0; i < n; i++)
		pb_putc(pb, s[i]);
	if (sp->left)
		pb_pad(pb, ' ', sp->width - (int)n);
}

static void pb_num(struct pbuf *pb, const struct pspec *sp, uint64_t v, bool neg)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') ? 16 : 10;
	bool prefix = base == 16 && (sp->alt || sp->conv == 'p');
	char tmp[24];
	int n = 0, extra = neg + 2 * prefix;
	size_t start = pb->len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (!sp->left && !sp->zero)
		pb_pad(pb, ' ', sp->width - n - extra);
	if (neg)
		pb_putc(pb, '-');
	if (prefix) {
		pb_putc(pb, '0');
		pb_putc(pb, 'x');
	}
	if (!sp->left && sp->zero)
		pb_pad(pb, '0', sp->width - n - extra);
	while (n)
		pb_putc(pb, tmp[--n]);
	if (sp->left)
		pb_pad(pb, ' ', sp->width - (int)(pb->len - start));
}

/* Reads flags, width, precision and length; returns the conversion's end. */
static const char *pspec_parse(const char *f, struct pspec *sp, va_list *ap)
{
	*sp = (struct pspec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l' || *f == 'z' || *f == 't')
			sp->lng++;
		else if (*f == 'h')
			sp->lng--;
		else
			break;
	}
	sp->conv = *f;
	return *f ? f + 1 : f;
}

static int64_t parg_signed(const struct pspec *sp, va_list *ap)
{
	if (sp->lng >= 2)
		return va_arg(*ap, long long);
	if (sp->lng == 1)
		return va_arg(*ap, long);
	if (sp->lng == -1)
		return (short)va_arg(*ap, int);
	if (sp->lng <= -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static uint64_t parg_unsigned(const struct pspec *sp, va_list *ap)
{
	if (sp->lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->lng == 1)
		return va_arg(*ap, unsigned long);
	if (sp->lng == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->lng <= -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static void pb_conv(struct pbuf *pb, struct pspec *sp, va_list *ap)
{
	int64_t s;
	char c[2] = { 0, 0 };

	switch (sp->conv) {
	case 'd':
	case 'i':
		s = parg_signed(sp, ap);
		pb_num(pb, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0);
		break;
	case 'u':
	case 'x':
	case 'X':
		pb_num(pb, sp, parg_unsigned(sp, ap), false);
		break;
	case 'p':
		pb_num(pb, sp, (uint64_t)(uintptr_t)va_arg(*ap, void *), false);
		break;
	case 's':
		pb_str(pb, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		c[0] = (char)va_arg(*ap, int);
		sp->prec = 1;
		pb_str(pb, sp, c);
		break;
	case '%':
		pb_putc(pb, '%');
		break;
	default:        /* unknown: print it as written */
		pb_putc(pb, '%');
		if (sp->conv)
			pb_putc(pb, sp->conv);
		break;
	}
}

int tiny_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct pbuf pb = { .buf = buf, .cap = cap, .len = 0 };
	struct pspec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			pb_putc(&pb, *fmt++);
			continue;
		}
		fmt = pspec_parse(fmt + 1, &sp, &aq);
		pb_conv(&pb, &sp, &aq);
	}
	va_end(aq);
	if (cap)
		buf[pb.len < cap ? pb.len : cap - 1] = '\0';
	return (int)pb.len;
}

int tiny_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tiny_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

long tiny_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		int64_t n = tsys(SYS_write, (uint64_t)fd, UP(p + done), len - done);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

static int tiny_vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[TINY_PRINTF_MAX];
	int n = tiny_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	return (int)tiny_write_all(fd, buf, (size_t)n);
}

int tiny_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tiny_vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int tiny_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tiny_vdprintf(1, fmt, ap);
	va_end(ap);
	return n;
}
