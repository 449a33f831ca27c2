// SPDX-License-Identifier: GPL-2.0

//! An independent model of upstream's `vfio_pci_core_match()`, for
//! differential testing of `parse_match()`.
//!
//! Shared by the property tests (`tests/host/spec.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/match_string.rs`). It is a line-by-line transliteration
//! of the C in Linux 7.3 (`strncmp`, `strlen`, `uuid_parse()` with its `si[]`
//! offsets), written with indices and without any code from `src/token/`, so
//! that a mistake in one is unlikely to be repeated in the other.

/// The outcome of upstream `vfio_pci_core_match()` before it calls
/// `match_token_uuid`: `Err(())` is `-EINVAL`, `Ok(None)` is "not this
/// device" (0), `Ok(Some(token))` a match with or without a token.
pub(crate) type Outcome = Result<Option<Option<[u8; 16]>>, ()>;

/// `strlen()`: the length up to the first NUL, or the whole slice.
fn strlen(s: &[u8]) -> usize {
    s.iter().position(|&b| b == 0).unwrap_or(s.len())
}

/// The kernel's `uuid_parse()` on the first 36 bytes of `s` (`s` has at
/// least 36 bytes).
fn uuid_parse(s: &[u8]) -> Option<[u8; 16]> {
    const SI: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (i, &c) in s.iter().take(36).enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            if c != b'-' {
                return None;
            }
        } else if !c.is_ascii_hexdigit() {
            return None;
        }
    }
    let mut b = [0u8; 16];
    for i in 0..16 {
        let pair = core::str::from_utf8(&s[SI[i]..SI[i] + 2]).ok()?;
        b[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(b)
}

/// Upstream `vfio_pci_core_match(name, buf)`, both taken as C strings.
pub(crate) fn upstream_match(name: &[u8], buf: &[u8]) -> Outcome {
    let name = &name[..strlen(name)];
    let buf = &buf[..strlen(buf)];
    let n = name.len();
    // strncmp(pci_name, buf, strlen(pci_name))
    if buf.len() < n || &buf[..n] != name {
        return Ok(None);
    }
    let mut vf_token = None;
    if buf.len() > n {
        let mut p = n;
        if buf[p] != b' ' {
            return Ok(None);
        }
        while p < buf.len() {
            if buf[p] == b' ' {
                p += 1;
                continue;
            }
            if vf_token.is_none() && buf[p..].starts_with(b"vf_token=") {
                p += 9;
                if buf.len() - p < 36 {
                    return Err(());
                }
                vf_token = Some(uuid_parse(&buf[p..]).ok_or(())?);
                p += 36;
            } else {
                return Err(());
            }
        }
    }
    Ok(Some(vf_token))
}
