// SPDX-License-Identifier: GPL-2.0

//! The kernel's UUID generator and parser, and a UUID copied from
//! userspace, for the VF token.
//!
//! C header: [`include/linux/uuid.h`](srctree/include/linux/uuid.h)

#[cfg(CONFIG_KUNIT)]
use kernel::{
    error::{to_result, Error},
    str::{CStr, CStrExt},
};

use kernel::{error::code::EFAULT, prelude::*, uaccess::UserPtr};

use super::{bindings, Uuid};

/// The [`Uuid::LEN`] bytes at `arg` in userspace, or `EFAULT`.
///
/// One `copy_from_user()` call, as in C's `vfio_pci_core_feature_token()`,
/// for the VF token feature's SET, rather than the three calls of a
/// `UserSliceReader`.
pub fn read_user_uuid(arg: UserPtr) -> Result<Uuid> {
    let mut u = [0u8; Uuid::LEN];
    // SAFETY: `u` is valid for writes of `Uuid::LEN` bytes; `_copy_from_user`
    // checks that the user range is userspace and survives a fault in it.
    let left =
        unsafe { bindings::_copy_from_user(u.as_mut_ptr().cast(), arg.as_const_ptr(), Uuid::LEN) };
    if left != 0 {
        return Err(EFAULT);
    }
    Ok(Uuid(u))
}

/// A random (version 4) UUID from the kernel's RNG.
pub fn random_uuid() -> Uuid {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `u` is a valid `uuid_t` to write to.
    unsafe { bindings::uuid_gen(&mut u) };
    Uuid(u.b)
}

/// The kernel's `uuid_parse()` of `text`, for testing our codec against it.
#[cfg(CONFIG_KUNIT)]
pub fn kernel_uuid_parse(text: &CStr) -> Result<Uuid, Error> {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `text` is NUL-terminated and `u` valid to write to.
    to_result(unsafe { bindings::uuid_parse(text.as_char_ptr(), &mut u) })?;
    Ok(Uuid(u.b))
}
