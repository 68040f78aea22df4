/* SPDX-License-Identifier: MIT */
/*
 * fdtap_list.c - the device side of FD taps: a file's list of taps, and
 * firing it.
 *
 *	struct fdtap_list taps;  fdtap_list_init(&taps, "pipe taps");
 *	tapfd:      if (fdtap_dev_tapfd(file_has_taps ? &taps : NULL, tap, cmd,
 *	                                "#mydev", "data")
 *	                && ready)
 *	                    fdtap_fire(tap, FDTAP_FILT_READABLE);
 *	(or by hand: fdtap_check_filter, fdtap_list_add / fdtap_list_del)
 *	an edge:    fdtap_list_fire(&taps, FDTAP_FILT_READABLE);  // any context
 *
 * The list's lock is an irqsave spinlock and a leaf: under it only tap
 * flags are read and fdtap_fire's atomics run.  An empty list is seen
 * without the lock, so untapped files (a timer storm's IRQs) pay nothing.  fdtap_list_fire kicks the
 * poster (fdtap_kick, a kernel message) after dropping it.  A device frees
 * its list only once every tap has been REMoved, which the tap's chan
 * reference guarantees (the file stays alive while it is tapped).
 */
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kstring.h>

void fdtap_list_init(struct fdtap_list *l, const char *lockname)
{
	spinlock_init(&l->lock, lockname);
	list_init(&l->taps);
}

void fdtap_list_add(struct fdtap_list *l, struct fd_tap *tap)
{
	uint64_t flags = spin_lock_irqsave(&l->lock);

	list_add_tail(&tap->dev_link, &l->taps);
	spin_unlock_irqrestore(&l->lock, flags);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);        /* pairs with fdtap_list_fire */
}

void fdtap_list_del(struct fdtap_list *l, struct fd_tap *tap)
{
	uint64_t flags = spin_lock_irqsave(&l->lock);

	list_del(&tap->dev_link);
	spin_unlock_irqrestore(&l->lock, flags);
}

void fdtap_list_fire(struct fdtap_list *l, uint32_t bits)
{
	struct fd_tap *tap;
	uint64_t flags;

	/* An untapped file (the common case; a timer storm's IRQs) takes no
	 * lock.  A tap linked meanwhile is fired by its ADD, which looks at
	 * the file's state after linking (the fences order the two). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (list_empty(&l->taps))
		return;
	flags = spin_lock_irqsave(&l->lock);

	list_for_each_entry(tap, &l->taps, dev_link)
		if (tap->filter & bits)
			fdtap_fire(tap, tap->filter & bits);
	spin_unlock_irqrestore(&l->lock, flags);
	fdtap_kick();
}

bool fdtap_dev_tapfd_filters(struct fdtap_list *l, struct fd_tap *tap, int cmd,
                             const char *dev, const char *which, uint32_t ok)
{
	if (!l) {
		if (cmd == FDTAP_CMD_ADD)
			error(EPERM, "tap_fds: fd %d: of %s, only %s %s taps", tap->fd, dev, which,
			      strchr(which, ' ') ? "have" : "has");
		return false;
	}
	if (cmd != FDTAP_CMD_ADD) {
		fdtap_list_del(l, tap);
		return false;
	}
	fdtap_check_filter(tap, ok, dev);
	fdtap_list_add(l, tap);
	return true;
}

bool fdtap_dev_tapfd(struct fdtap_list *l, struct fd_tap *tap, int cmd, const char *dev,
                     const char *which)
{
	return fdtap_dev_tapfd_filters(l, tap, cmd, dev, which, FDTAP_FILT_READINESS);
}

void fdtap_check_filter(struct fd_tap *tap, uint32_t ok, const char *dev)
{
	if (tap->filter & ~ok)
		error(EINVAL, "tap_fds: fd %d: %s taps support filters %#x, not %#x", tap->fd,
		      dev, ok, tap->filter & ~ok);
}
