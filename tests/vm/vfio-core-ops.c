// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-core-ops: the device features and attachments that vfio-pci-rs takes
 * from vfio-pci-core, asked of a device on the iommufd cdev path, so that a
 * guest suite can compare the answers of vfio-pci-rs and C vfio-pci.
 *
 *   vfio-core-ops dma-buf BDF BAR OFFSET LENGTH
 *       VFIO_DEVICE_FEATURE GET DMA_BUF for one range of BAR; prints
 *       "dma-buf BDF: ok size=N" (the dma-buf's size, from lseek(SEEK_END))
 *       or "dma-buf BDF: EXXX"
 *   vfio-core-ops dma-buf-probe BDF
 *       VFIO_DEVICE_FEATURE PROBE|GET DMA_BUF: "dma-buf-probe BDF: ok" or
 *       "... EXXX"
 *   vfio-core-ops pasid BDF PASID
 *       VFIO_DEVICE_ATTACH_IOMMUFD_PT with VFIO_DEVICE_ATTACH_PASID to a new
 *       IOAS: "pasid BDF: ok" or "pasid BDF: EXXX"
 *
 * The device is bound to a new iommufd and attached to a new IOAS first (the
 * PASID case attaches the device's RID too, as a PASID user would).  Exits
 * 0 on "ok", 1 on an errno of the request, 2 on a setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
	case ENOTTY: return "ENOTTY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int setup_error(const char *what)
{
	fprintf(stderr, "vfio-core-ops: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Bind @bdf's cdev to a new iommufd and attach it to a new IOAS. */
static int open_cdev(const char *bdf, int *iommufd, __u32 *ioas)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char node[300];
	int fd;

	errno = vfio_cdev_node(bdf, node, sizeof(node));
	if (errno)
		setup_error("vfio-dev");
	*iommufd = open("/dev/iommu", O_RDWR);
	if (*iommufd < 0)
		setup_error("/dev/iommu");
	fd = open(node, O_RDWR);
	if (fd < 0)
		setup_error(node);
	bind.iommufd = *iommufd;
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		setup_error("VFIO_DEVICE_BIND_IOMMUFD");
	if (ioctl(*iommufd, IOMMU_IOAS_ALLOC, &alloc))
		setup_error("IOMMU_IOAS_ALLOC");
	*ioas = alloc.out_ioas_id;
	attach.pt_id = *ioas;
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		setup_error("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	return fd;
}

static int report(const char *what, const char *bdf, int ret)
{
	if (ret) {
		printf("%s %s: %s\n", what, bdf, errname(ret));
		return 1;
	}
	return 0;
}

static int dma_buf(const char *bdf, int fd, __u32 bar, __u64 off, __u64 len)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_feature_dma_buf get;
		struct vfio_region_dma_range range;
	} req;
	off_t size;
	int buf;

	memset(&req, 0, sizeof(req));
	req.hdr.argsz = sizeof(req);
	req.hdr.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	req.get.region_index = bar;
	req.get.open_flags = O_RDWR | O_CLOEXEC;
	req.get.nr_ranges = 1;
	req.range.offset = off;
	req.range.length = len;
	buf = ioctl(fd, VFIO_DEVICE_FEATURE, &req);
	if (buf < 0)
		return report("dma-buf", bdf, errno);
	size = lseek(buf, 0, SEEK_END);
	printf("dma-buf %s: ok size=%lld\n", bdf, (long long)size);
	close(buf);
	return 0;
}

static int dma_buf_probe(const char *bdf, int fd)
{
	struct vfio_device_feature hdr = {
		.argsz = sizeof(hdr),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};

	if (ioctl(fd, VFIO_DEVICE_FEATURE, &hdr))
		return report("dma-buf-probe", bdf, errno);
	printf("dma-buf-probe %s: ok\n", bdf);
	return 0;
}

static int pasid(const char *bdf, int fd, int iommufd, __u32 id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.flags = VFIO_DEVICE_ATTACH_PASID,
		.pasid = id,
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc))
		setup_error("IOMMU_IOAS_ALLOC");
	attach.pt_id = alloc.out_ioas_id;
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return report("pasid", bdf, errno);
	printf("pasid %s: ok\n", bdf);
	return 0;
}

int main(int argc, char **argv)
{
	int fd, iommufd;
	__u32 ioas;

	if (argc < 3) {
		fprintf(stderr, "usage: vfio-core-ops dma-buf BDF BAR OFFSET LENGTH | "
			"dma-buf-probe BDF | pasid BDF PASID\n");
		return 2;
	}
	fd = open_cdev(argv[2], &iommufd, &ioas);
	if (!strcmp(argv[1], "dma-buf") && argc == 6)
		return dma_buf(argv[2], fd, strtoul(argv[3], NULL, 0),
			       strtoull(argv[4], NULL, 0), strtoull(argv[5], NULL, 0));
	if (!strcmp(argv[1], "dma-buf-probe") && argc == 3)
		return dma_buf_probe(argv[2], fd);
	if (!strcmp(argv[1], "pasid") && argc == 4)
		return pasid(argv[2], fd, iommufd, strtoul(argv[3], NULL, 0));
	fprintf(stderr, "vfio-core-ops: bad arguments\n");
	return 2;
}
