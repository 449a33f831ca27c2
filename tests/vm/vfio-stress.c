// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-stress: hammer the VF token of vfio-pci-rs from several threads.
 *
 *   vfio-stress [--workers N] [--seconds S] [--ops N] [--seed N]
 *               [--driver NAME] [--no-cdev] PF...
 *
 * Every PF must be bound to the driver (vfio-pci-rs unless --driver says
 * otherwise), and the driver must allow sriov_numvfs (enable_sriov=1).  Each worker
 * loops, until the time or the operation budget is spent, over random
 * operations on random PFs:
 *
 *   pf-open    open the PF on the group or cdev path, with no token, the
 *              current token, or a fresh one (which sets it, SPEC C10)
 *   vf-open    open a VF of the PF with no, a wrong or the current token
 *   set-token  open the PF and VFIO_DEVICE_FEATURE SET a fresh token
 *   numvfs     write 0, then 1..3, to sriov_numvfs
 *   rebind     open a VF, unbind the PF while that VF is open (the unbind
 *              waits for it), then bind the PF again
 *   rmmod      with a device of the module open, delete_module() must fail
 *              with EWOULDBLOCK and change nothing
 *
 * Past the time, the workers go on until every operation has succeeded at
 * least once, for at most three times the time.
 *
 * --no-cdev is for a kernel without the vfio device cdev (no CONFIG_IOMMUFD):
 * every open takes the group path, the two cdev operations are not run and
 * their rows stay 0.
 *
 * Opened devices are held a random while (mostly milliseconds, now and then
 * a few hundred) and closed.  Results are counted per operation and errno.
 *
 * A result fails the run when it breaks the contract whatever the timing:
 * a VF opened with no token or with a token nobody ever set, an errno
 * outside the operation's expected set, a rmmod that did anything but
 * refuse, or an open with the current token refused with EACCES while no
 * other thread could have changed the token (a sequence count per PF tells).
 * At the end every fd the workers opened must be closed again.
 *
 * Prints the figures and "stress: N operations, M unexpected"; exits 0 only
 * when M is 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

#define MAX_PFS		4
#define MAX_VFS		8
/* The driver under test; --driver vfio-pci runs the same load on C vfio-pci. */
static const char *driver = "vfio-pci-rs";
static char module[64] = "vfio_pci_rs";

/* Byte 0 of every token: ones the stress sets, and ones it never sets. */
#define TOKEN_SET	0x5e
#define TOKEN_WRONG	0xba

/* How an operation ended: success or one of the errnos we tell apart. */
enum result {
	RES_OK, RES_EACCES, RES_EBUSY, RES_ENODEV, RES_ENOENT, RES_EINVAL,
	RES_EAGAIN, RES_EPERM, RES_EFAULT, RES_OTHER, RES_SKIP, NR_RESULTS
};

static const char *const result_name[NR_RESULTS] = {
	"ok", "EACCES", "EBUSY", "ENODEV", "ENOENT", "EINVAL",
	"EWOULDBLOCK", "EPERM", "EFAULT", "other", "skipped",
};

#define BIT(r)		(1u << (r))
/*
 * An open can meet a token check (EACCES), a group or cdev open elsewhere
 * (EBUSY), a device on its way out (ENODEV, ENOENT), or, on a first open,
 * vfio-pci-core's reset finding the device lock held by a concurrent
 * sriov_numvfs write or unbind (EAGAIN, as with C vfio-pci).  The cdev
 * path adds EINVAL: vfio refuses to bind a device another cdev fd has open.
 */
#define OPEN_RESULTS	(BIT(RES_OK) | BIT(RES_EACCES) | BIT(RES_EBUSY) | \
			 BIT(RES_ENODEV) | BIT(RES_ENOENT) | BIT(RES_EAGAIN) | \
			 BIT(RES_SKIP))
#define CDEV_RESULTS	(OPEN_RESULTS | BIT(RES_EINVAL))
/*
 * A VF's group path adds EINVAL too: vfio_df_group_open() refuses a group
 * that no longer has its container or iommufd, which a VF's group can
 * lose while sriov_numvfs takes the VF away under the open (seen in two
 * make check runs of 2026-12-04, with no refusal line of the driver, so not
 * its match()).  Which exact interleaving gets there is not established.
 */
#define VF_GROUP_RESULTS (OPEN_RESULTS | BIT(RES_EINVAL))

enum op { OP_PF_GROUP, OP_PF_CDEV, OP_VF_GROUP, OP_VF_CDEV, OP_SET_TOKEN,
	  OP_NUMVFS, OP_REBIND, OP_RMMOD, NR_OPS };

static const struct {
	const char *name;
	unsigned int weight;	/* out of 100 */
	unsigned int allowed;	/* results that are no failure */
} ops[NR_OPS] = {
	[OP_PF_GROUP]  = { "pf-open-group", 17, OPEN_RESULTS },
	[OP_PF_CDEV]   = { "pf-open-cdev",  17, CDEV_RESULTS },
	[OP_VF_GROUP]  = { "vf-open-group", 22, VF_GROUP_RESULTS },
	[OP_VF_CDEV]   = { "vf-open-cdev",  22, CDEV_RESULTS },
	/* Opens the PF on a random path: EINVAL only on the cdev path. */
	[OP_SET_TOKEN] = { "set-token",     14, CDEV_RESULTS },
	/* EBUSY: VFs already enabled; ENOENT: the PF is between drivers. */
	[OP_NUMVFS]    = { "numvfs",         4, BIT(RES_OK) | BIT(RES_EBUSY) |
					        BIT(RES_ENOENT) },
	/* ENODEV: another thread's unbind won the race. */
	[OP_REBIND]    = { "rebind",         2, BIT(RES_OK) | BIT(RES_ENODEV) |
					        BIT(RES_SKIP) },
	/* Nothing else is acceptable while one of our devices is open. */
	[OP_RMMOD]     = { "rmmod",          2, BIT(RES_EAGAIN) | BIT(RES_SKIP) },
};

/*
 * One PF.  Every operation that can change the token (a SET, a PF open with
 * a fresh token, a rebind) runs as a "changer": it bumps @busy and @gen
 * before and @gen after, and records the token it left under @lock.  An
 * open that snapshots (@gen, @busy) with @busy 0 and finds @gen unchanged
 * afterwards ran while the token it used was the PF's token.
 */
struct pf {
	char bdf[32];
	pthread_mutex_t lock;
	unsigned int gen;	/* atomic */
	unsigned int busy;	/* atomic */
	unsigned int rebinding;	/* atomic: one rebind at a time */
	bool known;		/* under @lock: @token is the PF's token */
	unsigned char token[16];
};

static struct pf pfs[MAX_PFS];
static int nr_pfs;
static unsigned long counts[NR_OPS][NR_RESULTS];	/* atomic */
static unsigned long unexpected;			/* atomic */
static unsigned long rebinds_with_vf_open;		/* atomic */
static unsigned long deadline_ns, hard_deadline_ns, max_ops;
static unsigned long ops_done;				/* atomic */

#define atomic_inc(p)	__atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec(p)	__atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_read(p)	__atomic_load_n((p), __ATOMIC_SEQ_CST)

static void fail(const char *fmt, ...)
{
	va_list ap;

	atomic_inc(&unexpected);
	va_start(ap, fmt);
	printf("stress: UNEXPECTED: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static enum result to_result(int err)
{
	switch (err) {
	case 0:		  return RES_OK;
	case EACCES:	  return RES_EACCES;
	case EBUSY:	  return RES_EBUSY;
	case ENODEV:	  return RES_ENODEV;
	case ENOENT:	  return RES_ENOENT;
	case EINVAL:	  return RES_EINVAL;
	case EWOULDBLOCK: return RES_EAGAIN;
	case EPERM:	  return RES_EPERM;
	case EFAULT:	  return RES_EFAULT;
	default:	  return RES_OTHER;
	}
}

static void tally(enum op op, int err, const char *bdf)
{
	enum result r = err < 0 ? RES_SKIP : to_result(err);

	atomic_inc(&counts[op][r]);
	if (!(ops[op].allowed & BIT(r)))
		fail("%s %s: %s (%s)", ops[op].name, bdf, result_name[r],
		     err > 0 ? strerror(err) : "-");
}

/* xorshift64*: cheap, per thread, reproducible from --seed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

static void random_token(uint64_t *s, unsigned char tok[16], unsigned char tag)
{
	uint64_t a = rnd(s), b = rnd(s);

	memcpy(tok, &a, 8);
	memcpy(tok + 8, &b, 8);
	tok[0] = tag;
	tok[6] = (tok[6] & 0x0f) | 0x40;	/* a version 4 UUID */
	tok[8] = (tok[8] & 0x3f) | 0x80;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Mostly a few milliseconds, now and then long enough to meet an unbind. */
static void hold(uint64_t *s)
{
	sleep_ms(below(s, 10) ? below(s, 5) : 100 + below(s, 200));
}

/* An open device and what it took to open it. */
struct handle {
	int dev, group, container, iommufd;
};

static void close_handle(struct handle *h)
{
	if (h->dev >= 0)
		close(h->dev);
	if (h->group >= 0)
		close(h->group);
	if (h->container >= 0)
		close(h->container);
	if (h->iommufd >= 0)
		close(h->iommufd);
	h->dev = h->group = h->container = h->iommufd = -1;
}

/* Open @bdf as a userspace driver does; 0 or a positive errno. */
static int open_group(struct handle *h, const char *bdf, const unsigned char *tok)
{
	char path[300], name[128], t[37];
	int err = vfio_group_node(bdf, path, sizeof(path));

	if (err)
		return err;
	h->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (h->container < 0)
		return errno;
	h->group = open(path, O_RDWR | O_CLOEXEC);
	if (h->group < 0)
		return errno;
	if (ioctl(h->group, VFIO_GROUP_SET_CONTAINER, &h->container) ||
	    ioctl(h->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return errno;
	if (tok) {
		uuid_to_text(tok, false, t);
		snprintf(name, sizeof(name), "%s vf_token=%s", bdf, t);
	} else {
		snprintf(name, sizeof(name), "%s", bdf);
	}
	h->dev = ioctl(h->group, VFIO_GROUP_GET_DEVICE_FD, name);
	return h->dev < 0 ? errno : 0;
}

static int open_cdev(struct handle *h, const char *bdf, const unsigned char *tok)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	char path[300];
	int err = vfio_cdev_node(bdf, path, sizeof(path));

	if (err)
		return err;
	h->dev = open(path, O_RDWR | O_CLOEXEC);
	if (h->dev < 0)
		return errno;
	h->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (h->iommufd < 0)
		return errno;
	bind.iommufd = h->iommufd;
	if (tok) {
		bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)tok;
	}
	return ioctl(h->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) ? errno : 0;
}

static bool no_cdev;

static int open_dev(struct handle *h, bool cdev, const char *bdf,
		    const unsigned char *tok)
{
	int err;

	cdev = cdev && !no_cdev;
	*h = (struct handle){ -1, -1, -1, -1 };
	err = cdev ? open_cdev(h, bdf, tok) : open_group(h, bdf, tok);
	if (err)
		close_handle(h);
	return err;
}

static int set_token(int dev, const unsigned char tok[16])
{
	struct {
		struct vfio_device_feature hdr;
		unsigned char uuid[16];
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	};

	memcpy(f.uuid, tok, 16);
	return ioctl(dev, VFIO_DEVICE_FEATURE, &f) ? errno : 0;
}

/* Write @val to the sysfs file @path; 0 or a positive errno. */
static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* A random VF of @pf, or false if it has none right now. */
static bool pick_vf(struct pf *pf, uint64_t *s, char *bdf, size_t len)
{
	char path[128], link[256];
	int n = below(s, MAX_VFS);
	ssize_t l;

	for (int i = 0; i < MAX_VFS; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn%d",
			 pf->bdf, (n + i) % MAX_VFS);
		l = readlink(path, link, sizeof(link) - 1);
		if (l < 0)
			continue;
		link[l] = '\0';
		snprintf(bdf, len, "%s", strrchr(link, '/') + 1);
		return true;
	}
	return false;
}

/* The PF's token as last recorded, with the sequence count it went with. */
struct snapshot {
	bool known;
	unsigned char token[16];
	unsigned int gen, busy;
};

static void snap(struct pf *pf, struct snapshot *sn)
{
	pthread_mutex_lock(&pf->lock);
	sn->gen = atomic_read(&pf->gen);
	sn->busy = atomic_read(&pf->busy);
	sn->known = pf->known;
	memcpy(sn->token, pf->token, 16);
	pthread_mutex_unlock(&pf->lock);
}

/* No changer ran between @sn and now: the recorded token was the token. */
static bool stable(struct pf *pf, const struct snapshot *sn)
{
	return sn->known && !sn->busy && atomic_read(&pf->gen) == sn->gen;
}

static void change_begin(struct pf *pf)
{
	atomic_inc(&pf->busy);
	atomic_inc(&pf->gen);
}

static void change_end(struct pf *pf)
{
	atomic_inc(&pf->gen);
	atomic_dec(&pf->busy);
}

static void op_set_token(struct pf *pf, uint64_t *s);

static void op_pf_open(struct pf *pf, bool cdev, uint64_t *s)
{
	enum op op = cdev ? OP_PF_CDEV : OP_PF_GROUP;
	unsigned char fresh[16];
	struct snapshot sn;
	struct handle h;
	int kind = below(s, 3), err;

	if (kind == 0) {
		/* No token: allowed while no VF is open (C9), else EACCES (C6). */
		err = open_dev(&h, cdev, pf->bdf, NULL);
	} else if (kind == 1) {
		/*
		 * The current token: never EACCES while it stays current (C8,
		 * C10).  Under the lock, so that a token gone stale cannot be
		 * set back behind the record's back (C10 sets it).
		 */
		snap(pf, &sn);
		if (!sn.known) {
			/* Learn a token first rather than skip. */
			op_set_token(pf, s);
			return;
		}
		pthread_mutex_lock(&pf->lock);
		err = -1;
		if (pf->known)
			err = open_dev(&h, cdev, pf->bdf, pf->token);
		if (err == EACCES && stable(pf, &sn) &&
		    !memcmp(sn.token, pf->token, 16))
			fail("%s %s with the current token: EACCES (C8)",
			     ops[op].name, pf->bdf);
		pthread_mutex_unlock(&pf->lock);
	} else {
		/* A fresh token sets it if no VF is open (C10), else EACCES (C7). */
		random_token(s, fresh, TOKEN_SET);
		pthread_mutex_lock(&pf->lock);
		change_begin(pf);
		err = open_dev(&h, cdev, pf->bdf, fresh);
		if (!err) {
			memcpy(pf->token, fresh, 16);
			pf->known = true;
		} else if (err != EACCES) {
			/*
			 * The open may have failed after the token check
			 * set the token (C10: it stays set), or before it:
			 * the token is no longer known.
			 */
			pf->known = false;
		}
		change_end(pf);
		pthread_mutex_unlock(&pf->lock);
	}
	tally(op, err, pf->bdf);
	if (!err) {
		hold(s);
		close_handle(&h);
	}
}

static void op_vf_open(struct pf *pf, bool cdev, uint64_t *s)
{
	enum op op = cdev ? OP_VF_CDEV : OP_VF_GROUP;
	unsigned char wrong[16];
	struct snapshot sn;
	struct handle h;
	char vf[32];
	int kind = below(s, 4), err;	/* half of them with the current token */

	if (!pick_vf(pf, s, vf, sizeof(vf))) {
		tally(op, -1, pf->bdf);
		return;
	}
	if (kind == 0) {
		err = open_dev(&h, cdev, vf, NULL);
		if (!err)
			fail("%s %s without a token: opened (C3)", ops[op].name, vf);
	} else if (kind == 1) {
		random_token(s, wrong, TOKEN_WRONG);
		err = open_dev(&h, cdev, vf, wrong);
		if (!err)
			fail("%s %s with a token never set: opened (C4)", ops[op].name, vf);
	} else {
		snap(pf, &sn);
		if (!sn.known) {
			op_set_token(pf, s);
			return;
		}
		err = open_dev(&h, cdev, vf, sn.token);
		if (err == EACCES && stable(pf, &sn))
			fail("%s %s with the current token: EACCES (C5)", ops[op].name, vf);
	}
	tally(op, err, vf);
	if (!err) {
		hold(s);
		close_handle(&h);
	}
}

static void op_set_token(struct pf *pf, uint64_t *s)
{
	unsigned char fresh[16];
	struct handle h;
	bool cdev = below(s, 2);
	int err, serr;

	random_token(s, fresh, TOKEN_SET);
	pthread_mutex_lock(&pf->lock);
	change_begin(pf);
	/* Under the lock the recorded token is current, short of a rebind. */
	err = open_dev(&h, cdev, pf->bdf, pf->known ? pf->token : NULL);
	if (err == EINVAL && !cdev)
		fail("set-token %s: group open: EINVAL", pf->bdf);
	if (!err) {
		serr = set_token(h.dev, fresh);
		if (serr) {
			fail("set-token %s: VFIO_DEVICE_FEATURE SET: %s", pf->bdf,
			     strerror(serr));
		} else {
			memcpy(pf->token, fresh, 16);
			pf->known = true;
		}
	}
	change_end(pf);
	pthread_mutex_unlock(&pf->lock);
	tally(OP_SET_TOKEN, err, pf->bdf);
	if (!err) {
		hold(s);
		close_handle(&h);
	}
}

static void op_numvfs(struct pf *pf, uint64_t *s)
{
	char path[128], val[4];
	int err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs", pf->bdf);
	/* Waits until every VF is closed: the VFs go away first. */
	err = sysfs_write(path, "0");
	if (!err) {
		snprintf(val, sizeof(val), "%u", 1 + below(s, 3));
		err = sysfs_write(path, val);
	}
	tally(OP_NUMVFS, err, pf->bdf);
}

struct delayed_close {
	struct handle h;
	unsigned int ms;
};

static void *close_later(void *arg)
{
	struct delayed_close *dc = arg;

	sleep_ms(dc->ms);
	close_handle(&dc->h);
	return NULL;
}

static void op_rebind(struct pf *pf, uint64_t *s)
{
	struct delayed_close dc = { .ms = 100 + below(s, 200) };
	char path[128], link[256], vf[32];
	struct snapshot sn;
	pthread_t closer;
	bool vf_open = false;
	int err, perr;
	ssize_t len;

	if (__atomic_exchange_n(&pf->rebinding, 1, __ATOMIC_SEQ_CST)) {
		tally(OP_REBIND, -1, pf->bdf);
		return;
	}
	/*
	 * Hold a VF across the unbind, closed from another thread later.
	 * A rebind leaves the PF with no VF and a token nobody knows, so
	 * while no rebind has held a VF yet, make what the try lacked and
	 * try again, up to ten times: left to the other workers, the
	 * rebinds that coverage asks for undo it again on a slow (debug)
	 * kernel, every time.
	 */
	for (int i = 0; ; i++) {
		bool have_vf;

		snap(pf, &sn);
		have_vf = pick_vf(pf, s, vf, sizeof(vf));
		if (sn.known && have_vf && !open_dev(&dc.h, below(s, 2), vf, sn.token)) {
			vf_open = !pthread_create(&closer, NULL, close_later, &dc);
			if (!vf_open)
				close_handle(&dc.h);
			break;
		}
		if (i == 9 || atomic_read(&rebinds_with_vf_open))
			break;
		if (!sn.known)
			op_set_token(pf, s);
		else if (!have_vf)
			op_numvfs(pf, s);
		else
			sleep_ms(below(s, 20));	/* the open failed: busy */
	}

	pthread_mutex_lock(&pf->lock);
	change_begin(pf);
	pf->known = false;
	pthread_mutex_unlock(&pf->lock);

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", driver);
	err = sysfs_write(path, pf->bdf);
	/* Probe even when the unbind failed: never leave the PF unbound. */
	perr = sysfs_write("/sys/bus/pci/drivers_probe", pf->bdf);
	err = err ?: perr;
	/* Bound again, the PF has a new random token nobody knows. */
	pthread_mutex_lock(&pf->lock);
	pf->known = false;
	change_end(pf);
	pthread_mutex_unlock(&pf->lock);

	if (vf_open) {
		pthread_join(closer, NULL);
		if (!err)
			atomic_inc(&rebinds_with_vf_open);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pf->bdf);
	len = readlink(path, link, sizeof(link) - 1);
	link[len < 0 ? 0 : len] = '\0';
	if (len < 0 || strcmp(strrchr(link, '/') + 1, driver))
		fail("rebind %s: the PF is not bound to %s again", pf->bdf, driver);
	tally(OP_REBIND, err, pf->bdf);
	__atomic_store_n(&pf->rebinding, 0, __ATOMIC_SEQ_CST);
}

static void op_rmmod(struct pf *pf, uint64_t *s)
{
	struct snapshot sn;
	struct handle h;
	char vf[32];
	int err;

	/*
	 * Any open device of the module pins it: the PF, or a VF.  Opens
	 * fail often under this load (EAGAIN, EBUSY), so try a few times.
	 */
	for (int i = 0; ; i++) {
		if (i == 10) {
			tally(OP_RMMOD, -1, pf->bdf);
			return;
		}
		if (!open_dev(&h, below(s, 2), pf->bdf, NULL))
			break;
		snap(pf, &sn);
		if (sn.known && pick_vf(pf, s, vf, sizeof(vf)) &&
		    !open_dev(&h, below(s, 2), vf, sn.token))
			break;
		sleep_ms(below(s, 20));
	}
	err = syscall(SYS_delete_module, module, O_NONBLOCK) ? errno : 0;
	if (!err)
		fail("rmmod with %s open: the module was unloaded", pf->bdf);
	tally(OP_RMMOD, err, pf->bdf);
	close_handle(&h);
}

/* @op has succeeded at least once (rmmod: has been refused), or never runs. */
static bool op_covered(int op)
{
	if (no_cdev && (op == OP_PF_CDEV || op == OP_VF_CDEV))
		return true;
	return atomic_read(&counts[op][op == OP_RMMOD ? RES_EAGAIN : RES_OK]);
}

/*
 * Every operation has succeeded at least once (rmmod: has been refused),
 * and a PF was rebound with a VF open across the unbind.
 */
static bool covered(void)
{
	for (int op = 0; op < NR_OPS; op++)
		if (!op_covered(op))
			return false;
	return atomic_read(&rebinds_with_vf_open);
}

/*
 * An operation that covered() still waits for, from a random start; -1 if
 * none.
 */
static int uncovered_op(uint64_t *s)
{
	unsigned int first = below(s, NR_OPS);

	for (unsigned int i = 0; i < NR_OPS; i++) {
		int op = (first + i) % NR_OPS;

		if (!op_covered(op))
			return op;
	}
	/* And a rebind across an open VF, which covered() also wants. */
	return atomic_read(&rebinds_with_vf_open) ? -1 : OP_REBIND;
}

static void *worker(void *arg)
{
	uint64_t s = (uintptr_t)arg;

	for (;;) {
		unsigned int w = below(&s, 100), op = 0;
		struct pf *pf = &pfs[below(&s, nr_pfs)];
		uint64_t now = now_ns();

		/*
		 * Past the time, go on until every operation has been seen
		 * to work, up to three times the time: a slow (debug) kernel
		 * gets through few operations.
		 */
		if ((now >= deadline_ns && (covered() || now >= hard_deadline_ns)) ||
		    atomic_inc(&ops_done) > max_ops)
			break;
		while (w >= ops[op].weight) {
			w -= ops[op].weight;
			op++;
		}
		/*
		 * Past the time, every other operation goes to one that has
		 * not worked yet; the others in between (a new token, VFs)
		 * are what lets it work.
		 */
		if (now >= deadline_ns && below(&s, 2)) {
			int u = uncovered_op(&s);

			if (u >= 0)
				op = u;
		}
		if (no_cdev && op == OP_PF_CDEV)
			op = OP_PF_GROUP;
		if (no_cdev && op == OP_VF_CDEV)
			op = OP_VF_GROUP;
		switch (op) {
		case OP_PF_GROUP:  op_pf_open(pf, false, &s); break;
		case OP_PF_CDEV:   op_pf_open(pf, true, &s); break;
		case OP_VF_GROUP:  op_vf_open(pf, false, &s); break;
		case OP_VF_CDEV:   op_vf_open(pf, true, &s); break;
		case OP_SET_TOKEN: op_set_token(pf, &s); break;
		case OP_NUMVFS:    op_numvfs(pf, &s); break;
		case OP_REBIND:    op_rebind(pf, &s); break;
		case OP_RMMOD:     op_rmmod(pf, &s); break;
		}
	}
	return NULL;
}

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		n += de->d_name[0] != '.';
	closedir(dir);
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workers", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 't' },
		{ "ops", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "driver", required_argument, NULL, 'd' },
		{ "no-cdev", no_argument, NULL, 'c' },
		{ 0 },
	};
	unsigned long seed = time(NULL), seconds = 30, total = 0;
	unsigned int workers = 4;
	pthread_t tid[64];
	uint64_t start;
	int opt, fds;

	max_ops = 1000000;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'w': workers = strtoul(optarg, NULL, 0); break;
		case 't': seconds = strtoul(optarg, NULL, 0); break;
		case 'n': max_ops = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'd': driver = optarg; break;
		case 'c': no_cdev = true; break;
		default: return 2;
		}
	}
	if (workers < 1 || workers > 64 || optind == argc || argc - optind > MAX_PFS) {
		fprintf(stderr, "usage: vfio-stress [--workers 1..64] [--seconds S] [--ops N] [--seed N] [--driver NAME] [--no-cdev] PF...\n");
		return 2;
	}
	for (unsigned int i = 0; i < sizeof(module) - 1 && driver[i]; i++)
		module[i] = driver[i] == '-' ? '_' : driver[i];
	module[strnlen(driver, sizeof(module) - 1)] = '\0';
	for (; optind < argc; optind++, nr_pfs++) {
		snprintf(pfs[nr_pfs].bdf, sizeof(pfs[nr_pfs].bdf), "%s", argv[optind]);
		pthread_mutex_init(&pfs[nr_pfs].lock, NULL);
	}
	printf("stress: %s, %u workers, %d PFs, %lu s or %lu operations, seed %lu\n",
	       driver, workers, nr_pfs, seconds, max_ops, seed);
	fflush(stdout);

	fds = count_fds();
	start = now_ns();
	deadline_ns = start + seconds * 1000000000ull;
	hard_deadline_ns = start + 3 * seconds * 1000000000ull;
	for (unsigned int i = 0; i < workers; i++)
		pthread_create(&tid[i], NULL, worker,
			       (void *)(uintptr_t)(seed * 2654435761u + i + 1));
	for (unsigned int i = 0; i < workers; i++)
		pthread_join(tid[i], NULL);

	if (count_fds() != fds)
		fail("%d fds open before, %d after", fds, count_fds());

	printf("%-14s", "operation");
	for (int r = 0; r < NR_RESULTS; r++)
		printf(" %7.7s", result_name[r]);
	printf("\n");
	for (int op = 0; op < NR_OPS; op++) {
		unsigned long n = 0;

		printf("%-14s", ops[op].name);
		for (int r = 0; r < NR_RESULTS; r++) {
			printf(" %7lu", counts[op][r]);
			n += counts[op][r];
		}
		printf("\n");
		total += n;
	}
	printf("stress: %lu rebinds with a VF open across the unbind\n",
	       rebinds_with_vf_open);
	printf("stress: %.1f s, %.0f operations/s\n", (now_ns() - start) / 1e9,
	       total / ((now_ns() - start) / 1e9));
	printf("stress: %lu operations, %lu unexpected\n", total, unexpected);
	return unexpected ? 1 : 0;
}
