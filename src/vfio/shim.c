// SPDX-License-Identifier: GPL-2.0
/*
 * What the Rust vfio abstraction cannot reach by itself; no logic here.
 * Exported functions are called from Rust directly.  One wrapper for each
 * of these:
 *
 * - vfio_put_device(), a static inline;
 * - to_pci_dev(), a macro (container_of()), of the ->dev of a struct
 *   vfio_device, which bindgen leaves opaque;
 * - the VF's PF link, the latched module parameters and the PCI device
 *   ops: fields and bitfields of struct vfio_pci_core_device, opaque to
 *   Rust too (the ops table itself is the Rust abstraction's, vfio::pci);
 * - vfio_check_feature(), a static inline (for KUnit only).
 *
 * No state here: the rate limits of log lines are Rust statics
 * (vfio::ratelimit).  Nothing here refers to vfio-pci-core's module.
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

/* The PF that vfio-pci-core linked this VF to at registration, or NULL. */
struct vfio_pci_core_device *
vfio_pci_rs_sriov_pf(const struct vfio_pci_core_device *vdev)
{
	return vdev->sriov_pf_core_dev;
}

#if IS_ENABLED(CONFIG_KUNIT)
/* The kernel's feature check, for the KUnit test that holds ours to it. */
int vfio_pci_rs_check_feature(u32 flags, size_t argsz, u32 supported_ops,
			      size_t minsz)
{
	return vfio_check_feature(flags, argsz, supported_ops, minsz);
}
#endif

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

/* A field of the (opaque to Rust) core device: the PCI device ops. */
void vfio_pci_rs_set_pci_ops(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_device_ops *ops)
{
	vdev->pci_ops = ops;
}
