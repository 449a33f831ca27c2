// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-fault: one driver operation with the Nth allocation of this task
 * made to fail (/proc/thread-self/fail-nth, with failslab and
 * fail_page_alloc set up by the caller), and what userspace saw.
 *
 *   vfio-fault --nth N [--cdev] [--token UUID] OP ARGS...
 *
 *   write PATH VALUE     write VALUE to the sysfs file PATH (drivers_probe,
 *                        sriov_numvfs, ...)
 *   open BDF             open the device on the group path
 *                        (VFIO_GROUP_GET_DEVICE_FD "BDF[ vf_token=UUID]") or,
 *                        with --cdev, VFIO_DEVICE_BIND_IOMMUFD; the device
 *                        fd is closed again afterwards
 *   feature BDF UUID     open BDF without injection, then
 *                        VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN UUID with it
 *   insmod FILE PARAMS   finit_module(FILE, PARAMS)
 *
 * Only the one system call is armed: everything set up before it (the
 * container, the group, the iommufd) is opened first.  Prints one line,
 *
 *   nth N: injected=1 result=ENOMEM
 *   nth N: injected=0 result=ok
 *
 * where injected=0 means the call made fewer than N allocations, so the
 * path ran to its end with no failure, and result is "ok" or the errno's
 * name.  Exits 0 (whatever the result), 2 on a setup error.  --nth 0 runs
 * the operation with no injection.  An argument "%n" stands for the value
 * of the environment variable FAULT_TOKEN (a fresh token per attempt).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

static int nthfd = -1;
static unsigned int nth;

static void die(const char *what)
{
	fprintf(stderr, "vfio-fault: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *errname(int e)
{
	static char other[16];

	switch (e) {
	case 0: return "ok";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENOSPC: return "ENOSPC";
	case EEXIST: return "EEXIST";
	case EAGAIN: return "EAGAIN";
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

/*
 * The fail-nth file is opened before arming: opening it allocates.  Writing
 * and reading it through the open fd allocates nothing.
 */
static void arm(void)
{
	char buf[16];
	int len;

	if (!nth)
		return;
	len = snprintf(buf, sizeof(buf), "%u", nth);
	if (pwrite(nthfd, buf, len, 0) != len)
		die("arming fail-nth");
}

/* Disarms; true when the Nth allocation was reached (and failed). */
static int disarm(void)
{
	char buf[16] = "";
	int saved = errno, left;

	if (!nth)
		return 0;
	if (pread(nthfd, buf, sizeof(buf) - 1, 0) <= 0)
		die("reading fail-nth");
	left = atoi(buf);
	if (left && pwrite(nthfd, "0", 1, 0) != 1)
		die("disarming fail-nth");
	errno = saved;
	return left == 0;
}

static void report(int injected, int err)
{
	printf("nth %u: injected=%d result=%s\n", nth, injected, errname(err));
}

static int op_write(const char *path, const char *value)
{
	ssize_t n;
	int fd, inj;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	arm();
	n = write(fd, value, strlen(value));
	inj = disarm();
	report(inj, n < 0 ? errno : 0);
	close(fd);
	return 0;
}

/* The device fd, opened with injection when @armed; -errno on failure. */
static int open_device(const char *bdf, const char *token, int cdev, int armed)
{
	char path[300], name[512];
	int fd, ret, inj;

	if (cdev) {
		struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
		uint8_t uuid[16];

		errno = vfio_cdev_node(bdf, path, sizeof(path));
		if (errno)
			die("vfio cdev");
		fd = open(path, O_RDWR);
		bind.iommufd = open("/dev/iommu", O_RDWR);
		if (fd < 0 || bind.iommufd < 0)
			die(path);
		if (token) {
			if (strlen(token) != 36 || !uuid_from_text(token, uuid)) {
				errno = EINVAL;
				die("--token");
			}
			bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
			bind.token_uuid_ptr = (uintptr_t)uuid;
		}
		if (armed)
			arm();
		ret = ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
		inj = armed ? disarm() : 0;
		if (ret) {
			ret = -errno;
			close(fd);
			fd = ret;
		}
	} else {
		const char *what;
		int container, group;

		if (vfio_group_attach(bdf, path, sizeof(path), &container, &group, &what))
			die(what);
		vfio_device_name(name, sizeof(name), bdf, token);
		if (armed)
			arm();
		fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
		inj = armed ? disarm() : 0;
		if (fd < 0)
			fd = -errno;
	}
	if (armed)
		report(inj, fd < 0 ? -fd : 0);
	return fd;
}

static int op_feature(const char *bdf, const char *token, int cdev, const char *uuid)
{
	struct {
		struct vfio_device_feature hdr;
		uint8_t uuid[16];
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	};
	int fd, ret, inj;

	if (strlen(uuid) != 36 || !uuid_from_text(uuid, f.uuid)) {
		errno = EINVAL;
		die("feature UUID");
	}
	fd = open_device(bdf, token, cdev, 0);
	if (fd < 0) {
		errno = -fd;
		die("opening the device");
	}
	arm();
	ret = ioctl(fd, VFIO_DEVICE_FEATURE, &f);
	inj = disarm();
	report(inj, ret ? errno : 0);
	close(fd);
	return 0;
}

static int op_insmod(const char *file, const char *params)
{
	int fd, ret, inj;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(file);
	arm();
	ret = syscall(SYS_finit_module, fd, params, 0);
	inj = disarm();
	report(inj, ret ? errno : 0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nth", required_argument, NULL, 'n' },
		{ "cdev", no_argument, NULL, 'c' },
		{ "token", required_argument, NULL, 't' },
		{ 0 },
	};
	const char *token = NULL, *op;
	int cdev = 0, opt, fd;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': nth = strtoul(optarg, NULL, 0); break;
		case 'c': cdev = 1; break;
		case 't': token = optarg; break;
		default: return 2;
		}
	}
	if (token && !strcmp(token, "%n"))
		token = getenv("FAULT_TOKEN");
	if (optind >= argc)
		goto usage;
	for (opt = optind; opt < argc; opt++)
		if (!strcmp(argv[opt], "%n") && getenv("FAULT_TOKEN"))
			argv[opt] = getenv("FAULT_TOKEN");
	op = argv[optind++];
	setvbuf(stdout, NULL, _IOLBF, 0);
	nthfd = nth ? open("/proc/thread-self/fail-nth", O_RDWR) : -1;
	if (nth && nthfd < 0)
		die("/proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");

	if (!strcmp(op, "write") && argc - optind == 2)
		return op_write(argv[optind], argv[optind + 1]);
	if (!strcmp(op, "open") && argc - optind == 1) {
		fd = open_device(argv[optind], token, cdev, 1);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(op, "feature") && argc - optind == 2)
		return op_feature(argv[optind], token, cdev, argv[optind + 1]);
	if (!strcmp(op, "insmod") && argc - optind == 2)
		return op_insmod(argv[optind], argv[optind + 1]);
usage:
	fprintf(stderr, "usage: vfio-fault --nth N [--cdev] [--token UUID] write PATH VALUE | open BDF | feature BDF UUID | insmod FILE PARAMS\n");
	return 2;
}
