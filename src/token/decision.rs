// SPDX-License-Identifier: GPL-2.0

//! Stage C: may this device be opened with this token? Plus the per-PF token
//! state.
//!
//! [`decide`] is upstream's `vfio_pci_core_match_token_uuid()` as a pure
//! function of who opens ([`Opener`]) and which token came with the open, and
//! it says why it refused ([`Deny`]). [`PfToken`] is the state the driver keeps
//! per PF under a mutex.

use core::ffi::CStr;
use core::fmt;

use super::uuid::Uuid;

/// The two errors this layer can produce; the driver maps them to kernel
/// errors (`EACCES`, `EINVAL`) with `From`, its one mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Errno {
    /// `EACCES`: the token is missing or wrong.
    Access,
    /// `EINVAL`: the request is malformed or a token was given where none
    /// belongs.
    Invalid,
}

/// Who is being opened, and the token state that governs it.
pub(crate) enum Opener<'a> {
    /// A VF whose PF is not bound to a vfio-pci-core driver (C1, C2).
    VfUnowned,
    /// A VF whose PF holds this token state (C3, C4, C5).
    Vf {
        /// The PF's token state, locked by the caller.
        pf: &'a PfToken,
    },
    /// A PF with SR-IOV (C6..C10).
    Pf {
        /// This PF's token state, locked by the caller; [`decide`] may set
        /// its token (C10).
        pf: &'a mut PfToken,
    },
    /// Neither a PF nor a VF (C11, C12).
    Plain,
}

/// Why [`decide`] refused an open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deny {
    /// No token, but one is needed (C3, C6).
    Required,
    /// The token is not the PF's (C4, C7).
    Incorrect,
    /// A token was given for a VF whose PF is not bound to a vfio-pci-core
    /// driver (C2).
    UnexpectedPfNotOwned,
    /// A token was given for a device that is neither a PF nor a VF (C12).
    UnexpectedNotSriov,
}

impl Deny {
    /// The error to return to userspace: [`Errno::Access`] for a missing or
    /// wrong token, [`Errno::Invalid`] for a token given where none belongs.
    pub(crate) fn errno(&self) -> Errno {
        match self {
            Deny::Required | Deny::Incorrect => Errno::Access,
            Deny::UnexpectedPfNotOwned | Deny::UnexpectedNotSriov => Errno::Invalid,
        }
    }

    /// A short description for the rate-limited log line of a rejection. It
    /// never contains the token.
    pub(crate) fn reason(&self) -> &'static CStr {
        match self {
            Deny::Required => c"VF token required to access device",
            Deny::Incorrect => c"incorrect VF token provided for device",
            Deny::UnexpectedPfNotOwned => {
                c"VF token incorrectly provided, PF not bound to a vfio-pci driver"
            }
            Deny::UnexpectedNotSriov => c"VF token incorrectly provided, not a PF or VF",
        }
    }

    /// A one-word name of the reason, for the trace event of a rejection.
    /// Fixed text: never the token.
    pub(crate) fn keyword(&self) -> &'static CStr {
        match self {
            Deny::Required => c"required",
            Deny::Incorrect => c"incorrect",
            Deny::UnexpectedPfNotOwned => c"pf-not-owned",
            Deny::UnexpectedNotSriov => c"not-sriov",
        }
    }
}

/// What an allowed open did, beside being allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// Nothing else.
    Open,
    /// The token given with the open became the PF's token (C10).
    TokenSet,
}

/// A PF's VF token state, kept by the driver under one mutex per PF.
///
/// The token is write-only: there is no getter, and `Debug` prints only
/// `vf_users`. It can be changed ([`PfToken::set`]) and compared in constant
/// time ([`PfToken::matches`]).
///
/// # Invariants
///
/// `vf_users` is the number of `vf_opened()` calls minus the number of
/// successful `vf_closed()` calls; it never wraps in either direction.
pub(crate) struct PfToken {
    uuid: Uuid,
    vf_users: u32,
}

/// [`PfToken::vf_closed`] was called while no VF was open: a driver bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Underflow;

impl PfToken {
    /// Creates the state of a newly bound PF, with no VF open.
    ///
    /// `initial` should be random and not nil (see [`Uuid::is_nil`]), so that
    /// a VF cannot be opened before a PF user chooses a token.
    pub(crate) fn new(initial: Uuid) -> Self {
        // INVARIANT: no call has been made yet, and `vf_users` is 0.
        PfToken {
            uuid: initial,
            vf_users: 0,
        }
    }

    /// Replaces the token (`VFIO_DEVICE_FEATURE_SET`, or C10).
    ///
    /// Allowed whatever `vf_users` is, as upstream: VFs that are already open
    /// stay open.
    pub(crate) fn set(&mut self, uuid: Uuid) {
        self.uuid = uuid;
    }

    /// The number of VF devices of this PF that are open.
    pub(crate) fn vf_users(&self) -> u32 {
        self.vf_users
    }

    /// Records that one more VF device is open.
    ///
    /// The count saturates rather than wraps. It cannot actually reach
    /// `u32::MAX`: it counts devices, not fds, and a PF has at most 65535
    /// VFs (`TotalVFs` is 16 bits).
    pub(crate) fn vf_opened(&mut self) {
        // INVARIANT: the count goes up by one, saturating instead of wrapping.
        self.vf_users = self.vf_users.saturating_add(1);
    }

    /// Records that a VF device was closed.
    ///
    /// Returns [`Underflow`], and leaves the count at 0, if no VF was open;
    /// the driver then warns once.
    pub(crate) fn vf_closed(&mut self) -> Result<(), Underflow> {
        // INVARIANT: the count goes down by one only if it is positive.
        self.vf_users = self.vf_users.checked_sub(1).ok_or(Underflow)?;
        Ok(())
    }

    /// Whether `token` is this PF's token, compared in constant time.
    pub(crate) fn matches(&self, token: &Uuid) -> bool {
        self.uuid.ct_eq(token)
    }
}

impl fmt::Debug for PfToken {
    /// Prints `vf_users` only, never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PfToken")
            .field("vf_users", &self.vf_users)
            .finish_non_exhaustive()
    }
}

/// The token of an open that needs one (C3, C6): `Deny::Required`
/// without one.
///
/// Needs no PF state, so the driver calls it before it takes a VF's PF mutex
/// (as C vfio-pci does): [`decide`] then sees only opens with a token.
pub(crate) fn token_required(token: Option<&Uuid>) -> Result<&Uuid, Deny> {
    token.ok_or(Deny::Required)
}

/// Requires `token` to be `pf`'s token (C3-C8).
fn require(pf: &PfToken, token: Option<&Uuid>) -> Result<(), Deny> {
    let token = token_required(token)?;
    if pf.matches(token) {
        Ok(())
    } else {
        Err(Deny::Incorrect)
    }
}

/// Decides whether `opener` may be opened with `token` (SPEC stage C, same as
/// upstream `vfio_pci_core_match_token_uuid()`).
///
/// - A VF of an unowned PF, or a device that is neither a PF nor a VF: allowed
///   without a token, refused with one (C1, C2, C11, C12).
/// - A VF of an owned PF: the PF's token is required (C3-C5).
/// - A PF with open VFs: its token is required and stays as it is (C6-C8).
/// - A PF without open VFs: allowed; a token given with the open becomes the
///   PF's token, whatever happens to the open afterwards (C9, C10).
///
/// The caller holds the PF's mutex across this call.
pub(crate) fn decide(opener: Opener<'_>, token: Option<&Uuid>) -> Result<(), Deny> {
    decide_open(opener, token).map(|_| ())
}

/// [`decide`], saying whether the open set the PF's token
/// ([`Allowed::TokenSet`], C10), for the driver to trace it.
pub(crate) fn decide_open(opener: Opener<'_>, token: Option<&Uuid>) -> Result<Allowed, Deny> {
    match opener {
        Opener::VfUnowned => match token {
            None => Ok(Allowed::Open),
            Some(_) => Err(Deny::UnexpectedPfNotOwned),
        },
        Opener::Vf { pf } => require(pf, token).map(|()| Allowed::Open),
        Opener::Pf { pf } => {
            if pf.vf_users() > 0 {
                require(pf, token).map(|()| Allowed::Open)
            } else if let Some(token) = token {
                pf.set(*token);
                Ok(Allowed::TokenSet)
            } else {
                Ok(Allowed::Open)
            }
        }
        Opener::Plain => match token {
            None => Ok(Allowed::Open),
            Some(_) => Err(Deny::UnexpectedNotSriov),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pf_token_debug_hides_token() {
        extern crate std;
        use std::format;
        let mut pf = PfToken::new(Uuid([0xab; 16]));
        pf.vf_opened();
        let s = format!("{pf:?}");
        assert_eq!(s, "PfToken { vf_users: 1, .. }");
    }
}
