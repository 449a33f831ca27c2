// SPDX-License-Identifier: GPL-2.0

//! The kernel's UUID generator and parser, for the VF token.
//!
//! C header: [`include/linux/uuid.h`](srctree/include/linux/uuid.h)

#[cfg(CONFIG_KUNIT)]
use kernel::{
    error::{to_result, Error},
    str::{CStr, CStrExt},
};

use super::{bindings, Uuid};

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
