// SPDX-License-Identifier: GPL-2.0

//! The VF token as a value: a 16-byte UUID, its text form and a constant-time
//! comparison.
//!
//! The text form is the one of the kernel's `uuid_parse()` and libuuid's
//! `uuid_parse()`: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits of either
//! case, and the 16 hex pairs map to bytes 0 to 15 in order (no GUID byte
//! swapping).

use core::{
    fmt,
    hint::black_box, //
};

/// A UUID, used as the shared secret between a PF user and its VF users.
///
/// The bytes are public so that the driver can copy a token from or to a
/// `uuid_t`, but the type deliberately has no `Display` and its `Debug` prints
/// `Uuid(..)`: a token must never end up in a log line by accident.
///
/// `==` is [`Uuid::ct_eq`], so comparing two tokens with `==` runs in constant
/// time as well.
///
/// Aligned to 8 bytes, so that it moves as two words (a token is copied
/// from userspace and into the PF's state on every feature SET).
#[derive(Clone, Copy)]
#[repr(align(8))]
pub(crate) struct Uuid(pub(crate) [u8; 16]);

/// Why a text is not a UUID.
///
/// The variants only exist to make tests precise; callers of
/// [`Uuid::parse`] treat them all alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UuidError {
    /// The text is not exactly [`Uuid::TEXT_LEN`] bytes long.
    Length,
    /// One of the bytes at offsets 8, 13, 18 and 23 is not a `-`.
    Hyphen,
    /// One of the other bytes is not an ASCII hex digit.
    HexDigit,
}

/// Whether offset `i` of the text form holds a hyphen.
const fn is_hyphen_offset(i: usize) -> bool {
    matches!(i, 8 | 13 | 18 | 23)
}

/// The value of the ASCII hex digit `c`, or `None` when it is not one.
const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The lower-case ASCII hex digit for the low nibble of `n`.
#[cfg(any(test, CONFIG_KUNIT))]
const fn hex_digit(n: u8) -> u8 {
    let n = n & 0xf;
    if n < 10 {
        b'0' + n
    } else {
        b'a' + (n - 10)
    }
}

impl Uuid {
    /// The length of the text form, `UUID_STRING_LEN` in C.
    pub(crate) const TEXT_LEN: usize = 36;

    /// The all-zero UUID.
    pub(crate) const NIL: Uuid = Uuid([0; 16]);

    /// Parses the text form of a UUID.
    ///
    /// `text` must be exactly [`Uuid::TEXT_LEN`] bytes: hyphens at offsets 8,
    /// 13, 18 and 23, ASCII hex digits (upper or lower case) everywhere else.
    /// This accepts exactly what the kernel's `uuid_parse()` accepts for those
    /// 36 bytes and yields the same bytes.
    ///
    /// The run time depends on the text (it stops at the first bad byte); the
    /// text is what the caller supplied, so this leaks nothing to them.
    pub(crate) fn parse(text: &[u8]) -> Result<Uuid, UuidError> {
        if text.len() != Self::TEXT_LEN {
            return Err(UuidError::Length);
        }

        let mut bytes = [0u8; 16];
        let mut nibble = 0usize;
        for (i, &c) in text.iter().enumerate() {
            if is_hyphen_offset(i) {
                if c != b'-' {
                    return Err(UuidError::Hyphen);
                }
                continue;
            }
            let value = hex_value(c).ok_or(UuidError::HexDigit)?;
            // 36 bytes minus 4 hyphens are exactly 32 nibbles, so `get_mut`
            // always finds the byte; it is used instead of indexing so that
            // no panic path exists at all.
            if let Some(byte) = bytes.get_mut(nibble / 2) {
                *byte = (*byte << 4) | value;
            }
            nibble += 1;
        }

        Ok(Uuid(bytes))
    }

    /// Returns the lower-case text form of this UUID.
    ///
    /// For tests only (the host tests and KUnit): the driver never formats a
    /// token, since a token must never be logged.
    #[cfg(any(test, CONFIG_KUNIT))]
    pub(crate) fn format(&self) -> [u8; 36] {
        let mut text = [b'-'; Self::TEXT_LEN];
        let mut digits = text
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| !is_hyphen_offset(*i))
            .map(|(_, c)| c);
        // 36 bytes minus 4 hyphens leave exactly two digits per byte.
        for &byte in &self.0 {
            if let Some(c) = digits.next() {
                *c = hex_digit(byte >> 4);
            }
            if let Some(c) = digits.next() {
                *c = hex_digit(byte);
            }
        }
        text
    }

    /// Compares two UUIDs in time independent of their contents.
    ///
    /// All 16 bytes are always looked at, at once: the two UUIDs are XOR-ed
    /// as 128-bit words and only the whole difference is tested, which is
    /// branch-free; [`core::hint::black_box`] keeps the optimiser from
    /// turning it back into an early-exit comparison of the bytes.
    pub(crate) fn ct_eq(&self, other: &Uuid) -> bool {
        let a = u128::from_ne_bytes(black_box(self.0));
        let b = u128::from_ne_bytes(black_box(other.0));
        black_box(a ^ b) == 0
    }

    /// Whether this is the all-zero UUID (constant time).
    ///
    /// The driver draws the initial token from the kernel RNG and draws again
    /// while this returns `true`, so that the initial token is never nil.
    pub(crate) fn is_nil(&self) -> bool {
        self.ct_eq(&Self::NIL)
    }
}

impl PartialEq for Uuid {
    /// Constant-time equality, see [`Uuid::ct_eq`].
    fn eq(&self, other: &Uuid) -> bool {
        self.ct_eq(other)
    }
}

impl Eq for Uuid {}

impl fmt::Debug for Uuid {
    /// Prints `Uuid(..)`, never the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Uuid(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[u8; 36] = b"00112233-4455-6677-8899-aabbccddeeff";
    const BYTES: [u8; 16] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];

    #[test]
    fn byte_order_matches_uuid_parse() {
        assert_eq!(Uuid::parse(TEXT).map(|u| u.0), Ok(BYTES));
        assert_eq!(&Uuid(BYTES).format(), TEXT);
    }

    #[test]
    fn byte_order_not_guid() {
        // guid_parse() would swap the first three groups; uuid_parse() does not.
        let u = Uuid::parse(b"01020304-0506-0708-090a-0b0c0d0e0f10").map(|u| u.0);
        assert_eq!(
            u,
            Ok([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
        );
    }

    #[test]
    fn upper_case_accepted() {
        assert_eq!(
            Uuid::parse(b"00112233-4455-6677-8899-AABBCCDDEEFF").map(|u| u.0),
            Ok(BYTES)
        );
        assert_eq!(
            Uuid::parse(b"00112233-4455-6677-8899-AaBbCcDdEeFf").map(|u| u.0),
            Ok(BYTES)
        );
    }

    #[test]
    fn length_errors() {
        assert_eq!(Uuid::parse(b"").map(|u| u.0), Err(UuidError::Length));
        assert_eq!(
            Uuid::parse(&TEXT[..35]).map(|u| u.0),
            Err(UuidError::Length)
        );
        let mut long = [b'0'; 37];
        long[..36].copy_from_slice(TEXT);
        assert_eq!(Uuid::parse(&long).map(|u| u.0), Err(UuidError::Length));
    }

    #[test]
    fn hyphen_errors() {
        for pos in [8, 13, 18, 23] {
            let mut t = *TEXT;
            t[pos] = b'0';
            assert_eq!(Uuid::parse(&t).map(|u| u.0), Err(UuidError::Hyphen));
        }
        // A hyphen where a digit belongs.
        let mut t = *TEXT;
        t[0] = b'-';
        assert_eq!(Uuid::parse(&t).map(|u| u.0), Err(UuidError::HexDigit));
        // No hyphens at all, 36 hex digits.
        assert_eq!(
            Uuid::parse(&[b'a'; 36]).map(|u| u.0),
            Err(UuidError::Hyphen)
        );
    }

    #[test]
    fn hex_errors() {
        for bad in [b'g', b'G', b'x', b' ', b'\0', b'\t', 0xff, 0xc3, b'{', b'+'] {
            for pos in (0..36).filter(|&p| !is_hyphen_offset(p)) {
                let mut t = *TEXT;
                t[pos] = bad;
                assert_eq!(Uuid::parse(&t).map(|u| u.0), Err(UuidError::HexDigit));
            }
        }
        // Braced form is not accepted (that is 38 bytes anyway).
        assert_eq!(
            Uuid::parse(b"{00112233-4455-6677-8899-aabbccddeef}").map(|u| u.0),
            Err(UuidError::Length)
        );
    }

    #[test]
    fn format_is_lower_case() {
        let u = Uuid([0xab; 16]);
        assert_eq!(&u.format(), b"abababab-abab-abab-abab-abababababab");
        assert_eq!(&Uuid::NIL.format(), b"00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn ct_eq_every_byte_counts() {
        let a = Uuid(BYTES);
        assert!(a.ct_eq(&a));
        for i in 0..16 {
            for bit in 0..8 {
                let mut b = BYTES;
                b[i] ^= 1 << bit;
                assert!(!a.ct_eq(&Uuid(b)));
                assert!(a != Uuid(b));
            }
        }
    }

    #[test]
    fn eq_is_ct_eq() {
        // `==` is the constant-time comparison, both ways: an equal token
        // compares equal (a `PartialEq` answering `false` would refuse
        // every token), an unequal one does not.
        assert!(Uuid(BYTES) == Uuid(BYTES));
        assert!(Uuid::NIL == Uuid([0; 16]));
        assert_eq!(Uuid(BYTES), Uuid::parse(TEXT).unwrap_or(Uuid::NIL));
        assert!(Uuid(BYTES) != Uuid::NIL);
    }

    #[test]
    fn nil() {
        assert!(Uuid::NIL.is_nil());
        assert!(Uuid([0; 16]).is_nil());
        for i in 0..16 {
            let mut b = [0; 16];
            b[i] = 1;
            assert!(!Uuid(b).is_nil());
        }
    }

    #[test]
    fn debug_does_not_print_bytes() {
        extern crate std;
        use std::format;
        let s = format!("{:?}", Uuid(BYTES));
        assert_eq!(s, "Uuid(..)");
        let s = format!("{:?}", Some(Uuid([0xee; 16])));
        assert!(!s.contains("ee") && !s.contains("238"), "{s}");
    }
}
