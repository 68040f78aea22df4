/* SPDX-License-Identifier: MIT */
/*
 * kprof.c - /bin/kprof [-p PERIOD_US] CMD [ARGS...]: profiles CMD.
 *
 * Starts the kernel's sampling profiler (#kprof/kpctl "start PERIOD_US",
 * default 1000), runs CMD and waits for it, stops the profiler, and prints
 * the kernel's report (#kprof/profile: samples by process, by kernel
 * function and by kernel call chain), then CMD's own user-mode samples by
 * function, symbolized from the symbol table of CMD's ELF file (the
 * program as found: a path, or /bin/NAME).  The samples stay in #kprof
 * until the next start; Documentation/profiling.md shows an example.
 * Exit code: CMD's, or 1 if profiling could not be done.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vbin.h"

#define KPROF_TOP_USER 25

struct func {
	uint64_t start, size;
	const char *name;
	unsigned long hits;
};

static int kpctl(const char *msg)
{
	int fd = open("#kprof/kpctl", O_WRONLY);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, msg, strlen(msg));
		close(fd);
	}
	if (n != (ssize_t)strlen(msg)) {
		vbin_fail("kprof", msg);
		return -1;
	}
	return 0;
}

/* The whole of a file in a malloc'd buffer (NUL-terminated); NULL on error. */
static char *read_all(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((got = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)got;
		if (n == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int cmp_func(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static bool elf_fits(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

/* The STT_FUNC symbols of a static ELF64 image, sorted; count in *n. */
static struct func *elf_functions(const char *img, size_t len, size_t *n)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh;
	struct func *f = NULL;

	*n = 0;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !elf_fits(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return NULL;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
		const Elf64_Shdr *str = &sh[sh[i].sh_link < eh->e_shnum ? sh[i].sh_link : 0];
		size_t count = sh[i].sh_size / sizeof(Elf64_Sym);

		if (sh[i].sh_type != SHT_SYMTAB || !elf_fits(len, sh[i].sh_offset, sh[i].sh_size) ||
		    !elf_fits(len, str->sh_offset, str->sh_size) || !str->sh_size)
			continue;
		f = calloc(count ? count : 1, sizeof(*f));
		for (size_t j = 0; f && j < count; j++)
			if (ELF64_ST_TYPE(sym[j].st_info) == STT_FUNC && sym[j].st_name < str->sh_size)
				f[(*n)++] = (struct func){ sym[j].st_value, sym[j].st_size,
				                           img + str->sh_offset + sym[j].st_name, 0 };
		break;
	}
	if (f)
		qsort(f, *n, sizeof(*f), cmp_func);
	return f;
}

static struct func *func_of(struct func *f, size_t n, uint64_t pc)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {               /* the last function starting <= pc */
		size_t mid = (lo + hi) / 2;

		if (f[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || pc >= f[lo - 1].start + (f[lo - 1].size ? f[lo - 1].size : 1))
		return NULL;
	return &f[lo - 1];
}

static int cmp_hits_desc(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	return (x->hits < y->hits) - (x->hits > y->hits);
}

/* Counts pid's user samples (#kprof/kpdata lines "u CORE PID PC") by
 * function of the program at path, and prints the top ones. */
static void report_user(const char *path, int pid)
{
	size_t img_len, data_len, nf;
	char *img = read_all(path, &img_len), *data = read_all("#kprof/kpdata", &data_len);
	struct func *f = img ? elf_functions(img, img_len, &nf) : NULL;
	unsigned long total = 0, unknown = 0;

	for (char *line = data; line && *line;) {
		char *next = strchr(line, '\n');
		unsigned core;
		int p;
		unsigned long long pc;

		if (next)
			*next++ = '\0';
		if (sscanf(line, "u %u %d %llx", &core, &p, &pc) == 3 && p == pid) {
			struct func *hit = f ? func_of(f, nf, pc) : NULL;

			total++;
			if (hit)
				hit->hits++;
			else
				unknown++;
		}
		line = next;
	}
	printf("\n%s (pid %d), user mode, by function (%lu samples%s):\n", path, pid, total,
	       f ? "" : "; no symbol table");
	if (f && total) {
		qsort(f, nf, sizeof(*f), cmp_hits_desc);
		for (size_t i = 0; i < nf && i < KPROF_TOP_USER && f[i].hits; i++)
			printf("%8lu %5.1f%%  %s\n", f[i].hits, 100.0 * f[i].hits / total, f[i].name);
	}
	if (unknown)
		printf("%8lu %5.1f%%  (outside any function)\n", unknown, 100.0 * unknown / total);
	free(f);
	free(img);
	free(data);
}

static int print_file(const char *path)
{
	size_t len;
	char *text = read_all(path, &len);

	if (!text) {
		vbin_fail("kprof", path);
		return -1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kprof [-p PERIOD_US] CMD [ARGS...]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *period = "1000";
	char msg[64], path[256];
	int argi = 1, pid, status = 0;

	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		period = argv[2];
		argi = 3;
	}
	if (argi >= argc || argv[argi][0] == '-')
		usage();
	snprintf(path, sizeof(path), "%s%s", strchr(argv[argi], '/') ? "" : "/bin/", argv[argi]);
	snprintf(msg, sizeof(msg), "start %s", period);
	if (kpctl(msg))
		return 1;
	pid = vbin_spawn(argv + argi);
	if (pid < 0 || vbin_wait(pid, &status, 0) < 0) {
		vbin_fail("kprof", argv[argi]);
		kpctl("stop");
		return 1;
	}
	if (kpctl("stop") || print_file("#kprof/profile"))
		return 1;
	report_user(path, pid);
	return vbin_status_code(status);
}
