/* SPDX-License-Identifier: MIT */
/*
 * sem_open.c - Vireo's sem_open and sem_close, replacing musl's (which
 * publishes a new semaphore by link()ing a filled temporary file to its
 * name: Vireo's file systems have no hard links).
 *
 * A named semaphore is the file /dev/shm/NAME (musl's __shm_mapname; the
 * /dev/shm tmpfs every name space has from boot), one sem_t long, mapped
 * MAP_SHARED: every process that opens the name maps the same page-cache
 * page.  Opening tries the existing file first (unless O_CREAT|O_EXCL);
 * creating is an O_CREAT|O_EXCL open (so exactly one creator wins, the
 * others retry the open), ftruncate to sizeof(sem_t), mmap, and sem_init
 * (pshared) into the mapping itself.  Unlike link(), that publishes the
 * name before the value: an opener racing with the creator can see, for
 * that moment, a zeroed sem_t, which is a valid process-shared semaphore
 * of value 0 (it waits, or sem_trywait says EAGAIN, until sem_init lands).
 *
 * Each process maps a name once: a static table of SEM_NSEMS_MAX slots (inode,
 * mapping, open count) under sem_lock, so sem_open of an already mapped
 * semaphore returns the same pointer and sem_close unmaps at the last
 * close.  A slot is reserved before any file is touched, so a full table
 * fails (EMFILE) before a semaphore can be created and lost.  fork() takes
 * the lock (__sem_open_lockptr) as it does with musl's file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lock.h"
#include "fork_impl.h"

char *__shm_mapname(const char *, char *);

struct sem_slot {
	ino_t ino;
	sem_t *sem;             /* NULL: free; (sem_t *)-1: reserved */
	int opens;
};

static struct sem_slot sem_tab[SEM_NSEMS_MAX];  /* [sem_lock] */
static volatile int sem_lock[1];
volatile int *const __sem_open_lockptr = sem_lock;

#define SEM_RESERVED ((sem_t *)-1)
#define SEM_OPEN_FLAGS (O_RDWR | O_NOFOLLOW | O_CLOEXEC)

/* A free slot, reserved; -1 (errno set) if none. */
static int sem_slot_reserve(void)
{
	int slot = -1;

	LOCK(sem_lock);
	for (int i = 0; i < SEM_NSEMS_MAX && slot < 0; i++)
		if (!sem_tab[i].sem)
			slot = i;
	if (slot >= 0)
		sem_tab[slot].sem = SEM_RESERVED;
	UNLOCK(sem_lock);
	if (slot < 0)
		errno = EMFILE;
	return slot;
}

/* The mapping of fd's semaphore (fd closed), or MAP_FAILED. */
static sem_t *sem_map_fd(int fd, struct stat *st)
{
	void *map = MAP_FAILED;

	if (fstat(fd, st) == 0)
		map = mmap(0, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return map;
}

/* Creates name with O_EXCL and initialises it; MAP_FAILED with errno. */
static sem_t *sem_create(const char *name, mode_t mode, unsigned value, struct stat *st)
{
	int fd = open(name, SEM_OPEN_FLAGS | O_CREAT | O_EXCL, mode);
	sem_t *sem;

	if (fd < 0)
		return MAP_FAILED;
	if (ftruncate(fd, sizeof(sem_t))) {
		int e = errno;

		close(fd);
		unlink(name);
		errno = e;
		return MAP_FAILED;
	}
	sem = sem_map_fd(fd, st);
	if (sem == MAP_FAILED)
		unlink(name);
	else
		sem_init(sem, 1, value);
	return sem;
}

/* Opens or creates the file of name; the mapping, or MAP_FAILED. */
static sem_t *sem_find(const char *name, int flags, mode_t mode, unsigned value,
                       struct stat *st)
{
	for (;;) {
		sem_t *sem;
		int fd;

		if ((flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL)) {
			fd = open(name, SEM_OPEN_FLAGS);
			if (fd >= 0)
				return sem_map_fd(fd, st);
			if (errno != ENOENT || !(flags & O_CREAT))
				return MAP_FAILED;
		}
		sem = sem_create(name, mode, value, st);
		if (sem != MAP_FAILED || errno != EEXIST || (flags & O_EXCL))
			return sem;
		/* Someone else created it meanwhile: open theirs. */
	}
}

/* Puts sem in slot, or reuses the slot that maps the same file. */
static sem_t *sem_slot_fill(int slot, sem_t *sem, ino_t ino)
{
	LOCK(sem_lock);
	for (int i = 0; i < SEM_NSEMS_MAX; i++) {
		if (i != slot && sem_tab[i].sem && sem_tab[i].sem != SEM_RESERVED &&
		    sem_tab[i].ino == ino) {
			munmap(sem, sizeof(sem_t));
			sem_tab[slot].sem = NULL;
			slot = i;
			sem = sem_tab[i].sem;
			break;
		}
	}
	sem_tab[slot].sem = sem;
	sem_tab[slot].ino = ino;
	sem_tab[slot].opens++;
	UNLOCK(sem_lock);
	return sem;
}

sem_t *sem_open(const char *name, int flags, ...)
{
	char path[NAME_MAX + 10];
	unsigned value = 0;
	mode_t mode = 0;
	struct stat st;
	sem_t *sem;
	int slot, cs;

	if (!__shm_mapname(name, path))
		return SEM_FAILED;
	flags &= O_CREAT | O_EXCL;
	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t) & 0666;
		value = va_arg(ap, unsigned);
		va_end(ap);
		if (value > SEM_VALUE_MAX) {
			errno = EINVAL;
			return SEM_FAILED;
		}
	}
	slot = sem_slot_reserve();
	if (slot < 0)
		return SEM_FAILED;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	sem = sem_find(path, flags, mode, value, &st);
	pthread_setcancelstate(cs, 0);
	if (sem == MAP_FAILED) {
		LOCK(sem_lock);
		sem_tab[slot].sem = NULL;
		UNLOCK(sem_lock);
		return SEM_FAILED;
	}
	return sem_slot_fill(slot, sem, st.st_ino);
}

int sem_close(sem_t *sem)
{
	int i, last = 0;

	LOCK(sem_lock);
	for (i = 0; i < SEM_NSEMS_MAX; i++)
		if (sem_tab[i].sem == sem && sem != SEM_RESERVED)
			break;
	if (i == SEM_NSEMS_MAX) {
		UNLOCK(sem_lock);
		errno = EINVAL;
		return -1;
	}
	if (--sem_tab[i].opens == 0) {
		sem_tab[i].sem = NULL;
		sem_tab[i].ino = 0;
		last = 1;
	}
	UNLOCK(sem_lock);
	if (last)
		munmap(sem, sizeof(*sem));
	return 0;
}
