/* SPDX-License-Identifier: MIT */
/*
 * page_cache.c - file pages for mmap (page_cache.h).
 *
 * Model: a list of pcache_files, one per mapped file, keyed by (devtab
 * index, device instance, qid.path).  Each holds a two-level table of
 * slots: a slot is the direct-map address of a page (the cache's own page
 * reference) with bit 0 set while the page is dirty.  Pages are filled by
 * reading through the chan the faulting region maps (chan_read at the
 * page's offset, under waserror: this is core code and never lets error()
 * escape) and written back with chan_write, clipped to the length a stat
 * reports at that moment.
 *
 * Lifetime: pcache_file_get/lookup/hold take a kref; the last put unlinks
 * the file from the list, writes back what is still dirty through its
 * writer chan, drops the cache's page references and frees the tables.
 * Lookups use kref_get_not_zero, so a dying file is never handed out.
 *
 * Reclaim (pcache_drop_clean, under memory pressure): clean pages that
 * only the cache holds are dropped; a later fault reads them again.
 *
 * Locking: pcache_lock (spinlock) over the list; pcf->lock (spinlock) over
 * the slots; pcf->io (semaphore) around fills and writebacks, which call
 * the device and may sleep.  Order: io, then lock.  Counters are atomics.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <page_cache.h>
#include <printk.h>
#include <sysfile.h>
#include <arch/mmu.h>

#define PCACHE_DIRTY 1UL

static spinlock_t pcache_lock = SPINLOCK_INITIALIZER("pcache");
static struct list_head pcache_files = LIST_HEAD_INIT(pcache_files);
static atomic_t pcache_pages = ATOMIC_INIT(0);
static atomic_t pcache_files_live = ATOMIC_INIT(0);

/* ------------------------------------------------------------- files --- */

static bool pcache_file_is(const struct pcache_file *pcf, const struct chan *c)
{
	return pcf->type == c->type && pcf->dev == c->dev && pcf->qpath == c->qid.path;
}

/* The live file of c, with a reference; pcache_lock held. */
static struct pcache_file *pcache_find_locked(const struct chan *c)
{
	struct pcache_file *pcf;

	list_for_each_entry(pcf, &pcache_files, link)
		if (pcache_file_is(pcf, c) && kref_get_not_zero(&pcf->ref))
			return pcf;
	return NULL;
}

struct pcache_file *pcache_file_lookup(struct chan *c)
{
	struct pcache_file *pcf;

	spin_lock(&pcache_lock);
	pcf = pcache_find_locked(c);
	spin_unlock(&pcache_lock);
	return pcf;
}

static struct pcache_file *pcache_file_new(struct chan *c)
{
	struct pcache_file *pcf = kzmalloc(sizeof(*pcf), MEM_WAIT);

	if (!pcf)
		return NULL;
	kref_init(&pcf->ref);
	pcf->type = c->type;
	pcf->dev = c->dev;
	pcf->qpath = c->qid.path;
	spinlock_init(&pcf->lock, "pcache_file");
	qlock_init(&pcf->io, "pcache_file io");
	list_init(&pcf->link);
	return pcf;
}

/* Keeps c as the writer chan of pcf if it can write and there is none. */
static void pcache_take_writer(struct pcache_file *pcf, struct chan *c)
{
	if (!(c->mode & O_WRITE))
		return;
	sem_down(&pcf->io);
	if (!pcf->wchan) {
		chan_incref(c);
		pcf->wchan = c;
	}
	sem_up(&pcf->io);
}

struct pcache_file *pcache_file_get(struct chan *c)
{
	struct pcache_file *pcf = pcache_file_lookup(c), *fresh;

	if (!pcf) {
		fresh = pcache_file_new(c);
		if (!fresh)
			return NULL;
		spin_lock(&pcache_lock);
		pcf = pcache_find_locked(c);
		if (!pcf) {
			list_add(&fresh->link, &pcache_files);
			pcf = fresh;
			fresh = NULL;
			atomic_inc(&pcache_files_live);
		}
		spin_unlock(&pcache_lock);
		kfree(fresh);
	}
	pcache_take_writer(pcf, c);
	return pcf;
}

void pcache_file_hold(struct pcache_file *pcf)
{
	kref_get(&pcf->ref);
}

/* Drops the cache's reference on every page and frees the leaves. */
static void pcache_free_pages(struct pcache_file *pcf)
{
	for (int d = 0; d < PCACHE_DIR; d++) {
		if (!pcf->dir[d])
			continue;
		for (int i = 0; i < PCACHE_LEAF; i++) {
			if (!pcf->dir[d][i])
				continue;
			kpage_free((void *)(pcf->dir[d][i] & ~(uintptr_t)(PGSIZE - 1)));
			atomic_dec(&pcache_pages);
		}
		kfree(pcf->dir[d]);
	}
}

static void pcache_file_release(struct kref *ref)
{
	struct pcache_file *pcf = container_of(ref, struct pcache_file, ref);

	spin_lock(&pcache_lock);
	list_del(&pcf->link);
	spin_unlock(&pcache_lock);
	if (pcf->wchan) {
		pcache_writeback(pcf, pcf->wchan, 0, PCACHE_MAX_IDX);
		cclose(pcf->wchan);
	}
	pcache_free_pages(pcf);
	atomic_dec(&pcache_files_live);
	kfree(pcf);
}

void pcache_file_put(struct pcache_file *pcf)
{
	if (pcf)
		kref_put(&pcf->ref, pcache_file_release);
}

/* ------------------------------------------------------------- slots --- */

/* The slot of idx, or NULL if its leaf does not exist; pcf->lock held. */
static uintptr_t *pcache_slot(struct pcache_file *pcf, uint64_t idx)
{
	uintptr_t *leaf = pcf->dir[idx / PCACHE_LEAF];

	return leaf ? &leaf[idx % PCACHE_LEAF] : NULL;
}

static void *pcache_slot_page(uintptr_t slot)
{
	return (void *)(slot & ~(uintptr_t)(PGSIZE - 1));
}

void *pcache_page_peek(struct pcache_file *pcf, uint64_t idx)
{
	uintptr_t *slot;
	void *kva = NULL;

	if (idx >= PCACHE_MAX_IDX)
		return NULL;
	spin_lock(&pcf->lock);
	slot = pcache_slot(pcf, idx);
	if (slot && *slot) {
		kva = pcache_slot_page(*slot);
		page_incref(kva2page(kva));
	}
	spin_unlock(&pcf->lock);
	return kva;
}

void pcache_page_dirty(struct pcache_file *pcf, uint64_t idx)
{
	uintptr_t *slot;

	if (idx >= PCACHE_MAX_IDX)
		return;
	spin_lock(&pcf->lock);
	slot = pcache_slot(pcf, idx);
	if (slot && *slot)
		*slot |= PCACHE_DIRTY;
	spin_unlock(&pcf->lock);
}

/* Reads page idx of c's file into the zeroed page; 0, -ENXIO, -EIO. */
static int pcache_fill(struct chan *c, uint64_t idx, void *kva)
{
	ERRSTACK(1);
	volatile size_t n = 0;

	if (waserror()) {
		printk("pcache: reading page %lu of '%s': %s\n", (unsigned long)idx,
		       c->name ? c->name->s : "?", get_errstr());
		return -EIO;
	}
	n = chan_read(c, kva, PGSIZE, (int64_t)(idx * PGSIZE));
	poperror();
	if (n > PGSIZE) {
		printk("pcache: device read %zu bytes for a page\n", (size_t)n);
		return -EIO;
	}
	return n ? 0 : -ENXIO;
}

/* Stores the fresh page as slot idx (leaf allocated first); pcf->io held. */
static int pcache_install(struct pcache_file *pcf, uint64_t idx, void *kva)
{
	uintptr_t *leaf = NULL;

	if (!pcf->dir[idx / PCACHE_LEAF]) {
		leaf = kzmalloc(PCACHE_LEAF * sizeof(uintptr_t), MEM_WAIT);
		if (!leaf)
			return -ENOMEM;
	}
	spin_lock(&pcf->lock);
	if (!pcf->dir[idx / PCACHE_LEAF]) {
		pcf->dir[idx / PCACHE_LEAF] = leaf;
		leaf = NULL;
	}
	assert(!*pcache_slot(pcf, idx));
	*pcache_slot(pcf, idx) = (uintptr_t)kva;
	pcf->nr_pages++;
	spin_unlock(&pcf->lock);
	kfree(leaf);
	atomic_inc(&pcache_pages);
	return 0;
}

int pcache_page_get(struct pcache_file *pcf, struct chan *c, uint64_t idx, void **kva)
{
	void *page;
	int ret;

	if (idx >= PCACHE_MAX_IDX)
		return -EFBIG;
	if ((*kva = pcache_page_peek(pcf, idx)))
		return 0;
	sem_down(&pcf->io);
	ret = (*kva = pcache_page_peek(pcf, idx)) ? 1 : 0;
	if (!ret) {
		page = kpage_zalloc(MEM_ATOMIC);        /* fails rather than waits */
		ret = page ? pcache_fill(c, idx, page) : -ENOMEM;
		if (!ret)
			ret = pcache_install(pcf, idx, page);
		if (ret && page)
			kpage_free(page);
		if (!ret) {
			page_incref(kva2page(page));
			*kva = page;
		}
	}
	sem_up(&pcf->io);
	return ret > 0 ? 0 : ret;
}

/* ---------------------------------------------------------- writeback --- */

/* The file's length now, or -1 (message printed). */
static int64_t pcache_file_length(struct chan *c)
{
	ERRSTACK(1);
	struct dir *volatile d = NULL;
	int64_t len;

	if (waserror()) {
		printk("pcache: stat of '%s' for writeback: %s\n", c->name ? c->name->s : "?",
		       get_errstr());
		return -1;
	}
	d = chan_dirstat(c);
	poperror();
	len = d->length;
	kfree(d);
	return len;
}

static int pcache_write_page(struct chan *c, uint64_t idx, const void *kva, int64_t flen)
{
	ERRSTACK(1);
	int64_t off = (int64_t)(idx * PGSIZE);
	volatile size_t n;

	if (flen <= off)
		return 0;               /* truncated below this page: nothing to keep */
	n = (size_t)MIN((int64_t)PGSIZE, flen - off);
	if (waserror()) {
		printk("pcache: writeback of page %lu of '%s': %s\n", (unsigned long)idx,
		       c->name ? c->name->s : "?", get_errstr());
		return -EIO;
	}
	chan_write(c, kva, n, off);
	poperror();
	return 0;
}

/* Takes the next dirty page in [*idx, hi) (clearing its bit, with a
 * reference); NULL at the end.  pcf->lock is taken here. */
static void *pcache_next_dirty(struct pcache_file *pcf, uint64_t *idx, uint64_t hi)
{
	void *kva = NULL;

	spin_lock(&pcf->lock);
	for (; *idx < hi && !kva; (*idx)++) {
		uintptr_t *slot = pcache_slot(pcf, *idx);

		if (!slot) {
			*idx = ALIGN_UP(*idx + 1, PCACHE_LEAF) - 1;
			continue;
		}
		if (*slot & PCACHE_DIRTY) {
			*slot &= ~PCACHE_DIRTY;
			kva = pcache_slot_page(*slot);
			page_incref(kva2page(kva));
			break;
		}
	}
	spin_unlock(&pcf->lock);
	return kva;
}

int pcache_writeback(struct pcache_file *pcf, struct chan *c, uint64_t lo, uint64_t hi)
{
	int64_t flen = -2;
	void *kva;
	int ret = 0, r;

	hi = MIN(hi, PCACHE_MAX_IDX);
	sem_down(&pcf->io);
	for (uint64_t idx = lo; (kva = pcache_next_dirty(pcf, &idx, hi)); idx++) {
		if (flen == -2)
			flen = pcache_file_length(c);
		r = flen < 0 ? -EIO : pcache_write_page(c, idx, kva, flen);
		if (r && !ret)
			ret = r;
		kpage_free(kva);
	}
	sem_up(&pcf->io);
	return ret;
}

/* ----------------------------------------------------------- reclaim --- */

/* Empties the slot if its page is clean and held by the cache alone (no
 * mapping); the page, or NULL.  pcf->lock held, and pcf->io, so that no
 * fill is between installing a page and taking its caller's reference. */
static void *pcache_take_clean(struct pcache_file *pcf, uintptr_t *slot)
{
	void *kva = pcache_slot_page(*slot);

	if (!*slot || (*slot & PCACHE_DIRTY) || page_refcnt(kva2page(kva)) != 1)
		return NULL;
	*slot = 0;
	pcf->nr_pages--;
	return kva;
}

static size_t pcache_file_drop_clean(struct pcache_file *pcf)
{
	size_t n = 0;
	void *kva;

	if (!sem_trydown(&pcf->io))
		return 0;               /* busy: a fill or writeback; next time */
	for (int d = 0; d < PCACHE_DIR; d++) {
		for (int i = 0; pcf->dir[d] && i < PCACHE_LEAF; i++) {
			spin_lock(&pcf->lock);
			kva = pcache_take_clean(pcf, &pcf->dir[d][i]);
			spin_unlock(&pcf->lock);
			if (!kva)
				continue;
			kpage_free(kva);
			atomic_dec(&pcache_pages);
			n++;
		}
	}
	sem_up(&pcf->io);
	return n;
}

/* Holding pcache_lock keeps every listed file's leaves alive: a release
 * unlinks the file under that lock before it frees anything. */
size_t pcache_drop_clean(void)
{
	struct pcache_file *pcf;
	size_t n = 0;

	spin_lock(&pcache_lock);
	list_for_each_entry(pcf, &pcache_files, link)
		n += pcache_file_drop_clean(pcf);
	spin_unlock(&pcache_lock);
	return n;
}

/* -------------------------------------------------------------- stats --- */

size_t pcache_file_nr_pages(struct pcache_file *pcf)
{
	size_t n;

	spin_lock(&pcf->lock);
	n = pcf->nr_pages;
	spin_unlock(&pcf->lock);
	return n;
}

size_t pcache_nr_pages(void)
{
	return (size_t)atomic_read(&pcache_pages);
}

size_t pcache_nr_files(void)
{
	return (size_t)atomic_read(&pcache_files_live);
}
