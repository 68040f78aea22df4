/* SPDX-License-Identifier: MIT */
/*
 * kfs.c - #kfs: the root file system, a RAM file system filled at boot
 * from the initramfs and writable afterwards.  Documentation/dev/kfs.md.
 *
 *	#kfs/
 *	    ...     whatever the initramfs (obj/initramfs.cpio) holds:
 *	            directories, regular files, symlinks
 *
 * The initramfs is the first boot module (boot_info.modules[0], passed by
 * QEMU's -initrd or GRUB's module2); kern/src/mm/mem.c keeps its pages
 * reserved, and its bytes are read through the direct map.  kfs_init()
 * parses it once (tree_fs_load_cpio: a newc archive) into one tree_fs that
 * lives as long as the kernel: every attach gives a chan on the same root.
 * A malformed archive is reported with the offending offset and the boot
 * goes on with the entries before it; with no module the root is empty.
 * The file contents are copies, so the module's pages go to the page
 * allocator once it is parsed (mem_free_boot_module).
 *
 * Every operation is tree_file.c's; locking and reference rules are there.
 * There are no ctl files.
 */
#include <arch/mmu.h>
#include <boot.h>
#include <err.h>
#include <errno.h>
#include <ns.h>
#include <printk.h>
#include <tree_file.h>

#define KFS_OWNER "eve"

/* Set once by kfs_init() on the boot kthread, before any attach; never freed. */
static struct tree_fs *kfs_tfs;

static void kfs_load_initramfs(struct tree_fs *tfs)
{
	const struct boot_module *m = &boot_info.modules[0];

	if (boot_info.nr_modules < 1) {
		printk("kfs: no initramfs module; the root file system is empty\n");
		return;
	}
	if (m->end <= m->start) {
		printk("kfs: initramfs module '%s' is empty\n", m->name);
		return;
	}
	tree_fs_load_cpio(tfs, KADDR(m->start), m->end - m->start, "kfs: initramfs");
	mem_free_boot_module(0);
}

static void kfs_init(void)
{
	ERRSTACK(1);

	if (waserror()) {
		printk("kfs: cannot create the root file system: %s\n", get_errstr());
		return;
	}
	kfs_tfs = tree_fs_create(KFS_OWNER);
	poperror();
	kfs_load_initramfs(kfs_tfs);
}

static struct chan *kfs_attach(const char *spec)
{
	if (!kfs_tfs)
		error(ENODEV, "#kfs: the root file system was not created at boot");
	return tree_chan_attach(kfs_tfs, "kfs", spec);
}

struct dev kfs_devtab __devtab = {
	.name = "kfs",
	.letter = 0,
	.reset = devreset,
	.init = kfs_init,
	.shutdown = devshutdown,
	.attach = kfs_attach,
	TREE_CHAN_OPS,
};
