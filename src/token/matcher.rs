// SPDX-License-Identifier: GPL-2.0

//! Stage A: the device string of `VFIO_GROUP_GET_DEVICE_FD`.
//!
//! The group path hands every device of the group the string that userspace
//! passed, `NAME[ OPTION ...]`, and asks "is this you?". [`parse_match`]
//! answers that exactly as upstream's `vfio_pci_core_match()` does, including
//! which strings are errors (all `-EINVAL`), and additionally says which rule
//! an erroneous string broke, so that the driver can log why.

use super::{
    decision::Errno,
    uuid::Uuid, //
};
use core::ffi::CStr;

/// The only option key, `VF_TOKEN_ARG` in C.
pub(crate) const VF_TOKEN_ARG: &[u8] = b"vf_token=";

/// The answer to "does this string name this device?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// The string names another device (SPEC A1, A2): the `match` op returns
    /// 0.
    NotThisDevice,
    /// The string names this device (SPEC A3, A4); the token decision (stage
    /// C) follows, with the token if one was given.
    Device {
        /// The `vf_token=` value, if the string had one.
        token: Option<Uuid>,
    },
}

/// Why a string that names this device was rejected.
///
/// Every variant is `-EINVAL` to userspace, as upstream; the variants only
/// select the log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MatchError {
    /// `vf_token=` followed by fewer than 36 bytes (SPEC A5).
    TruncatedToken,
    /// `vf_token=` followed by 36 bytes that are not a UUID (SPEC A6).
    MalformedToken,
    /// A byte other than a space right after the UUID (SPEC A7).
    TrailingGarbage,
    /// An option that is not `vf_token=`, a stray word, or a separator other
    /// than a space (SPEC A8, A10).
    UnknownOption,
    /// A second `vf_token=` option, even with the same value (SPEC A9).
    DuplicateToken,
}

impl MatchError {
    /// A short description for the rate-limited log line of a rejection.
    ///
    /// It never contains any part of the string, so that a token (or a typo
    /// of one) is never logged.
    pub(crate) fn reason(&self) -> &'static CStr {
        match self {
            MatchError::TruncatedToken => c"truncated vf_token option",
            MatchError::MalformedToken => c"malformed vf_token option",
            MatchError::TrailingGarbage => c"unexpected characters after vf_token option",
            MatchError::UnknownOption => c"unknown option",
            MatchError::DuplicateToken => c"duplicate vf_token option",
        }
    }

    /// The error to return to userspace: always [`Errno::Invalid`].
    pub(crate) fn errno(&self) -> Errno {
        Errno::Invalid
    }

    /// A one-word name of the reason, for the trace event of a rejection.
    /// Fixed text, as [`MatchError::reason`].
    pub(crate) fn keyword(&self) -> &'static CStr {
        match self {
            MatchError::TruncatedToken => c"truncated-token",
            MatchError::MalformedToken => c"malformed-token",
            MatchError::TrailingGarbage => c"trailing-garbage",
            MatchError::UnknownOption => c"unknown-option",
            MatchError::DuplicateToken => c"duplicate-token",
        }
    }
}

/// The bytes of `s` before its first NUL, or all of `s` if it has none.
fn c_str(s: &[u8]) -> &[u8] {
    CStr::from_bytes_until_nul(s).map_or(s, CStr::to_bytes)
}

/// `s` without its leading spaces.
fn skip_spaces(s: &[u8]) -> &[u8] {
    let mut s = s;
    while let Some((b' ', tail)) = s.split_first() {
        s = tail;
    }
    s
}

/// Decides whether `buf` names the device called `dev_name`, and with what
/// options (SPEC stage A, same as upstream `vfio_pci_core_match()`).
///
/// This is the function the driver's `match` op runs on every device string,
/// and the one the host tests, the property tests and the fuzzer exercise.
///
/// `dev_name` is the PCI name of the device (`pci_name()`, e.g.
/// `0000:03:00.1`), `buf` the string userspace passed, without its NUL. As in
/// C, both end at their first NUL if they contain one.
///
/// - `buf` does not start with `dev_name`: [`Match::NotThisDevice`].
/// - `dev_name` is followed by a byte other than a space:
///   [`Match::NotThisDevice`].
/// - Otherwise the rest is a list of options separated by any number of
///   spaces. The only option is `vf_token=` followed by exactly 36 bytes of
///   UUID text, at most once. Anything else is a [`MatchError`].
pub(crate) fn parse_match(dev_name: &[u8], buf: &[u8]) -> Result<Match, MatchError> {
    // The name has no NUL, so a `buf` that starts with it has its first
    // NUL (its end) after it: comparing first leaves "not me", the answer
    // of every other device of a group, to the bytes of the name alone.
    let Some(rest) = buf.strip_prefix(c_str(dev_name)) else {
        return Ok(Match::NotThisDevice);
    };
    parse_after_name(c_str(rest))
}

/// [`parse_match`] of a string that starts with the device's name, given
/// what follows the name (`rest`, without a NUL).
fn parse_after_name(rest: &[u8]) -> Result<Match, MatchError> {
    let mut rest = match rest.split_first() {
        None => return Ok(Match::Device { token: None }),
        Some((b' ', tail)) => tail,
        Some(_) => return Ok(Match::NotThisDevice),
    };

    let mut token = None;
    loop {
        rest = skip_spaces(rest);
        if rest.is_empty() {
            break;
        }

        let Some(value) = rest.strip_prefix(VF_TOKEN_ARG) else {
            return Err(MatchError::UnknownOption);
        };
        if token.is_some() {
            return Err(MatchError::DuplicateToken);
        }
        let Some((text, tail)) = value.split_at_checked(Uuid::TEXT_LEN) else {
            return Err(MatchError::TruncatedToken);
        };
        token = Some(Uuid::parse(text).map_err(|_| MatchError::MalformedToken)?);

        // Upstream rejects this in the next round of its loop, as an unknown
        // option; it is told apart here only for the log line.
        if matches!(tail.first(), Some(&b) if b != b' ') {
            return Err(MatchError::TrailingGarbage);
        }
        rest = tail;
    }

    Ok(Match::Device { token })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &[u8] = b"0000:03:00.1";

    fn token_of(r: Result<Match, MatchError>) -> Option<[u8; 16]> {
        match r {
            Ok(Match::Device { token: Some(t) }) => Some(t.0),
            _ => None,
        }
    }

    #[test]
    fn empty_inputs() {
        // An empty string names no real device; an empty name is a prefix of
        // everything, exactly as strncmp(.., 0) is in C.
        assert_eq!(parse_match(NAME, b""), Ok(Match::NotThisDevice));
        assert_eq!(parse_match(b"", b""), Ok(Match::Device { token: None }));
        assert_eq!(parse_match(b"", b"x"), Ok(Match::NotThisDevice));
        assert_eq!(parse_match(b"", b" "), Ok(Match::Device { token: None }));
    }

    #[test]
    fn stops_at_nul_like_c() {
        assert_eq!(
            parse_match(NAME, b"0000:03:00.1\0 garbage"),
            Ok(Match::Device { token: None })
        );
        assert_eq!(
            parse_match(NAME, b"0000:03:00.1 \0garbage"),
            Ok(Match::Device { token: None })
        );
        assert_eq!(
            parse_match(NAME, b"0000:03\0:00.1"),
            Ok(Match::NotThisDevice)
        );
    }

    #[test]
    fn token_then_spaces_then_nothing() {
        let r = parse_match(
            NAME,
            b"0000:03:00.1 vf_token=00112233-4455-6677-8899-aabbccddeeff",
        );
        assert_eq!(
            token_of(r),
            Some([
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                0xee, 0xff
            ])
        );
    }

    #[test]
    fn trailing_garbage_wins_over_duplicate() {
        // A second vf_token= glued to the first is a non-space right after the
        // UUID: reported as trailing garbage.
        let r = parse_match(
            NAME,
            b"0000:03:00.1 vf_token=00112233-4455-6677-8899-aabbccddeeffvf_token=",
        );
        assert_eq!(r, Err(MatchError::TrailingGarbage));
    }

    #[test]
    fn duplicate_checked_before_length() {
        let r = parse_match(
            NAME,
            b"0000:03:00.1 vf_token=00112233-4455-6677-8899-aabbccddeeff vf_token=",
        );
        assert_eq!(r, Err(MatchError::DuplicateToken));
    }

    #[test]
    fn reasons_are_distinct_and_errno_is_einval() {
        let all = [
            MatchError::TruncatedToken,
            MatchError::MalformedToken,
            MatchError::TrailingGarbage,
            MatchError::UnknownOption,
            MatchError::DuplicateToken,
        ];
        for (i, a) in all.iter().enumerate() {
            assert_eq!(a.errno(), Errno::Invalid);
            assert!(!a.reason().is_empty());
            for b in &all[i + 1..] {
                assert_ne!(a.reason(), b.reason());
            }
        }
    }
}
