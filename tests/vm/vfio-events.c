// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-events: open a vfio PCI device, register eventfds for its error
 * (VFIO_PCI_ERR_IRQ_INDEX) and request (VFIO_PCI_REQ_IRQ_INDEX) interrupts,
 * and report them as they come, like a userspace driver that handles AER
 * and hot-unplug.
 *
 *   vfio-events [--cdev] [--token UUID] [--timeout S] [--until err|req] BDF
 *
 * Prints "open BDF: ok" (or the errno, exit 1), "armed" once both eventfds
 * are registered, then per event:
 *   "err event", then "config BDF: VVVV:DDDD" read through the device's
 *       config region (the device answers after recovery) or its errno;
 *   "req event", then releases the device (closes its fd) and prints
 *       "released".
 * --until err exits 0 after the first error event and a config read that
 * works; --until req (the default) exits 0 once released.  Exits 3 when
 * --timeout S (default 120) passes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

static int container = -1, group = -1, iommufd = -1;

static void die(const char *what)
{
	printf("vfio-events: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int open_group(const char *bdf, const char *token)
{
	char path[300], name[512];
	const char *what;
	int fd;

	if (vfio_group_attach(bdf, path, sizeof(path), &container, &group, &what))
		die(what);
	vfio_device_name(name, sizeof(name), bdf, token);
	fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	return fd < 0 ? -errno : fd;
}

static int open_cdev(const char *bdf, const char *token)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	uint8_t uuid[16];
	char path[300];
	int fd;

	errno = vfio_cdev_node(bdf, path, sizeof(path));
	if (errno)
		die("vfio cdev");
	fd = open(path, O_RDWR);
	iommufd = open("/dev/iommu", O_RDWR);
	if (fd < 0 || iommufd < 0)
		die(path);
	bind.iommufd = iommufd;
	if (token) {
		if (strlen(token) != 36 || !uuid_from_text(token, uuid)) {
			errno = EINVAL;
			die("--token");
		}
		bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)uuid;
	}
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	/* SET_IRQS needs no IOAS, but a real driver attaches one. */
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas))
		die("IOMMU_IOAS_ALLOC");
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	return fd;
}

static int arm(int dev, unsigned int index)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = {
		.set.argsz = sizeof(s),
		.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.set.index = index,
		.set.count = 1,
	};

	s.fd = eventfd(0, EFD_CLOEXEC);
	if (s.fd < 0)
		die("eventfd");
	if (ioctl(dev, VFIO_DEVICE_SET_IRQS, &s))
		die(index == VFIO_PCI_ERR_IRQ_INDEX ? "SET_IRQS ERR" : "SET_IRQS REQ");
	return s.fd;
}

/* Vendor and device ID through the config region: 0, or an errno. */
static int read_ids(int dev, uint16_t ids[2])
{
	struct vfio_region_info r = {
		.argsz = sizeof(r),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r))
		return errno;
	if (pread(dev, ids, 4, r.offset) != 4)
		return errno ? errno : EIO;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cdev", no_argument, NULL, 'c' },
		{ "token", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "until", required_argument, NULL, 'u' },
		{ 0 },
	};
	const char *token = NULL, *until = "req", *bdf;
	int cdev = 0, timeout = 120, opt, dev, errfd, reqfd;
	time_t deadline;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cdev = 1; break;
		case 't': token = optarg; break;
		case 'T': timeout = atoi(optarg); break;
		case 'u': until = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1 || (strcmp(until, "err") && strcmp(until, "req"))) {
		fprintf(stderr, "usage: vfio-events [--cdev] [--token UUID] [--timeout S] [--until err|req] BDF\n");
		return 2;
	}
	bdf = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);

	dev = cdev ? open_cdev(bdf, token) : open_group(bdf, token);
	if (dev < 0) {
		printf("open %s: %s\n", bdf, strerror(-dev));
		return 1;
	}
	printf("open %s: ok\n", bdf);
	errfd = arm(dev, VFIO_PCI_ERR_IRQ_INDEX);
	reqfd = arm(dev, VFIO_PCI_REQ_IRQ_INDEX);
	printf("armed\n");

	deadline = time(NULL) + timeout;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = errfd, .events = POLLIN },
			{ .fd = reqfd, .events = POLLIN },
		};
		uint64_t n;
		int left = deadline - time(NULL);

		if (left <= 0 || poll(p, 2, left * 1000) == 0) {
			printf("timeout\n");
			return 3;
		}
		if (p[0].revents & POLLIN) {
			uint16_t ids[2];
			int e;

			if (read(errfd, &n, sizeof(n)) != sizeof(n))
				die("read err eventfd");
			printf("err event\n");
			e = read_ids(dev, ids);
			if (e)
				printf("config %s: %s\n", bdf, strerror(e));
			else
				printf("config %s: %04x:%04x\n", bdf, ids[0], ids[1]);
			if (!strcmp(until, "err"))
				return e ? 1 : 0;
		}
		if (p[1].revents & POLLIN) {
			if (read(reqfd, &n, sizeof(n)) != sizeof(n))
				die("read req eventfd");
			printf("req event\n");
			/* Release the device, as the request asks. */
			close(dev);
			printf("released\n");
			if (!strcmp(until, "req"))
				return 0;
		}
	}
}
