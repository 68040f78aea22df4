/* SPDX-License-Identifier: MIT */
/*
 * kprof.c - #kprof: the sampling profiler's control and results.
 *
 *	#kprof/
 *	    kpctl    rw  w: "start [PERIOD_US]" (default 1000, at least 100),
 *	                    "stop", "clear"; r: "running|stopped period_us N
 *	                    samples N dropped N"
 *	    profile  r   the symbolized report: by process, by kernel function,
 *	                 by kernel call chain (kern/src/sched/kprof_report.c)
 *	    kpdata   r   every sample, one line each, for tools (user/bin/kprof)
 *
 * Like #mem, each open of a file takes a snapshot of its text (devsnap.c),
 * so reads at any offset of one open agree.  The
 * profiler itself is kern/src/sched/kprof.c; Documentation/dev/kprof.md and
 * Documentation/profiling.md say how to use it.
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kprof.h>
#include <kstring.h>
#include <ns.h>
#include <slice.h>
#include <time.h>

#define KPROF_DEFAULT_PERIOD_US 1000
#define KPCTL_MSG_MAX 64

enum { Qtop, Qkpctl, Qprofile, Qkpdata };

static const struct dirtab kprof_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "kpctl", { Qkpctl, 0, QTFILE }, 0, 0666 },
	{ "profile", { Qprofile, 0, QTFILE }, 0, 0444 },
	{ "kpdata", { Qkpdata, 0, QTFILE }, 0, 0444 },
};

static void kprof_format_status(struct slice *s)
{
	struct kprof_status st;

	kprof_get_status(&st);
	slice_printf(s, "%s period_us %llu samples %llu dropped %llu\n",
	             st.running ? "running" : "stopped",
	             (unsigned long long)(st.period_ns / NSEC_PER_USEC),
	             (unsigned long long)st.samples, (unsigned long long)st.dropped);
}

static struct chan *kprof_attach(const char *spec)
{
	return devattach("kprof", spec);
}

static struct walkqid *kprof_walk(struct chan *c, struct chan *nc, const char **names,
                                  unsigned int nname)
{
	return devwalk(c, nc, names, nname, kprof_tab, ARRAY_SIZE(kprof_tab), devgen);
}

static size_t kprof_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, kprof_tab, ARRAY_SIZE(kprof_tab), devgen);
}

static void kprof_build(struct slice *s, uint64_t path)
{
	if (path == Qkpctl)
		kprof_format_status(s);
	else if (path == Qprofile)
		kprof_format_report(s);
	else
		kprof_format_raw(s);
}

static struct chan *kprof_open(struct chan *c, int omode)
{
	c = devopen(c, omode, kprof_tab, ARRAY_SIZE(kprof_tab), devgen);
	if (!(c->qid.type & QTDIR))
		devsnap_open(c, kprof_build, "kprof");
	return c;
}

static void kprof_close(struct chan *c)
{
	devsnap_close(c);
}

static size_t kprof_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.path == Qtop)
		return devdirread(c, buf, n, kprof_tab, ARRAY_SIZE(kprof_tab), devgen);
	return devsnap_read(c, buf, n, off, "kprof");
}

static uint64_t kprof_parse_period(const char *arg)
{
	uint64_t us;

	if (!*arg)
		return KPROF_DEFAULT_PERIOD_US * NSEC_PER_USEC;
	if (kstrtou64(arg, strlen(arg), 10, &us) || us > UINT64_MAX / NSEC_PER_USEC)
		error(EINVAL, "#kprof/kpctl: '%s' is not a period in microseconds", arg);
	if (us * NSEC_PER_USEC < KPROF_MIN_PERIOD_NS)
		error(EINVAL, "#kprof/kpctl: a period of %llu us is below the minimum of %lu us",
		      (unsigned long long)us, KPROF_MIN_PERIOD_NS / NSEC_PER_USEC);
	return us * NSEC_PER_USEC;
}

static void kprof_ctl(const char *msg)
{
	int err;

	if (strncmp(msg, "start", 5) == 0 && (msg[5] == '\0' || msg[5] == ' ')) {
		err = kprof_start(kprof_parse_period(msg[5] ? msg + 6 : ""));
		if (err == -EBUSY)
			error(EBUSY, "#kprof/kpctl: the profiler is already running");
		if (err)
			error(-err, "#kprof/kpctl: no memory for the sample buffers");
	} else if (strcmp(msg, "stop") == 0) {
		kprof_stop();
	} else if (strcmp(msg, "clear") == 0) {
		if (kprof_clear())
			error(EBUSY, "#kprof/kpctl: stop the profiler before clearing it");
	} else {
		error(EINVAL, "#kprof/kpctl: unknown message '%s' (want start [us], stop, clear)",
		      msg);
	}
}

static size_t kprof_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	char msg[KPCTL_MSG_MAX];

	if (c->qid.path != Qkpctl)
		error(EPERM, "#kprof: '%s' is read-only", c->name ? c->name->s : "?");
	if (n >= sizeof(msg))
		error(EINVAL, "#kprof/kpctl: message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	kprof_ctl(msg);
	return n;
}

struct dev kprof_devtab __devtab = {
	.name = "kprof",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = kprof_attach,
	.walk = kprof_walk,
	.stat = kprof_stat,
	.open = kprof_open,
	.create = devcreate,
	.close = kprof_close,
	.read = kprof_read,
	.bread = devbread,
	.write = kprof_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
