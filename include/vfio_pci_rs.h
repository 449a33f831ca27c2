/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bindgen input for vfio-pci-rs and the prototypes of its C shim.
 *
 * The shim (src/vfio/shim.c) only wraps static inlines and macros that
 * bindgen cannot see, and holds no state.
 */
#ifndef VFIO_PCI_RS_H
#define VFIO_PCI_RS_H

#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/uuid.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

void vfio_pci_rs_put_device(struct vfio_device *vdev);
struct pci_dev *vfio_pci_rs_pdev(const struct vfio_device *vdev);
struct vfio_pci_core_device *
vfio_pci_rs_sriov_pf(const struct vfio_pci_core_device *vdev);
int vfio_pci_rs_check_feature(u32 flags, size_t argsz, u32 supported_ops,
			      size_t minsz);
void vfio_pci_rs_latch_params(struct vfio_pci_core_device *vdev, bool nointxmask,
			      bool disable_vga, bool disable_idle_d3);
void vfio_pci_rs_set_pci_ops(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_device_ops *ops);

#endif /* VFIO_PCI_RS_H */
