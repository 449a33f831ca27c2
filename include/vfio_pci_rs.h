/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindgen input for vfio-pci-rs and the prototypes of its C shim.
 *
 * The shim (src/vfio/shim.c) only wraps static inlines and macros that
 * bindgen cannot see.  It holds no logic beyond the rate limit of the
 * refusal log line, whose state it shares with Rust.
 */
#ifndef VFIO_PCI_RS_H
#define VFIO_PCI_RS_H

#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/uuid.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

void vfio_pci_rs_put_device(struct vfio_device *vdev);
struct pci_dev *vfio_pci_rs_pdev(const struct vfio_device *vdev);
struct pci_dev *vfio_pci_rs_physfn(struct pci_dev *pdev);
struct pci_driver *vfio_pci_rs_dev_driver(const struct pci_dev *pdev);
const char *vfio_pci_rs_name(const struct pci_dev *pdev);
const char *vfio_pci_rs_vdev_name(const struct vfio_device *vdev);
void vfio_pci_rs_latch_params(struct vfio_pci_core_device *vdev, bool nointxmask,
			      bool disable_vga, bool disable_idle_d3);
void vfio_pci_rs_set_pci_ops(struct vfio_pci_core_device *vdev);
void vfio_pci_rs_warn(const struct pci_dev *pdev, const char *msg);
bool vfio_pci_rs_core_has_sriov_pf(const struct vfio_pci_core_device *vdev);
void vfio_pci_rs_info_ratelimited(const struct vfio_device *vdev, const char *msg);
/* The rate limit of the refusal line; Rust tests its suppressed case inline. */
extern struct ratelimit_state vfio_pci_rs_refusal_rs;
enum { VFIO_PCI_RS_RATELIMIT_INITIALIZED = RATELIMIT_INITIALIZED };

#endif /* VFIO_PCI_RS_H */
