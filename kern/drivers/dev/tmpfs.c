/* SPDX-License-Identifier: MIT */
/*
 * tmpfs.c - #tmpfs: a fresh, empty RAM file system per attach.
 * Documentation/dev/tmpfs.md.
 *
 *	#tmpfs/
 *	    ...     whatever is created in it: directories, files, symlinks
 *
 * Each attach makes an independent tree_fs (its own files, its own chan.dev
 * number) and returns a chan on its root; binding #tmpfs twice gives two
 * unrelated trees.  The tree is freed, files and all, when the last chan on
 * it closes: every chan holds a reference on its tree_fs (tree_file.h),
 * and the attach drops the creator's reference before returning.  A file
 * removed while open lives on until its chans close.
 *
 * Every operation is tree_file.c's; locking and reference rules are there.
 * There are no ctl files and no size limit beyond TREE_FILE_MAX_SIZE per
 * file and the kernel's memory.
 */
#include <err.h>
#include <errno.h>
#include <ns.h>
#include <tree_file.h>

#define TMPFS_OWNER "eve"

static struct chan *tmpfs_attach(const char *spec)
{
	ERRSTACK(1);
	struct tree_fs *tfs = tree_fs_create(TMPFS_OWNER);
	struct chan *c;

	if (waserror()) {
		tree_fs_put(tfs);
		nexterror();
	}
	c = tree_chan_attach(tfs, "tmpfs", spec);
	poperror();
	tree_fs_put(tfs);       /* the chan holds the tree now */
	return c;
}

struct dev tmpfs_devtab __devtab = {
	.name = "tmpfs",
	.letter = 0,
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = tmpfs_attach,
	TREE_CHAN_OPS,
};
