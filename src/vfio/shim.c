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
 * pci_info_ratelimited(), which is a macro with a per-call-site state, made
 * cheap for a flood: once the burst of an interval is spent, a call only
 * counts itself as suppressed, without the state's lock (and with it
 * interrupts off) that ___ratelimit() takes.  What is printed, and the
 * "callbacks suppressed" count, are the same.  A racy read only sends the
 * call on to ___ratelimit(), which decides under the lock.
 */
void vfio_pci_rs_info_ratelimited(const struct pci_dev *pdev, const char *msg)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	if ((READ_ONCE(rs.flags) & RATELIMIT_INITIALIZED) &&
	    atomic_read(&rs.rs_n_left) <= 0 &&
	    time_is_after_jiffies(READ_ONCE(rs.begin) + rs.interval)) {
		ratelimit_state_inc_miss(&rs);
		return;
	}
	if (__ratelimit(&rs))
		pci_info(pdev, "%s\n", msg);
}

void vfio_pci_rs_warn(const struct pci_dev *pdev, const char *msg)
{
	pci_warn(pdev, "%s\n", msg);
}
