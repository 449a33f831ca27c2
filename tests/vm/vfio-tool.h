/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the guest's C tools (the .c files beside it): UUIDs as text,
 * the vfio nodes of a PCI device, and the group-path setup.  Each tool is one static binary, so
 * this is a header of static functions rather than a library.
 */
#ifndef VFIO_TOOL_H
#define VFIO_TOOL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

/* A hex digit's value, either case, or -1. */
static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The UUID that the first 36 characters of @s spell: hyphens at 8, 13, 18
 * and 23, hex digits of either case elsewhere.  Stops at the first byte
 * that does not fit, so a shorter NUL-terminated @s is safe.  Whatever
 * follows the 36 characters is the caller's business.
 */
static inline bool uuid_from_text(const char *s, uint8_t out[16])
{
	int i, n = 0;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0)
			return false;
		out[n++] = hexval(s[i]) << 4 | hexval(s[i + 1]);
		i++;
	}
	return true;
}

/* The canonical text of @u, lower or upper case. */
static inline void uuid_to_text(const uint8_t u[16], bool upper, char out[37])
{
	static const char *const fmt[] = {
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		"%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
	};

	snprintf(out, 37, fmt[upper], u[0], u[1], u[2], u[3], u[4], u[5], u[6],
		 u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* /dev/vfio/N of @bdf's IOMMU group into @node: 0 or an errno. */
static inline int vfio_group_node(const char *bdf, char *node, size_t size)
{
	char path[128], link[256];
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		return errno;
	link[len] = '\0';
	snprintf(node, size, "/dev/vfio/%s", strrchr(link, '/') + 1);
	return 0;
}

/* /dev/vfio/devices/vfioN of @bdf into @node: 0 or an errno (ENOENT: none). */
static inline int vfio_cdev_node(const char *bdf, char *node, size_t size)
{
	char path[128];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return errno;
	while ((de = readdir(dir)) && strncmp(de->d_name, "vfio", 4))
		;
	if (de)
		snprintf(node, size, "/dev/vfio/devices/%s", de->d_name);
	closedir(dir);
	return de ? 0 : ENOENT;
}

/*
 * Open @bdf's IOMMU group node, whose path goes to @path, and attach it to
 * nothing.  Returns the fd, or -1 with errno set and *@what naming the step
 * that failed (@path itself when opening it failed).
 */
static inline int vfio_group_open(const char *bdf, char *path, size_t size,
				  const char **what)
{
	*what = "iommu_group";
	errno = vfio_group_node(bdf, path, size);
	if (errno)
		return -1;
	*what = path;
	return open(path, O_RDWR);
}

/*
 * Open @bdf's IOMMU group and attach it to a new type1v2 container, what
 * every group-path open needs before VFIO_GROUP_GET_DEVICE_FD.  The group
 * node goes to @path.  Returns 0, or -1 with errno set and *@what naming
 * the step that failed.
 */
static inline int vfio_group_attach(const char *bdf, char *path, size_t size,
				    int *container, int *group, const char **what)
{
	*group = vfio_group_open(bdf, path, size, what);
	if (*group < 0)
		return -1;
	*what = "/dev/vfio/vfio";
	*container = open("/dev/vfio/vfio", O_RDWR);
	if (*container < 0)
		return -1;
	*what = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(*group, VFIO_GROUP_SET_CONTAINER, container))
		return -1;
	*what = "VFIO_SET_IOMMU";
	if (ioctl(*container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -1;
	return 0;
}

/* The VFIO_GROUP_GET_DEVICE_FD string for @bdf, with @token unless NULL. */
static inline void vfio_device_name(char *buf, size_t size, const char *bdf,
				    const char *token)
{
	if (token)
		snprintf(buf, size, "%s vf_token=%s", bdf, token);
	else
		snprintf(buf, size, "%s", bdf);
}

/*
 * The errno that a refusal's name on a tool's command line stands for
 * (EACCES, EINVAL, ENODEV: the ones an open of the SPEC's cases returns),
 * or -1 for any other name, which the caller reports as its usage error.
 */
static inline int errno_named(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} errs[] = { { "EACCES", EACCES }, { "EINVAL", EINVAL }, { "ENODEV", ENODEV } };
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (!strcmp(name, errs[i].name))
			return errs[i].err;
	return -1;
}

#endif /* VFIO_TOOL_H */
