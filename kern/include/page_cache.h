/* SPDX-License-Identifier: MIT */
/*
 * page_cache.h - the page cache behind file mappings (kern/src/vm/page_cache.c).
 *
 *	struct pcache_file *pcf = pcache_file_get(c);     // c: an open chan
 *	void *kva;
 *	int err = pcache_page_get(pcf, c, idx, &kva);     // page idx of the file,
 *	...map PADDR(kva)...; page_decref() when unmapped // with a reference
 *	pcache_page_dirty(pcf, idx);                      // a shared writer wrote it
 *	pcache_writeback(pcf, c, 0, PCACHE_MAX_IDX);      // through c (O_WRITE)
 *	pcache_file_put(pcf);                             // last: write back, free
 *
 * One pcache_file per file: the key is (device type, device instance,
 * qid.path) of the chan, which is what names "the same file" whatever chan
 * reached it.  A pcache_file lives while someone holds a reference (every
 * file VMR holds one), so the cache holds pages of mapped files only and
 * is bounded by what processes map; pages of an unmapped file are written
 * back and freed with it.  Pages are filled by reading through the chan
 * (the device's read at the page's offset): a short read leaves the rest of
 * the page zero, a read of nothing means the page is beyond the end of the
 * file (-ENXIO).  Dirty pages are written back through a chan opened for
 * writing, never past the file's length at writeback time (truncation).
 *
 * Not coherent with read()/write(): a mapping sees a file's bytes as they
 * were when its page was filled, and read() sees a shared mapping's writes
 * once they are written back (munmap, the last unmap).
 *
 * Locking: a global spinlock over the list of files; per file a spinlock
 * over its page slots (pcache_page_peek needs only that: it never sleeps)
 * and a semaphore that serialises fills and writebacks (they call the
 * device and may sleep).  Every function but peek needs a kthread context.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <atomic.h>
#include <kref.h>
#include <list.h>
#include <ns.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>

#define PCACHE_LEAF     512                     /* slots per leaf table */
#define PCACHE_DIR      512                     /* leaf tables per file */
#define PCACHE_MAX_IDX  ((uint64_t)PCACHE_LEAF * PCACHE_DIR)   /* 1 GiB of file */

struct pcache_file {
	struct list_head link;          /* [pcache_lock] */
	struct kref ref;                /* [a] */
	int type;                       /* [I] devtab index */
	uint32_t dev;                   /* [I] device instance */
	uint64_t qpath;                 /* [I] qid.path */
	spinlock_t lock;                /* guards [l] */
	struct sem io;                  /* serialises fills and writebacks */
	uintptr_t *dir[PCACHE_DIR];     /* [l] leaves: kva | PCACHE_DIRTY, 0 = none */
	size_t nr_pages;                /* [l] pages held */
	struct chan *wchan;             /* [io] a writable chan for the last writeback */
};

/* The cache file of c's file, with a new reference (created on first use);
 * NULL without memory.  Takes a reference to c if c is open for writing and
 * the file has no writer chan yet (for the writeback at release). */
struct pcache_file *pcache_file_get(struct chan *c);
/* The existing cache file of c's file with a new reference, or NULL. */
struct pcache_file *pcache_file_lookup(struct chan *c);
void pcache_file_hold(struct pcache_file *pcf);
/* The last reference writes dirty pages back and frees every page. */
void pcache_file_put(struct pcache_file *pcf);

/*
 * Page idx of the file, filled through c (open for reading) if not cached,
 * in *kva with a new page reference (the caller's, dropped with
 * page_decref).  0, -ENXIO beyond the end of the file, -EFBIG for idx >=
 * PCACHE_MAX_IDX, -ENOMEM, -EIO (the device failed; a message is printed).
 * May sleep.
 */
int pcache_page_get(struct pcache_file *pcf, struct chan *c, uint64_t idx, void **kva);
/* The cached page idx with a new reference, or NULL; never sleeps. */
void *pcache_page_peek(struct pcache_file *pcf, uint64_t idx);
/* Marks a cached page dirty (no-op if it is not cached). */
void pcache_page_dirty(struct pcache_file *pcf, uint64_t idx);
/* Writes the dirty pages of [lo, hi) through c (open for writing), clipped
 * to the file's length; 0 or the first -errno (the rest is still tried). */
int pcache_writeback(struct pcache_file *pcf, struct chan *c, uint64_t lo, uint64_t hi);

/* Memory pressure (mm/reclaim.c): drops every clean page that no mapping
 * holds; returns how many.  Never sleeps. */
size_t pcache_drop_clean(void);

/* Pages held by pcf, and by the whole cache (statistics, tests). */
size_t pcache_file_nr_pages(struct pcache_file *pcf);
size_t pcache_nr_pages(void);
size_t pcache_nr_files(void);
