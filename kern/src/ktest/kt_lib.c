/* SPDX-License-Identifier: MIT */
/*
 * kt_lib.c - ktests of the kernel's small library as built for the kernel
 * (no SSE, kernel code model): snprintf formats and truncation, the string
 * functions, the command-line parser, and the symbol table used by
 * backtraces.  The host suites test the same code harder; these prove the
 * kernel build agrees.
 */
#include <backtrace.h>
#include <cmdline.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <printk.h>

KTEST(lib, snprintf_formats)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lX|%s|%c|%%", -42, 7u, 0xabu,
	         0xdeadbeefUL, "str", 'z');
	KT_ASSERT_MSG(strcmp(buf, "-42|    7|ab  |DEADBEEF|str|z|%") == 0, "got '%s'", buf);
	snprintf(buf, sizeof(buf), "%ld %lu %#o %+d % d", (long)INT64_MIN, (unsigned long)UINT64_MAX,
	         8, 5, 5);
	KT_ASSERT_MSG(strcmp(buf, "-9223372036854775808 18446744073709551615 010 +5  5") == 0,
	              "got '%s'", buf);
	snprintf(buf, sizeof(buf), "%.3s|%.0d|%p", "abcdef", 0, (void *)0x1000);
	KT_ASSERT_MSG(strcmp(buf, "abc||0x1000") == 0, "got '%s'", buf);
}

KTEST(lib, snprintf_truncation_returns_full_length)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KT_ASSERT_EQ(snprintf(buf, 5, "%s", "hello world"), 11);
	KT_ASSERT(strcmp(buf, "hell") == 0);
	KT_ASSERT_EQ(buf[5], 'x');
	KT_ASSERT_EQ(snprintf(NULL, 0, "%d", 123456), 6);
	KT_ASSERT_EQ(snprintf(buf, 1, "abc"), 3);
	KT_ASSERT_EQ(buf[0], 0);
}

KTEST(lib, string_functions)
{
	char a[32], b[32];

	memset(a, 'a', sizeof(a));
	memcpy(b, a, sizeof(b));
	KT_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	memcpy(a, "0123456789", 11);
	memmove(a + 2, a, 8);           /* overlap, forwards */
	KT_ASSERT(memcmp(a, "0101234567", 10) == 0);
	memmove(a, a + 2, 8);           /* overlap, backwards */
	KT_ASSERT(memcmp(a, "0123456767", 10) == 0);
	KT_ASSERT_EQ(strlen("vireo"), 5);
	KT_ASSERT_EQ(strnlen("vireo", 3), 3);
	KT_ASSERT(strcmp("a", "b") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
	KT_ASSERT(strchr("abc", 'c') && !strchr("abc", 'd'));
	KT_ASSERT_EQ(strlcpy(b, "too long for four", 5), 17);
	KT_ASSERT(strcmp(b, "too ") == 0);
}

KTEST(lib, cmdline_parsing)
{
	static struct cmdline cl;
	uint64_t v = 0;

	cmdline_parse(&cl, "ktest=lib maxcores=0x4 mem=2M quiet name=\"a b\" bad=\"open "
	                   "init=/bin/sh -c 'x y'");
	KT_ASSERT(cmdline_get(&cl, "ktest") && strcmp(cmdline_get(&cl, "ktest"), "lib") == 0);
	KT_ASSERT(cmdline_has(&cl, "quiet"));
	KT_ASSERT_EQ(cmdline_get_u64(&cl, "maxcores", &v), 0);
	KT_ASSERT_EQ(v, 4);
	KT_ASSERT_EQ(cmdline_get_u64(&cl, "mem", &v), 0);
	KT_ASSERT_EQ(v, 2 * 1024 * 1024);
	KT_ASSERT_EQ(cmdline_get_u64(&cl, "ktest", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_u64(&cl, "missing", &v), -ENOENT);
}

KTEST(lib, symbol_table_names_functions)
{
	uintptr_t off = 1;
	uintptr_t addr = ksym_address("snprintf");
	const char *name;

	KT_ASSERT_MSG(addr == (uintptr_t)snprintf, "ksym_address(snprintf) = %#lx", addr);
	name = ksym_lookup((uintptr_t)snprintf + 3, &off);
	KT_ASSERT(name && strcmp(name, "snprintf") == 0);
	KT_ASSERT_EQ(off, 3);
	KT_ASSERT(ksym_address("no_such_function_here") == 0);
}
