// SPDX-License-Identifier: GPL-2.0-only
/*
 * One wrapper per static inline that the Rust side needs; no logic here.
 */
#include "vfio_pci_rs.h"

void vfio_pci_rs_put_device(struct vfio_device *vdev)
{
	vfio_put_device(vdev);
}

struct pci_dev *vfio_pci_rs_pdev(const struct vfio_device *vdev)
{
	return to_pci_dev(vdev->dev);
}

struct pci_dev *vfio_pci_rs_physfn(struct pci_dev *pdev)
{
	return pci_physfn(pdev);
}

struct pci_driver *vfio_pci_rs_dev_driver(const struct pci_dev *pdev)
{
	return pci_dev_driver(pdev);
}

const char *vfio_pci_rs_name(const struct pci_dev *pdev)
{
	return pci_name(pdev);
}

/* The PCI name of a vfio device's pci_dev, in one call for match(). */
const char *vfio_pci_rs_vdev_name(const struct vfio_device *vdev)
{
	return pci_name(to_pci_dev(vdev->dev));
}

/* Bitfields of the (opaque to Rust) core device, latched at init like vfio-pci. */
void vfio_pci_rs_latch_params(struct vfio_pci_core_device *vdev, bool nointxmask,
			      bool disable_vga, bool disable_idle_d3)
{
	vdev->nointxmask = nointxmask;
	vdev->disable_idle_d3 = disable_idle_d3;
#ifdef CONFIG_VFIO_PCI_VGA
	vdev->disable_vga = disable_vga;
#endif
}

/* The same PCI device ops as vfio-pci: dma-buf export of BARs. */
static const struct vfio_pci_device_ops vfio_pci_rs_dev_ops = {
	.get_dmabuf_phys = vfio_pci_core_get_dmabuf_phys,
};

void vfio_pci_rs_set_pci_ops(struct vfio_pci_core_device *vdev)
{
	vdev->pci_ops = &vfio_pci_rs_dev_ops;
}

/* Whether vfio-pci-core linked this VF to a PF of any vfio-pci-core driver. */
bool vfio_pci_rs_core_has_sriov_pf(const struct vfio_pci_core_device *vdev)
{
	return vdev->sriov_pf_core_dev;
}

/*
 * The refusal log line: pci_info_ratelimited(), a macro with a state per
 * call site, with its one state here, where Rust can see it.  Rust counts a
 * line that is suppressed at once, without calling this (Device::
 * info_ratelimited in src/vfio/device.rs); everything else, and what is
 * printed, is ___ratelimit()'s, under the state's lock; its "callbacks
 * suppressed" line names this function, as before.  It takes the vfio
 * device and finds the pci_dev only to print: one call from Rust.
 */
DEFINE_RATELIMIT_STATE(vfio_pci_rs_refusal_rs, DEFAULT_RATELIMIT_INTERVAL,
		       DEFAULT_RATELIMIT_BURST);

void vfio_pci_rs_info_ratelimited(const struct vfio_device *vdev, const char *msg)
{
	if (__ratelimit(&vfio_pci_rs_refusal_rs))
		pci_info(to_pci_dev(vdev->dev), "%s\n", msg);
}

void vfio_pci_rs_warn(const struct pci_dev *pdev, const char *msg)
{
	pci_warn(pdev, "%s\n", msg);
}
