// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-bench: time one vfio operation, many times over, in the guest.
 *
 *   vfio-bench OP ITERS ARGS...
 *
 * Prints one line, "ns OP <nanoseconds per operation>", measured with
 * CLOCK_MONOTONIC around the whole loop (setup excluded).  Every result is
 * checked: an operation that does not end as the benchmark expects (an open
 * that should be refused and is not, a feature that fails) stops the run
 * with exit status 1, so that a number is never printed for the wrong path.
 *
 * OPs (BDF is a PCI address, TOKEN a UUID, DRV a driver name):
 *   bind DRV BDF            unbind then bind BDF to DRV (driver_override set
 *                           by the caller); only the bind is timed
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
	if (!strcmp(want, "ok"))
		return 0;
	if (!strcmp(want, "EACCES"))
		return EACCES;
	if (!strcmp(want, "EINVAL"))
		return EINVAL;
	if (!strcmp(want, "ENODEV"))
		return ENODEV;
	errno = EINVAL;
	fail(want);
	return -1;
}

/* The group of @bdf, attached to a fresh type1 container. */
static int group_fd(const char *bdf)
{
	char path[300];
	int container, group;

	errno = vfio_group_node(bdf, path, sizeof(path));
	if (errno)
		fail("iommu_group");
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		fail("/dev/vfio/vfio");
	group = open(path, O_RDWR);
	if (group < 0)
		fail(path);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		fail("VFIO_SET_IOMMU");
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

int main(int argc, char **argv)
{
	const char *op;
	long iters, i;
	long long t0, total = 0;
	char path[300], buf[64];

	if (argc < 4) {
		fprintf(stderr, "usage: vfio-bench OP ITERS ARGS...\n");
		return 2;
	}
	op = argv[1];
	iters = atol(argv[2]);
	if (iters <= 0)
		return 2;

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
		total = now_ns() - t0;
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
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			if (ioctl(fd, VFIO_DEVICE_FEATURE, &f))
				fail("VFIO_DEVICE_FEATURE");
		total = now_ns() - t0;
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
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			if (pread(fd, buf, 4, off) != 4)
				fail("pread");
		total = now_ns() - t0;
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
	printf("ns %s %lld\n", op, total / iters);
	return 0;
}
