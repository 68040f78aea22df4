/* SPDX-License-Identifier: MIT */
/*
 * pci_bar.c - utests of mmap of a PCI BAR through #pci/BB.DD.F/barN
 * (Documentation/dev/pci.md, "Mapping a BAR"), suite pci_bar.
 * scripts/run-ktests.sh boots it with an e1000 (QEMU user networking,
 * restrict=on; driven by the kernel's e1000 driver) and QEMU's "edu"
 * teaching device (no driver; its registers are documented in QEMU's
 * docs/specs/edu.txt).
 *
 * Every function has a barN file for each memory BAR and none for I/O
 * BARs; the e1000's BAR 0 mapped read-only shows the device's own
 * registers: STATUS with link up, and receive address 0 (RAL0/RAH0) equal
 * to the MAC in #ether/ether0/addr.  A driven function refuses writable
 * mappings (EBUSY, also through mprotect: EACCES for an fd open read-only),
 * private, executable, out-of-range and unaligned ones; barN cannot be
 * read or written.  The edu device's BAR 0 mapped read-write gives its ID
 * register (0x010000ed: version 1.0) and its liveness register (it returns
 * the complement of what was written), in a forked child too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

#define PB_PAGE 4096
#define E1K_STATUS     0x0008
#define E1K_STATUS_LU  (1u << 1)
#define E1K_RAL0       0x5400
#define E1K_RAH0       0x5404
#define E1K_RAH_AV     (1u << 31)
#define EDU_ID         0x00
#define EDU_ID_1_0     0x010000edu
#define EDU_LIVENESS   0x04

/* Reads a whole small file into buf (NUL-terminated); its length. */
static ssize_t pb_cat(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t got;

	UT_ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	got = read(fd, buf, n - 1);
	close(fd);
	UT_ASSERT_MSG(got >= 0, "read %s: %s", path, strerror(errno));
	buf[got] = '\0';
	return got;
}

/* The #pci directory ("00.02.0") of the first function whose ctl has
 * "vendor VVVV" and "device DDDD"; false if none. */
static bool pb_find(const char *vendor, const char *device, char *name, size_t n)
{
	char want_v[32], want_d[32], path[64], text[2048];
	DIR *dir = opendir("#pci");
	struct dirent *e;
	bool found = false;

	UT_ASSERT_MSG(dir, "opendir #pci: %s", strerror(errno));
	snprintf(want_v, sizeof(want_v), "vendor %s", vendor);
	snprintf(want_d, sizeof(want_d), "device %s", device);
	while (!found && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "#pci/%.15s/ctl", e->d_name);
		pb_cat(path, text, sizeof(text));
		if (strstr(text, want_v) && strstr(text, want_d)) {
			snprintf(name, n, "%.15s", e->d_name);
			found = true;
		}
	}
	closedir(dir);
	return found;
}

/* Size of BAR bar of function fn from its ctl ("bar N KIND BASE SIZE"). */
static size_t pb_bar_size(const char *fn, unsigned int bar)
{
	char path[64], text[2048], key[16], *p;

	snprintf(path, sizeof(path), "#pci/%s/ctl", fn);
	pb_cat(path, text, sizeof(text));
	snprintf(key, sizeof(key), "bar %u ", bar);
	p = strstr(text, key);
	UT_ASSERT_MSG(p, "%s: no '%s' in ctl", fn, key);
	p = strchr(p + strlen(key), ' ');       /* after the kind */
	UT_ASSERT(p);
	if (!strncmp(p, " prefetch", 9))
		p += 9;
	strtoull(p, &p, 16);                    /* the base */
	return (size_t)strtoull(p, NULL, 16);
}

static int pb_open_bar(const char *fn, unsigned int bar, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "#pci/%s/bar%u", fn, bar);
	fd = open(path, flags);
	UT_ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static uint32_t pb_rd(volatile void *base, unsigned int off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)base + off);
}

UTEST(pci_bar, files_only_for_memory_bars)
{
	DIR *dir = opendir("#pci");
	struct dirent *e;
	int nfn = 0, nbar = 0;

	UT_ASSERT(dir);
	while ((e = readdir(dir))) {
		char path[64], text[2048], *p;

		if (e->d_name[0] == '.')
			continue;
		nfn++;
		snprintf(path, sizeof(path), "#pci/%.15s/ctl", e->d_name);
		pb_cat(path, text, sizeof(text));
		for (unsigned int b = 0; b < 6; b++) {
			char key[16];
			bool mem;
			struct stat st;

			snprintf(key, sizeof(key), "bar %u ", b);
			p = strstr(text, key);
			mem = p && !strncmp(p + strlen(key), "mem", 3);
			snprintf(path, sizeof(path), "#pci/%.15s/bar%u", e->d_name, b);
			UT_ASSERT_MSG((stat(path, &st) == 0) == mem, "%s: bar%u %s but ctl says %s",
			              e->d_name, b, mem ? "missing" : "present",
			              p ? p : "no BAR");
			if (mem) {
				UT_ASSERT_EQ((size_t)st.st_size, pb_bar_size(e->d_name, b));
				nbar++;
			}
		}
	}
	closedir(dir);
	UT_ASSERT_MSG(nfn > 0 && nbar > 0, "%d functions, %d memory BARs", nfn, nbar);
	utest_note("%d functions, %d memory BARs", nfn, nbar);
}

UTEST(pci_bar, e1000_registers_through_a_readonly_mapping)
{
	char fn[16], mac[32];
	volatile void *regs;
	uint32_t ral, rah, status;
	unsigned char m[6];
	size_t size;
	int fd;

	if (!pb_find("8086", "100e", fn, sizeof(fn)))
		utest_skip("no e1000 (82540EM) in #pci");
	size = pb_bar_size(fn, 0);
	fd = pb_open_bar(fn, 0, O_RDONLY);
	regs = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	UT_ASSERT_MSG(regs != MAP_FAILED, "mmap bar0: %s", strerror(errno));
	close(fd);              /* the mapping keeps the file */
	status = pb_rd(regs, E1K_STATUS);
	ral = pb_rd(regs, E1K_RAL0);
	rah = pb_rd(regs, E1K_RAH0);
	UT_ASSERT_MSG(status != 0xffffffffu && (status & E1K_STATUS_LU),
	              "STATUS %#x: link not up (or the BAR reads as nothing)", status);
	UT_ASSERT_MSG(rah & E1K_RAH_AV, "RAH0 %#x without Address Valid", rah);
	UT_ASSERT_EQ(pb_cat("#ether/ether0/addr", mac, sizeof(mac)), 12);
	UT_ASSERT_EQ(sscanf(mac, "%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx", &m[0], &m[1], &m[2], &m[3],
	                    &m[4], &m[5]), 6);
	UT_ASSERT_EQ(ral, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
	                  (uint32_t)m[3] << 24);
	UT_ASSERT_EQ(rah & 0xffff, (uint32_t)m[4] | (uint32_t)m[5] << 8);
	UT_ASSERT_EQ(munmap((void *)regs, size), 0);
	utest_note("%s: STATUS %#x, MAC %s", fn, status, mac);
}

UTEST(pci_bar, bad_mappings_refused)
{
	char fn[16], ctl[64];
	size_t size;
	void *p;
	int ro, rw, c;

	if (!pb_find("8086", "100e", fn, sizeof(fn)))
		utest_skip("no e1000 (82540EM) in #pci");
	size = pb_bar_size(fn, 0);
	ro = pb_open_bar(fn, 0, O_RDONLY);
	rw = pb_open_bar(fn, 0, O_RDWR);
	/* The kernel's e1000 driver owns the function: no writes. */
	UT_ASSERT_ERRSTR(mmap(NULL, PB_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0), EBUSY,
	                 "driver");
	UT_ASSERT_ERRNO(mmap(NULL, PB_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
	UT_ASSERT_ERRNO(mmap(NULL, PB_PAGE, PROT_READ, MAP_PRIVATE, ro, 0), EINVAL);
	UT_ASSERT_ERRNO(mmap(NULL, PB_PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, ro, 0), EACCES);
	UT_ASSERT_ERRSTR(mmap(NULL, PB_PAGE, PROT_READ, MAP_SHARED, ro, (off_t)size), ENXIO,
	                 "beyond");
	UT_ASSERT_ERRNO(mmap(NULL, size + PB_PAGE, PROT_READ, MAP_SHARED, ro, 0), ENXIO);
	UT_ASSERT_ERRNO(mmap(NULL, PB_PAGE, PROT_READ, MAP_SHARED, ro, 100), EINVAL);
	/* mprotect keeps the rules: no write through a read-only fd, no exec. */
	p = mmap(NULL, PB_PAGE, PROT_READ, MAP_SHARED, ro, 0);
	UT_ASSERT_MSG(p != MAP_FAILED, "mmap: %s", strerror(errno));
	UT_ASSERT_ERRNO(mprotect(p, PB_PAGE, PROT_READ | PROT_WRITE), EACCES);
	UT_ASSERT_ERRNO(mprotect(p, PB_PAGE, PROT_READ | PROT_EXEC), EACCES);
	UT_ASSERT_EQ(mprotect(p, PB_PAGE, PROT_NONE), 0);
	UT_ASSERT_EQ(mprotect(p, PB_PAGE, PROT_READ), 0);
	UT_ASSERT(pb_rd(p, E1K_STATUS) & E1K_STATUS_LU);
	UT_ASSERT_EQ(munmap(p, PB_PAGE), 0);
	/* barN is for mmap only; other #pci files cannot be mapped. */
	UT_ASSERT_ERRNO(read(ro, ctl, 4), EINVAL);
	UT_ASSERT_ERRNO(write(rw, "abcd", 4), EINVAL);
	snprintf(ctl, sizeof(ctl), "#pci/%s/ctl", fn);
	c = open(ctl, O_RDONLY);
	UT_ASSERT(c >= 0);
	UT_ASSERT_ERRNO(mmap(NULL, PB_PAGE, PROT_READ, MAP_SHARED, c, 0), ENODEV);
	close(c);
	close(ro);
	close(rw);
}

UTEST(pci_bar, edu_id_and_liveness_through_a_writable_mapping)
{
	volatile void *regs;
	char fn[16];
	int fd, status;
	pid_t pid;

	if (!pb_find("1234", "11e8", fn, sizeof(fn)))
		utest_skip("no edu device in #pci (QEMU -device edu)");
	fd = pb_open_bar(fn, 0, O_RDWR);
	regs = mmap(NULL, PB_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_ASSERT_MSG(regs != MAP_FAILED, "mmap edu bar0: %s", strerror(errno));
	close(fd);
	UT_ASSERT_EQ(pb_rd(regs, EDU_ID), EDU_ID_1_0);
	for (uint32_t v = 1; v; v <<= 7) {
		*(volatile uint32_t *)((volatile uint8_t *)regs + EDU_LIVENESS) = v * 0x9e3779b1u;
		UT_ASSERT_EQ(pb_rd(regs, EDU_LIVENESS), ~(v * 0x9e3779b1u));
	}
	/* A child inherits the mapping: the same device. */
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		*(volatile uint32_t *)((volatile uint8_t *)regs + EDU_LIVENESS) = 0x5a5a0000u;
		_exit(pb_rd(regs, EDU_ID) == EDU_ID_1_0 ? 0 : 1);
	}
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_ASSERT_EQ(pb_rd(regs, EDU_LIVENESS), ~0x5a5a0000u);
	UT_ASSERT_EQ(munmap((void *)regs, PB_PAGE), 0);
}

int main(int argc, char **argv)
{
	return utest_main("pci_bar", argc, argv);
}
