// SPDX-License-Identifier: GPL-2.0

//! Generated bindings for vfio, vfio-pci-core and the C shim.
//!
//! `bindgen` runs at build time on `include/vfio_pci_rs.h` and emits only the
//! vfio items (see `Kbuild`); every other C type they name (`pci_dev`,
//! `device`, `file`, ...) is the kernel crate's binding of that type, brought
//! in by the glob import below, so pointers pass between the two without
//! casts.

// `allow`, not `expect`: which of these lints the generated code trips
// depends on the kernel and its configuration (the kernel's own
// `rust/bindings` allows them the same way).
#![allow(
    dead_code,
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    unreachable_pub,
    clippy::all,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::as_underscore,
    clippy::cast_lossless,
    clippy::undocumented_unsafe_blocks,
    unsafe_op_in_unsafe_fn,
    improper_ctypes,
    missing_docs
)]

pub use kernel::bindings::*;
use pin_init::MaybeZeroable;

include!(env!("VFIO_PCI_RS_BINDINGS"));
