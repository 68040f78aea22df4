/* SPDX-License-Identifier: MIT */
/*
 * test_abi.c - host tests of the user/kernel ABI (kern/include/ros/) and of
 * the syscall generator (scripts/mksyscalls.py).
 *
 * Layout: the offsets and sizes the headers assert at compile time are
 * checked again at run time, so a wrong assert cannot hide a wrong layout,
 * and flag sets are checked for distinct bits and complete masks.
 * Headers: each ros/ header is compiled alone, first, against a sysroot that
 * holds only the ros/ trees and the generated headers, both as user code and
 * with the kernel's flags: every header is self-contained and includes
 * nothing kernel-private.
 * Generator: the generated numbers and table agree with each other, the
 * calls issue 4 names are there (reserved ones reserved, with no handler),
 * Documentation/syscalls.md lists every call, and broken lists are refused
 * with a message naming the line.  The tests run from the repository's top
 * (make hosttest does) and need gcc and python3, as the build does.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include <compiler.h>

#include <ros/ceq.h>
#include <ros/event.h>
#include <ros/evbitmap.h>
#include <ros/globalinfo.h>
#include <ros/kstat.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>
#include <ros/syscall.h>
#include <ros/ucq.h>
#include <ros/vcpd.h>

#define SYSCALL_TABLE_DEFINE
#include <generated/syscall_table.h>

#include "htest.h"

#define OFF(type, field) __builtin_offsetof(struct type, field)

/* Stub handlers, so the table links: one per call that is not reserved. */
#define STUB_0(name) \
	int64_t sys_##name(struct syscall_ctx *ctx) { return 0; }
#define STUB_1(name)
#define STUB(nr, name, nargs, reserved) STUB_##reserved(name)
SYS_FOREACH(STUB)

HTEST(abi_syscall_layout)
{
	HT_ASSERT_EQ(OFF(syscall, num), 0);
	HT_ASSERT_EQ(OFF(syscall, err), 4);
	HT_ASSERT_EQ(OFF(syscall, retval), 8);
	HT_ASSERT_EQ(OFF(syscall, flags), 16);
	HT_ASSERT_EQ(OFF(syscall, ev_q), 24);
	HT_ASSERT_EQ(OFF(syscall, u_data), 32);
	HT_ASSERT_EQ(OFF(syscall, arg0), 40);
	HT_ASSERT_EQ(OFF(syscall, arg1), 48);
	HT_ASSERT_EQ(OFF(syscall, arg2), 56);
	HT_ASSERT_EQ(OFF(syscall, arg3), 64);
	HT_ASSERT_EQ(OFF(syscall, arg4), 72);
	HT_ASSERT_EQ(OFF(syscall, arg5), 80);
	HT_ASSERT_EQ(OFF(syscall, errstr), 88);
	HT_ASSERT_EQ(sizeof(((struct syscall *)0)->errstr), 128);
	HT_ASSERT_EQ(sizeof(struct syscall), 216);
	HT_ASSERT_EQ(_Alignof(struct syscall), 8);
	HT_ASSERT_EQ(sizeof(struct childfdmap), 16);
	HT_ASSERT_EQ(OFF(childfdmap, ok), 8);
}

HTEST(abi_event_layout)
{
	HT_ASSERT_EQ(sizeof(struct event_msg), 24);
	HT_ASSERT_EQ(OFF(event_msg, ev_arg1), 2);
	HT_ASSERT_EQ(OFF(event_msg, ev_arg2), 4);
	HT_ASSERT_EQ(OFF(event_msg, ev_arg3), 8);
	HT_ASSERT_EQ(OFF(event_msg, ev_arg4), 16);
	HT_ASSERT_EQ(sizeof(struct event_queue), 40);
	HT_ASSERT_EQ(OFF(event_queue, ev_flags), 8);
	HT_ASSERT_EQ(OFF(event_queue, ev_alert_pending), 12);
	HT_ASSERT_EQ(OFF(event_queue, ev_vcore), 16);
	HT_ASSERT_EQ(OFF(event_queue, ev_handler), 24);
	HT_ASSERT_EQ(OFF(event_queue, ev_udata), 32);
	HT_ASSERT_EQ(sizeof(struct event_mbox), 80);
	HT_ASSERT_EQ(OFF(event_mbox, ucq), 8);
	HT_ASSERT_EQ(OFF(event_mbox, evbm), 8);
	HT_ASSERT_EQ(OFF(event_mbox, ceq), 8);
	HT_ASSERT_EQ(sizeof(struct event_queue_big), 120);
	HT_ASSERT_EQ(OFF(event_queue_big, mbox), 40);
}

HTEST(abi_mailbox_layout)
{
	HT_ASSERT_EQ(sizeof(struct ucq), 64);
	HT_ASSERT_EQ(OFF(ucq, nr_dropped), 24);
	HT_ASSERT_EQ(OFF(ucq, cons_idx), 40);
	HT_ASSERT_EQ(OFF(ucq, u_lock), 48);
	HT_ASSERT_EQ(sizeof(struct ucq_slot), 32);
	HT_ASSERT_EQ(OFF(ucq_slot, ready), 24);
	HT_ASSERT_EQ(sizeof(struct ucq_page_header), 16);
	HT_ASSERT(sizeof(struct ucq_page) <= PGSIZE);
	/* One more slot would not fit: the page is used to the full. */
	HT_ASSERT(sizeof(struct ucq_page_header) +
	          (UCQ_SLOTS_PER_PAGE + 1) * sizeof(struct ucq_slot) > PGSIZE);
	HT_ASSERT(UCQ_SLOTS_PER_PAGE < UCQ_SLOT_MASK);
	HT_ASSERT_EQ(sizeof(struct evbitmap), 16);
	HT_ASSERT(EVBITMAP_WORDS * 64 >= EV_NR_TYPES);
	HT_ASSERT_EQ(sizeof(struct ceq_event), 32);
	HT_ASSERT_EQ(OFF(ceq_event, coalesce), 8);
	HT_ASSERT_EQ(sizeof(struct ceq), 72);
	HT_ASSERT_EQ(OFF(ceq, nr_events), 8);
	HT_ASSERT_EQ(OFF(ceq, ring_sz), 24);
	HT_ASSERT_EQ(OFF(ceq, cons_pub_idx), 36);
	HT_ASSERT(IS_POWER_OF_2(CEQ_MAX_RING_SZ));
}

HTEST(abi_proc_pages_layout)
{
	HT_ASSERT_EQ(sizeof(struct vcpd), VCPD_SIZE);
	HT_ASSERT_EQ(VCPD_SIZE % PGSIZE, 0);
	HT_ASSERT_EQ(OFF(vcpd, preempt_anc), 0);
	HT_ASSERT_EQ(OFF(vcpd, vcore_ctx), 4096);
	HT_ASSERT_EQ(OFF(vcpd, uthread_ctx), 4608);
	HT_ASSERT_EQ(OFF(vcpd, vcore_entry), 5120);
	HT_ASSERT_EQ(OFF(vcpd, flags), 5144);
	HT_ASSERT_EQ(OFF(vcpd, notif_pending), 5153);
	HT_ASSERT_EQ(OFF(vcpd, ev_mbox_public), 5160);
	HT_ASSERT_EQ(OFF(vcpd, ev_mbox_private), 5240);
	HT_ASSERT_EQ(OFF(vcpd, preempt_anc) % 64, 0);
	HT_ASSERT_EQ(OFF(procdata, vcpd), PGSIZE);
	HT_ASSERT_EQ(OFF(procdata, vcpd[1]) % PGSIZE, 0);
	HT_ASSERT_EQ(OFF(procdata, head.kernel_evts), 48);
	HT_ASSERT_EQ(PROCDATA_NUM_PAGES * PGSIZE, sizeof(struct procdata));
	HT_ASSERT_EQ(PROCDATA_NUM_PAGES, 1 + ROS_MAX_VCORES * 2);
	HT_ASSERT_EQ(sizeof(struct vcore_info), 48);
	HT_ASSERT_EQ(OFF(procinfo, ppid), 4);
	HT_ASSERT_EQ(OFF(procinfo, argenv_len), 48);
	HT_ASSERT_EQ(OFF(procinfo, res_grant), 56);
	HT_ASSERT_EQ(OFF(procinfo, num_vcores), 80);
	HT_ASSERT_EQ(OFF(procinfo, vcoremap), 88);
	HT_ASSERT_EQ(OFF(procinfo, pcoremap), 88 + 48 * ROS_MAX_VCORES);
	HT_ASSERT(sizeof(struct procinfo) <= PROCINFO_NUM_PAGES * PGSIZE);
	HT_ASSERT(sizeof(struct procinfo) > (PROCINFO_NUM_PAGES - 1) * PGSIZE);
	HT_ASSERT_EQ(sizeof(struct proc_global_info), 104);
	HT_ASSERT_EQ(OFF(proc_global_info, tsc_last), 96);
	HT_ASSERT(CPU_FEAT_X86_MWAIT < CPU_FEAT_NR);
	HT_ASSERT_EQ(sizeof(struct kstat), 128);
	HT_ASSERT_EQ(OFF(kstat, st_ino), 8);
	HT_ASSERT_EQ(OFF(kstat, st_blocks), 56);
	HT_ASSERT_EQ(OFF(kstat, st_ctim), 96);
	HT_ASSERT_EQ(OFF(kstat, st_readiness), 120);
}

/* Every bit of list[] is a single bit, no two share one, and their OR is all. */
static void check_flag_set(const char *what, const uint64_t *list, int n, uint64_t all)
{
	uint64_t seen = 0;

	for (int i = 0; i < n; i++) {
		HT_ASSERT_MSG(list[i] && !(list[i] & (list[i] - 1)),
		              "%s: flag %d (0x%llx) is not one bit", what, i,
		              (unsigned long long)list[i]);
		HT_ASSERT_MSG(!(seen & list[i]), "%s: flag %d (0x%llx) repeats a bit", what, i,
		              (unsigned long long)list[i]);
		seen |= list[i];
	}
	HT_ASSERT_MSG(seen == all, "%s: mask 0x%llx, flags 0x%llx", what,
	              (unsigned long long)all, (unsigned long long)seen);
}

HTEST(abi_flag_sets)
{
	static const uint64_t sc[] = { SC_DONE, SC_PROGRESS, SC_UEVENT, SC_K_LOCK, SC_ABORT,
	                               SC_UWAKE };
	static const uint64_t ev[] = {
		EVENT_IPI, EVENT_SPAM_PUBLIC, EVENT_INDIR, EVENT_VCORE_PRIVATE,
		EVENT_SPAM_INDIR, EVENT_VCORE_MUST_RUN, EVENT_NOTHROTTLE,
		EVENT_ROUNDROBIN, EVENT_VCORE_APPRO, EVENT_WAKEUP,
	};
	static const uint64_t vc[] = {
		VC_K_LOCK, VC_PREEMPTED, VC_CAN_RCV_MSG, VC_UTHREAD_STEALING, VC_SCP_NOVCCTX,
	};
	static const uint64_t map[] = {
		MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_LOCKED, MAP_POPULATE,
	};
	static const uint64_t prot[] = { PROT_READ, PROT_WRITE, PROT_EXEC };
	static const uint64_t wstat[] = {
		WSTAT_MODE, WSTAT_ATIME, WSTAT_MTIME, WSTAT_LENGTH,
		WSTAT_NAME, WSTAT_UID, WSTAT_GID, WSTAT_MUID,
	};

	check_flag_set("SC_*", sc, ARRAY_SIZE(sc), SC_ALL_FLAGS);
	check_flag_set("EVENT_*", ev, ARRAY_SIZE(ev), EVENT_ALL_FLAGS);
	check_flag_set("VC_*", vc, ARRAY_SIZE(vc), 0x1f);
	check_flag_set("MAP_*", map, ARRAY_SIZE(map), MAP_ALL_FLAGS);
	check_flag_set("PROT_*", prot, ARRAY_SIZE(prot), PROT_ALL);
	check_flag_set("WSTAT_*", wstat, ARRAY_SIZE(wstat), WSTAT_ALL);
	HT_ASSERT_EQ(MAP_SHARED | MAP_PRIVATE, MAP_SHARED | (MAP_PRIVATE & MAP_TYPE));
	HT_ASSERT(EV_NR_STATIC <= EV_FIRST_DYNAMIC && EV_FIRST_DYNAMIC < EV_NR_TYPES);
	HT_ASSERT(EV_POSIX_SIGNAL < EV_NR_STATIC);
	HT_ASSERT(EV_MBOX_UCQ != 0 && EV_MBOX_BITMAP != 0 && EV_MBOX_CEQ != 0);
}

/* ------------------------------------------------------- generated headers */

struct listed {
	int nr, nargs, reserved;
	const char *name;
};

#define LISTED(nr, name, nargs, reserved) { nr, nargs, reserved, #name },
static const struct listed listed[] = { SYS_FOREACH(LISTED) };

HTEST(abi_generated_numbers)
{
	HT_ASSERT_EQ(ARRAY_SIZE(listed), SYS_NR_LISTED);
	for (size_t i = 0; i < ARRAY_SIZE(listed); i++) {
		HT_ASSERT(listed[i].nr >= 1 && listed[i].nr < SYS_MAX_NR);
		HT_ASSERT(listed[i].nargs >= 0 && listed[i].nargs <= SYSC_MAX_ARGS);
		if (i > 0)
			HT_ASSERT_MSG(listed[i].nr > listed[i - 1].nr, "%s and %s out of order",
			              listed[i - 1].name, listed[i].name);
	}
	HT_ASSERT_EQ(listed[ARRAY_SIZE(listed) - 1].nr, SYS_MAX_NR - 1);
	/* Numbers are ABI: these must never move. */
	HT_ASSERT_EQ(SYS_null, 1);
	HT_ASSERT_EQ(SYS_proc_create, 10);
	HT_ASSERT_EQ(SYS_mmap, 30);
	HT_ASSERT_EQ(SYS_openat, 100);
	HT_ASSERT_EQ(SYS_read, 101);
	HT_ASSERT_EQ(SYS_nbind, 140);
}

HTEST(abi_generated_table)
{
	int named = 0;

	for (size_t i = 0; i < ARRAY_SIZE(listed); i++) {
		const struct syscall_desc *d = &syscall_table[listed[i].nr];

		HT_ASSERT_STREQ(d->name, listed[i].name);
		HT_ASSERT_EQ(d->nargs, listed[i].nargs);
		HT_ASSERT(d->args && d->args[0] == '(');
		HT_ASSERT(d->group && d->group[0]);
		if (listed[i].reserved) {
			HT_ASSERT_MSG(!d->handler && d->reserved_for && d->reserved_for[0] &&
			              (d->attrs & SYSCALL_ATTR_RESERVED),
			              "reserved %s has a handler or no reason", d->name);
		} else {
			HT_ASSERT_MSG(d->handler && !d->reserved_for &&
			              !(d->attrs & SYSCALL_ATTR_RESERVED),
			              "%s has no handler", d->name);
		}
	}
	for (int nr = 0; nr < SYS_MAX_NR; nr++)
		named += syscall_table[nr].name != NULL;
	HT_ASSERT_EQ(named, SYS_NR_LISTED);
	HT_ASSERT(syscall_table[0].name == NULL);
	HT_ASSERT_EQ(syscall_table[SYS_read].handler(NULL), 0);
	HT_ASSERT(syscall_table[SYS_exec].attrs & SYSCALL_ATTR_CTX);
	HT_ASSERT(!(syscall_table[SYS_read].attrs & SYSCALL_ATTR_CTX));
}

static const struct listed *listed_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(listed); i++)
		if (strcmp(listed[i].name, name) == 0)
			return &listed[i];
	return NULL;
}

/* The calls issue 4 names; the last four wait for the MCP issue. */
HTEST(abi_issue_calls_listed)
{
	static const char *const impl[] = {
		"null", "block", "getpcoreid", "reboot", "proc_create", "proc_run",
		"proc_destroy", "proc_yield", "fork", "exec", "waitpid", "mmap", "munmap",
		"mprotect", "populate_va", "notify", "self_notify", "send_event",
		"abort_sysc", "abort_sysc_fd", "nanosleep", "openat", "read", "write",
		"pread", "pwrite", "llseek", "close", "fstat", "stat", "lstat", "fcntl",
		"access", "mkdir", "rmdir", "unlink", "rename", "symlink", "readlink",
		"getcwd", "chdir", "fchdir", "fd2path", "wstat", "fwstat", "nbind",
		"nmount", "nunmount", "dup_fds_to", "tap_fds", "getvcoreid", "set_fsbase",
		"provision", "poke_ksched", "change_to_m", "vcore_request", "halt_core",
		"preempt", "futex", "change_vcore", "setpgid", "getpgid", "setsid", "getsid",
		"signal_group", "signal_proc", "proc_stop", "cputime", "msync",
	};

	/* No call is reserved any more: every listed one is implemented. */
	for (size_t i = 0; i < ARRAY_SIZE(impl); i++) {
		const struct listed *l = listed_find(impl[i]);

		HT_ASSERT_MSG(l && !l->reserved, "%s missing or reserved", impl[i]);
	}
	HT_ASSERT_EQ(ARRAY_SIZE(impl), SYS_NR_LISTED);
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	HT_ASSERT_MSG(f, "cannot open %s (run from the repository's top)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, n + 1);
	HT_ASSERT(buf && fread(buf, 1, n, f) == (size_t)n);
	fclose(f);
	return buf;
}

HTEST(abi_doc_lists_every_call)
{
	char *doc = read_whole("Documentation/syscalls.md");
	char row[96];

	for (size_t i = 0; i < ARRAY_SIZE(listed); i++) {
		snprintf(row, sizeof(row), "\n| %d | %s |", listed[i].nr, listed[i].name);
		HT_ASSERT_MSG(strstr(doc, row), "Documentation/syscalls.md has no row '%s'",
		              row + 1);
	}
	free(doc);
}

/* ----------------------------------------------------- headers, compiled */

static const char *const ros_headers[] = {
	"syscall.h", "event_msg.h", "event.h", "ucq.h", "evbitmap.h", "ceq.h",
	"procinfo.h", "procdata.h", "vcpd.h", "globalinfo.h", "kstat.h", "mmap.h",
	"errno.h", "fcntl.h", "mmu64.h",
};

/*
 * A sysroot with only ros/ (both trees) and generated/, at
 * $(O)/host/abi-sysroot-<tag> (ABI_OBJ_DIR, absolute; made afresh; a failed test leaves it for a
 * look, and make clean removes it).  Returns its path.
 */
static const char *make_sysroot(const char *tag)
{
	static char dir[512];
	char cmd[4096];

	snprintf(dir, sizeof(dir), "%s/host/abi-sysroot-%s", ABI_OBJ_DIR, tag);
	snprintf(cmd, sizeof(cmd),
	         "rm -rf %s && mkdir -p %s/ros %s/generated && "
	         "ln -s \"$PWD\"/kern/include/ros/*.h \"$PWD\"/kern/arch/x86/ros/*.h %s/ros/ && "
	         "ln -s %s/include/generated/syscall_nums.h %s/generated/",
	         dir, dir, dir, dir, ABI_OBJ_DIR, dir);
	HT_ASSERT_MSG(system(cmd) == 0, "building the sysroot failed: %s", cmd);
	return dir;
}

static void remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	HT_ASSERT(system(cmd) == 0);
}

/* Compiles "#include <ros/H>" alone with flags, the sysroot root the only
 * -I; 0 when it builds cleanly. */
static int compile_header(const char *root, const char *h, const char *flags)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	         "printf '#include <ros/%s>\\nint abi_not_empty;\\n' | gcc -fsyntax-only -x c - -std=gnu11 -I%s "
	         "-Wall -Wextra -Werror %s 2>&1", h, root, flags);
	return system(cmd);
}

HTEST(abi_headers_self_contained_user)
{
	const char *root = make_sysroot("user");

	for (size_t i = 0; i < ARRAY_SIZE(ros_headers); i++)
		HT_ASSERT_MSG(compile_header(root, ros_headers[i], "-pedantic -std=c11") == 0,
		              "ros/%s does not build alone as user code", ros_headers[i]);
	remove_tree(root);
}

HTEST(abi_headers_self_contained_kernel)
{
	const char *root = make_sysroot("kernel");
	const char *kflags = "-nostdinc -isystem \"$(gcc -print-file-name=include)\" "
	                     "-D__KERNEL__ -ffreestanding -fno-pic -mcmodel=kernel "
	                     "-mno-red-zone -mno-sse -mno-mmx -Wmissing-prototypes "
	                     "-Wstrict-prototypes -Wshadow -Wvla";

	for (size_t i = 0; i < ARRAY_SIZE(ros_headers); i++)
		HT_ASSERT_MSG(compile_header(root, ros_headers[i], kflags) == 0,
		              "ros/%s does not build alone with the kernel flags", ros_headers[i]);
	remove_tree(root);
}

/* A ros/ header includes only <stdint.h>, other ros/ headers and generated/. */
HTEST(abi_headers_include_nothing_private)
{
	char path[256], line[512];

	for (size_t i = 0; i < ARRAY_SIZE(ros_headers); i++) {
		const char *h = ros_headers[i];
		FILE *f;

		snprintf(path, sizeof(path), "kern/%s/ros/%s",
		         strcmp(h, "mmu64.h") == 0 ? "arch/x86" : "include", h);
		f = fopen(path, "r");
		HT_ASSERT_MSG(f, "cannot open %s", path);
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "#include", 8) != 0)
				continue;
			HT_ASSERT_MSG(strstr(line, "<stdint.h>") || strstr(line, "<ros/") ||
			              strstr(line, "<generated/syscall_nums.h>"),
			              "%s: %s", path, line);
		}
		fclose(f);
	}
}

/* ------------------------------------------------------------- generator */

/* Runs the generator on text; returns its exit status, stderr in err. */
static int run_generator(const char *text, char *err, size_t errlen)
{
	char list[] = "/tmp/abi-list-XXXXXX";
	char cmd[512];
	int fd = mkstemp(list), rc;
	FILE *p;
	size_t n;

	HT_ASSERT(fd >= 0);
	HT_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 scripts/mksyscalls.py %s --check 2>&1", list);
	p = popen(cmd, "r");
	HT_ASSERT(p);
	n = fread(err, 1, errlen - 1, p);
	err[n] = '\0';
	rc = pclose(p);
	unlink(list);
	return rc;
}

HTEST(abi_generator_refuses_bad_lists)
{
	static const char *const bad[][2] = {
		{ "1 a misc - ()\n1 b misc - ()\n", "number 1 already used" },
		{ "1 a misc - ()\n2 a misc - ()\n", "name 'a' already used" },
		{ "0 a misc - ()\n", "outside" },
		{ "1024 a misc - ()\n", "outside" },
		{ "1 A misc - ()\n", "is not [a-z]" },
		{ "1 a nope - ()\n", "unknown group" },
		{ "1 a misc bogus ()\n", "unknown attribute" },
		{ "1 a misc reserved ()\n", "needs '-- NOTE'" },
		{ "1 a misc - (int a, int b, int c, int d, int e, int f, int g)\n", "at most 6" },
		{ "1 a misc - (int)\n", "is not 'type name'" },
		{ "1 a misc - (const char *path, int x)\n", "size_t path_len" },
		{ "1 a misc - (const char *path, size_t len)\n", "size_t path_len" },
		{ "1 a misc\n", "expected" },
		{ "# nothing\n", "no syscalls" },
	};
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		HT_ASSERT_MSG(run_generator(bad[i][0], err, sizeof(err)) != 0,
		              "accepted: %s", bad[i][0]);
		HT_ASSERT_MSG(strstr(err, bad[i][1]), "for '%s' said '%s'", bad[i][0], err);
	}
	HT_ASSERT_EQ(run_generator("7 ok misc ctx (const char *p, size_t p_len) -- x\n", err,
	                           sizeof(err)), 0);
}

HTEST(abi_generator_accepts_the_list)
{
	char err[512];
	char *list = read_whole("kern/include/ros/syscall.list");

	HT_ASSERT_MSG(run_generator(list, err, sizeof(err)) == 0, "%s", err);
	free(list);
}
