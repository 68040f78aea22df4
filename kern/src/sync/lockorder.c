/* SPDX-License-Identifier: MIT */
/*
 * lockorder.c - the lock-order checker (lockorder.h), part of
 * CONFIG_SPINLOCK_DEBUG: lock classes by name, the per-core stacks of held
 * locks, the graph of class orders seen, and the reports.
 *
 * The graph is a bit matrix order[A][B] ("B was taken while A was held"),
 * read without a lock on every acquisition; an edge not yet in it is added
 * under the checker lock after a breadth-first search for the opposite
 * path.  Edges are only ever added, so a bit once set stays set.  The
 * sites of each edge go into a table that is only read to write a report.
 *
 * Locking: the checker lock (checker_owner, not a spinlock_t) guards the
 * class table, the edge table, the search's scratch arrays and every write
 * to order[][]; it is taken with interrupts off and never while the
 * checker itself could be re-entered on the same core, except from an NMI,
 * which then skips the check.  A core's held stack is touched only by that
 * core with interrupts off (on the host, a thread's own).
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <assert.h>
#include <core_id.h>
#include <kstring.h>
#include <lockorder.h>
#include <printk.h>
#include <spinlock.h>

#ifdef CONFIG_SPINLOCK_DEBUG

#define CLASS_NONE      0               /* class_id not looked up yet */
#define CLASS_UNTRACKED 0xffff          /* unnamed, or the class table was full */
#define HASH_SLOTS      (2 * LOCKORDER_MAX_CLASSES)
#define ROW_WORDS       (LOCKORDER_MAX_CLASSES / 64)

struct edge {
	uint16_t from, to;
	const struct lock_site *from_site, *to_site;
};

static struct lockorder_stack *checker_owner;        /* the checker lock */
static const char *class_names[LOCKORDER_MAX_CLASSES];     /* [0] unused */
static int nr_classes = 1;
static uint16_t class_slots[HASH_SLOTS];        /* open addressing, 0 = empty */
static uint64_t order[LOCKORDER_MAX_CLASSES][ROW_WORDS];   /* read lock-free */
static struct edge edges[LOCKORDER_MAX_EDGES];
static int nr_edges;
static uint16_t bfs_prev[LOCKORDER_MAX_CLASSES];
static uint16_t bfs_queue[LOCKORDER_MAX_CLASSES];
static uint64_t bfs_seen[ROW_WORDS];

/* Capture for tests: only the core (host: thread) that armed it. */
static struct lockorder_stack *capture_owner;
static struct lockorder_report *capture_out;
static int capture_count;

#ifdef VIREO_HOST
static __thread struct lockorder_stack host_stack;
static struct lockorder_stack *this_stack(void)
{
	return &host_stack;
}
#else
static struct lockorder_stack stacks[MAX_CORES];
static struct lockorder_stack *this_stack(void)
{
	return &stacks[core_id()];
}
#endif

/* Whether this is the first time *flag is raised (for one-time warnings). */
static bool first_time(bool *flag)
{
	return !__atomic_exchange_n(flag, true, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------- checker lock --- */

/* False if this core already holds it (an NMI inside the checker). */
static bool checker_lock(struct lockorder_stack *me)
{
	struct lockorder_stack *none = NULL;

	if (__atomic_load_n(&checker_owner, __ATOMIC_RELAXED) == me)
		return false;
	while (!__atomic_compare_exchange_n(&checker_owner, &none, me, false,
	                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		none = NULL;
		cpu_relax();
	}
	return true;
}

static void checker_unlock(void)
{
	__atomic_store_n(&checker_owner, NULL, __ATOMIC_RELEASE);
}

/* --------------------------------------------------------- classes --- */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;               /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The class named name, added if add; CLASS_NONE if absent.  Checker lock. */
static uint16_t class_find(const char *name, bool add)
{
	static bool warned;
	uint32_t i = name_hash(name) % HASH_SLOTS;

	for (; class_slots[i]; i = (i + 1) % HASH_SLOTS)
		if (strcmp(class_names[class_slots[i]], name) == 0)
			return class_slots[i];
	if (!add)
		return CLASS_NONE;
	if (nr_classes == LOCKORDER_MAX_CLASSES) {
		if (first_time(&warned))
			warn("lockorder: more than %d lock classes; '%s' and later ones are not checked",
			     LOCKORDER_MAX_CLASSES - 1, name);
		return CLASS_UNTRACKED;
	}
	class_names[nr_classes] = name;
	class_slots[i] = (uint16_t)nr_classes;
	return (uint16_t)nr_classes++;
}

/* The class of name, looked up once and cached in *cache. */
static uint16_t lock_class(const char *name, uint16_t *cache, struct lockorder_stack *me,
                           const struct lock_site *site)
{
	static bool warned;
	uint16_t c = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (c != CLASS_NONE)
		return c;
	if (!name) {
		if (first_time(&warned))
			warn("lockorder: a lock without a name taken at %s:%d is not checked",
			     lock_site_file(site), lock_site_line(site));
		c = CLASS_UNTRACKED;
	} else {
		if (!checker_lock(me))
			return CLASS_UNTRACKED;
		c = class_find(name, true);
		checker_unlock();
	}
	__atomic_store_n(cache, c, __ATOMIC_RELAXED);
	return c;
}

/* ----------------------------------------------------------- graph --- */

static bool edge_known(uint16_t a, uint16_t b)
{
	return (__atomic_load_n(&order[a][b / 64], __ATOMIC_ACQUIRE) >> (b % 64)) & 1;
}

/* Checker lock held. */
static void edge_add(const struct lockorder_held *h, uint16_t to, const struct lock_site *site)
{
	static bool warned;

	if (nr_edges < LOCKORDER_MAX_EDGES)
		edges[nr_edges++] = (struct edge){ h->cls, to, h->site, site };
	else if (first_time(&warned))
		warn("lockorder: more than %d lock-order edges; later ones are reported without sites",
		     LOCKORDER_MAX_EDGES);
	__atomic_or_fetch(&order[h->cls][to / 64], 1ull << (to % 64), __ATOMIC_RELEASE);
}

/* Checker lock held.  The recorded edge from -> to, or NULL. */
static const struct edge *edge_find(uint16_t from, uint16_t to)
{
	for (int i = 0; i < nr_edges; i++)
		if (edges[i].from == from && edges[i].to == to)
			return &edges[i];
	return NULL;
}

/* Checker lock held.  Breadth-first search src ->* dst; fills bfs_prev. */
static bool path_exists(uint16_t src, uint16_t dst)
{
	int head = 0, tail = 0;

	memset(bfs_seen, 0, sizeof(bfs_seen));
	bfs_seen[src / 64] |= 1ull << (src % 64);
	bfs_queue[tail++] = src;
	while (head < tail) {
		uint16_t u = bfs_queue[head++];

		for (int w = 0; w < ROW_WORDS; w++) {
			uint64_t bits = __atomic_load_n(&order[u][w], __ATOMIC_RELAXED) & ~bfs_seen[w];

			bfs_seen[w] |= bits;
			for (; bits; bits &= bits - 1) {
				uint16_t v = (uint16_t)(w * 64 + __builtin_ctzll(bits));

				bfs_prev[v] = u;
				if (v == dst)
					return true;
				bfs_queue[tail++] = v;
			}
		}
	}
	return false;
}

/* --------------------------------------------------------- reports --- */

/* Checker lock held, after path_exists(taken, held) found the path. */
static void report_fill_path(struct lockorder_report *r, uint16_t taken, uint16_t held)
{
	uint16_t next = held;
	const struct edge *e;

	r->path_len = 1;
	while (bfs_prev[next] != taken) {
		next = bfs_prev[next];
		r->path_len++;
	}
	e = edge_find(taken, next);
	r->prior_from = class_names[taken];
	r->prior_to = class_names[next];
	r->prior_from_site = e ? e->from_site : NULL;
	r->prior_to_site = e ? e->to_site : NULL;
}

static void report_panic(const struct lockorder_report *r)
{
	if (r->kind == LOCKORDER_SAME_CLASS)
		panic("lock order: a second '%s' lock taken at %s:%d while one is held "
		      "(taken at %s:%d); same-class locks do not nest",
		      r->taken, lock_site_file(r->taken_site), lock_site_line(r->taken_site),
		      lock_site_file(r->held_site), lock_site_line(r->held_site));
	panic("lock order inversion: '%s' taken at %s:%d while holding '%s' (taken at %s:%d), "
	      "but earlier '%s' (taken at %s:%d) was held while '%s' was taken at %s:%d%s",
	      r->taken, lock_site_file(r->taken_site), lock_site_line(r->taken_site),
	      r->held, lock_site_file(r->held_site), lock_site_line(r->held_site),
	      r->prior_from, lock_site_file(r->prior_from_site), lock_site_line(r->prior_from_site),
	      r->prior_to, lock_site_file(r->prior_to_site), lock_site_line(r->prior_to_site),
	      r->path_len > 1 ? " (the first of a longer chain back)" : "");
}

static void report(const struct lockorder_report *r, struct lockorder_stack *me)
{
	if (__atomic_load_n(&capture_owner, __ATOMIC_RELAXED) == me) {
		if (capture_count++ == 0)
			*capture_out = *r;
		return;
	}
	report_panic(r);
}

/* ---------------------------------------------------- acquisitions --- */

/* Taking class c at site while h is held. */
static void check_pair(struct lockorder_stack *me, const struct lockorder_held *h, uint16_t c,
                       const struct lock_site *site)
{
	struct lockorder_report r = {
		.taken = class_names[c], .taken_site = site,
		.held = class_names[h->cls], .held_site = h->site,
	};

	if (h->cls == c) {
		r.kind = LOCKORDER_SAME_CLASS;
		report(&r, me);
		return;
	}
	if (edge_known(h->cls, c) || !checker_lock(me))
		return;
	if (!edge_known(h->cls, c)) {
		if (path_exists(c, h->cls)) {
			r.kind = LOCKORDER_INVERSION;
			report_fill_path(&r, c, h->cls);
		} else {
			edge_add(h, c, site);
		}
	}
	checker_unlock();
	if (r.kind)
		report(&r, me);
}

/* Checks taking class c at site against every lock on st; me: this core. */
static void stack_check(struct lockorder_stack *st, struct lockorder_stack *me, uint16_t c,
                        const struct lock_site *site)
{
	for (int i = 0; c != CLASS_UNTRACKED && i < st->depth; i++)
		if (st->e[i].cls != CLASS_UNTRACKED)
			check_pair(me, &st->e[i], c, site);
}

static void stack_push(struct lockorder_stack *st, const void *lock, uint16_t c,
                       const struct lock_site *site)
{
	static bool warned;

	if (st->depth < LOCKORDER_MAX_HELD)
		st->e[st->depth++] = (struct lockorder_held){ lock, c, site };
	else if (first_time(&warned))
		warn("lockorder: more than %d locks held at %s:%d; the rest are not checked",
		     LOCKORDER_MAX_HELD, lock_site_file(site), lock_site_line(site));
}

static void stack_pop(struct lockorder_stack *st, const void *lock)
{
	for (int i = st->depth - 1; i >= 0; i--) {
		if (st->e[i].lock == lock) {
			memmove(&st->e[i], &st->e[i + 1], (st->depth - 1 - i) * sizeof(st->e[0]));
			st->depth--;
			return;
		}
	}
}

void lockorder_acquire(struct spinlock *l, const struct lock_site *site)
{
	uint64_t flags = irq_save();
	struct lockorder_stack *me = this_stack();

	stack_check(me, me, lock_class(l->name, &l->class_id, me, site), site);
	irq_restore(flags);
}

void lockorder_acquired(struct spinlock *l, const struct lock_site *site)
{
	uint64_t flags = irq_save();
	struct lockorder_stack *me = this_stack();

	stack_push(me, l, lock_class(l->name, &l->class_id, me, site), site);
	irq_restore(flags);
}

void lockorder_release(struct spinlock *l)
{
	uint64_t flags = irq_save();

	stack_pop(this_stack(), l);
	irq_restore(flags);
}

/* ---------------------------------------------------- sleeping locks --- */

void lockorder_sleep_acquire(struct lockorder_stack *st, struct lockorder_key *k,
                             const struct lock_site *site)
{
	uint64_t flags = irq_save();
	struct lockorder_stack *me = this_stack();

	stack_check(st, me, lock_class(k->name, &k->class_id, me, site), site);
	irq_restore(flags);
}

void lockorder_sleep_acquired(struct lockorder_stack *st, struct lockorder_key *k,
                              const struct lock_site *site)
{
	uint64_t flags = irq_save();

	stack_push(st, k, lock_class(k->name, &k->class_id, this_stack(), site), site);
	irq_restore(flags);
}

void lockorder_sleep_release(struct lockorder_stack *st, struct lockorder_key *k)
{
	uint64_t flags = irq_save();

	stack_pop(st, k);
	irq_restore(flags);
}

/* ----------------------------------------------- tests, diagnostics --- */

void lockorder_capture_begin(struct lockorder_report *out)
{
	*out = (struct lockorder_report){ 0 };
	capture_out = out;
	capture_count = 0;
	__atomic_store_n(&capture_owner, this_stack(), __ATOMIC_RELAXED);
}

int lockorder_capture_end(void)
{
	__atomic_store_n(&capture_owner, NULL, __ATOMIC_RELAXED);
	capture_out = NULL;
	return capture_count;
}

void lockorder_print(void)
{
	for (int i = 0; i < lockorder_nr_edges(); i++)
		printk("lockorder: '%s' -> '%s' (%s:%d, %s:%d)\n", class_names[edges[i].from],
		       class_names[edges[i].to], lock_site_file(edges[i].from_site),
		       lock_site_line(edges[i].from_site), lock_site_file(edges[i].to_site),
		       lock_site_line(edges[i].to_site));
}

int lockorder_nr_classes(void)
{
	return __atomic_load_n(&nr_classes, __ATOMIC_RELAXED) - 1;
}

int lockorder_nr_edges(void)
{
	return __atomic_load_n(&nr_edges, __ATOMIC_RELAXED);
}

int lockorder_held_depth(void)
{
	return this_stack()->depth;
}

bool lockorder_edge_known(const char *from, const char *to)
{
	uint64_t flags = irq_save();
	struct lockorder_stack *me = this_stack();
	uint16_t a = CLASS_NONE, b = CLASS_NONE;

	if (checker_lock(me)) {
		a = class_find(from, false);
		b = class_find(to, false);
		checker_unlock();
	}
	irq_restore(flags);
	return a != CLASS_NONE && b != CLASS_NONE && edge_known(a, b);
}

#endif
