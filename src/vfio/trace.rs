// SPDX-License-Identifier: GPL-2.0

//! Trace events of a VF-token driver: its open decisions, token sets, VF
//! users and `sriov_configure`, under the trace system `vfio_pci_rs`.
//!
//! The events are C (`include/vfio_pci_rs_trace.h`, created in
//! `src/vfio/trace.c`), as Rust Binder's are; this module calls them the way
//! `kernel::declare_trace!` does, but against this module's own bindings:
//! that macro names `kernel::bindings::__tracepoint_<event>`, which only
//! exists for tracepoints the kernel crate's bindings were generated with.
//! A disabled event costs the test of its static key and its arguments,
//! a few pointers and numbers at hand.
//!
//! The functions here take devices, fixed keywords and small numbers, never
//! a token: nothing they are given can put the VF token, or anything
//! derived from it, into the trace buffer.
//!
//! C header: [`include/linux/tracepoint.h`](srctree/include/linux/tracepoint.h)

use kernel::{
    error::Result,
    ffi::{c_char, c_int},
    pci,
    str::{CStr, CStrExt},
};

use super::bindings;

/// Defines, for each event `NAME(args)`, an `unsafe fn NAME(args)` that
/// fires it: `kernel::declare_trace!`, with the static key and the
/// `rust_do_trace_` function taken from `super::bindings`.
macro_rules! declare_trace {
    ($($(#[$attr:meta])* unsafe fn $name:ident($($arg:ident : $ty:ty),* $(,)?);)*) => {$(
        $(#[$attr])*
        #[inline(always)]
        unsafe fn $name($($arg: $ty),*) {
            #[cfg(CONFIG_TRACEPOINTS)]
            {
                // SAFETY: `__tracepoint_<event>` is the `struct tracepoint`
                // that `src/vfio/trace.c` defines for this event, a static
                // of this module; reading its static key has no
                // precondition.
                let on = unsafe {
                    kernel::macros::paste! {
                        kernel::jump_label::static_branch_unlikely!(
                            bindings::[< __tracepoint_ $name >],
                            bindings::tracepoint,
                            key
                        )
                    }
                };
                if on {
                    kernel::macros::paste! {
                        // SAFETY: The caller guarantees what the event's
                        // `TP_fast_assign` needs of the arguments.
                        unsafe { bindings::[< rust_do_trace_ $name >]($($arg),*) };
                    }
                }
            }
            #[cfg(not(CONFIG_TRACEPOINTS))]
            {
                $(let _ = $arg;)*
            }
        }
    )*};
}

declare_trace! {
    /// # Safety
    ///
    /// `pdev` is a valid `pci_dev`; `reason` is NUL-terminated; both are
    /// valid for the call.
    unsafe fn vfio_pci_rs_open(
        pdev: *const bindings::pci_dev,
        role: u8,
        path: u8,
        token: bool,
        reason: *const c_char,
        err: c_int,
    );
    /// # Safety
    ///
    /// `pdev` is a valid `pci_dev` for the call.
    unsafe fn vfio_pci_rs_token_set(pdev: *const bindings::pci_dev, path: u8);
    /// # Safety
    ///
    /// `pf` and `vf` are valid `pci_dev`s for the call.
    unsafe fn vfio_pci_rs_vf_users(
        pf: *const bindings::pci_dev,
        vf: *const bindings::pci_dev,
        up: bool,
        users: u32,
    );
    /// # Safety
    ///
    /// `pdev` is a valid `pci_dev` for the call.
    unsafe fn vfio_pci_rs_sriov_configure(pdev: *const bindings::pci_dev, num_vfs: c_int);
    /// # Safety
    ///
    /// `pdev` is a valid `pci_dev` for the call.
    unsafe fn vfio_pci_rs_sriov_configure_done(
        pdev: *const bindings::pci_dev,
        num_vfs: c_int,
        ret: c_int,
    );
}

/// Whether the open decision event is enabled: for a caller whose
/// arguments cost something to compute, to compute them only then.
#[inline(always)]
pub(crate) fn open_enabled() -> bool {
    #[cfg(CONFIG_TRACEPOINTS)]
    {
        // SAFETY: `__tracepoint_vfio_pci_rs_open` is the `struct tracepoint`
        // that `src/vfio/trace.c` defines, a static of this module; reading
        // its static key has no precondition.
        unsafe {
            kernel::jump_label::static_branch_unlikely!(
                bindings::__tracepoint_vfio_pci_rs_open,
                bindings::tracepoint,
                key
            )
        }
    }
    #[cfg(not(CONFIG_TRACEPOINTS))]
    {
        false
    }
}

/// The C `struct pci_dev` of `pdev`, valid for as long as `pdev` is.
fn raw(pdev: &pci::Device) -> *const bindings::pci_dev {
    // `pci::Device` is a transparent wrapper of the C struct.
    core::ptr::from_ref(pdev).cast()
}

/// The error code of `r`, 0 for success.
fn errno(r: Result) -> c_int {
    r.err().map_or(0, |e| e.to_errno())
}

/// What an opened device is to the VF token (the event's `role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TraceRole {
    /// A PF with SR-IOV.
    Pf,
    /// A VF whose PF is bound to this driver.
    VfOurs,
    /// A VF whose PF is bound to another vfio-pci-core driver.
    VfOther,
    /// A VF whose PF enabled SR-IOV through no vfio-pci-core driver.
    VfUnowned,
    /// Neither a PF nor a VF.
    Plain,
}

impl TraceRole {
    const fn raw(self) -> u8 {
        // The C constants are small: the casts are exact.
        (match self {
            TraceRole::Pf => bindings::VFIO_PCI_RS_TRACE_ROLE_PF,
            TraceRole::VfOurs => bindings::VFIO_PCI_RS_TRACE_ROLE_VF_OURS,
            TraceRole::VfOther => bindings::VFIO_PCI_RS_TRACE_ROLE_VF_OTHER,
            TraceRole::VfUnowned => bindings::VFIO_PCI_RS_TRACE_ROLE_VF_UNOWNED,
            TraceRole::Plain => bindings::VFIO_PCI_RS_TRACE_ROLE_PLAIN,
        }) as u8
    }
}

/// Where an open or a token set came from (the events' `path`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TracePath {
    /// `VFIO_GROUP_GET_DEVICE_FD`, the device string.
    Group,
    /// `VFIO_DEVICE_BIND_IOMMUFD`, the device cdev.
    Cdev,
    /// `VFIO_DEVICE_FEATURE` with `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN` and
    /// `SET`.
    Feature,
}

impl TracePath {
    const fn raw(self) -> u8 {
        // The C constants are small: the casts are exact.
        (match self {
            TracePath::Group => bindings::VFIO_PCI_RS_TRACE_PATH_GROUP,
            TracePath::Cdev => bindings::VFIO_PCI_RS_TRACE_PATH_CDEV,
            TracePath::Feature => bindings::VFIO_PCI_RS_TRACE_PATH_FEATURE,
        }) as u8
    }
}

/// The reason of an open's verdict, a fixed keyword such as `required`
/// (the event's `reason`): `None` for an allowed open, traced as `-`.
pub(crate) type TraceReason = Option<&'static CStr>;

/// Traces the token decision of an open of `pdev` on `path`: a token came
/// with it (`token`), it ended in `verdict`, for `reason`.
pub(crate) fn open(
    pdev: &pci::Device,
    role: TraceRole,
    path: TracePath,
    token: bool,
    reason: TraceReason,
    verdict: Result,
) {
    let reason = reason.unwrap_or(c"-");
    // SAFETY: `raw(pdev)` and `reason` are valid for the call, `reason`
    // NUL-terminated.
    unsafe {
        vfio_pci_rs_open(
            raw(pdev),
            role.raw(),
            path.raw(),
            token,
            reason.as_char_ptr(),
            errno(verdict),
        )
    };
}

/// Traces a new token on PF `pdev`, set on `path` by the current task.
pub(crate) fn token_set(pdev: &pci::Device, path: TracePath) {
    // SAFETY: `raw(pdev)` is valid for the call.
    unsafe { vfio_pci_rs_token_set(raw(pdev), path.raw()) };
}

/// Traces VF `vf` of PF `pf` being opened (`up`) or closed, which left the
/// PF with `users` open VFs.
pub(crate) fn vf_users(pf: &pci::Device, vf: &pci::Device, up: bool, users: u32) {
    // SAFETY: `raw(pf)` and `raw(vf)` are valid for the call.
    unsafe { vfio_pci_rs_vf_users(raw(pf), raw(vf), up, users) };
}

/// Traces a write of `num_vfs` to the `sriov_numvfs` of PF `pdev`.
pub(crate) fn sriov_configure(pdev: &pci::Device, num_vfs: i32) {
    // SAFETY: `raw(pdev)` is valid for the call.
    unsafe { vfio_pci_rs_sriov_configure(raw(pdev), num_vfs) };
}

/// Traces what `sriov_configure` of `num_vfs` on `pdev` returned.
pub(crate) fn sriov_configure_done(pdev: &pci::Device, num_vfs: i32, ret: &Result<i32>) {
    let ret = match ret {
        Ok(n) => *n,
        Err(e) => e.to_errno(),
    };
    // SAFETY: `raw(pdev)` is valid for the call.
    unsafe { vfio_pci_rs_sriov_configure_done(raw(pdev), num_vfs, ret) };
}
