// SPDX-License-Identifier: GPL-2.0

//! Safe abstractions for a vfio-pci variant driver.
//!
//! This is the only part of vfio-pci-rs with `unsafe` code.  It wraps the C
//! vfio and vfio-pci-core interfaces the way a `kernel::vfio::pci` module in
//! `rust/kernel/` would:
//!
//! - [`device`]: a `vfio_pci_core_device` followed by the driver's Rust data,
//!   the [`device::Driver`] trait and the `vfio_device_ops` built from it.
//! - [`pci`]: the driver's own `pci_driver` (drvdata stays the core device).
//! - [`param`]: module parameters that behave like C `module_param()`.
//! - [`bindings`]: the vfio declarations, generated at build time.
//!
//! C headers: [`include/linux/vfio.h`](srctree/include/linux/vfio.h),
//! [`include/linux/vfio_pci_core.h`](srctree/include/linux/vfio_pci_core.h)

use kernel::str::CStrExt;

pub mod bindings;
pub mod device;
pub mod param;
pub mod pci;

pub use crate::token::Uuid;

/// A random (version 4) UUID from the kernel's RNG.
pub fn random_uuid() -> Uuid {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `u` is a valid `uuid_t` to write to.
    unsafe { bindings::uuid_gen(&mut u) };
    Uuid(u.b)
}

/// The kernel's `uuid_parse()` of `text`, for testing our codec against it.
pub fn kernel_uuid_parse(text: &kernel::str::CStr) -> Result<Uuid, kernel::error::Error> {
    let mut u = bindings::uuid_t::default();
    // SAFETY: `text` is NUL-terminated and `u` valid to write to.
    kernel::error::to_result(unsafe { bindings::uuid_parse(text.as_char_ptr(), &mut u) })?;
    Ok(Uuid(u.b))
}
