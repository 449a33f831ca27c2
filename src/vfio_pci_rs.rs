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
    str::BStr,
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
    parse_match_cstr,
    token_required,
    Errno,
    FeatureOp,
    Match,
    Opener,
    PfToken,
    Uuid, //
};
use vfio::{
    device::{Device, Driver, PciDev},
    pci::{DynId, Registration},
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
fn refuse(pdev: &PciDev, why: &CStr, err: Error) -> Error {
    pdev.info_ratelimited(why);
    err
}

fn to_error(errno: Errno) -> Error {
    match errno {
        Errno::Access => EACCES,
        Errno::Invalid => EINVAL,
    }
}

impl Driver for VfioPciRsDriver {
    const NAME: &'static CStr = c_str!("vfio-pci-rs");
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
    fn match_name(dev: &Device<Self>, name: &CStr, buf: &CStr) -> Result<bool> {
        match parse_match_cstr(name, buf) {
            Ok(Match::NotThisDevice) => Ok(false),
            Ok(Match::Device { token }) => Self::match_token(dev, token.as_ref()).map(|()| true),
            Err(e) => Err(refuse(dev.pdev(), e.reason(), to_error(e.errno()))),
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
        decision.map_err(|deny| refuse(dev.pdev(), deny.reason(), to_error(deny.errno())))
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
