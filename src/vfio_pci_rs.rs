// SPDX-License-Identifier: GPL-2.0

//! vfio-pci-rs: a vfio-pci variant driver that owns the SR-IOV VF token.
//!
//! Devices are bound like with vfio-pci (`driver_override` or `ids=`), and
//! everything about them comes from vfio-pci-core.  What this driver adds is
//! the VF token: the UUID a userspace PF driver shares with the users of its
//! VFs (see `Documentation/vfio-pci-rs.rst`).

use kernel::{
    c_str, dev_warn,
    error::Error,
    new_mutex, pci,
    prelude::*,
    str::{BStr, CStr},
    sync::{
        atomic::{AtomicFlag, Relaxed},
        Mutex,
    },
    warn_on,
};

mod ids;
#[cfg(CONFIG_KUNIT)]
mod kunit;
mod token;
mod vfio;

use token::{
    decide,
    decide_open,
    parse_match,
    token_required,
    Allowed,
    Deny,
    Errno,
    Match,
    MatchError,
    Opener,
    PfToken,
    Uuid, //
};
use vfio::param::{module_params, warn_invalid_id};
use vfio::{
    device::{Device, LatchedParams, Operations, Sriov, SriovPf},
    pci::{DeviceId, Driver, DynId, IdArray, IdTable, Registration},
    ratelimit::RateLimit,
    trace::{self, TracePath, TraceRole},
    uuid::{random_uuid, UuidBytes},
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
macro_rules! modname {
    () => {
        "vfio_pci_rs"
    };
}

/// The module name, as a literal for `concat!`.
#[cfg(CONFIG_VFIO_PCI_RS_DROP_IN)]
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
    module: modname!();
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

/// vfio-pci's ID table, `PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID,
/// PCI_ANY_ID)`: matches every device, but only through `driver_override`.
///
/// The drop-in build also exports it as `MODULE_DEVICE_TABLE(pci, ...)`
/// does, so that modpost gives the module C vfio-pci's modalias,
/// `vfio_pci:v*d*sv*sd*bc*sc*i*`; the default build does not claim it.
#[cfg_attr(
    CONFIG_VFIO_PCI_RS_DROP_IN,
    export_name = concat!(
        "__mod_device_table__",
        line!(),
        "__kmod_",
        modname!(),
        "__pci__vfio_pci_rs_ids"
    ),
    used
)]
static IDS: IdArray<1> = IdArray::new([DeviceId::vfio_driver_override(
    ids::PCI_ANY_ID,
    ids::PCI_ANY_ID,
)]);

/// Devices with known errata that make them unsafe to hand to untrusted
/// userspace: vfio-pci refuses them unless `disable_denylist` is set.
const DENIED: [u32; 8] = {
    use vfio::bindings::*;
    [
        PCI_DEVICE_ID_INTEL_QAT_C3XXX,
        PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF,
        PCI_DEVICE_ID_INTEL_QAT_C62X,
        PCI_DEVICE_ID_INTEL_QAT_C62X_VF,
        PCI_DEVICE_ID_INTEL_QAT_DH895XCC,
        PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF,
        PCI_DEVICE_ID_INTEL_DSA_SPR0,
        PCI_DEVICE_ID_INTEL_IAX_SPR0,
    ]
};

/// What probe logs after `vendor:device` for a listed device it binds.
pub(crate) const DENYLIST_ALLOWED: &str = "is on the denylist, allowed by disable_denylist";

/// What probe logs after `vendor:device` for a listed device it refuses.
pub(crate) const DENYLIST_REFUSED: &str =
    "is on the denylist (known errata), not binding it; disable_denylist=1 overrides";

/// What probe does with a device, as far as the denylist goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DenylistProbe {
    /// What probe returns: `EINVAL` refuses the bind.
    pub(crate) result: Result,
    /// The warning probe logs on the device, after its `vendor:device`.
    pub(crate) warning: Option<&'static str>,
}

/// The denylist's part of probe for a device `vendor:device` with
/// `disable_denylist` set to `disabled`: all of it but the logging, which
/// probe does with the warning returned.  Pure, so that KUnit checks every
/// entry through it: QEMU emulates none of these devices.
pub(crate) fn denylist_probe(vendor: pci::Vendor, device: u16, disabled: bool) -> DenylistProbe {
    let listed = vendor == pci::Vendor::INTEL && DENIED.contains(&u32::from(device));
    let (result, warning) = if !listed {
        (Ok(()), None)
    } else if disabled {
        (Ok(()), Some(DENYLIST_ALLOWED))
    } else {
        (Err(EINVAL), Some(DENYLIST_REFUSED))
    };
    DenylistProbe { result, warning }
}

/// The driver: plain vfio-pci devices, with the VF token.
struct VfioPciRsDriver;

/// The token state of one PF, shared with its VFs.
type PfState = Mutex<PfToken>;

/// What a device is, as far as VF tokens go.  Fixed at probe.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An SR-IOV PF: it owns the token of its VFs.
    Pf,
    /// A VF.  Its PF, if vfio-pci-core linked one, is found through the
    /// core's link at each use (see [`Device::sriov_pf`]).
    Vf,
    /// Neither.
    Plain,
}

/// Per-device data.
#[pin_data]
struct DeviceData {
    role: Role,
    /// The token state of a PF, which its VFs reach through the core's
    /// link to the PF's device.  Every device has one, with a random
    /// token; only a PF's is used ([`DeviceData::pf_token`]).
    #[pin]
    pf: PfState,
}

impl DeviceData {
    fn new(sriov: Sriov) -> impl PinInit<Self, Error> {
        let role = match sriov {
            Sriov::Pf => Role::Pf,
            Sriov::Vf => Role::Vf,
            Sriov::Neither => Role::Plain,
        };
        let mut initial = Uuid(random_uuid());
        while initial.is_nil() {
            initial = Uuid(random_uuid());
        }
        try_pin_init!(Self {
            role,
            pf <- new_mutex!(PfToken::new(initial), "vfio_pci_rs::PfToken"),
        })
    }

    /// The token state of a PF; `None` on any other device.
    fn pf_token(&self) -> Option<&PfState> {
        (self.role == Role::Pf).then_some(&self.pf)
    }
}

impl From<Errno> for Error {
    fn from(errno: Errno) -> Self {
        match errno {
            Errno::Access => EACCES,
            Errno::Invalid => EINVAL,
        }
    }
}

/// Why an open was refused, each with a rate limit of its own (one
/// `pci_info_ratelimited()` call site per reason in C).
#[derive(Clone, Copy)]
enum Refusal {
    /// Stage A: the device string.
    Match(MatchError),
    /// Stage C: the token decision, on a VF or a device that is neither
    /// PF nor VF.
    Deny(Deny),
    /// Stage C on a PF (C6, C7): C logs a PF's "required" and "incorrect"
    /// from call sites of their own, apart from a VF's, so a flood of a
    /// VF's refusals does not hide its PF's.
    PfDeny(Deny),
}

impl Refusal {
    /// The rate limit of this reason: a `static` per arm, as C's
    /// `pci_info_ratelimited()` has one per call site.
    fn ratelimit(self) -> &'static RateLimit {
        macro_rules! site {
            ($reason:path) => {{
                static RS: RateLimit = RateLimit::new(stringify!($reason));
                &RS
            }};
        }
        match self {
            Refusal::Match(MatchError::TruncatedToken) => site!(MatchError::TruncatedToken),
            Refusal::Match(MatchError::MalformedToken) => site!(MatchError::MalformedToken),
            Refusal::Match(MatchError::TrailingGarbage) => site!(MatchError::TrailingGarbage),
            Refusal::Match(MatchError::UnknownOption) => site!(MatchError::UnknownOption),
            Refusal::Match(MatchError::DuplicateToken) => site!(MatchError::DuplicateToken),
            Refusal::Deny(Deny::Required) => site!(Deny::Required),
            Refusal::Deny(Deny::Incorrect) => site!(Deny::Incorrect),
            Refusal::Deny(Deny::UnexpectedPfNotOwned) => site!(Deny::UnexpectedPfNotOwned),
            Refusal::Deny(Deny::UnexpectedNotSriov) => site!(Deny::UnexpectedNotSriov),
            Refusal::PfDeny(Deny::Required) => site!(PfDeny::Required),
            Refusal::PfDeny(Deny::Incorrect) => site!(PfDeny::Incorrect),
            // `decide()` refuses a PF only for a missing or wrong token; the
            // other reasons are a VF's or a plain device's.
            Refusal::PfDeny(d) => Refusal::Deny(d).ratelimit(),
        }
    }

    /// The reason's keyword in the trace event of the open.
    fn keyword(self) -> &'static CStr {
        match self {
            Refusal::Match(e) => e.keyword(),
            Refusal::Deny(d) | Refusal::PfDeny(d) => d.keyword(),
        }
    }

    /// Logs the reason on `dev`, rate limited, without the token, and
    /// returns the error for userspace.
    fn log(self, dev: &Device<VfioPciRsDriver>) -> Error {
        let (reason, errno) = match self {
            Refusal::Match(e) => (e.reason(), e.errno()),
            Refusal::Deny(d) | Refusal::PfDeny(d) => (d.reason(), d.errno()),
        };
        dev.info_ratelimited(self.ratelimit(), reason);
        errno.into()
    }
}

/// Whose token a VF is opened with.
enum VfPf<'a> {
    /// No vfio-pci-core driver enabled SR-IOV on the PF (C1, C2).
    Unowned,
    /// The PF is bound to this driver: its token state.
    Ours(&'a PfState),
    /// The PF is bound to another vfio-pci-core driver, which keeps the
    /// token in the core.
    Core,
}

impl VfioPciRsDriver {
    /// The PF of the VF `dev`.
    fn vf_pf(dev: &Device<Self>) -> VfPf<'_> {
        match dev.sriov_pf() {
            SriovPf::Unlinked => VfPf::Unowned,
            SriovPf::Ours(pf) => match pf.data().pf_token() {
                Some(state) => VfPf::Ours(state),
                // A PF that enabled SR-IOV has the capability, so its role
                // is `Pf`.  Were it not, the core's token for that PF, random
                // and never set, would refuse any token: closed.
                None => VfPf::Core,
            },
            SriovPf::Other => VfPf::Core,
        }
    }

    /// The PF of a VF `dev` and its token state, if the PF is ours.
    fn owned_pf(dev: &Device<Self>) -> Option<(&Device<Self>, &PfState)> {
        if dev.data().role != Role::Vf {
            return None;
        }
        match dev.sriov_pf() {
            SriovPf::Ours(pf) => pf.data().pf_token().map(|state| (pf, state)),
            _ => None,
        }
    }

    /// What `dev` is to the token, for the trace of its opens.
    fn trace_role(dev: &Device<Self>) -> TraceRole {
        match dev.data().role {
            Role::Pf => TraceRole::Pf,
            Role::Vf => match Self::vf_pf(dev) {
                VfPf::Ours(_) => TraceRole::VfOurs,
                VfPf::Core => TraceRole::VfOther,
                VfPf::Unowned => TraceRole::VfUnowned,
            },
            Role::Plain => TraceRole::Plain,
        }
    }

    /// SPEC stage C for `dev`, opened on `path` with `token`; traced.
    fn decide(dev: &Device<Self>, path: TracePath, token: Option<&Uuid>) -> Result {
        let data = dev.data();
        let (role, decision) = match data.role {
            Role::Pf => {
                let decision = decide_open(
                    Opener::Pf {
                        pf: &mut data.pf.lock(),
                    },
                    token,
                );
                if decision == Ok(Allowed::TokenSet) {
                    trace::token_set(dev.pdev(), path);
                }
                (TraceRole::Pf, decision.map(|_| ()))
            }
            Role::Vf => match Self::vf_pf(dev) {
                // Without a token the PF's state is not needed: no lock, as C.
                VfPf::Ours(pf) => (
                    TraceRole::VfOurs,
                    token_required(token)
                        .and_then(|token| decide(Opener::Vf { pf: &pf.lock() }, Some(token))),
                ),
                // The core's token decides, so mixed drivers fail closed.
                VfPf::Core => {
                    let verdict = dev.core_match_token_uuid(token.map(|t| &t.0));
                    let reason = verdict.is_err().then_some(c"other-pf-driver");
                    let role = TraceRole::VfOther;
                    trace::open(dev.pdev(), role, path, token.is_some(), reason, verdict);
                    return verdict;
                }
                VfPf::Unowned => (TraceRole::VfUnowned, decide(Opener::VfUnowned, token)),
            },
            Role::Plain => (TraceRole::Plain, decide(Opener::Plain, token)),
        };
        let reason = decision.err().map(|deny| deny.keyword());
        let verdict = decision.map_err(|deny| match data.role {
            Role::Pf => Refusal::PfDeny(deny).log(dev),
            Role::Vf | Role::Plain => Refusal::Deny(deny).log(dev),
        });
        trace::open(dev.pdev(), role, path, token.is_some(), reason, verdict);
        verdict
    }
}

impl Operations for VfioPciRsDriver {
    const NAME: &'static CStr = DRIVER_NAME;
    type Data = DeviceData;

    fn init(_pdev: &pci::Device, sriov: Sriov) -> impl PinInit<Self::Data, Error> {
        DeviceData::new(sriov)
    }

    fn open_device(dev: &Device<Self>) {
        if let Some((pf_dev, pf)) = Self::owned_pf(dev) {
            let mut pf = pf.lock();
            pf.vf_opened();
            trace::vf_users(pf_dev.pdev(), dev.pdev(), true, pf.vf_users());
        }
    }

    fn close_device(dev: &Device<Self>) {
        /// Whether the underflow below has been reported (SPEC 0: once).
        static UNDERFLOW_WARNED: AtomicFlag = AtomicFlag::new(false);
        if let Some((pf_dev, pf)) = Self::owned_pf(dev) {
            // An underflow would be a bug in the open/close pairing: the
            // count stays at 0 (`vf_closed`), the WARN comes once.
            let mut pf = pf.lock();
            let underflow = pf.vf_closed().is_err();
            trace::vf_users(pf_dev.pdev(), dev.pdev(), false, pf.vf_users());
            drop(pf);
            warn_on!(underflow && !UNDERFLOW_WARNED.xchg(true, Relaxed));
        }
    }

    fn match_device(dev: &Device<Self>, name: &CStr, buf: &CStr) -> Result<bool> {
        match parse_match(name.to_bytes(), buf.to_bytes()) {
            Ok(Match::NotThisDevice) => Ok(false),
            Ok(Match::Device { token }) => {
                Self::decide(dev, TracePath::Group, token.as_ref()).map(|()| true)
            }
            Err(e) => {
                let refusal = Refusal::Match(e);
                let err = refusal.log(dev);
                // The role is looked up only for an enabled event.
                if trace::open_enabled() {
                    let role = Self::trace_role(dev);
                    let reason = Some(refusal.keyword());
                    // No well-formed token came with the open: `token` is
                    // false.
                    trace::open(dev.pdev(), role, TracePath::Group, false, reason, Err(err));
                }
                Err(err)
            }
        }
    }

    fn match_token_uuid(dev: &Device<Self>, token: Option<&UuidBytes>) -> Result {
        Self::decide(dev, TracePath::Cdev, token.map(|t| Uuid(*t)).as_ref())
    }

    fn has_vf_token(dev: &Device<Self>) -> bool {
        dev.data().pf_token().is_some()
    }

    fn set_vf_token(dev: &Device<Self>, token: &UuidBytes) {
        if let Some(pf) = dev.data().pf_token() {
            pf.lock().set(Uuid(*token));
            trace::token_set(dev.pdev(), TracePath::Feature);
        }
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

impl Driver for VfioPciRsDriver {
    const ID_TABLE: IdTable = IDS.table();

    fn probe(pdev: &pci::Device) -> Result {
        let (vendor, device) = (pdev.vendor_id(), pdev.device_id());
        let verdict = denylist_probe(vendor, device, disable_denylist.get());
        if let Some(warning) = verdict.warning {
            let raw = vendor.as_raw();
            dev_warn!(pdev.as_ref(), "{raw:04x}:{device:04x} {warning}\n");
        }
        verdict.result
    }

    fn sriov_configure(dev: &Device<Self>, nr_virtfn: i32) -> Result<i32> {
        #[cfg(CONFIG_PCI_IOV)]
        let enabled = enable_sriov.get();
        // Without PCI_IOV the PCI core never calls this; vfio-pci has no
        // `enable_sriov` then either.
        #[cfg(not(CONFIG_PCI_IOV))]
        let enabled = false;
        trace::sriov_configure(dev.pdev(), nr_virtfn);
        let ret = if enabled {
            dev.core_sriov_configure(nr_virtfn)
        } else {
            Err(ENOENT)
        };
        trace::sriov_configure_done(dev.pdev(), nr_virtfn, &ret);
        ret
    }
}

struct VfioPciRs {
    _reg: Registration<VfioPciRsDriver>,
}

impl VfioPciRs {
    /// Adds the `ids=` entries as C vfio-pci's `vfio_pci_fill_ids()` does,
    /// with its log lines.
    fn fill_ids(reg: &Registration<VfioPciRsDriver>) {
        let mut warned = false;
        for (entry, id) in ids::entries(ids.get().to_bytes()) {
            let Some(id) = id else {
                warn_invalid_id(c_str!(modname!()), entry);
                continue;
            };
            if id.truncated && !warned {
                // C's sscanf() keeps the low 32 bits (of u64::MAX past 64
                // bits) silently; so do we, and say so once.
                pr_warn!(
                    "id string \"{}\" has a number wider than 32 bits, read as vfio-pci reads it: its low 32 bits, ffffffff past 64\n",
                    BStr::from_bytes(entry)
                );
                warned = true;
            }
            let ids::DynId {
                vendor: v,
                device: d,
                subvendor: sv,
                subdevice: sd,
                class,
                class_mask: mask,
                ..
            } = id;
            let ret = reg.add_dynid(&DynId {
                vendor: v,
                device: d,
                subvendor: sv,
                subdevice: sd,
                class,
                class_mask: mask,
            });
            match ret {
                Ok(()) => pr_info!("add [{v:04x}:{d:04x}[{sv:04x}:{sd:04x}]] class {class:#08x}/{mask:08x}\n"),
                Err(e) => pr_warn!(
                    "failed to add dynamic id [{v:04x}:{d:04x}[{sv:04x}:{sd:04x}]] class {class:#08x}/{mask:08x} ({})\n",
                    e.to_errno()
                ),
            }
        }
    }
}

impl kernel::Module for VfioPciRs {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg = Registration::new(module, c_str!(modname!()))?;
        Self::fill_ids(&reg);
        if disable_denylist.get() {
            pr_warn!("the device denylist is disabled\n");
        }
        Ok(Self { _reg: reg })
    }
}
