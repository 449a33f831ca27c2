// SPDX-License-Identifier: GPL-2.0

//! Host build of vfio-pci-rs's VF token policy layer.
//!
//! `src/token.rs` and `src/token/*.rs` are compiled here in place, the very
//! files that the kernel module builds, so that `cargo test` and `cargo fuzz`
//! exercise the module's code at host speed. Nothing is copied.

#![no_std]

#[cfg(test)]
extern crate std;

#[path = "../../src"]
mod src {
    pub mod token;
}

pub use src::token;
