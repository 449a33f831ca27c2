// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-bench: time one vfio operation, many times over, in the guest.
 *
 *   vfio-bench OP ITERS[xREPS] ARGS...
 *
 * Prints one line, "ns OP <nanoseconds per operation> <median>", measured
 * with CLOCK_MONOTONIC around a loop of ITERS operations (setup excluded).
 * With xREPS the loop runs REPS times and the first figure is the fastest
 * loop's, the second the median loop's: the guest's clock runs on while the
 * host runs other work, which only ever adds time, so the best of many
 * short loops is the cost of the path itself (ops that are loops of sysfs
 * writes take no REPS).  Every result is
 * checked: an operation that does not end as the benchmark expects (an open
 * that should be refused and is not, a feature that fails) stops the run
 * with exit status 1, so that a number is never printed for the wrong path.
 *
 * OPs (BDF is a PCI address, TOKEN a UUID, DRV a driver name):
 *   bind DRV BDF            unbind then bind BDF to DRV (driver_override set
 *                           by the caller); only the bind is timed
 *   bindpair DRV BDF DRV2 BDF2
 *                           the binds of two drivers side by side: each
 *                           iteration unbinds and binds BDF to DRV and BDF2
 *                           to DRV2, in A B B A order, only the binds
 *                           timed; prints "ns bindpair BEST_A MEDIAN_A
 *                           BEST_B MEDIAN_B" over the single binds
 *   numvfs BDF N            sriov_numvfs 0 -> N -> 0
 *   open BDF NAME WANT      group path: VFIO_GROUP_GET_DEVICE_FD with the
 *                           string NAME (on BDF's group), then close; WANT
 *                           is ok, EACCES, EINVAL or ENODEV
 *   cdev BDF TOKEN|-        cdev path: open, VFIO_DEVICE_BIND_IOMMUFD (with
 *                           the token unless -), close
 *   feature BDF NAME probe|set TOKEN
 *                           VFIO_DEVICE_FEATURE PCI_VF_TOKEN on the device
 *                           opened with NAME
 *   cfgread BDF NAME        4-byte pread of config space offset 0
 *   barread BDF NAME        4-byte pread of BAR0 offset 8 (igb STATUS)
 *   threads T NAME...       T threads, thread i opens and closes NAME i
 *                           (a "BDF vf_token=..." string) in a loop; prints
 *                           the mean time of one open+close of a thread
 *   pair FASTOP ARGS... -- FASTOP ARGS...
 *                           two paths side by side, their loops interleaved
 *                           ABBA (A B B A A B ...), so that what else the
 *                           host runs weighs on both alike; prints
 *                           "ns pair BEST_A MEDIAN_A BEST_B MEDIAN_B".
 *                           FASTOP is one of open (BDF NAME WANT), feature
 *                           (BDF NAME probe|set TOKEN), cfgread or barread
 *                           (BDF NAME), with the arguments above
 *   trace FASTOP ARGS...    one loop of FASTOP (as in pair) with ftrace on:
 *                           tracing_on is 1 only around the loop, so that
 *                           a trace (scripts/bench --profile) holds the
 *                           path and not vfio-bench's setup
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "vfio-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		fail(path);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail(path);
	close(fd);
}

static int want_errno(const char *want)
{
	int err = strcmp(want, "ok") ? errno_named(want) : 0;

	if (err < 0) {
		errno = EINVAL;
		fail(want);
	}
	return err;
}

/* The group of @bdf, attached to a fresh type1 container. */
static int group_fd(const char *bdf)
{
	static char path[300];	/* named by what on failure */
	const char *what;
	int container, group;

	if (vfio_group_attach(bdf, path, sizeof(path), &container, &group, &what))
		fail(what);
	return group;
}

static int device_fd(int group, const char *name)
{
	int fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);

	if (fd < 0)
		fail("VFIO_GROUP_GET_DEVICE_FD");
	return fd;
}

static void parse_uuid(const char *s, unsigned char out[16])
{
	if (strlen(s) != 36 || !uuid_from_text(s, out)) {
		errno = EINVAL;
		fail(s);
	}
}

struct opener {
	int group;
	const char *name;
	long iters;
	long long ns;
	pthread_barrier_t *start;
};

static void *open_loop(void *arg)
{
	struct opener *o = arg;
	long long t0;
	long i;

	pthread_barrier_wait(o->start);
	t0 = now_ns();
	for (i = 0; i < o->iters; i++)
		close(device_fd(o->group, o->name));
	o->ns = now_ns() - t0;
	return NULL;
}

static long long samples[1000];
static int nsamples;

/* One loop of @iters operations took @ns. */
static void sample(long long ns)
{
	if (nsamples < (int)(sizeof(samples) / sizeof(samples[0])))
		samples[nsamples++] = ns;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* One path of a pair, set up: each run is one ioctl or read. */
struct fastop {
	char kind;		/* o(pen), f(eature), r(ead) */
	int fd;			/* group (open) or device fd */
	const char *name;	/* open */
	int want;		/* open */
	struct {
		struct vfio_device_feature hdr;
		unsigned char uuid[16];
	} f;
	off_t off;		/* read */
	long long s[1000];
	int n;
};

/* Sets up @o from @argv (@argc words); returns 0 or -1 for bad arguments. */
static int fastop_setup(struct fastop *o, int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[0], "open")) {
		o->kind = 'o';
		o->fd = group_fd(argv[1]);
		o->name = argv[2];
		o->want = want_errno(argv[3]);
	} else if (argc == 5 && !strcmp(argv[0], "feature")) {
		o->kind = 'f';
		o->fd = device_fd(group_fd(argv[1]), argv[2]);
		o->f.hdr.argsz = sizeof(o->f);
		o->f.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
		if (!strcmp(argv[3], "probe"))
			o->f.hdr.flags |= VFIO_DEVICE_FEATURE_PROBE;
		parse_uuid(argv[4], o->f.uuid);
	} else if (argc == 3 && (!strcmp(argv[0], "cfgread") || !strcmp(argv[0], "barread"))) {
		struct vfio_region_info r = {
			.argsz = sizeof(r),
			.index = argv[0][0] == 'c' ? VFIO_PCI_CONFIG_REGION_INDEX :
						     VFIO_PCI_BAR0_REGION_INDEX,
		};

		o->kind = 'r';
		o->fd = device_fd(group_fd(argv[1]), argv[2]);
		if (ioctl(o->fd, VFIO_DEVICE_GET_REGION_INFO, &r))
			fail("VFIO_DEVICE_GET_REGION_INFO");
		o->off = r.offset + (argv[0][0] == 'c' ? 0 : 8);
	} else {
		return -1;
	}
	return 0;
}

/* One loop of @iters runs of @o, timed into its samples. */
static void fastop_loop(struct fastop *o, long iters)
{
	long long t0 = now_ns();
	char buf[4];
	long i;
	int fd;

	for (i = 0; i < iters; i++) {
		switch (o->kind) {
		case 'o':
			fd = ioctl(o->fd, VFIO_GROUP_GET_DEVICE_FD, o->name);
			if (fd >= 0)
				close(fd);
			if ((fd < 0 ? errno : 0) != o->want) {
				fprintf(stderr, "vfio-bench: open \"%s\": %s\n", o->name,
					fd < 0 ? strerror(errno) : "ok");
				exit(1);
			}
			break;
		case 'f':
			if (ioctl(o->fd, VFIO_DEVICE_FEATURE, &o->f))
				fail("VFIO_DEVICE_FEATURE");
			break;
		default:
			if (pread(o->fd, buf, 4, o->off) != 4)
				fail("pread");
		}
	}
	if (o->n < 1000)
		o->s[o->n++] = now_ns() - t0;
}

static int cmp_ll(const void *a, const void *b);

static int pair(long iters, int reps, int argc, char **argv)
{
	static struct fastop o[2];
	int sep, rep, k;

	for (sep = 0; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep == argc || fastop_setup(&o[0], sep, argv) ||
	    fastop_setup(&o[1], argc - sep - 1, argv + sep + 1)) {
		fprintf(stderr, "vfio-bench: pair FASTOP ARGS... -- FASTOP ARGS...\n");
		return 2;
	}
	/* A B B A: each path goes first as often as second. */
	for (rep = 0; rep < reps; rep++) {
		fastop_loop(&o[rep & 1], iters);
		fastop_loop(&o[!(rep & 1)], iters);
	}
	printf("ns pair");
	for (k = 0; k < 2; k++) {
		qsort(o[k].s, o[k].n, sizeof(o[k].s[0]), cmp_ll);
		printf(" %lld %lld", o[k].s[0] / iters, o[k].s[o[k].n / 2] / iters);
	}
	printf("\n");
	return 0;
}

/* @iters runs of one fast path, traced (trace OP). */
static int trace(long iters, int argc, char **argv)
{
	static struct fastop o;
	const char *on = "/sys/kernel/tracing/tracing_on";

	if (fastop_setup(&o, argc, argv)) {
		fprintf(stderr, "vfio-bench: trace FASTOP ARGS...\n");
		return 2;
	}
	write_str(on, "1");
	fastop_loop(&o, iters);
	write_str(on, "0");
	printf("ns trace %lld %lld\n", o.s[0] / iters, o.s[0] / iters);
	return 0;
}

/* One timed bind of @bdf to @drv, after an untimed unbind. */
static long long rebind(const char *drv, const char *bdf)
{
	char path[300];
	long long t0;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
	write_str(path, bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
	t0 = now_ns();
	write_str(path, bdf);
	return now_ns() - t0;
}

static int bindpair(long iters, char **argv)
{
	static long long s[2][1000];
	long i;
	int k, first;

	if (iters > 1000)
		return 2;
	for (i = 0; i < iters; i++) {
		first = (i & 3) == 1 || (i & 3) == 2;
		for (k = 0; k < 2; k++) {
			int d = k ^ first;

			s[d][i] = rebind(argv[2 * d], argv[2 * d + 1]);
		}
	}
	printf("ns bindpair");
	for (k = 0; k < 2; k++) {
		qsort(s[k], iters, sizeof(s[k][0]), cmp_ll);
		printf(" %lld %lld", s[k][0], s[k][iters / 2]);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *op;
	long iters, i;
	int reps = 1, rep;
	long long t0, total = 0;
	char path[300], buf[64], *x;

	if (argc < 4) {
		fprintf(stderr, "usage: vfio-bench OP ITERS ARGS...\n");
		return 2;
	}
	op = argv[1];
	iters = atol(argv[2]);
	x = strchr(argv[2], 'x');
	if (x)
		reps = atoi(x + 1);
	if (iters <= 0 || reps < 1 || reps > 1000)
		return 2;

	if (!strcmp(op, "pair"))
		return pair(iters, reps, argc - 3, argv + 3);
	if (!strcmp(op, "trace"))
		return trace(iters, argc - 3, argv + 3);
	if (!strcmp(op, "bindpair") && argc == 7)
		return bindpair(iters, argv + 3);
	if (!strcmp(op, "bind") && argc == 5) {
		char unbind[300], bind[300];

		snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", argv[3]);
		snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", argv[3]);
		for (i = 0; i < iters; i++) {
			write_str(unbind, argv[4]);
			t0 = now_ns();
			write_str(bind, argv[4]);
			total += now_ns() - t0;
		}
	} else if (!strcmp(op, "numvfs") && argc == 5) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs", argv[3]);
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			write_str(path, argv[4]);
			write_str(path, "0");
		}
		total = now_ns() - t0;
	} else if (!strcmp(op, "open") && argc == 6) {
		int group = group_fd(argv[3]), want = want_errno(argv[5]), fd;

		for (rep = 0; rep < reps; rep++) {
			t0 = now_ns();
			for (i = 0; i < iters; i++) {
				fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[4]);
				if (fd >= 0)
					close(fd);
				if ((fd < 0 ? errno : 0) != want) {
					fprintf(stderr, "vfio-bench: open \"%s\": %s, want %s\n",
						argv[4], fd < 0 ? strerror(errno) : "ok", argv[5]);
					return 1;
				}
			}
			sample(now_ns() - t0);
		}
	} else if (!strcmp(op, "cdev") && argc == 5) {
		struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
		unsigned char uuid[16];
		int iommufd = open("/dev/iommu", O_RDWR), fd;

		if (iommufd < 0)
			fail("/dev/iommu");
		errno = vfio_cdev_node(argv[3], path, sizeof(path));
		if (errno)
			fail("vfio cdev");
		bind.iommufd = iommufd;
		if (strcmp(argv[4], "-")) {
			parse_uuid(argv[4], uuid);
			bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
			bind.token_uuid_ptr = (unsigned long)uuid;
		}
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			fd = open(path, O_RDWR);
			if (fd < 0)
				fail(path);
			if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
				fail("VFIO_DEVICE_BIND_IOMMUFD");
			close(fd);
		}
		total = now_ns() - t0;
	} else if (!strcmp(op, "feature") && argc == 7) {
		struct {
			struct vfio_device_feature hdr;
			unsigned char uuid[16];
		} f = { .hdr.argsz = sizeof(f) };
		int fd = device_fd(group_fd(argv[3]), argv[4]);

		if (!strcmp(argv[5], "probe")) {
			f.hdr.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
				      VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
		} else {
			f.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
		}
		parse_uuid(argv[6], f.uuid);
		for (rep = 0; rep < reps; rep++) {
			t0 = now_ns();
			for (i = 0; i < iters; i++)
				if (ioctl(fd, VFIO_DEVICE_FEATURE, &f))
					fail("VFIO_DEVICE_FEATURE");
			sample(now_ns() - t0);
		}
	} else if ((!strcmp(op, "cfgread") || !strcmp(op, "barread")) && argc == 5) {
		int fd = device_fd(group_fd(argv[3]), argv[4]);
		struct vfio_region_info r = {
			.argsz = sizeof(r),
			.index = op[0] == 'c' ? VFIO_PCI_CONFIG_REGION_INDEX :
						VFIO_PCI_BAR0_REGION_INDEX,
		};
		off_t off;

		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &r))
			fail("VFIO_DEVICE_GET_REGION_INFO");
		off = r.offset + (op[0] == 'c' ? 0 : 8);
		for (rep = 0; rep < reps; rep++) {
			t0 = now_ns();
			for (i = 0; i < iters; i++)
				if (pread(fd, buf, 4, off) != 4)
					fail("pread");
			sample(now_ns() - t0);
		}
	} else if (!strcmp(op, "threads") && argc >= 5) {
		int n = atoi(argv[3]), t;
		struct opener o[16];
		pthread_t th[16];
		pthread_barrier_t start;

		if (n < 1 || n > 16 || argc != 4 + n) {
			errno = EINVAL;
			fail("threads T NAME...");
		}
		pthread_barrier_init(&start, NULL, n);
		for (t = 0; t < n; t++) {
			char bdf[32];

			snprintf(bdf, sizeof(bdf), "%.*s", (int)strcspn(argv[4 + t], " "), argv[4 + t]);
			o[t] = (struct opener){ .group = group_fd(bdf), .name = argv[4 + t],
						.iters = iters, .start = &start };
		}
		for (t = 0; t < n; t++)
			if (pthread_create(&th[t], NULL, open_loop, &o[t]))
				fail("pthread_create");
		for (t = 0; t < n; t++) {
			pthread_join(th[t], NULL);
			total += o[t].ns;
		}
		total /= n;
	} else {
		fprintf(stderr, "vfio-bench: bad operation or arguments: %s\n", op);
		return 2;
	}
	if (!nsamples)
		sample(total);
	qsort(samples, nsamples, sizeof(samples[0]), cmp_ll);
	printf("ns %s %lld %lld\n", op, samples[0] / iters, samples[nsamples / 2] / iters);
	return 0;
}
