/* SPDX-License-Identifier: MIT */
/*
 * env.c - #env (#e): environment variables of a name space, as files.
 *
 *	#env/
 *	    NAME    one file per variable; its contents are the value
 *
 * Variables are created (create #env/NAME), written at any offset (the file
 * grows, the gap reads as zeros; O_TRUNC empties it), read and removed
 * like files, up to ENV_VALUE_MAX bytes each and ENV_VARS_MAX per space.
 * Names are 1..ENV_NAME_MAX-1 bytes, no '/'.
 *
 * Scope: one environment per name space.  Attach records the attaching
 * kthread's pgrp id (current_pgrp()->pgrpid) in c->devpriv; every later
 * operation on that chan, and on chans walked from it, uses that pgrp's
 * variables, so an #env chan passed elsewhere keeps naming the same
 * environment.  A space is made by its first create and freed with its
 * last variable, or with the pgrp: its release calls env_pgrp_release
 * (struct dev's pgrp_release hook), which frees the space and every
 * variable left in it.  pgrp ids are never reused, so an #env chan that
 * outlives its pgrp then sees an empty environment; a create through such
 * a chan makes a space that only its removes can free (nothing does that
 * today: every #env chan of a pgrp is bound in it or closed before it).
 *
 * Locking: env_qlock, one qlock (struct sem) for every space, variable and
 * value; it may be held across allocation and across the generic dev*
 * helpers, which raise error(): every path that takes it under waserror()
 * releases it.  Variables are found by qid.path under the lock, so a chan
 * of a removed variable gets ENOENT rather than freed memory.
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <list.h>
#include <ns.h>
#include <printk.h>
#include <sem.h>

#define ENV_NAME_MAX  128
#define ENV_VALUE_MAX (64 * 1024)
#define ENV_VARS_MAX  1024

struct env_var {
	struct list_head link;          /* [env_qlock] in its space */
	uint64_t path;                  /* [I] qid.path, unique */
	uint32_t vers;                  /* [env_qlock] bumped by writes */
	char name[ENV_NAME_MAX];        /* [I] */
	uint8_t *val;                   /* [env_qlock] kmalloc'd, or NULL */
	size_t len;                     /* [env_qlock] */
};

struct env_space {
	struct list_head link;          /* [env_qlock] on env_spaces */
	uint64_t pgrpid;                /* [I] */
	struct list_head vars;          /* [env_qlock] */
	int nvars;                      /* [env_qlock] */
};

static struct sem env_qlock = QLOCK_INITIALIZER(env_qlock, "env_qlock");
static struct list_head env_spaces = LIST_HEAD_INIT(env_spaces);
static uint64_t env_next_path = 1;      /* [env_qlock]; 0 is the directory */

/* ------------------------------------------------- spaces and variables */

static struct env_space *__env_space(uint64_t pgrpid)
{
	struct env_space *s;

	list_for_each_entry(s, &env_spaces, link)
		if (s->pgrpid == pgrpid)
			return s;
	return NULL;
}

static struct env_var *__env_var_by_path(struct chan *c)
{
	struct env_space *s = __env_space(c->devpriv);
	struct env_var *v;

	if (s)
		list_for_each_entry(v, &s->vars, link)
			if (v->path == c->qid.path)
				return v;
	error(ENOENT, "#env: '%s' was removed", c->name ? c->name->s : "?");
}

static struct env_var *__env_var_by_name(struct env_space *s, const char *name)
{
	struct env_var *v;

	if (s)
		list_for_each_entry(v, &s->vars, link)
			if (!strcmp(v->name, name))
				return v;
	return NULL;
}

/* A new, unlinked space, or NULL (no memory). */
static struct env_space *env_space_alloc(uint64_t pgrpid)
{
	struct env_space *s = kzmalloc(sizeof(*s), MEM_WAIT);

	if (s) {
		s->pgrpid = pgrpid;
		list_init(&s->vars);
	}
	return s;
}

static void env_var_free(struct env_var *v)
{
	kfree(v->val);
	kfree(v);
}

static void __env_space_put_if_empty(struct env_space *s)
{
	if (s->nvars)
		return;
	list_del(&s->link);
	kfree(s);
}

/* ------------------------------------------------------------- gen */

static int env_gen(struct chan *c, const char *name, const struct dirtab *tab,
                   int ntab, int i, struct dir *dp)
{
	struct env_space *s = __env_space(c->devpriv);
	struct env_var *v;

	if (!s)
		return DEVGEN_END;
	list_for_each_entry(v, &s->vars, link) {
		if (i-- == 0) {
			mkdir_entry(dp, mkqid(v->path, v->vers, QTFILE), v->name,
			            (int64_t)v->len, "eve", 0666);
			return DEVGEN_ENTRY;
		}
	}
	return DEVGEN_END;
}

static struct chan *env_attach(const char *spec)
{
	struct chan *c = devattach("env", spec);

	c->devpriv = current_pgrp()->pgrpid;
	return c;
}

static struct walkqid *env_walk(struct chan *c, struct chan *nc, const char **names,
                                unsigned int nname)
{
	ERRSTACK(1);
	struct walkqid *wq;

	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	wq = devwalk(c, nc, names, nname, NULL, 0, env_gen);
	poperror();
	sem_up(&env_qlock);
	return wq;
}

static size_t env_stat(struct chan *c, uint8_t *db, size_t n)
{
	ERRSTACK(1);
	size_t r;

	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	r = devstat(c, db, n, NULL, 0, env_gen);
	poperror();
	sem_up(&env_qlock);
	return r;
}

static void __env_trunc(struct chan *c)
{
	struct env_var *v = __env_var_by_path(c);

	kfree(v->val);
	v->val = NULL;
	v->len = 0;
	v->vers++;
}

static struct chan *env_open(struct chan *c, int omode)
{
	ERRSTACK(1);

	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	c = devopen(c, omode, NULL, 0, env_gen);
	if (!(c->qid.type & QTDIR) && (omode & O_TRUNC))
		__env_trunc(c);
	poperror();
	sem_up(&env_qlock);
	return c;
}

static void env_close(struct chan *c)
{
}

/* --------------------------------------------------- create, remove */

static void env_check_name(const char *name)
{
	size_t len = strnlen(name, ENV_NAME_MAX);

	if (len == 0 || len >= ENV_NAME_MAX)
		error(EINVAL, "#env: a name is 1..%d bytes", ENV_NAME_MAX - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		error(EINVAL, "#env: bad name '%s'", name);
}

static struct env_var *__env_add(struct chan *c, const char *name)
{
	struct env_space *s = __env_space(c->devpriv);
	struct env_space *ns = NULL;
	struct env_var *v;

	if (__env_var_by_name(s, name))
		error(EEXIST, "#env: '%s' already exists", name);
	if (s && s->nvars >= ENV_VARS_MAX)
		error(ENOSPC, "#env: already %d variables", ENV_VARS_MAX);
	v = kzmalloc(sizeof(*v), MEM_WAIT);
	if (!s)
		ns = env_space_alloc(c->devpriv);
	if (!v || (!s && !ns)) {
		kfree(v);
		kfree(ns);
		error(ENOMEM, "#env: no memory for '%s'", name);
	}
	if (ns) {
		list_add_tail(&ns->link, &env_spaces);
		s = ns;
	}
	strlcpy(v->name, name, sizeof(v->name));
	v->path = env_next_path++;
	list_add_tail(&v->link, &s->vars);
	s->nvars++;
	return v;
}

static void env_create(struct chan *c, const char *name, int omode, uint32_t perm,
                       const char *ext)
{
	ERRSTACK(1);
	struct env_var *v;

	if (perm & (DMDIR | DMSYMLINK))
		error(EPERM, "#env: '%s': only plain files", name);
	env_check_name(name);
	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	v = __env_add(c, name);
	c->qid = mkqid(v->path, v->vers, QTFILE);
	poperror();
	sem_up(&env_qlock);
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
}

static void env_remove(struct chan *c)
{
	ERRSTACK(1);
	struct env_space *s;
	struct env_var *v;

	if (c->qid.type & QTDIR)
		error(EPERM, "#env: cannot remove the directory");
	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	v = __env_var_by_path(c);
	poperror();
	s = __env_space(c->devpriv);
	list_del(&v->link);
	s->nvars--;
	__env_space_put_if_empty(s);
	sem_up(&env_qlock);
	env_var_free(v);
}

/* The pgrp is gone: free its space and what is left in it. */
static void env_pgrp_release(uint64_t pgrpid)
{
	struct env_space *s;
	struct env_var *v, *tmp;

	sem_down(&env_qlock);
	s = __env_space(pgrpid);
	if (s)
		list_del(&s->link);
	sem_up(&env_qlock);
	if (!s)
		return;
	list_for_each_entry_safe(v, tmp, &s->vars, link) {
		list_del(&v->link);
		env_var_free(v);
	}
	kfree(s);
}

/* ------------------------------------------------------ read, write */

static size_t __env_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct env_var *v;

	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, env_gen);
	v = __env_var_by_path(c);
	return readmem(off, buf, n, v->val, v->len);
}

static size_t __env_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	struct env_var *v = __env_var_by_path(c);
	uint8_t *nv;

	if (off < 0 || (uint64_t)off > ENV_VALUE_MAX || n > ENV_VALUE_MAX - (size_t)off)
		error(EFBIG, "#env: '%s' would pass %d bytes", v->name, ENV_VALUE_MAX);
	if ((size_t)off + n > v->len) {
		nv = krealloc(v->val, (size_t)off + n, MEM_WAIT);
		if (!nv)
			error(ENOMEM, "#env: no memory to grow '%s'", v->name);
		if ((size_t)off > v->len)
			memset(nv + v->len, 0, (size_t)off - v->len);
		v->val = nv;
		v->len = (size_t)off + n;
	}
	memcpy(v->val + off, buf, n);
	v->vers++;
	return n;
}

static size_t env_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	ERRSTACK(1);
	size_t r;

	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	r = __env_read(c, buf, n, off);
	poperror();
	sem_up(&env_qlock);
	return r;
}

static size_t env_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	ERRSTACK(1);
	size_t r;

	if (c->qid.type & QTDIR)
		error(EISDIR, "#env: cannot write the directory");
	sem_down(&env_qlock);
	if (waserror()) {
		sem_up(&env_qlock);
		nexterror();
	}
	r = __env_write(c, buf, n, off);
	poperror();
	sem_up(&env_qlock);
	return r;
}

struct dev env_devtab __devtab = {
	.name = "env",
	.letter = 'e',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = env_attach,
	.walk = env_walk,
	.stat = env_stat,
	.open = env_open,
	.create = env_create,
	.close = env_close,
	.read = env_read,
	.bread = devbread,
	.write = env_write,
	.bwrite = devbwrite,
	.remove = env_remove,
	.rename = devrename,
	.wstat = devwstat,
	.pgrp_release = env_pgrp_release,
};
