/* SPDX-License-Identifier: MIT */
/*
 * evbitmap.c - the kernel's evbitmap producer (ros/evbitmap.h is the model).
 *
 * evbitmap_post() sets bit ev_type in the user's bitmap with an atomic OR,
 * then raises check_bits, so a consumer that clears check_bits before it
 * scans can never miss a bit.  uaccess has only a 32-bit compare-and-swap
 * on user memory, so the OR works on the naturally aligned half-word that
 * holds the bit: the 64-bit words stay atomic for the user, who may swap
 * them whole.  The payload is dropped by design.  Lock-free: any number of
 * kernel producers may post at once.  The current address space must be
 * the process's; nothing here is trusted (alignment, range, ev_type).
 */
#include <errno.h>
#include <event.h>
#include <ros/evbitmap.h>
#include <uaccess.h>

/* Atomically ORs bits into the user's 32-bit word at uaddr. */
static int evbitmap_or_u32(uintptr_t uaddr, uint32_t bits)
{
	uint32_t cur;
	int ret;

	if (get_user_u32(&cur, (void __user *)uaddr))
		return -EFAULT;
	do {
		if ((cur & bits) == bits)
			return 0;
		ret = cmpxchg_user_u32((void __user *)uaddr, &cur, cur | bits);
	} while (ret == -EAGAIN);
	return ret;
}

int evbitmap_post(uintptr_t evbm, const struct event_msg *msg)
{
	unsigned int type = msg->ev_type;
	uintptr_t word;
	int ret;

	if (type >= EV_NR_TYPES)
		return -EINVAL;
	if ((evbm & 7) || !user_range_ok(evbm, sizeof(struct evbitmap)))
		return -EFAULT;
	/* Little-endian: bit b of a u64 is bit b % 32 of its half b / 32. */
	word = evbm + __builtin_offsetof(struct evbitmap, bits) + (type / 64) * 8 +
	       ((type % 64) / 32) * 4;
	ret = evbitmap_or_u32(word, 1u << (type % 32));
	if (ret)
		return ret;
	return put_user_u64((void __user *)(evbm + __builtin_offsetof(struct evbitmap, check_bits)),
	                    1);
}
