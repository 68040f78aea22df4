/* SPDX-License-Identifier: MIT */
/*
 * vcore.c - vcores, the user side (parlib/vcore.h): the vcore stacks and
 * TLS blocks, the VCPD fields the kernel starts a vcore with, change_to_m,
 * requests and yields, and what vcore context does on every entry.
 *
 * Memory: one anonymous region of ROS_MAX_VCORES stacks (demand-paged),
 * so in_vcore_context() is a range check of the stack pointer and
 * vcore_id() in vcore context is the stack's index; a static TLS block per
 * vcore (the FS base the kernel loads, vcore_tls_desc) whose first word
 * points at itself, as the x86-64 TLS ABI wants, and which remembers the
 * uthread running on that vcore.
 *
 * Rules: the VCPDs are set up before the kernel can start their vcores:
 * VCPD 0 before change_to_m, the others right after it (single-threaded:
 * only thread0 runs, and no vcore was requested yet).  vc_tls[v].cur is
 * touched only by vcore v itself.  Syscalls from vcore context complete
 * before the trap returns (the kernel detaches only uthread context's), so
 * the synchronous helpers never park.
 */
#include <errno.h>
#include <stddef.h>
#include <parlib/event.h>
#include <parlib/syscall.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/mmap.h>
#include <ros/procdata.h>

struct vcore_tls {
	struct vcore_tls *self;         /* %fs:0, as the TLS ABI wants */
	uint32_t vcoreid;
	uint32_t __pad0;
	struct uthread *cur;            /* the uthread running on this vcore */
};

static struct procdata *const pdata = (struct procdata *)UDATA;
static const volatile struct procinfo *const pinfo = (const volatile struct procinfo *)UINFO;
static struct vcore_tls vc_tls[ROS_MAX_VCORES];
static uintptr_t vc_stacks;             /* ROS_MAX_VCORES stacks, lowest first */
static vcore_ev_handler_t vc_handlers[EV_NR_TYPES];
static int vc_fsgsbase = -1;            /* wrfsbase allowed: 1, no: 0, unknown: -1 */
void (*vcore_sched_entry)(uint32_t vcoreid);

static long vc_sys(uint32_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4, uint64_t a5)
{
	struct syscall sc = { .num = num, .arg0 = a0, .arg1 = a1, .arg2 = a2, .arg3 = a3,
	                      .arg4 = a4, .arg5 = a5 };

	ros_syscall_run(&sc);
	return sc.err ? -(long)sc.err : (long)sc.retval;
}

static uintptr_t vc_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	return sp;
}

bool in_vcore_context(void)
{
	uintptr_t sp = vc_sp();

	/* One unsigned compare: below vc_stacks wraps to a huge offset. */
	return vc_stacks && sp - vc_stacks < ROS_MAX_VCORES * VCORE_STACK_SIZE;
}

bool in_multi_mode(void)
{
	return pinfo->is_mcp != 0;
}

uint32_t vcore_id(void)
{
	if (in_vcore_context())
		return (uint32_t)((vc_sp() - vc_stacks) / VCORE_STACK_SIZE);
	return in_multi_mode() ? current_uthread()->vcoreid : 0;
}

uint32_t num_vcores(void)
{
	uint64_t s;
	uint32_t n;

	if (!in_multi_mode())
		return 1;
	do {
		s = __atomic_load_n(&pinfo->coremap_seqctr, __ATOMIC_ACQUIRE);
		n = pinfo->num_vcores;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((s & 1) || s != __atomic_load_n(&pinfo->coremap_seqctr, __ATOMIC_RELAXED));
	return n;
}

uintptr_t vcore_stack_top(uint32_t vcoreid)
{
	return vc_stacks + (uintptr_t)(vcoreid + 1) * VCORE_STACK_SIZE;
}

void vcore_set_current(uint32_t vcoreid, struct uthread *u)
{
	vc_tls[vcoreid].cur = u;
}


void vcore_set_fs_base(uint64_t base)
{
	if (vc_fsgsbase < 0) {
		uint32_t a = 7, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		vc_fsgsbase = b & 1;
	}
	if (vc_fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(base) : "memory");
	else
		vc_sys(SYS_set_fsbase, base, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ set-up */

static int vc_stacks_alloc(void)
{
	long a;

	if (vc_stacks)
		return 0;
	a = vc_sys(SYS_mmap, 0, ROS_MAX_VCORES * VCORE_STACK_SIZE, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	if (a < 0)
		return (int)a;
	vc_stacks = (uintptr_t)a;
	return 0;
}

static void vc_mbox_init(struct event_mbox *mbox)
{
	if (!mbox->type)
		event_mbox_init_bitmap(mbox);
}

/* VCPD v gets the entry, stack and TLS the kernel starts vcore v with. */
static void vcpd_setup(uint32_t v)
{
	struct vcpd *vcpd = &pdata->vcpd[v];

	vc_tls[v].self = &vc_tls[v];
	vc_tls[v].vcoreid = v;
	vc_mbox_init(&vcpd->ev_mbox_private);
	vc_mbox_init(&vcpd->ev_mbox_public);
	vcpd->vcore_entry = (uintptr_t)vcore_entry;
	vcpd->vcore_stack = vcore_stack_top(v);
	vcpd->vcore_tls_desc = (uintptr_t)&vc_tls[v];
	__atomic_fetch_or(&vcpd->flags, VC_CAN_RCV_MSG, __ATOMIC_RELEASE);
}

/* Waits for a record the kernel finishes on another core (change_to_m). */
static void vc_spin_done(struct syscall *sc)
{
	while (!(__atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_DONE))
		__builtin_ia32_pause();
	while (__atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_K_LOCK)
		__builtin_ia32_pause();
}

/* What change_to_m and the SCP 2LS both need first: vcore stacks, VCPD 0,
 * thread0 (u) on vcore 0.  0 or a negative errno. */
static int vc_prepare_vcore0(struct uthread *u)
{
	int ret = vc_stacks_alloc();

	if (ret)
		return ret;
	vcpd_setup(0);
	u->vcoreid = 0;
	return 0;
}

int vcore_change_to_m(void)
{
	struct syscall sc = { .num = SYS_change_to_m };
	struct uthread *u = current_uthread();
	int ret;

	if (in_multi_mode())
		return 0;
	if ((ret = vc_prepare_vcore0(u)))
		return ret;
	vc_tls[0].cur = u;
	/* On success the trap "returns" on vcore 0: the kernel saved this
	 * context in VCPD 0 and vcore_entry resumed it; the old kernel thread
	 * completes the record on the old core meanwhile. */
	ros_syscall_trap(&sc, 1);
	vc_spin_done(&sc);
	if (sc.err) {
		vc_tls[0].cur = NULL;
		return -(int)sc.err;
	}
	for (uint32_t v = 1; v < pinfo->max_vcores && v < ROS_MAX_VCORES; v++)
		vcpd_setup(v);
	vcore_preempt_init();
	return 0;
}

int vcore_scp_setup(void)
{
	struct uthread *u = current_uthread();
	int ret;

	if (in_multi_mode())
		return 0;
	if ((ret = vc_prepare_vcore0(u)))
		return ret;
	/* No kernel save gives thread0 its FS base here (change_to_m does on
	 * an MCP): the TLS ABI's self pointer at %fs:0 is that base. */
	__asm__ volatile("mov %%fs:0, %0" : "=r"(u->ctx.fs_base));
	vc_tls[0].cur = u;
	return 0;
}

int vcore_scp_faults(void)
{
	struct uthread *u = current_uthread();
	int ret;

	if (in_multi_mode())
		return 0;               /* an MCP's faults are reflected anyway */
	if ((ret = vc_prepare_vcore0(u)))
		return ret;
	vc_tls[0].cur = u;
	__atomic_fetch_or(&pdata->vcpd[0].flags, VC_SCP_FAULTS, __ATOMIC_RELEASE);
	return 0;
}

/* The child's copy of VCPD v: no notification state, no saved context
 * and empty mailboxes; of the flags only the user's own stay. */
static void vc_vcpd_after_fork(uint32_t v)
{
	struct vcpd *vcpd = &pdata->vcpd[v];

	vcpd->flags &= VC_CAN_RCV_MSG | VC_SCP_FAULTS;
	vcpd->rflags = 0;
	vcpd->notif_disabled = 0;
	vcpd->notif_pending = 0;
	event_mbox_init_bitmap(&vcpd->ev_mbox_private);
	event_mbox_init_bitmap(&vcpd->ev_mbox_public);
	vc_tls[v].cur = NULL;
}

void vcore_after_fork(void)
{
	for (uint32_t v = 0; v < ROS_MAX_VCORES; v++)
		if (vc_tls[v].self)     /* vcpd_setup ran: the parent used it */
			vc_vcpd_after_fork(v);
	if (pdata->vcpd[0].flags & VC_SCP_FAULTS)
		vc_tls[0].cur = current_uthread();      /* as vcore_scp_faults left it */
}

void vcore_set_wanted(uint32_t nr)
{
	__atomic_store_n(&pdata->head.res_req[RES_CORES].amt_wanted, nr, __ATOMIC_RELEASE);
}

int vcore_request_total(uint32_t nr)
{
	vcore_set_wanted(nr);
	return (int)vc_sys(SYS_poke_ksched, 0, RES_CORES, 0, 0, 0, 0);
}

/*
 * amt_wanted - 1, never below 1 (thread0 needs a vcore): each yielding
 * vcore takes back one unit of the request, so vcores yielding at once
 * each lower it (comparing with num_vcores() would race with their
 * leaving).  True if lowered.
 */
static bool vc_want_one_less(void)
{
	uint64_t *w = &pdata->head.res_req[RES_CORES].amt_wanted;
	uint64_t cur = __atomic_load_n(w, __ATOMIC_RELAXED);

	do {
		if (cur <= 1)
			return false;
	} while (!__atomic_compare_exchange_n(w, &cur, cur - 1, false, __ATOMIC_ACQ_REL,
	                                      __ATOMIC_RELAXED));
	return true;
}

void vcore_yield(void)
{
	struct syscall sc = { .num = SYS_proc_yield, .arg0 = 0 };
	uint32_t v = vcore_id();
	struct vcpd *vcpd = &pdata->vcpd[v];
	bool lowered = vc_want_one_less();

	/* No spammed message may land here once we are gone: stop taking
	 * them, then drain what came (the kernel refuses the yield if a
	 * notification came meanwhile). */
	vcore_help_stuck(v);
	__atomic_fetch_and(&vcpd->flags, ~VC_CAN_RCV_MSG, __ATOMIC_SEQ_CST);
	vc_dispatch(&vcpd->ev_mbox_public, v);
	/* Done, the kernel takes the core (or, the last vcore, waits for an
	 * event and restarts us at vcore_entry): the trap does not return. */
	ros_syscall_trap(&sc, 1);
	__atomic_fetch_or(&vcpd->flags, VC_CAN_RCV_MSG, __ATOMIC_SEQ_CST);
	if (lowered)
		__atomic_fetch_add(&pdata->head.res_req[RES_CORES].amt_wanted, 1,
		                   __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ events */

void vcore_register_ev_handler(uint16_t ev_type, vcore_ev_handler_t fn)
{
	if (ev_type < EV_NR_TYPES)
		__atomic_store_n(&vc_handlers[ev_type], fn, __ATOMIC_RELEASE);
}

void vc_dispatch(struct event_mbox *mbox, uint32_t vcoreid)
{
	struct event_msg m;

	while (event_mbox_get(mbox, &m)) {
		vcore_ev_handler_t fn = m.ev_type < EV_NR_TYPES ?
			__atomic_load_n(&vc_handlers[m.ev_type], __ATOMIC_ACQUIRE) : 0;

		if (fn)
			fn(&m, vcoreid);
	}
}

void (*vcore_events_hook)(uint32_t vcoreid);

void vcore_handle_events(uint32_t vcoreid)
{
	struct vcpd *vcpd = &pdata->vcpd[vcoreid];
	void (*hook)(uint32_t) = __atomic_load_n(&vcore_events_hook, __ATOMIC_ACQUIRE);

	__atomic_store_n(&vcpd->notif_pending, 0, __ATOMIC_SEQ_CST);
	vc_dispatch(&vcpd->ev_mbox_private, vcoreid);
	vc_dispatch(&vcpd->ev_mbox_public, vcoreid);
	if (hook)
		hook(vcoreid);
	vcore_preempt_check(vcoreid);
	vp_change_to_stuck(vcoreid);
}

/* ------------------------------------------------------- vcore context */

/* The kernel interrupted u on vcore v: its context moves into u, which
 * is runnable (v's cur cleared), or handed to the fault path. */
void vc_take_back(uint32_t v, struct uthread *u)
{
	struct vcpd *vcpd = &pdata->vcpd[v];
	bool fault = vcpd->rflags & VC_UTHREAD_FAULT;

	uthread_cpu_stop(u);
	__builtin_memcpy(&u->ctx, &vcpd->uthread_ctx, sizeof(u->ctx));
	u->ctx_light = false;           /* every register: vcore_pop_ctx's */
	if (vcpd->rflags & VC_FPU_SAVED) {
		__builtin_memcpy(u->fx, &vcpd->preempt_anc, FXSAVE_SIZE);
		u->fpu_saved = true;
		vcpd->rflags &= ~VC_FPU_SAVED;
	}
	vc_tls[v].cur = NULL;
	if (fault) {
		vcpd->rflags &= ~VC_UTHREAD_FAULT;
		vcore_uthread_faulted(u, &vcpd->refl_fault);    /* the 2LS decides */
		return;
	}
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
}

struct uthread *vcore_current_of(uint32_t vcoreid)
{
	return vc_tls[vcoreid].cur;
}

void vcore_continue(uint32_t vcoreid)
{
	for (;;) {
		vcore_handle_events(vcoreid);
		if (vcore_sched_entry)
			vcore_sched_entry(vcoreid);
		uthread_vcore_schedule(vcoreid);
		vcore_yield();
	}
}

void vcore_entry(uint32_t vcoreid)
{
	struct vcpd *vcpd = &pdata->vcpd[vcoreid];
	struct uthread *u;

	/* Restarted after a preemption: another vcore may be taking our
	 * uthread (vcore_preempt.c); it clears cur if it did. */
	while (__atomic_load_n(&vcpd->flags, __ATOMIC_SEQ_CST) & VC_UTHREAD_STEALING)
		__builtin_ia32_pause();
	__atomic_fetch_or(&vcpd->flags, VC_CAN_RCV_MSG, __ATOMIC_SEQ_CST);
	u = vc_tls[vcoreid].cur;
	if (u) {
		vc_take_back(vcoreid, u);
		/* With a 2LS, the uthread a notification interrupted stays this
		 * vcore's current one: the 2LS runs it again (sched_entry). */
		if (sched_ops && __atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == UTHREAD_RUNNABLE) {
			__atomic_store_n(&u->state, UTHREAD_RUNNING, __ATOMIC_RELAXED);
			vc_tls[vcoreid].cur = u;
		}
	}
	vcore_continue(vcoreid);
}
