/* SPDX-License-Identifier: MIT */
/*
 * load.c - loading a program into an empty address space: the ELF
 * image (elf.c validates every header; each loadable segment becomes an
 * anonymous region filled from the file) and the initial stack with argv,
 * envp and auxv (argenv.c).  A file that starts with "#!" is a script: its
 * interpreter is loaded instead, with the script's path among its
 * arguments (shebang.c has the line's rules; four levels at most, then
 * -ELOOP).  proc_create and exec both call proc_load() on
 * a fresh mm, so a failure leaves no trace in any running process.
 *
 * It also maps the global info page and procdata (mm_map_shared with no
 * procinfo); the caller maps the process's procinfo with a second
 * mm_map_shared(mm, p->procinfo) once it has one.
 *
 * Rules: the caller owns the mm and nobody runs on it yet; proc_load takes
 * mm->lock itself.  On failure the mm holds a partial image: drop it.
 */
#include <argenv.h>
#include <chacha20.h>
#include <elf64.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <mm.h>
#include <page.h>
#include <process.h>
#include <ros/mmap.h>
#include <shebang.h>
#include <sysfile.h>


/* Reads the whole file into a kmalloc'd buffer; 0 or -errno. */
static int proc_read_image(const char *path, void **out, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	uint8_t *buf = kmalloc(cap, MEM_WAIT | MEM_USER);
	int fd = sysopen(path, O_READ, 0);
	ssize_t r;

	if (!buf || fd < 0) {
		kfree(buf);
		if (fd >= 0)
			sysclose(fd);
		return fd < 0 ? -get_errno() : -ENOMEM;
	}
	while ((r = sysread(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap && cap < PROC_MAX_IMAGE) {
			uint8_t *bigger = krealloc(buf, cap * 2, MEM_WAIT | MEM_USER);

			if (!bigger) {
				r = -ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		} else if (n == cap) {
			set_errstr("%s: larger than %lu MiB", path, PROC_MAX_IMAGE / MiB);
			r = -EFBIG;
			break;
		}
	}
	sysclose(fd);
	if (r < 0) {
		kfree(buf);
		return r == -1 ? -get_errno() : (int)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

static uint32_t seg_prot(const struct elf_seg *s)
{
	return s->prot & PROT_ALL;
}

/* One segment: an anon region, populated, with the file's bytes copied in. */
static int proc_load_segment(struct mm *mm, const struct elf_seg *s, const uint8_t *file)
{
	uintptr_t start = ALIGN_DOWN(s->vaddr, PGSIZE);
	uintptr_t end = ALIGN_UP(s->vaddr + s->memsz, PGSIZE);
	struct vmr_attr attr = { .prot = seg_prot(s) | PROT_READ, .type = VMR_ANON,
	                         .ops = &mm_anon_ops };
	struct vmr *v;
	int ret;

	if ((end - start) / PGSIZE > nr_pages) {
		set_errstr("a segment of %lu MiB is larger than all memory (%zu MiB)",
		           (unsigned long)((end - start) / MiB), nr_pages * PGSIZE / MiB);
		return -ENOMEM;
	}
	ret = vmr_insert(&mm->vmrs, start, end - start, &attr, MEM_WAIT, &v);
	if (!ret)
		ret = mm_populate(mm, start, end - start, MEM_WAIT | MEM_USER);
	if (ret == -ENOMEM)
		set_errstr("no memory for a segment of %lu KiB",
		           (unsigned long)((end - start) / 1024));
	if (!ret && s->filesz)
		ret = mm_write(mm, s->vaddr, file + s->offset, s->filesz);
	return ret;
}

static int proc_load_elf(struct mm *mm, const void *file, size_t len, struct elf_plan *plan)
{
	struct elf_membuf mb = { .data = file, .len = len };
	char why[128];
	int ret = elf_parse(elf_membuf_read, &mb, len, plan);

	if (!ret && plan->type == ET_DYN)
		ret = elf_plan_rebase(plan, ALIGN_UP(0x400000UL, plan->max_align));
	if (ret) {
		elf_describe(plan, why, sizeof(why));
		set_errstr("%s", why);
		return ret;
	}
	for (unsigned int i = 0; i < plan->nr_segs && !ret; i++)
		ret = proc_load_segment(mm, &plan->segs[i], file);
	return ret;
}

/* Packs argv/envp, builds the initial stack and writes it below the top. */
static int proc_setup_stack(struct mm *mm, const struct elf_plan *plan,
                            const char *const *argv, const char *const *envp,
                            struct proc_image *img_out)
{
	struct vmr_attr attr = { .prot = PROT_READ | PROT_WRITE, .type = VMR_ANON,
	                         .ops = &mm_anon_ops };
	struct argenv_auxinfo ai = { .entry = plan->entry, .phdr = plan->phdr_vaddr,
	                             .phdr_mapped = plan->phdr_mapped, .phnum = plan->phnum,
	                             .phent = plan->phentsize };
	uint32_t argc = 0, envc = 0;
	struct argenv_stack st;
	struct argenv ae;
	ssize_t blen, slen;
	void *blob = NULL, *img = NULL;
	struct vmr *v;
	int ret;

	while (argv && argv[argc])
		argc++;
	while (envp && envp[envc])
		envc++;
	random_bytes(ai.random, sizeof(ai.random));
	blen = argenv_packed_size(argv, argc, envp, envc);
	ret = blen < 0 ? (int)blen : 0;
	if (!ret && !(blob = kmalloc(blen, MEM_WAIT)))
		ret = -ENOMEM;
	if (!ret && (blen = argenv_pack(argv, argc, envp, envc, blob, blen)) < 0)
		ret = (int)blen;
	if (!ret)
		ret = argenv_unpack(blob, blen, &ae, NULL);
	slen = ret ? 0 : argenv_stack_size(&ae, &ai);
	if (!ret && slen < 0)
		ret = (int)slen;
	if (!ret && !(img = kmalloc(slen, MEM_WAIT)))
		ret = -ENOMEM;
	if (!ret)
		ret = argenv_build_stack(&ae, &ai, USER_STACK_TOP, img, slen, &st);
	if (!ret)
		ret = vmr_insert(&mm->vmrs, USER_STACK_TOP - PROC_STACK_SIZE, PROC_STACK_SIZE,
		                 &attr, MEM_WAIT, &v);
	if (!ret)
		ret = mm_populate(mm, ALIGN_DOWN(st.sp, PGSIZE) - PROC_STACK_FILLED,
		                  USER_STACK_TOP - ALIGN_DOWN(st.sp, PGSIZE) + PROC_STACK_FILLED,
		                  MEM_WAIT | MEM_USER);
	if (!ret)
		ret = mm_write(mm, st.sp, img, st.size);
	img_out->sp = st.sp;
	kfree(blob);
	kfree(img);
	return ret;
}

/*
 * The argv a script's interpreter gets: the interpreter, its one argument
 * if the line has one, the script's path, then the script's own arguments
 * after argv[0] (Linux's order).  A kmalloc'd array pointing into sb, path
 * and argv; NULL without memory.
 */
static const char **proc_script_argv(const struct shebang *sb, const char *path,
                                     const char *const *argv)
{
	size_t argc = 0, n = 0;
	const char **nargv;

	while (argv && argv[argc])
		argc++;
	nargv = kmalloc((argc + 3) * sizeof(*nargv), MEM_WAIT | MEM_USER);
	if (!nargv)
		return NULL;
	nargv[n++] = sb->interp;
	if (sb->has_arg)
		nargv[n++] = sb->arg;
	nargv[n++] = path;
	for (size_t i = 1; i < argc; i++)
		nargv[n++] = argv[i];
	nargv[n] = NULL;
	return nargv;
}

static int proc_load_depth(struct mm *mm, const char *path, const char *const *argv,
                           const char *const *envp, struct proc_image *img, int depth);

/* file is a "#!" script at path: loads its interpreter instead. */
static int proc_load_script(struct mm *mm, const char *path, const void *file, size_t len,
                            const char *const *argv, const char *const *envp,
                            struct proc_image *img, int depth)
{
	struct shebang *sb;
	const char **nargv;
	const char *why;
	int ret;

	if (depth >= SHEBANG_DEPTH_MAX) {
		set_errstr("%s: interpreters nest more than %d deep", path, SHEBANG_DEPTH_MAX);
		return -ELOOP;
	}
	sb = kmalloc(sizeof(*sb), MEM_WAIT | MEM_USER);
	if (!sb)
		return -ENOMEM;
	ret = shebang_parse(file, len, sb, &why);
	if (ret) {
		set_errstr("%s: %s", path, why);
		kfree(sb);
		return ret;
	}
	nargv = proc_script_argv(sb, path, argv);
	ret = nargv ? proc_load_depth(mm, sb->interp, nargv, envp, img, depth + 1) : -ENOMEM;
	if (ret == -ENOENT)
		set_errstr("%s: bad interpreter %s", path, sb->interp);
	kfree(nargv);
	kfree(sb);
	return ret;
}

static int proc_load_depth(struct mm *mm, const char *path, const char *const *argv,
                           const char *const *envp, struct proc_image *img, int depth)
{
	struct elf_plan *plan;
	void *file = NULL;
	size_t len = 0;
	int ret = proc_read_image(path, &file, &len);

	if (!ret && shebang_is_script(file, len)) {
		ret = proc_load_script(mm, path, file, len, argv, envp, img, depth);
		kfree(file);
		return ret;
	}
	plan = kzmalloc(sizeof(*plan), MEM_WAIT);
	if (!plan) {
		kfree(file);
		return -ENOMEM;
	}
	mm_lock(mm);
	if (!ret)
		ret = proc_load_elf(mm, file, len, plan);
	if (!ret)
		ret = proc_setup_stack(mm, plan, argv, envp, img);
	mm_unlock(mm);
	if (!ret)
		ret = mm_map_shared(mm, NULL);  /* global page, procdata; procinfo: caller */
	img->entry = plan->entry;
	img->program_end = 0;
	for (unsigned int i = 0; i < plan->nr_segs; i++)
		img->program_end = MAX(img->program_end,
		                       ALIGN_UP(plan->segs[i].vaddr + plan->segs[i].memsz, PGSIZE));
	kfree(file);
	kfree(plan);
	return ret;
}

int proc_load(struct mm *mm, const char *path, const char *const *argv,
              const char *const *envp, struct proc_image *img)
{
	return proc_load_depth(mm, path, argv, envp, img, 0);
}
