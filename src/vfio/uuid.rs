// SPDX-License-Identifier: GPL-2.0

//! UUIDs as the vfio UAPI carries them, and the kernel's UUID generator.
//!
//! The vfio layer knows a UUID only as its 16 bytes (`uuid_t`); what a VF
//! token means is the driver's business.
//!
//! C header: [`include/linux/uuid.h`](srctree/include/linux/uuid.h)

#[cfg(CONFIG_KUNIT)]
use kernel::{error::to_result, prelude::*, str::CStr};

use super::bindings;

/// The bytes of a `uuid_t`.
pub(crate) type UuidBytes = [u8; 16];

/// A random (version 4) UUID from the kernel's RNG (`uuid_gen()`).
pub(crate) fn random_uuid() -> UuidBytes {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `u` is a valid `uuid_t` to write to.
    unsafe { bindings::uuid_gen(&mut u) };
    u.b
}

/// The kernel's `uuid_parse()` of `text`, for testing the driver's codec
/// against it.
#[cfg(CONFIG_KUNIT)]
pub(crate) fn kernel_uuid_parse(text: &CStr) -> Result<UuidBytes> {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `text` is NUL-terminated and `u` valid to write to.
    to_result(unsafe { bindings::uuid_parse(text.as_char_ptr(), &mut u) })?;
    Ok(u.b)
}
