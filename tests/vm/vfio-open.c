// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-open: open a vfio PCI device the way a userspace driver does, and say
 * what happened, errno included.
 *
 *   vfio-open [--cdev] [--token UUID] [--set-token UUID] [--regions]
 *             [--hold SECONDS] BDF
 *
 * --cdev        open /dev/vfio/devices/vfioN and VFIO_DEVICE_BIND_IOMMUFD
 *               (with VFIO_DEVICE_BIND_FLAG_TOKEN when --token is given),
 *               instead of the group path's VFIO_GROUP_GET_DEVICE_FD
 *               "BDF vf_token=UUID"
 * --set-token   after opening, VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN
 * --regions     print the device's regions
 * --hold        keep the device open that many seconds, or until SIGUSR1,
 *               then ask the kernel whether the fd still works (a
 *               VFIO_DEVICE_GET_INFO and a read of the vendor ID from
 *               config space through it) and print "held BDF: ok (vendor
 *               0xVVVV)" or "held BDF: EXXX (...)" before closing
 * --raw STRING  pass STRING to VFIO_GROUP_GET_DEVICE_FD as it is
 * --twice       open the device a second time (a second device fd)
 * --feature FLAGS:LEN[:UUID]
 *               after opening, VFIO_DEVICE_FEATURE with these flags (hex)
 *               and LEN payload bytes (a UUID's worth of zeros or of UUID,
 *               or less); prints "feature: ok" or "feature: EINVAL (...)"
 * --no-container
 *               the group path without a container: the group is opened
 *               but never attached, so VFIO_GROUP_GET_DEVICE_FD runs the
 *               drivers' match() (the token decision) and then fails the
 *               open itself with EINVAL (SPEC C10: a PF's token is set
 *               even when the open then fails)
 * --feature-fault
 *               VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN whose payload lies
 *               in an unmapped page
 * --intx        after opening, INTx as a userspace driver drives it: an
 *               eventfd as its trigger (VFIO_DEVICE_SET_IRQS), then
 *               ACTION_MASK, then ACTION_UNMASK, and after each the
 *               Interrupt Disable bit (0x400) of the device's own PCI
 *               command register, read from its sysfs config file (not
 *               through vfio, which shows a virtual one); prints
 *               "intx: trigger ok mask ok disintx 1 unmask ok disintx 0"
 *               or the errno of the step that failed
 *
 * Prints "open BDF: ok" or "open BDF: EACCES (Permission denied)" and exits
 * 0 on success, 1 when the open is refused, 2 on a setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case ENOTTY: return "ENOTTY";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	default: return "E?";
	}
}

static volatile sig_atomic_t woken;

static void wake(int sig)
{
	(void)sig;
	woken = 1;
}

/*
 * held_check: the held fd still does what a device fd does, as the kernel
 * answers it: VFIO_DEVICE_GET_INFO, then the vendor ID read from the
 * config region.  0 or -errno; the vendor ID in *vendor.
 */
static int held_check(int fd, unsigned int *vendor)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r = {
		.argsz = sizeof(r), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	unsigned short v;

	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info) ||
	    ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &r))
		return -errno;
	if (pread(fd, &v, sizeof(v), r.offset) != sizeof(v))
		return -(errno ? errno : EIO);
	*vendor = v;
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "vfio-open: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* 0 when @s is exactly a UUID, as its 16 bytes in @out. */
static int parse_uuid(const char *s, unsigned char out[16])
{
	return strlen(s) == 36 && uuid_from_text(s, out) ? 0 : -1;
}

static const char *raw_name;
static int no_container;

static int group_open(const char *bdf, const char *token)
{
	static int container = -1, group = -1;	/* a group opens only once */
	static char path[300];			/* named by what on failure */
	const char *what;
	char name[512];
	int fd;

	if (group < 0 && no_container) {
		group = vfio_group_open(bdf, path, sizeof(path), &what);
		if (group < 0)
			die(what);
	}
	if (group < 0 &&
	    vfio_group_attach(bdf, path, sizeof(path), &container, &group, &what))
		die(what);

	if (raw_name)
		snprintf(name, sizeof(name), "%s", raw_name);
	else
		vfio_device_name(name, sizeof(name), bdf, token);
	fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	return fd < 0 ? -errno : fd;
}

static int cdev_open(const char *bdf, const char *token)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	char path[300];
	unsigned char uuid[16];
	int iommufd, fd;

	errno = vfio_cdev_node(bdf, path, sizeof(path));
	if (errno)
		die("no vfio cdev");
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("/dev/iommu");
	bind.iommufd = iommufd;
	if (token) {
		if (parse_uuid(token, uuid)) {
			errno = EINVAL;
			die("--token is not a UUID");
		}
		bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (unsigned long)uuid;
	}
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	return fd;
}

static int set_token(int fd, const char *token)
{
	struct {
		struct vfio_device_feature hdr;
		unsigned char uuid[16];
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	};

	if (parse_uuid(token, f.uuid)) {
		errno = EINVAL;
		die("--set-token is not a UUID");
	}
	return ioctl(fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

/* VFIO_DEVICE_FEATURE with arbitrary flags and payload length. */
static int raw_feature(int fd, const char *spec)
{
	struct {
		struct vfio_device_feature hdr;
		unsigned char payload[16];
	} f = { 0 };
	unsigned int flags, len;
	const char *uuid;

	if (sscanf(spec, "%x:%u", &flags, &len) != 2 || len > 16) {
		errno = EINVAL;
		die("--feature FLAGS:LEN[:UUID]");
	}
	/* A UUID as the payload: what a short or failing SET must not keep. */
	uuid = strchr(strchr(spec, ':') + 1, ':');
	if (uuid && parse_uuid(uuid + 1, f.payload)) {
		errno = EINVAL;
		die("--feature FLAGS:LEN:UUID");
	}
	f.hdr.argsz = sizeof(f.hdr) + len;
	f.hdr.flags = flags;
	return ioctl(fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

/* A SET whose 16-byte payload starts in a page that is not mapped. */
static int faulting_feature(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vfio_device_feature *hdr;
	char *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die("mmap");
	if (munmap(map + page, page))
		die("munmap");
	hdr = (void *)(map + page - sizeof(*hdr));
	hdr->argsz = sizeof(*hdr) + 16;
	hdr->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	return ioctl(fd, VFIO_DEVICE_FEATURE, hdr) ? -errno : 0;
}

/* The Interrupt Disable bit of @bdf's own PCI command register: 0, 1, -1. */
static int disintx(const char *bdf)
{
	char path[128];
	unsigned short cmd;
	int fd, n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, &cmd, sizeof(cmd), 4);	/* PCI_COMMAND, little endian */
	close(fd);
	return n == sizeof(cmd) ? !!(cmd & 0x400) : -1;
}

/* One VFIO_DEVICE_SET_IRQS on INTx: ACTION with eventfd @efd or no data. */
static const char *intx_irqs(int fd, unsigned int action, int efd)
{
	struct {
		struct vfio_irq_set set;
		int efd;
	} s = {
		.set.argsz = sizeof(s.set) + (efd >= 0 ? sizeof(int) : 0),
		.set.flags = action | (efd >= 0 ? VFIO_IRQ_SET_DATA_EVENTFD :
					VFIO_IRQ_SET_DATA_NONE),
		.set.index = VFIO_PCI_INTX_IRQ_INDEX,
		.set.count = 1,
		.efd = efd,
	};

	return ioctl(fd, VFIO_DEVICE_SET_IRQS, &s) ? errname(errno) : "ok";
}

static int intx(int fd, const char *bdf)
{
	struct {
		struct vfio_irq_set set;
	} off = {
		.set.argsz = sizeof(off.set),
		.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.set.index = VFIO_PCI_INTX_IRQ_INDEX,
	};
	const char *t, *m, *u;
	int efd = eventfd(0, 0), masked, unmasked;

	if (efd < 0)
		die("eventfd");
	t = intx_irqs(fd, VFIO_IRQ_SET_ACTION_TRIGGER, efd);
	if (strcmp(t, "ok")) {
		printf("intx: trigger %s\n", t);
		return 1;
	}
	m = intx_irqs(fd, VFIO_IRQ_SET_ACTION_MASK, -1);
	masked = disintx(bdf);
	u = intx_irqs(fd, VFIO_IRQ_SET_ACTION_UNMASK, -1);
	unmasked = disintx(bdf);
	printf("intx: trigger ok mask %s disintx %d unmask %s disintx %d\n",
	       m, masked, u, unmasked);
	/* count 0: the trigger off again, before the device closes. */
	ioctl(fd, VFIO_DEVICE_SET_IRQS, &off);
	close(efd);
	return strcmp(m, "ok") || strcmp(u, "ok");
}

static void print_regions(int fd)
{
	static const char *const names[] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
	};
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int i;

	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info))
		die("VFIO_DEVICE_GET_INFO");
	printf("  %u regions, %u irqs, flags%s%s\n", info.num_regions,
	       info.num_irqs, info.flags & VFIO_DEVICE_FLAGS_PCI ? " PCI" : "",
	       info.flags & VFIO_DEVICE_FLAGS_RESET ? " RESET" : "");
	for (i = 0; i < info.num_regions; i++) {
		struct vfio_region_info r = { .argsz = sizeof(r), .index = i };

		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &r) || !r.size)
			continue;
		printf("  %-6s size 0x%-8llx%s%s%s\n",
		       i < sizeof(names) / sizeof(names[0]) ? names[i] : "?",
		       (unsigned long long)r.size,
		       r.flags & VFIO_REGION_INFO_FLAG_READ ? " read" : "",
		       r.flags & VFIO_REGION_INFO_FLAG_WRITE ? " write" : "",
		       r.flags & VFIO_REGION_INFO_FLAG_MMAP ? " mmap" : "");
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cdev", no_argument, NULL, 'c' },
		{ "token", required_argument, NULL, 't' },
		{ "set-token", required_argument, NULL, 's' },
		{ "regions", no_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'h' },
		{ "raw", required_argument, NULL, 'R' },
		{ "twice", no_argument, NULL, '2' },
		{ "feature", required_argument, NULL, 'f' },
		{ "feature-fault", no_argument, NULL, 'F' },
		{ "no-container", no_argument, NULL, 'N' },
		{ "intx", no_argument, NULL, 'I' },
		{ 0 },
	};
	const char *token = NULL, *new_token = NULL, *feature = NULL, *bdf;
	int cdev = 0, regions = 0, hold = 0, twice = 0, fault = 0, irq = 0, opt, fd, fd2 = -1, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cdev = 1; break;
		case 't': token = optarg; break;
		case 's': new_token = optarg; break;
		case 'r': regions = 1; break;
		case 'h': hold = atoi(optarg); break;
		case 'R': raw_name = optarg; break;
		case '2': twice = 1; break;
		case 'f': feature = optarg; break;
		case 'F': fault = 1; break;
		case 'N': no_container = 1; break;
		case 'I': irq = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: vfio-open [--cdev] [--token UUID] [--set-token UUID] [--regions] [--hold S] BDF\n");
		return 2;
	}
	bdf = argv[optind];
	if (hold) {
		/* No SA_RESTART: SIGUSR1 ends the sleep below. */
		struct sigaction sa = { .sa_handler = wake };

		sigaction(SIGUSR1, &sa, NULL);
	}

	fd = cdev ? cdev_open(bdf, token) : group_open(bdf, token);
	if (fd < 0) {
		printf("open %s: %s (%s)\n", bdf, errname(-fd), strerror(-fd));
		return 1;
	}
	printf("open %s: ok\n", bdf);
	if (twice) {
		fd2 = cdev ? cdev_open(bdf, token) : group_open(bdf, token);
		printf("second open %s: %s\n", bdf, fd2 < 0 ? errname(-fd2) : "ok");
	}
	if (feature) {
		ret = raw_feature(fd, feature);
		printf("feature: %s\n", ret ? errname(-ret) : "ok");
	}
	if (fault) {
		ret = faulting_feature(fd);
		printf("feature: %s\n", ret ? errname(-ret) : "ok");
	}
	if (regions)
		print_regions(fd);
	if (irq && intx(fd, bdf))
		return 1;
	if (new_token) {
		ret = set_token(fd, new_token);
		printf("set token on %s: %s\n", bdf, ret ? errname(-ret) : "ok");
		if (ret)
			return 1;
	}
	fflush(stdout);
	if (hold) {
		unsigned int left = hold, vendor = 0;

		while (left && !woken)
			left = sleep(left);
		ret = held_check(fd, &vendor);
		if (ret)
			printf("held %s: %s (%s)\n", bdf, errname(-ret), strerror(-ret));
		else
			printf("held %s: ok (vendor 0x%04x)\n", bdf, vendor);
		fflush(stdout);
		if (ret)
			return 1;
	}
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	return 0;
}
