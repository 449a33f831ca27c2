// SPDX-License-Identifier: GPL-2.0

//! Host build of vfio-pci-rs's kernel-independent code.
//!
//! `src/token.rs`, `src/token/*.rs` and `src/ids.rs` are compiled here in
//! place, the very files that the kernel module builds, so that `cargo test`
//! and `cargo fuzz` exercise the module's code at host speed.  Nothing is
//! copied.  The SPEC conformance tests (`spec.rs`) are a unit-test module of
//! this crate, so they see the module's test-only helpers, which the module
//! itself builds only for KUnit.

#![no_std]
// A test harness: outside `cargo test` nothing here is used.
#![cfg_attr(not(test), allow(dead_code, unused_imports))]

#[cfg(test)]
extern crate std;

#[path = "../../src"]
mod src {
    pub(crate) mod ids;
    pub(crate) mod token;
}

#[cfg(test)]
use src::token;

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod spec;
