// SPDX-License-Identifier: GPL-2.0
/*
 * The SR-IOV VF token of a vfio-pci-core driver, case by case, with the
 * errno userspace sees: the token a PF's user sets (when it opens the PF
 * with one, or with VFIO_DEVICE_FEATURE_PCI_VF_TOKEN), what opening a VF
 * takes on the group path (VFIO_GROUP_GET_DEVICE_FD "BDF vf_token=UUID")
 * and on the cdev path (VFIO_DEVICE_BIND_IOMMUFD with
 * VFIO_DEVICE_BIND_FLAG_TOKEN), and how strictly the group path parses its
 * device string.
 *
 * The device is a PF bound to a vfio-pci-core driver that may enable
 * SR-IOV (vfio-pci with enable_sriov=1, for example), given as the last
 * argument or in $VFIO_SELFTESTS_BDF.  The test creates one VF, which must
 * bind to the PF's driver, and removes it at the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <uuid/uuid.h>

#include <libvfio.h>

#include "../kselftest_harness.h"

#define TOKEN_1		"52ac9bff-3a88-4fbd-901a-0d767c3b6c97"
#define TOKEN_1_UPPER	"52AC9BFF-3A88-4FBD-901A-0D767C3B6C97"
#define TOKEN_2		"88594674-90a0-47a9-aea8-9d9b352ac08a"
#define TOKEN_3		"0b5e0ac1-58a4-4e5e-9d2c-6e0f4d7a1b23"

/* A PCI address no device of the test machine has. */
#define OTHER_BDF	"0000:7f:1f.7"

static const char *pf_bdf;
static char *vf_bdf;
static pid_t main_pid;

/*
 * Open @bdf as a user of @iommu's path does, giving @token (NULL: none).
 * Returns 0, or the negated errno of the refused open.  The device is in
 * *@out either way, for close_device().
 */
static int open_device(struct iommu *iommu, const char *bdf, const char *token,
		       struct vfio_pci_device **out)
{
	struct vfio_pci_device *device = vfio_pci_device_alloc(bdf, iommu);

	*out = device;
	device->fd = -1;

	if (!iommu->mode->container_path) {
		vfio_pci_cdev_open(device, bdf);
		return __vfio_device_bind_iommufd(device->fd, iommu->iommufd, token);
	}

	vfio_pci_group_setup(device, bdf);
	vfio_container_set_iommu(device);
	__vfio_pci_group_get_device_fd(device, bdf, token);
	return device->fd < 0 ? -errno : 0;
}

static void close_device(struct vfio_pci_device *device)
{
	if (!device)
		return;

	if (device->fd >= 0)
		VFIO_ASSERT_EQ(close(device->fd), 0);
	if (device->group_fd > 0)
		VFIO_ASSERT_EQ(close(device->group_fd), 0);

	vfio_pci_device_free(device);
}

/* Open @bdf with @token and close it again: 0 or the negated errno. */
static int try_open(struct iommu *iommu, const char *bdf, const char *token)
{
	struct vfio_pci_device *device;
	int ret;

	ret = open_device(iommu, bdf, token, &device);
	close_device(device);
	return ret;
}

/*
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN on @fd with @flags and @len bytes of
 * payload, @token's 16 bytes (zeros when NULL) or fewer.  Returns 0 or the
 * negated errno.
 */
static int token_feature(int fd, u32 flags, const char *token, size_t len)
{
	struct vfio_device_feature *feature;
	int ret;

	VFIO_ASSERT_LE(len, sizeof(uuid_t));
	feature = calloc_assert(1, sizeof(*feature) + sizeof(uuid_t));
	feature->argsz = sizeof(*feature) + len;
	feature->flags = flags | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (token)
		VFIO_ASSERT_EQ(uuid_parse(token, feature->data), 0);

	ret = ioctl(fd, VFIO_DEVICE_FEATURE, feature) ? -errno : 0;
	free(feature);
	return ret;
}

FIXTURE(vf_token) {
	struct iommu *iommu;
	struct vfio_pci_device *pf;
	struct vfio_pci_device *vf;
};

FIXTURE_VARIANT(vf_token) {
	const char *iommu_mode;
};

/* The group path: /dev/vfio/N in a type1v2 container. */
FIXTURE_VARIANT_ADD(vf_token, group) {
	.iommu_mode = MODE_VFIO_TYPE1V2_IOMMU,
};

/* The cdev path: /dev/vfio/devices/vfioN bound to an iommufd. */
FIXTURE_VARIANT_ADD(vf_token, cdev) {
	.iommu_mode = MODE_IOMMUFD,
};

/*
 * Every case starts with the PF open and its token TOKEN_1: a PF opened
 * with a token while none of its VFs is open sets it.
 */
FIXTURE_SETUP(vf_token)
{
	self->iommu = iommu_init(variant->iommu_mode);
	ASSERT_EQ(open_device(self->iommu, pf_bdf, TOKEN_1, &self->pf), 0);
}

FIXTURE_TEARDOWN(vf_token)
{
	close_device(self->vf);
	close_device(self->pf);
	iommu_cleanup(self->iommu);
}

/* The PF is closed; self->pf no longer holds it. */
static void close_pf(struct vfio_pci_device **pf)
{
	close_device(*pf);
	*pf = NULL;
}

TEST_F(vf_token, vf_without_token_is_refused)
{
	ASSERT_EQ(try_open(self->iommu, vf_bdf, NULL), -EACCES);
}

TEST_F(vf_token, vf_with_wrong_token_is_refused)
{
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_2), -EACCES);
}

TEST_F(vf_token, vf_with_pf_token_opens)
{
	ASSERT_EQ(open_device(self->iommu, vf_bdf, TOKEN_1, &self->vf), 0);
}

TEST_F(vf_token, vf_token_in_upper_case_opens)
{
	ASSERT_EQ(open_device(self->iommu, vf_bdf, TOKEN_1_UPPER, &self->vf), 0);
}

TEST_F(vf_token, vf_opens_with_pf_closed)
{
	close_pf(&self->pf);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_2), -EACCES);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, pf_open_with_token_sets_it)
{
	close_pf(&self->pf);
	ASSERT_EQ(try_open(self->iommu, pf_bdf, TOKEN_2), 0);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), -EACCES);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_2), 0);
}

TEST_F(vf_token, pf_open_without_token_keeps_it)
{
	close_pf(&self->pf);
	ASSERT_EQ(try_open(self->iommu, pf_bdf, NULL), 0);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, pf_needs_token_while_vf_open)
{
	close_pf(&self->pf);
	ASSERT_EQ(open_device(self->iommu, vf_bdf, TOKEN_1, &self->vf), 0);

	ASSERT_EQ(try_open(self->iommu, pf_bdf, NULL), -EACCES);
	ASSERT_EQ(try_open(self->iommu, pf_bdf, TOKEN_2), -EACCES);
	ASSERT_EQ(try_open(self->iommu, pf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, feature_set_replaces_token)
{
	ASSERT_EQ(token_feature(self->pf->fd, VFIO_DEVICE_FEATURE_SET, TOKEN_3,
				sizeof(uuid_t)), 0);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), -EACCES);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_3), 0);
}

TEST_F(vf_token, feature_get_is_refused)
{
	int fd = self->pf->fd;

	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_GET, NULL, sizeof(uuid_t)),
		  -EINVAL);
	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE,
				NULL, sizeof(uuid_t)), -EINVAL);
	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
				NULL, sizeof(uuid_t)), -EINVAL);
}

TEST_F(vf_token, feature_probe_set_succeeds)
{
	int fd = self->pf->fd;

	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_PROBE, NULL, 0), 0);
	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET,
				NULL, 0), 0);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, feature_without_get_or_set_is_refused)
{
	ASSERT_EQ(token_feature(self->pf->fd, 0, TOKEN_2, sizeof(uuid_t)), -EINVAL);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, feature_short_payload_is_refused)
{
	ASSERT_EQ(token_feature(self->pf->fd, VFIO_DEVICE_FEATURE_SET, TOKEN_2,
				sizeof(uuid_t) - 1), -EINVAL);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, feature_unmapped_payload_faults)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vfio_device_feature *feature;
	char *map;

	/* The header ends a mapped page, the payload is in the next one. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(map, MAP_FAILED);
	ASSERT_EQ(munmap(map + page, page), 0);
	feature = (void *)(map + page - sizeof(*feature));
	feature->argsz = sizeof(*feature) + sizeof(uuid_t);
	feature->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;

	ASSERT_EQ(ioctl(self->pf->fd, VFIO_DEVICE_FEATURE, feature), -1);
	ASSERT_EQ(errno, EFAULT);
	ASSERT_EQ(munmap(map, page), 0);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

TEST_F(vf_token, feature_on_vf_is_not_supported)
{
	int fd;

	ASSERT_EQ(open_device(self->iommu, vf_bdf, TOKEN_1, &self->vf), 0);
	fd = self->vf->fd;

	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_SET, TOKEN_2, sizeof(uuid_t)),
		  -ENOTTY);
	ASSERT_EQ(token_feature(fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET,
				NULL, 0), -ENOTTY);
}

/*
 * The group path's device string: the PF's name, then options separated by
 * spaces, of which vf_token=UUID is the only one.  A string naming another
 * device matches none (ENODEV); a malformed option fails the open (EINVAL)
 * and leaves the PF's token as it was.
 */
FIXTURE(device_string) {
	struct iommu *iommu;
	struct vfio_pci_device *pf;
};

FIXTURE_VARIANT(device_string) {
	/* The device's name: the PF's, or OTHER_BDF. */
	bool other_device;
	/* What follows the name. */
	const char *options;
	/* 0 for an open, else the errno of VFIO_GROUP_GET_DEVICE_FD. */
	int error;
};

FIXTURE_VARIANT_ADD(device_string, other_device) {
	.other_device = true,
	.options = "",
	.error = ENODEV,
};

FIXTURE_VARIANT_ADD(device_string, tab_after_name) {
	.options = "\tvf_token=" TOKEN_1,
	.error = ENODEV,
};

FIXTURE_VARIANT_ADD(device_string, letter_after_name) {
	.options = "x",
	.error = ENODEV,
};

FIXTURE_VARIANT_ADD(device_string, newline_after_name) {
	.options = "\n",
	.error = ENODEV,
};

FIXTURE_VARIANT_ADD(device_string, name_alone) {
	.options = "",
	.error = 0,
};

FIXTURE_VARIANT_ADD(device_string, name_and_spaces) {
	.options = "   ",
	.error = 0,
};

FIXTURE_VARIANT_ADD(device_string, token_amid_spaces) {
	.options = "   vf_token=" TOKEN_1 "  ",
	.error = 0,
};

FIXTURE_VARIANT_ADD(device_string, token_too_short) {
	.options = " vf_token=52ac9bff-3a88",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, token_misplaced_hyphen) {
	.options = " vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, token_not_hex) {
	.options = " vf_token=52ac9bff-3a88-4fbd-901a-0d767c3b6c9g",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, letter_after_token) {
	.options = " vf_token=" TOKEN_2 "x",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, unknown_option) {
	.options = " foo=1",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, upper_case_key) {
	.options = " VF_TOKEN=" TOKEN_2,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, space_before_equals) {
	.options = " vf_token =" TOKEN_2,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, stray_word) {
	.options = " please",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, token_twice) {
	.options = " vf_token=" TOKEN_2 " vf_token=" TOKEN_2,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(device_string, tab_between_options) {
	.options = " \tvf_token=" TOKEN_2,
	.error = EINVAL,
};

FIXTURE_SETUP(device_string)
{
	self->iommu = iommu_init(MODE_VFIO_TYPE1V2_IOMMU);
	ASSERT_EQ(open_device(self->iommu, pf_bdf, TOKEN_1, &self->pf), 0);
}

FIXTURE_TEARDOWN(device_string)
{
	close_device(self->pf);
	iommu_cleanup(self->iommu);
}

TEST_F(device_string, get_device_fd)
{
	char name[128];
	int fd;

	snprintf_assert(name, sizeof(name), "%s%s",
			variant->other_device ? OTHER_BDF : pf_bdf, variant->options);
	fd = ioctl(self->pf->group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
	if (variant->error) {
		ASSERT_EQ(fd, -1);
		ASSERT_EQ(errno, variant->error);
	} else {
		ASSERT_GE(fd, 0);
		ASSERT_EQ(close(fd), 0);
	}

	/* Whatever the string did, the token is still TOKEN_1. */
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_2), -EACCES);
	ASSERT_EQ(try_open(self->iommu, vf_bdf, TOKEN_1), 0);
}

static void vf_remove(void)
{
	/* The harness forks each case: only the process that made the VF. */
	if (getpid() != main_pid)
		return;

	sysfs_sriov_numvfs_set(pf_bdf, 0);
	free(vf_bdf);
}

static void vf_create(void)
{
	char *pf_driver, *vf_driver;

	if (sysfs_sriov_totalvfs_get(pf_bdf) <= 0)
		ksft_exit_skip("%s has no SR-IOV capability\n", pf_bdf);
	if (sysfs_sriov_numvfs_get(pf_bdf))
		ksft_exit_skip("%s has VFs already\n", pf_bdf);
	pf_driver = sysfs_driver_get(pf_bdf);
	VFIO_ASSERT_NOT_NULL(pf_driver, "%s is bound to no driver\n", pf_bdf);

	sysfs_sriov_numvfs_set(pf_bdf, 1);
	main_pid = getpid();
	VFIO_ASSERT_EQ(atexit(vf_remove), 0);
	vf_bdf = sysfs_sriov_vf_bdf_get(pf_bdf, 0);

	/* A vfio-pci-core PF's driver is its new VFs' driver_override. */
	vf_driver = sysfs_driver_get(vf_bdf);
	VFIO_ASSERT_NOT_NULL(vf_driver, "VF %s is bound to no driver\n", vf_bdf);
	VFIO_ASSERT_EQ(strcmp(vf_driver, pf_driver), 0,
		       "VF %s is bound to %s, its PF to %s\n", vf_bdf, vf_driver, pf_driver);
	printf("# PF %s and its VF %s bound to %s\n", pf_bdf, vf_bdf, pf_driver);

	free(vf_driver);
	free(pf_driver);
}

int main(int argc, char *argv[])
{
	pf_bdf = vfio_selftests_get_bdf(&argc, argv);
	vf_create();

	return test_harness_run(argc, argv);
}
