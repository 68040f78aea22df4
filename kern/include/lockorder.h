/* SPDX-License-Identifier: MIT */
/*
 * lockorder.h - the lock-order checker of CONFIG_SPINLOCK_DEBUG
 * (kern/src/sync/lockorder.c), which spinlock.h calls; nothing else calls it
 * except its tests.
 *
 * A lock's class is its name: every lock initialised with the same name
 * string (SPINLOCK_INITIALIZER("x"), spinlock_init(l, "x"), the "sem"
 * of every semaphore) is one class, and the order rules are about classes.
 * Each core keeps a stack of the locks it holds; taking a lock of class B
 * while holding one of class A records the edge A -> B.  The first time
 * an acquisition would close a cycle (B -> ... -> A is known and A is
 * held), or a core takes a lock of a class it already holds (two cores
 * doing so with the two locks swapped deadlock), the checker panics naming
 * both classes and the file:line where each was taken, now and before.
 * spin_trylock() cannot deadlock: it records no edge into the lock it
 * takes, but the lock joins the held stack, so later locks order after it.
 *
 * Qlocks (sem.h: semaphores with a class) are checked the same way among
 * themselves, on a stack in each kthread, since they are held across
 * sleeps; sem.c calls lockorder_sleep_*().  No edge joins a qlock and a
 * spinlock.
 *
 * Sites are struct lock_site: file, line and function of the spin_lock*()
 * call, made by LOCK_SITE_HERE as one read-only object per call site.
 *
 * The checker allocates nothing: its classes, edges and stacks are static
 * tables of fixed size; when one is full it warns once and stops tracking
 * what does not fit.  It runs with interrupts off on its own lock, which is
 * not a spinlock_t; an acquisition that finds that lock held by its own
 * core (an NMI inside the checker) is not checked.
 *
 * Tests: lockorder_capture_begin() makes reports raised on the calling
 * core go into *out instead of panicking, until lockorder_capture_end(),
 * which returns how many there were.  The edge that would have closed a
 * cycle is not recorded, so the graph stays acyclic.
 */
#pragma once

#include <types.h>

struct spinlock;

struct lock_site {
	const char *file;
	int line;
	const char *func;
};

#ifdef CONFIG_SPINLOCK_DEBUG
#define LOCK_SITE_HERE ({ \
	static const struct lock_site lock_site_here_ = { __FILE__, __LINE__, __func__ }; \
	&lock_site_here_; })
#else
#define LOCK_SITE_HERE NULL
#endif

/* For messages: a site may be NULL (not recorded). */
static inline const char *lock_site_file(const struct lock_site *s)
{
	return s ? s->file : "(unknown)";
}

static inline int lock_site_line(const struct lock_site *s)
{
	return s ? s->line : 0;
}

#define LOCKORDER_MAX_CLASSES  256     /* distinct lock names */
#define LOCKORDER_MAX_HELD     16      /* locks one core holds at once */
#define LOCKORDER_MAX_EDGES    2048    /* recorded A -> B pairs with sites */

enum lockorder_kind {
	LOCKORDER_INVERSION = 1,        /* B -> ... -> A known, A held, B taken */
	LOCKORDER_SAME_CLASS,           /* a second lock of a held class */
};

struct lockorder_report {
	enum lockorder_kind kind;
	const char *taken;              /* class being taken now */
	const struct lock_site *taken_site;
	const char *held;               /* class held while taking it */
	const struct lock_site *held_site;
	/* The earlier edge taken -> next on the known path back to held
	 * (next == held for a direct inversion); NULL sites if unknown. */
	const char *prior_from, *prior_to;
	const struct lock_site *prior_from_site, *prior_to_site;
	int path_len;                   /* edges on the known path */
};

/* A stack of held locks: one per core for spinlocks, one per kthread for
 * sleeping locks (struct kthread.qlocks).  Only its owner touches it. */
struct lockorder_held {
	const void *lock;
	uint16_t cls;
	const struct lock_site *site;   /* where it was taken */
};

struct lockorder_stack {
	int depth;
	struct lockorder_held e[LOCKORDER_MAX_HELD];
};

/* A sleeping lock's class: name (a string literal), looked up once. */
struct lockorder_key {
	const char *name;
	uint16_t class_id;              /* 0 = not yet looked up */
};

/* Called by spinlock.c around every acquisition and release. */
void lockorder_acquire(struct spinlock *l, const struct lock_site *site);
void lockorder_acquired(struct spinlock *l, const struct lock_site *site);
void lockorder_release(struct spinlock *l);

/* Called by sem.c for qlocks, on the current kthread's stack. */
void lockorder_sleep_acquire(struct lockorder_stack *st, struct lockorder_key *k,
                             const struct lock_site *site);
void lockorder_sleep_acquired(struct lockorder_stack *st, struct lockorder_key *k,
                              const struct lock_site *site);
void lockorder_sleep_release(struct lockorder_stack *st, struct lockorder_key *k);

/* For tests and diagnostics. */
void lockorder_capture_begin(struct lockorder_report *out);
int lockorder_capture_end(void);
/* Prints every recorded edge with the sites that first showed it (without
 * the checker lock: an edge added meanwhile may print without its sites). */
void lockorder_print(void);
int lockorder_nr_classes(void);
int lockorder_nr_edges(void);
int lockorder_held_depth(void);
bool lockorder_edge_known(const char *from, const char *to);
