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
//! - [`uuid`]: the kernel's UUID generator and parser, UUIDs from userspace.
//! - [`bindings`]: the vfio declarations, generated at build time.
//!
//! C headers: [`include/linux/vfio.h`](srctree/include/linux/vfio.h),
//! [`include/linux/vfio_pci_core.h`](srctree/include/linux/vfio_pci_core.h)

pub mod bindings;
pub mod device;
pub mod param;
pub mod pci;
pub mod uuid;

pub use crate::token::Uuid;
#[cfg(CONFIG_KUNIT)]
pub use uuid::kernel_uuid_parse;
pub use uuid::{random_uuid, read_user_uuid};
