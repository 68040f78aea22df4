/* SPDX-License-Identifier: MIT */
/*
 * kt_err.c - ktests of the error stacks (err.h): error() unwinds to the
 * innermost waserror(), nexterror() passes it outward through several
 * functions, poperror() on the success path leaves nothing behind, and the
 * errno and message reach the catcher intact; set_error() records the
 * same state without unwinding.
 */
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>

static int err_inner_calls;

static void err_thrower_c(int depth)
{
	err_inner_calls++;
	error(ENOENT, "no such thing: '%s' at depth %d", "x", depth);
}

static void err_thrower_b(int depth)
{
	err_inner_calls++;
	err_thrower_c(depth - 1);
}

static void err_thrower(int depth)
{
	err_inner_calls++;
	err_thrower_b(depth - 1);
}

/* Catches, cleans up (counts), and passes the error on. */
static void err_middle(volatile int *cleanups)
{
	ERRSTACK(1);

	if (waserror()) {
		(*cleanups)++;
		nexterror();
	}
	err_thrower(2);
	poperror();
}

KTEST(err, error_unwinds_to_waserror)
{
	ERRSTACK(1);
	volatile int cleanups = 0;

	err_inner_calls = 0;
	if (waserror()) {
		KT_ASSERT_EQ(get_errno(), ENOENT);
		KT_ASSERT_MSG(strcmp(get_errstr(), "no such thing: 'x' at depth 0") == 0,
		              "errstr '%s'", get_errstr());
		KT_ASSERT_EQ(cleanups, 1);
		KT_ASSERT_EQ(err_inner_calls, 3);
		KT_ASSERT(errstate_current()->top == NULL);
		return;
	}
	err_middle(&cleanups);
	poperror();
	KT_ASSERT_MSG(false, "error() did not unwind");
}

KTEST(err, poperror_on_success_leaves_nothing)
{
	ERRSTACK(2);
	struct errframe *before = errstate_current()->top;

	if (waserror()) {
		KT_ASSERT_MSG(false, "unexpected error: %s", get_errstr());
		return;
	}
	if (waserror()) {
		poperror();
		KT_ASSERT_MSG(false, "inner caught nothing thrown");
		return;
	}
	poperror();
	poperror();
	KT_ASSERT(errstate_current()->top == before);
}

KTEST(err, nested_frames_catch_in_order)
{
	ERRSTACK(2);
	volatile int stage = 0;

	if (waserror()) {
		KT_ASSERT_EQ(stage, 2);
		KT_ASSERT_EQ(get_errno(), EPERM);
		return;
	}
	if (waserror()) {
		KT_ASSERT_EQ(stage, 1);
		KT_ASSERT_EQ(get_errno(), EINVAL);
		stage = 2;
		error(EPERM, "second");         /* goes to the outer frame */
	}
	stage = 1;
	error(EINVAL, "first");
}

/* set_error records what error() would, stays in place, and returns -1;
 * its message is truncated like error()'s. */
KTEST(err, set_error_records_without_unwinding)
{
	ERRSTACK(1);
	struct errframe *before = errstate_current()->top;
	char longarg[300];

	if (waserror()) {
		KT_ASSERT_MSG(false, "set_error() unwound: %s", get_errstr());
		return;
	}
	KT_ASSERT_EQ(set_error(EBADF, "fd %d is not open", 7), -1);
	poperror();
	KT_ASSERT_EQ(get_errno(), EBADF);
	KT_ASSERT_MSG(strcmp(get_errstr(), "fd 7 is not open") == 0, "errstr '%s'",
	              get_errstr());
	KT_ASSERT(errstate_current()->top == before);
	memset(longarg, 's', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = 0;
	KT_ASSERT_EQ(set_error(E2BIG, "%s", longarg), -1);
	KT_ASSERT_EQ(strlen(get_errstr()), ERRSTR_MAX - 1);
}

KTEST(err, long_message_is_truncated_not_overrun)
{
	ERRSTACK(1);
	char longarg[300];

	memset(longarg, 'm', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = 0;
	if (waserror()) {
		KT_ASSERT_EQ(strlen(get_errstr()), ERRSTR_MAX - 1);
		return;
	}
	error(E2BIG, "%s", longarg);
}
