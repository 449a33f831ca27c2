// SPDX-License-Identifier: GPL-2.0

//! The VF token policy, free of any kernel dependency.
//!
//! Everything vfio-pci-rs decides about VF tokens, and nothing it does about
//! them, lives here:
//!
//! - [`uuid`]: the token value, its text codec (the byte order of the kernel's
//!   `uuid_parse()`) and its constant-time comparison.
//! - [`matcher`]: SPEC stage A, the `VFIO_GROUP_GET_DEVICE_FD` device string
//!   (`NAME vf_token=UUID`), as upstream's `vfio_pci_core_match()`.
//! - [`decision`]: SPEC stage C, the open decision of both the group and the
//!   cdev path, as upstream's `vfio_pci_core_match_token_uuid()`; the per-PF
//!   token state with its count of open VFs.
//!
//! The driver does the rest: locking, drawing the initial token from the
//! kernel RNG, logging the reasons given here and mapping [`Errno`] to
//! kernel errors; the vfio layer checks the `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN`
//! request (SPEC section 4) and copies its payload.
//!
//! This code uses only `core`: no `kernel` crate, no allocation, no `unsafe`,
//! and no panic is reachable from any input. The same files are built into
//! the module and, by cargo, on the host (`tests/host/lib.rs`), where they are
//! unit-, property- and fuzz-tested.

pub(crate) mod decision;
pub(crate) mod matcher;
pub(crate) mod uuid;

pub(crate) use self::{
    decision::{
        decide,
        decide_open,
        token_required,
        Allowed,
        Deny,
        Errno,
        Opener,
        PfToken, //
    },
    matcher::{
        parse_match,
        Match,
        MatchError, //
    },
    uuid::Uuid,
};
