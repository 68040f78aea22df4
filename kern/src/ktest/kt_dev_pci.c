/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_pci.c - ktests of #pci, suite dev_pci: one directory per
 * function, ctl describes it, config and raw hold its config space, raw
 * writes reach the device, bad writes are refused, nothing leaks.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <pci.h>
#include <sysfile.h>

#include "kt_dev.h"

/* The listing of #pci names every function, in order. */
KTEST(dev_pci, directory_lists_functions)
{
	int64_t chans = chan_nr_live();
	char *buf = kmalloc(8192, MEM_WAIT);
	struct pci_dev *d;
	char path[32];

	KT_ASSERT(buf);
	pci_for_each_dev(d) {
		snprintf(path, sizeof(path), "#pci/%s/ctl", d->name);
		KT_ASSERT_MSG(kt_dev_cat(path, buf, 8192) > 0, "cannot read %s", path);
		snprintf(path, sizeof(path), "vendor %04x", d->vendor);
		KT_ASSERT(kt_dev_has(buf, path));
		snprintf(path, sizeof(path), "class %06x", d->class);
		KT_ASSERT(kt_dev_has(buf, path) && kt_dev_has(buf, "\ndriver "));
	}
	KT_ASSERT(sysopen("#pci/ff.1f.7/ctl", O_READ, 0) < 0);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	kfree(buf);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

/* config is the device's config space, cfg_size bytes long. */
KTEST(dev_pci, config_is_config_space)
{
	struct pci_dev *d = pci_dev_at(0);
	uint8_t *buf = kmalloc(8192, MEM_WAIT);
	char path[32];
	int fd;

	KT_ASSERT(buf);
	snprintf(path, sizeof(path), "#pci/%s/config", d->name);
	fd = sysopen(path, O_READ, 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspread(fd, buf, 8192, 0), (ssize_t)d->cfg_size);
	KT_ASSERT_EQ(buf[0] | buf[1] << 8, d->vendor);
	KT_ASSERT_EQ(buf[2] | buf[3] << 8, d->device);
	KT_ASSERT_EQ(syspread(fd, buf, 4, d->cfg_size), 0);
	KT_ASSERT_EQ(syspread(fd, buf, 2, 1), 2);        /* unaligned is fine */
	KT_ASSERT_EQ(buf[0] | buf[1] << 8, (d->vendor >> 8) | (d->device & 0xff) << 8);
	KT_ASSERT(syspwrite(fd, buf, 1, 0) < 0);
	sysclose(fd);
	kfree(buf);
}

/* The last function no driver owns (raw refuses the others). */
static struct pci_dev *kt_pci_free_dev(void)
{
	for (unsigned int i = pci_nr_devs(); i-- > 0;)
		if (!pci_dev_at(i)->driver)
			return pci_dev_at(i);
	return NULL;
}

/* raw writes reach the device (a scratch-safe register: the interrupt
 * line, which only software reads), and malformed writes are refused. */
KTEST(dev_pci, raw_writes)
{
	struct pci_dev *d = kt_pci_free_dev();
	uint8_t old = (uint8_t)pci_cfg_read(d, PCI_INT_LINE, 1), v = 0x5a;
	uint32_t four = 0;
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "#pci/%s/raw", d->name);
	fd = sysopen(path, O_RDWR, 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspwrite(fd, &v, 1, PCI_INT_LINE), 1);
	KT_ASSERT_EQ(pci_cfg_read(d, PCI_INT_LINE, 1), 0x5au);
	KT_ASSERT_EQ(syspwrite(fd, &old, 1, PCI_INT_LINE), 1);
	KT_ASSERT_EQ(pci_cfg_read(d, PCI_INT_LINE, 1), old);
	KT_ASSERT(syspwrite(fd, &four, 3, 0x40) < 0);   /* size */
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(syspwrite(fd, &four, 4, 0x3e) < 0);   /* alignment */
	KT_ASSERT(syspwrite(fd, &four, 4, d->cfg_size) < 0);
	sysclose(fd);
}
