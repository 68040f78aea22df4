/* SPDX-License-Identifier: MIT */
/*
 * kmalloc.c - kmalloc and friends on top of slab caches and the page arena
 * (see kmalloc.h for the contract).
 *
 * Layout of every object:  [struct kmalloc_hdr][caller's bytes ...]
 * The header's class is an index into kmalloc_caches, or KMALLOC_LARGE for
 * page-arena memory (whose length is recomputed from the requested size).
 * kmalloc_align() allocates a bigger plain object and puts a second,
 * KMALLOC_MAGIC_ALIGNED header right before the aligned pointer, holding
 * the distance back to the real object.
 *
 * Live counts are two atomics updated on every alloc and free; leak checks
 * read them.  Nothing here takes a lock of its own.
 */
#include <kmalloc.h>
#include <slab.h>
#include <arena.h>
#include <atomic.h>
#include <assert.h>
#include <kstring.h>
#include <overflow.h>
#include <printk.h>
#include <ros/mmu64.h>

#define KMALLOC_MAGIC_LIVE    0x6b6d616cu   /* "kmal" */
#define KMALLOC_MAGIC_FREE    0x66726565u   /* "free" */
#define KMALLOC_MAGIC_ALIGNED 0x616c676eu   /* "algn" */
#define KMALLOC_LARGE         0xffffu
#define KMALLOC_HARD_MAX      (1ULL << 46)   /* bigger than any RAM */

struct kmalloc_hdr {
	uint32_t magic;
	uint32_t class;
	size_t size;          /* requested bytes; ALIGNED: offset to the real hdr */
};

static_assert_msg(sizeof(struct kmalloc_hdr) == 16, "keeps 16-byte alignment");

static const uint16_t kmalloc_sizes[] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
	3072, 4096, 6144, 8192,
};
#define KMALLOC_NR_CLASSES ARRAY_SIZE(kmalloc_sizes)

static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CLASSES];
static struct arena *kmalloc_pages;
static atomic_t kmalloc_live_objs, kmalloc_live_bytes;

void kmalloc_init(struct arena *pages)
{
	char name[KMEM_NAME_LEN];

	kmalloc_pages = pages;
	for (size_t i = 0; i < KMALLOC_NR_CLASSES; i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
		kmalloc_caches[i] = kmem_cache_create(name, kmalloc_sizes[i], 16,
		                                      0, NULL, NULL, pages);
		if (!kmalloc_caches[i])
			panic("kmalloc_init: cannot create cache %s", name);
	}
}

/* The smallest class holding 'need' bytes, or -1 for page memory. */
static int kmalloc_class(size_t need)
{
	for (size_t i = 0; i < KMALLOC_NR_CLASSES; i++)
		if (need <= kmalloc_sizes[i])
			return i;
	return -1;
}

static size_t kmalloc_large_bytes(size_t size)
{
	return ALIGN_UP(size + sizeof(struct kmalloc_hdr), PGSIZE);
}

static void kmalloc_poison(void *p, int byte, size_t n)
{
#ifdef CONFIG_KMALLOC_POISON
	memset(p, byte, n);
#endif
}

void *kmalloc(size_t size, int flags)
{
	struct kmalloc_hdr *h;
	int cls;

	if (!mem_flags_ok(flags)) {
		warn("kmalloc(%zu): give exactly one of MEM_WAIT, MEM_ATOMIC "
		     "(flags %#x)", size, flags);
		return NULL;
	}
	if (!kmalloc_pages || size > KMALLOC_HARD_MAX)
		return NULL;
	cls = kmalloc_class(size + sizeof(*h));
	if (cls >= 0)
		h = kmem_cache_alloc(kmalloc_caches[cls], flags);
	else
		h = arena_alloc(kmalloc_pages, kmalloc_large_bytes(size), flags);
	if (!h)
		return NULL;
	*h = (struct kmalloc_hdr){ .magic = KMALLOC_MAGIC_LIVE,
		.class = cls >= 0 ? (uint32_t)cls : KMALLOC_LARGE, .size = size };
	kmalloc_poison(h + 1, 0xa5, size);
	atomic_inc(&kmalloc_live_objs);
	atomic_add(&kmalloc_live_bytes, size);
	return h + 1;
}

void *kzmalloc(size_t size, int flags)
{
	void *p = kmalloc(size, flags);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kmalloc_array(size_t n, size_t size, int flags)
{
	return kmalloc(array_size(n, size), flags);
}

/* The header of a live object; panics on anything else. */
static struct kmalloc_hdr *kmalloc_hdr_live(const void *ptr, const char *who)
{
	struct kmalloc_hdr *h = (struct kmalloc_hdr *)ptr - 1;

	if (h->magic == KMALLOC_MAGIC_ALIGNED)
		h = (struct kmalloc_hdr *)((char *)ptr - h->size) - 1;
	if (h->magic != KMALLOC_MAGIC_LIVE ||
	    (h->class >= KMALLOC_NR_CLASSES && h->class != KMALLOC_LARGE))
		panic("%s(%p): not a live kmalloc object (double free or bad "
		      "pointer; magic %#x)", who, ptr, h->magic);
	return h;
}

void kfree(void *ptr)
{
	struct kmalloc_hdr *h;

	if (!ptr)
		return;
	h = kmalloc_hdr_live(ptr, "kfree");
	h->magic = KMALLOC_MAGIC_FREE;
	kmalloc_poison(h + 1, 0x6b, h->size);
	atomic_dec(&kmalloc_live_objs);
	atomic_add(&kmalloc_live_bytes, -(int64_t)h->size);
	if (h->class == KMALLOC_LARGE)
		arena_free(kmalloc_pages, h, kmalloc_large_bytes(h->size));
	else
		kmem_cache_free(kmalloc_caches[h->class], h);
}

size_t kmalloc_size(const void *ptr)
{
	return kmalloc_hdr_live(ptr, "kmalloc_size")->size;
}

/* True if an object of class/size 'h' can hold 'size' bytes unchanged. */
static bool kmalloc_fits(const struct kmalloc_hdr *h, size_t size)
{
	if (h->class == KMALLOC_LARGE)
		return size <= KMALLOC_HARD_MAX &&
		       kmalloc_large_bytes(size) == kmalloc_large_bytes(h->size);
	return size + sizeof(*h) <= kmalloc_sizes[h->class];
}

void *krealloc(void *ptr, size_t size, int flags)
{
	struct kmalloc_hdr *h;
	void *n;

	if (!ptr)
		return kmalloc(size, flags);
	if (!mem_flags_ok(flags)) {
		warn("krealloc(%zu): give exactly one of MEM_WAIT, MEM_ATOMIC "
		     "(flags %#x)", size, flags);
		return NULL;
	}
	h = kmalloc_hdr_live(ptr, "krealloc");
	if (h + 1 != ptr) {
		warn("krealloc(%p): memory from kmalloc_align cannot move", ptr);
		return NULL;
	}
	if (!size) {
		kfree(ptr);
		return NULL;
	}
	if (kmalloc_fits(h, size)) {
		atomic_add(&kmalloc_live_bytes, (int64_t)size - (int64_t)h->size);
		h->size = size;
		return ptr;
	}
	n = kmalloc(size, flags);
	if (!n)
		return NULL;
	memcpy(n, ptr, MIN(size, h->size));
	kfree(ptr);
	return n;
}

void *kmalloc_align(size_t size, size_t align, int flags)
{
	struct kmalloc_hdr *ah;
	uintptr_t raw, aligned;
	size_t need;

	if (!IS_POWER_OF_2(align) || add_overflows(size, align, &need)) {
		warn("kmalloc_align(%zu, %zu): bad alignment", size, align);
		return NULL;
	}
	if (align <= sizeof(*ah))
		return kmalloc(size, flags);
	raw = (uintptr_t)kmalloc(need, flags);
	if (!raw)
		return NULL;
	aligned = ALIGN_UP(raw + sizeof(*ah), align);
	ah = (struct kmalloc_hdr *)aligned - 1;
	if (aligned != raw)
		*ah = (struct kmalloc_hdr){ .magic = KMALLOC_MAGIC_ALIGNED,
		                            .size = aligned - raw };
	return (void *)aligned;
}

void kmalloc_get_live(size_t *nr_objects, size_t *nr_bytes)
{
	*nr_objects = atomic_read(&kmalloc_live_objs);
	*nr_bytes = atomic_read(&kmalloc_live_bytes);
}
