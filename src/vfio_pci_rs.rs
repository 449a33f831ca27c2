// SPDX-License-Identifier: GPL-2.0

//! vfio-pci-rs: a vfio-pci variant driver that owns the SR-IOV VF token.
//!
//! Devices are bound like with vfio-pci (`driver_override` or `ids=`), and
//! everything about them comes from vfio-pci-core.  What this driver adds is
//! the VF token: the UUID a userspace PF driver shares with the users of its
//! VFs (see `Documentation/vfio-pci-rs.rst`).

use kernel::{c_str, prelude::*, str::BStr};

pub mod token;
mod vfio;

use vfio::{
    device::{Device, Driver, PciDev},
    pci::{DynId, Registration},
    Uuid,
};

module! {
    type: VfioPciRs,
    name: "vfio_pci_rs",
    authors: ["The vfio-pci-rs developers"],
    description: "VFIO PCI variant driver with the SR-IOV VF token in Rust",
    license: "GPL v2",
}

module_params! {
    ids: string[1024], perm 0,
        "Initial PCI IDs to add to the driver, \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\", comma separated";
    enable_sriov: bool = false, perm 0o644,
        "Enable support for SR-IOV configuration (sriov_numvfs)";
    disable_idle_d3: bool = false, perm 0o644,
        "Disable using the PCI D3 low power state for idle, unused devices";
}

/// The driver: plain vfio-pci devices, with the VF token.
struct VfioPciRsDriver;

impl Driver for VfioPciRsDriver {
    const NAME: &'static CStr = c_str!("vfio-pci-rs");
    type Data = ();

    fn init(_pdev: &PciDev) -> impl PinInit<Self::Data, Error> {
        Ok(())
    }

    fn match_name(dev: &Device<Self>, buf: &CStr) -> Result<bool> {
        dev.core_match(buf)
    }

    fn match_token(dev: &Device<Self>, token: Option<&Uuid>) -> Result {
        dev.core_match_token(token)
    }

    fn vf_token_feature(
        dev: &Device<Self>,
        flags: u32,
        arg: kernel::uaccess::UserPtr,
        payload_len: usize,
    ) -> Result<i32> {
        dev.core_feature(flags, arg, payload_len)
    }

    fn sriov_configure(dev: &Device<Self>, nr_virtfn: i32) -> Result<i32> {
        if !enable_sriov.get() {
            return Err(ENOENT);
        }
        dev.core_sriov_configure(nr_virtfn)
    }

    fn disable_idle_d3() -> bool {
        disable_idle_d3.get()
    }
}

struct VfioPciRs {
    _reg: Registration<VfioPciRsDriver>,
}

impl kernel::Module for VfioPciRs {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg = Registration::new(module, c_str!("vfio_pci_rs"))?;
        for id in ids.get().split(|&b| b == b',').filter(|id| !id.is_empty()) {
            let Some(dynid) = DynId::parse(id) else {
                pr_warn!("invalid id string \"{}\"\n", BStr::from_bytes(id));
                continue;
            };
            match reg.add_dynid(&dynid) {
                Ok(()) => pr_info!("add [{:04x}:{:04x}]\n", dynid.vendor, dynid.device),
                Err(e) => pr_warn!(
                    "failed to add dynamic id [{:04x}:{:04x}] ({:?})\n",
                    dynid.vendor,
                    dynid.device,
                    e
                ),
            }
        }
        Ok(Self { _reg: reg })
    }
}
