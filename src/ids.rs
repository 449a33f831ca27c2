// SPDX-License-Identifier: GPL-2.0

//! The `ids=` module parameter, read the way C vfio-pci reads it.
//!
//! vfio-pci splits the parameter at commas, skips empty entries and reads
//! each with the kernel's `sscanf(id, "%x:%x:%x:%x:%x:%x", ...)`, keeping
//! any entry of which at least the vendor and the device were read.  An
//! administrator's `modprobe.d` line written for vfio-pci must bind the same
//! devices here, so this reads exactly what that `sscanf()` reads:
//!
//! - white space (the kernel's `isspace()`) before each number is skipped;
//! - a number may start with `0x` or `0X`, and is read up to the first byte
//!   that is not a hex digit (`0x` followed by none reads as 0);
//! - the `:` between numbers must follow at once; whatever follows the last
//!   number that was read, including a sixth field's tail, is ignored;
//! - a number is accumulated in 64 bits, saturating at `u64::MAX` as the
//!   kernel's `_parse_integer_limit()` does (so `10000000000000000` reads
//!   as `ffffffffffffffff`), and then stored in 32, as `sscanf()` stores a
//!   `%x` into an `unsigned int`: its low 32 bits.  That is silent in C;
//!   [`DynId::truncated`] tells the driver, which warns once.
//!
//! KUnit holds this reading to the kernel's own `sscanf()` on a corpus and
//! on pseudo-random strings (`src/kunit.rs`).
//!
//! Like the token policy, this uses only `core`: no kernel crate, no
//! allocation, no `unsafe`; the host tests build it too.

use core::ffi::CStr;

/// `PCI_ANY_ID`.
pub(crate) const PCI_ANY_ID: u32 = !0;

/// One `ids=` entry: the arguments of `pci_add_dynid()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DynId {
    /// Vendor ID.
    pub(crate) vendor: u32,
    /// Device ID.
    pub(crate) device: u32,
    /// Subsystem vendor ID, [`PCI_ANY_ID`] if not given.
    pub(crate) subvendor: u32,
    /// Subsystem device ID, [`PCI_ANY_ID`] if not given.
    pub(crate) subdevice: u32,
    /// Class code, 0 if not given.
    pub(crate) class: u32,
    /// Class code mask, 0 if not given.
    pub(crate) class_mask: u32,
    /// Whether a number had more than 32 bits and was cut to its low 32
    /// (past 64 bits `sscanf()` reads `u64::MAX`: `0xffffffff`).
    pub(crate) truncated: bool,
}

/// The kernel's `isspace()`: the ASCII white space and Latin-1's
/// no-break space, which the kernel's `_ctype[]` marks as space too.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0)
}

/// One `%x` conversion at the start of `s`: the value (64-bit, saturating
/// at `u64::MAX`, as `simple_strntoull()` reads it) and the rest of `s`; or
/// `None` if the first byte after the white space is not a hex digit.
fn scan_hex(s: &[u8]) -> Option<(u64, &[u8])> {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let s = &s[start..];
    if !s.first()?.is_ascii_hexdigit() {
        return None;
    }
    let s = match s {
        [b'0', b'x' | b'X', tail @ ..] => tail,
        _ => s,
    };
    let digits = s.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let value = s[..digits].iter().fold(0u64, |acc, &b| {
        // `is_ascii_hexdigit()` held, so `to_digit(16)` is `Some`.
        let d = u64::from((b as char).to_digit(16).unwrap_or(0));
        acc.saturating_mul(16).saturating_add(d)
    });
    Some((value, &s[digits..]))
}

impl DynId {
    /// Reads one entry as `sscanf(entry, "%x:%x:%x:%x:%x:%x")` does; `None`
    /// if fewer than two numbers were read (C: "invalid id string").
    ///
    /// `entry` ends at its first NUL, if it has one, as a C string does.
    pub(crate) fn parse(entry: &[u8]) -> Option<Self> {
        let mut rest = CStr::from_bytes_until_nul(entry).map_or(entry, CStr::to_bytes);
        let mut fields = [PCI_ANY_ID, PCI_ANY_ID, PCI_ANY_ID, PCI_ANY_ID, 0, 0];
        let mut read = 0;
        let mut truncated = false;
        for (i, field) in fields.iter_mut().enumerate() {
            if i > 0 {
                match rest.split_first() {
                    Some((b':', tail)) => rest = tail,
                    _ => break,
                }
            }
            let Some((value, tail)) = scan_hex(rest) else {
                break;
            };
            // `sscanf()` stores a `%x` into an `unsigned int`: the low 32 bits.
            *field = value as u32;
            truncated |= value > u64::from(u32::MAX);
            read += 1;
            rest = tail;
        }
        if read < 2 {
            return None;
        }
        let [vendor, device, subvendor, subdevice, class, class_mask] = fields;
        Some(Self {
            vendor,
            device,
            subvendor,
            subdevice,
            class,
            class_mask,
            truncated,
        })
    }
}

/// The entries of an `ids=` value as C's `strsep(&p, ",")` loop yields them,
/// empty ones skipped, each with its parse.
pub(crate) fn entries(ids: &[u8]) -> impl Iterator<Item = (&[u8], Option<DynId>)> {
    ids.split(|&b| b == b',')
        .filter(|id| !id.is_empty())
        .map(|id| (id, DynId::parse(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(v: u32, d: u32) -> DynId {
        DynId {
            vendor: v,
            device: d,
            subvendor: PCI_ANY_ID,
            subdevice: PCI_ANY_ID,
            class: 0,
            class_mask: 0,
            truncated: false,
        }
    }

    #[test]
    fn forms_c_accepts() {
        let want = Some(id(0x8086, 0x10c9));
        assert_eq!(DynId::parse(b"8086:10c9"), want);
        assert_eq!(DynId::parse(b"0x8086:0x10c9"), want);
        assert_eq!(DynId::parse(b"0X8086:0X10C9"), want);
        assert_eq!(DynId::parse(b" 8086:10c9"), want);
        assert_eq!(DynId::parse(b"8086: 10c9"), want);
        assert_eq!(DynId::parse(b"\t8086:\n10c9"), want);
        // The kernel's isspace(): \v, \f, \r and Latin-1's no-break space too.
        assert_eq!(DynId::parse(b"\x0b8086:\x0c10c9"), want);
        assert_eq!(DynId::parse(b"\r8086:\xa010c9"), want);
        assert_eq!(DynId::parse(b"\xa0\xa08086: \x0b10c9"), want);
        assert_eq!(DynId::parse(b"8086:10c9:"), want);
        assert_eq!(DynId::parse(b"8086:10c9 "), want);
        assert_eq!(DynId::parse(b"8086:10c9xyz"), want);
        assert_eq!(DynId::parse(b"8086:10c9:zz"), want);
        assert_eq!(DynId::parse(b"8086:10c9\0:1:2"), want);
    }

    #[test]
    fn all_six_and_more() {
        let six = DynId::parse(b"8086:10c9:1:2:20000:ff0000").unwrap();
        assert_eq!(
            (six.subvendor, six.subdevice, six.class, six.class_mask),
            (1, 2, 0x20000, 0xff0000)
        );
        assert_eq!(DynId::parse(b"8086:10c9:1:2:20000:ff0000:7:8"), Some(six));
        let three = DynId::parse(b"8086:10c9:1").unwrap();
        assert_eq!((three.subvendor, three.subdevice), (1, PCI_ANY_ID));
    }

    #[test]
    fn forms_c_refuses() {
        for s in [
            &b""[..],
            b"8086",
            b"8086:",
            b":10c9",
            b"8086 :10c9",
            b"x8086:10c9",
            b"g:10c9",
            b"-1:10c9",
            b"8086:-1",
            b"8086;10c9",
        ] {
            assert_eq!(DynId::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn prefix_without_digits_reads_zero() {
        // simple_strntoull() skips "0x" and then finds no digit: 0, and the
        // scan goes on after the prefix.
        assert_eq!(DynId::parse(b"0x:10c9"), Some(id(0, 0x10c9)));
        assert_eq!(DynId::parse(b"8086:0xg"), Some(id(0x8086, 0)));
    }

    #[test]
    fn wide_values_are_cut_to_32_bits_and_saturate_past_64() {
        let wide = DynId::parse(b"18086:10c9").unwrap();
        assert_eq!((wide.vendor, wide.truncated), (0x18086, false));
        let cut = DynId::parse(b"123456789:10c9").unwrap();
        assert_eq!((cut.vendor, cut.truncated), (0x2345_6789, true));
        let all = DynId::parse(b"ffffffffffffffff:10c9").unwrap();
        assert_eq!((all.vendor, all.truncated), (PCI_ANY_ID, true));
        let low = DynId::parse(b"ffffffff00008086:10c9").unwrap();
        assert_eq!((low.vendor, low.truncated), (0x8086, true));
        // Past 64 bits the kernel's sscanf() saturates (7.3's
        // _parse_integer_limit()): u64::MAX, whose low 32 bits are
        // PCI_ANY_ID, not the wrapped value's low bits.
        for s in [
            &b"10000000000000000:10c9"[..],
            b"1000000000000008086:10c9",
            b"0x1000000000000000000000000000000000000:10c9",
        ] {
            let sat = DynId::parse(s).unwrap();
            assert_eq!(
                (sat.vendor, sat.device, sat.truncated),
                (PCI_ANY_ID, 0x10c9, true)
            );
        }
        let zeros = DynId::parse(b"000000000000000000000000008086:10c9").unwrap();
        assert_eq!((zeros.vendor, zeros.truncated), (0x8086, false));
        let max = DynId::parse(b"ffffffff:10c9").unwrap();
        assert_eq!((max.vendor, max.truncated), (PCI_ANY_ID, false));
    }

    #[test]
    fn entries_like_strsep() {
        extern crate std;
        use std::vec::Vec;
        let got: Vec<_> = entries(b",8086:10ca,, 8086:10c9,bad,").collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (&b"8086:10ca"[..], Some(id(0x8086, 0x10ca))));
        assert_eq!(got[1], (&b" 8086:10c9"[..], Some(id(0x8086, 0x10c9))));
        assert_eq!(got[2], (&b"bad"[..], None));
    }
}
