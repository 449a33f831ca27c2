// SPDX-License-Identifier: GPL-2.0

//! Safe abstractions for a vfio-pci variant driver.
//!
//! This is the only part of vfio-pci-rs with `unsafe` code.  It wraps the C
//! vfio and vfio-pci-core interfaces the way a `kernel::vfio::pci` module in
//! `rust/kernel/` would, and owns their UAPI: the driver above it sees
//! parsed requests and plain values, never a user pointer or a flag word.
//! It knows nothing of the driver's token policy.
//!
//! - [`device`]: a `vfio_pci_core_device` followed by the driver's Rust data,
//!   the [`device::Operations`] trait and the `vfio_device_ops` built from
//!   it.
//! - [`pci`]: the [`pci::Driver`] trait and the driver's own `pci_driver`
//!   built from it (drvdata stays the core device).
//! - [`param`]: module parameters that behave like C `module_param()`.
//! - [`ratelimit`]: a call site's rate limit, as `pci_info_ratelimited()`
//!   keeps one.
//! - [`trace`]: the driver's trace events (`include/vfio_pci_rs_trace.h`),
//!   typed.
//! - [`uuid`]: UUIDs as the UAPI carries them, and the kernel's generator.
//! - [`bindings`]: the vfio declarations, generated at build time.
//!
//! C headers: [`include/linux/vfio.h`](srctree/include/linux/vfio.h),
//! [`include/linux/vfio_pci_core.h`](srctree/include/linux/vfio_pci_core.h)

pub(crate) mod bindings;
pub(crate) mod device;
pub(crate) mod param;
pub(crate) mod pci;
pub(crate) mod ratelimit;
pub(crate) mod trace;
pub(crate) mod uuid;
