/* SPDX-License-Identifier: MIT */
/*
 * ktest.c - the ktest runner (see ktest.h for how tests are written).
 *
 * The selection string from the command line is a comma-separated list of
 * "all", suite names and "suite.name" entries; a test runs once even if two
 * entries name it, and an entry that matches nothing is itself reported as a
 * failure (a typo must not look like a green run).  Tests run in link order.
 *
 * Leak check: before each test the runner records the allocator counters
 * (leakcheck.h); afterwards, with the per-core caches drained, they must be
 * equal again.
 */
#include <kstring.h>
#include <ktest.h>
#include <kthread.h>
#include <leakcheck.h>
#include <printk.h>
#include <time.h>

extern const struct ktest ktests_start[], ktests_end[];

#define KTEST_SEL_MAX 32
#define KTEST_SEL_LEN 64

static bool ktest_active;
static bool cur_failed;
static const struct ktest *cur_test;

bool ktest_boot_active(void)
{
	return ktest_active;
}

bool ktest_current_failed(void)
{
	return cur_failed;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (cur_failed)
		return;                 /* report the first failure only */
	cur_failed = true;
	printk("ktest: FAIL %s.%s: %s:%d: ", cur_test->suite, cur_test->name, file, line);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}

struct ktest_selection {
	int nr;
	char entries[KTEST_SEL_MAX][KTEST_SEL_LEN];
	bool matched[KTEST_SEL_MAX];
};

static void selection_parse(struct ktest_selection *sel, const char *s)
{
	sel->nr = 0;
	while (*s && sel->nr < KTEST_SEL_MAX) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (len > 0 && len < KTEST_SEL_LEN) {
			memcpy(sel->entries[sel->nr], s, len);
			sel->entries[sel->nr][len] = 0;
			sel->matched[sel->nr] = false;
			sel->nr++;
		} else if (len >= KTEST_SEL_LEN) {
			printk("ktest: FAIL selection: entry of %zu bytes is too long\n", len);
		}
		s += len + (comma ? 1 : 0);
	}
}

static bool entry_matches(const char *e, const struct ktest *t)
{
	size_t sl = strlen(t->suite);

	if (strcmp(e, "all") == 0 || strcmp(e, t->suite) == 0)
		return true;
	return strncmp(e, t->suite, sl) == 0 && e[sl] == '.' &&
	       strcmp(e + sl + 1, t->name) == 0;
}

static bool selection_wants(struct ktest_selection *sel, const struct ktest *t)
{
	bool want = false;

	for (int i = 0; i < sel->nr; i++) {
		if (entry_matches(sel->entries[i], t)) {
			sel->matched[i] = true;
			want = true;
		}
	}
	return want;
}

/*
 * Whether the allocators are back where they were.  Kernel messages a test
 * sent to other cores (a remote alarm's re-arm, say) are freed by those
 * cores when they run them, which a loaded host may delay: so a difference
 * is looked at again for up to KTEST_SETTLE_MS before it counts as a leak.
 * A real leak stays; an in-flight message goes.
 */
#define KTEST_SETTLE_MS 100

static bool leak_check_settles(const struct leak_snapshot *before, struct leak_snapshot *after)
{
	for (int waited = 0;; waited += 2) {
		leak_snapshot_take(after);
		if (leak_snapshot_equal(before, after))
			return true;
		if (waited >= KTEST_SETTLE_MS)
			return false;
		kthread_usleep(2000);
	}
}

static void ktest_run_one(const struct ktest *t, int *passed, int *failed)
{
	struct leak_snapshot before, after;
	uint64_t t0, dt;

	cur_test = t;
	cur_failed = false;
	leak_snapshot_take(&before);
	t0 = nsec_now();
	ktest_thread_run(t->fn);
	dt = nsec_now() - t0;
	if (!cur_failed && !(t->flags & KTEST_NO_LEAK_CHECK)) {
		if (!leak_check_settles(&before, &after))
			ktest_fail(__FILE__, __LINE__, "leak: %s", leak_snapshot_diff(&before, &after));
	}
	if (cur_failed) {
		(*failed)++;
		return;
	}
	(*passed)++;
	printk("ktest: PASS %s.%s (%lu.%03lu ms)\n", t->suite, t->name,
	       dt / NSEC_PER_MSEC, (dt / NSEC_PER_USEC) % 1000);
}

int ktest_run_selection(const char *selection)
{
	static struct ktest_selection sel;
	int passed = 0, failed = 0;

	ktest_active = true;
	selection_parse(&sel, selection);
	printk("ktest: running '%s' (%ld tests compiled in)\n", selection,
	       (long)(ktests_end - ktests_start));
	for (const struct ktest *t = ktests_start; t < ktests_end; t++)
		if (selection_wants(&sel, t))
			ktest_run_one(t, &passed, &failed);
	for (int i = 0; i < sel.nr; i++) {
		if (!sel.matched[i]) {
			printk("ktest: FAIL selection: no test matches '%s'\n", sel.entries[i]);
			failed++;
		}
	}
	printk("ktest: summary %d passed, %d failed\n", passed, failed);
	return failed;
}
