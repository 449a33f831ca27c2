// SPDX-License-Identifier: GPL-2.0

//! vfio-pci-rs: a vfio-pci variant driver that owns the SR-IOV VF token.
//!
//! Devices are bound like with vfio-pci (`driver_override` or `ids=`), and
//! everything about them comes from vfio-pci-core.  What this driver adds is
//! the VF token: the UUID a userspace PF driver shares with the users of its
//! VFs (see `Documentation/vfio-pci-rs.rst`).

use kernel::{
    c_str, new_mutex,
    prelude::*,
    str::{BStr, CString},
    sync::{Arc, Mutex},
    uaccess::UserPtr,
    warn_on,
};

#[cfg(CONFIG_KUNIT)]
mod kunit;
pub mod token;
pub mod vfio;

use token::{
    check_token_feature,
    decide,
    parse_after_name,
    token_required,
    Errno,
    FeatureOp,
    Match,
    Opener,
    PfToken,
    Uuid, //
};
use vfio::{
    device::{Device, Driver, LatchedParams, PciDev},
    pci::{DynId, Registration},
};

// The default build and the drop-in build (SPEC section 8) differ only in
// these names; see `Kbuild` and `Kconfig`.
#[cfg(not(CONFIG_VFIO_PCI_RS_DROP_IN))]
module! {
    type: VfioPciRs,
    name: "vfio_pci_rs",
    authors: ["The vfio-pci-rs developers"],
    description: "VFIO PCI variant driver with the SR-IOV VF token in Rust",
    license: "GPL v2",
}

#[cfg(CONFIG_VFIO_PCI_RS_DROP_IN)]
module! {
    type: VfioPciRs,
    name: "vfio_pci",
    authors: ["The vfio-pci-rs developers"],
    description: "VFIO PCI driver (vfio-pci-rs, the VF token in Rust, as a drop-in for vfio-pci)",
    license: "GPL v2",
}

/// The module name, as a literal for `concat!`.
#[cfg(not(CONFIG_VFIO_PCI_RS_DROP_IN))]
#[macro_export]
macro_rules! modname {
    () => {
        "vfio_pci_rs"
    };
}

/// The module name, as a literal for `concat!`.
#[cfg(CONFIG_VFIO_PCI_RS_DROP_IN)]
#[macro_export]
macro_rules! modname {
    () => {
        "vfio_pci"
    };
}

/// The name of both the `pci_driver` and the `vfio_device_ops`.
const DRIVER_NAME: &CStr = if cfg!(CONFIG_VFIO_PCI_RS_DROP_IN) {
    c_str!("vfio-pci")
} else {
    c_str!("vfio-pci-rs")
};

// vfio-pci's parameters: the same names, types, permissions, defaults and
// meaning, in either build.
module_params! {
    ids: string[1024], perm 0,
        "PCI IDs to bind at load, comma separated, each \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\" in hex";
    nointxmask: bool = false, perm 0o644,
        "Do not use PCI 2.3 INTx masking (for devices whose masking is broken); latched per device at probe";
    #[cfg(CONFIG_VFIO_PCI_VGA)]
    disable_vga: bool = false, perm 0o444,
        "Do not expose the legacy VGA ranges of VGA devices";
    disable_idle_d3: bool = false, perm 0o644,
        "Keep idle, unused devices in D0 instead of the D3 low power state";
    #[cfg(CONFIG_PCI_IOV)]
    enable_sriov: bool = false, perm 0o644,
        "Allow sriov_numvfs on bound PFs; the VFs usually need a userspace PF driver that supports them";
    disable_denylist: bool = false, perm 0o444,
        "Allow binding devices on the denylist, whose known errata make them unsafe to hand to untrusted userspace";
}

/// Devices with known errata that make them unsafe to hand to untrusted
/// userspace; vfio-pci refuses them unless `disable_denylist` is set.
fn in_denylist(vendor: u16, device: u16) -> bool {
    use vfio::bindings::*;
    const DENIED: [u32; 8] = [
        PCI_DEVICE_ID_INTEL_QAT_C3XXX,
        PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF,
        PCI_DEVICE_ID_INTEL_QAT_C62X,
        PCI_DEVICE_ID_INTEL_QAT_C62X_VF,
        PCI_DEVICE_ID_INTEL_QAT_DH895XCC,
        PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF,
        PCI_DEVICE_ID_INTEL_DSA_SPR0,
        PCI_DEVICE_ID_INTEL_IAX_SPR0,
    ];
    u32::from(vendor) == PCI_VENDOR_ID_INTEL && DENIED.contains(&u32::from(device))
}

/// The driver: plain vfio-pci devices, with the VF token.
struct VfioPciRsDriver;

/// The token state of one PF, shared with its VFs.
type PfState = Arc<Mutex<PfToken>>;

/// What a device is, as far as VF tokens go.  Fixed at probe.
enum Role {
    /// An SR-IOV PF: it owns the token of its VFs.
    Pf(PfState),
    /// A VF.  `Some` when its PF is bound to vfio-pci-rs: the PF cannot
    /// disable SR-IOV, and so go away, while this VF is bound.
    Vf(Option<PfState>),
    /// Neither.
    Plain,
}

/// Per-device data.
struct DeviceData {
    role: Role,
}

impl DeviceData {
    fn new(pdev: &PciDev) -> Result<Self> {
        let role = if pdev.is_virtfn() {
            let pf = Device::<VfioPciRsDriver>::from_pdev(pdev.physfn());
            Role::Vf(pf.and_then(|pf| match &pf.data().role {
                Role::Pf(state) => Some(state.clone()),
                _ => None,
            }))
        } else if pdev.is_physfn() {
            let mut initial = vfio::random_uuid();
            while initial.is_nil() {
                initial = vfio::random_uuid();
            }
            Role::Pf(Arc::pin_init(
                new_mutex!(PfToken::new(initial), "vfio_pci_rs::PfToken"),
                GFP_KERNEL,
            )?)
        } else {
            Role::Plain
        };
        Ok(Self { role })
    }
}

/// Logs why an open was refused, without the token.
fn refuse(dev: &Device<VfioPciRsDriver>, why: &CStr, err: Error) -> Error {
    dev.info_ratelimited(why);
    err
}

fn to_error(errno: Errno) -> Error {
    match errno {
        Errno::Access => EACCES,
        Errno::Invalid => EINVAL,
    }
}

impl Driver for VfioPciRsDriver {
    const NAME: &'static CStr = DRIVER_NAME;
    type Data = DeviceData;

    fn init(pdev: &PciDev) -> impl PinInit<Self::Data, Error> {
        DeviceData::new(pdev)
    }

    fn opened(dev: &Device<Self>) {
        if let Role::Vf(Some(pf)) = &dev.data().role {
            pf.lock().vf_opened();
        }
    }

    fn closing(dev: &Device<Self>) {
        if let Role::Vf(Some(pf)) = &dev.data().role {
            // An underflow would be a bug in the open/close pairing.
            warn_on!(pf.lock().vf_closed().is_err());
        }
    }

    #[inline]
    fn match_name(dev: &Device<Self>, rest: &[u8]) -> Result<bool> {
        match parse_after_name(rest) {
            Ok(Match::NotThisDevice) => Ok(false),
            Ok(Match::Device { token }) => Self::match_token(dev, token.as_ref()).map(|()| true),
            Err(e) => Err(refuse(dev, e.reason(), to_error(e.errno()))),
        }
    }

    #[inline]
    fn match_token(dev: &Device<Self>, token: Option<&Uuid>) -> Result {
        let decision = match &dev.data().role {
            Role::Pf(pf) => decide(Opener::Pf { pf: &mut pf.lock() }, token),
            // Without a token the PF's state is not needed: no lock, as C.
            Role::Vf(Some(pf)) => token_required(token)
                .and_then(|token| decide(Opener::Vf { pf: &pf.lock() }, Some(token))),
            // The PF belongs to another vfio-pci-core driver: its token,
            // kept by the core, decides, so mixed drivers fail closed.
            Role::Vf(None) if dev.core_has_sriov_pf() => return dev.core_match_token(token),
            Role::Vf(None) => decide(Opener::VfUnowned, token),
            Role::Plain => decide(Opener::Plain, token),
        };
        decision.map_err(|deny| refuse(dev, deny.reason(), to_error(deny.errno())))
    }

    #[inline]
    fn vf_token_feature(
        dev: &Device<Self>,
        flags: u32,
        arg: UserPtr,
        payload_len: usize,
    ) -> Result<i32> {
        let Role::Pf(pf) = &dev.data().role else {
            return Err(ENOTTY);
        };
        match check_token_feature(flags, payload_len).map_err(to_error)? {
            FeatureOp::Probe => Ok(0),
            FeatureOp::Set => {
                let uuid = vfio::read_user_uuid(arg)?;
                pf.lock().set(uuid);
                Ok(0)
            }
        }
    }

    fn sriov_configure(dev: &Device<Self>, nr_virtfn: i32) -> Result<i32> {
        #[cfg(CONFIG_PCI_IOV)]
        let enabled = enable_sriov.get();
        // Without PCI_IOV the PCI core never calls this; vfio-pci has no
        // `enable_sriov` then either.
        #[cfg(not(CONFIG_PCI_IOV))]
        let enabled = false;
        if !enabled {
            return Err(ENOENT);
        }
        dev.core_sriov_configure(nr_virtfn)
    }

    fn probe(pdev: &PciDev) -> Result {
        let (vendor, device) = (pdev.vendor_id(), pdev.device_id());
        if !in_denylist(vendor, device) {
            return Ok(());
        }
        if disable_denylist.get() {
            pdev.warn(&CString::try_from_fmt(fmt!(
                "{vendor:04x}:{device:04x} is on the denylist, allowed by disable_denylist"
            ))?);
            return Ok(());
        }
        pdev.warn(&CString::try_from_fmt(fmt!(
            "{vendor:04x}:{device:04x} is on the denylist (known errata), not binding it; disable_denylist=1 overrides"
        ))?);
        Err(EINVAL)
    }

    fn latched_params() -> LatchedParams {
        LatchedParams {
            nointxmask: nointxmask.get(),
            #[cfg(CONFIG_VFIO_PCI_VGA)]
            disable_vga: disable_vga.get(),
            #[cfg(not(CONFIG_VFIO_PCI_VGA))]
            disable_vga: false,
            disable_idle_d3: disable_idle_d3.get(),
        }
    }
}

struct VfioPciRs {
    _reg: Registration<VfioPciRsDriver>,
}

impl kernel::Module for VfioPciRs {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg = Registration::new(module, c_str!(modname!()))?;
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
        if disable_denylist.get() {
            pr_warn!("the device denylist is disabled\n");
        }
        Ok(Self { _reg: reg })
    }
}
