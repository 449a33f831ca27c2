// SPDX-License-Identifier: GPL-2.0

//! Fuzzes the stage A parser, `parse_match()`, the very function the module's
//! `match` op runs on a device string, with arbitrary device strings.
//!
//! The input is the string userspace passes to `VFIO_GROUP_GET_DEVICE_FD`
//! (the seeds in `fuzz/corpus/match_string/` are plain text). Besides "does
//! not panic", every outcome is checked against an independent model of
//! upstream's `vfio_pci_core_match()` (`tests/host/oracle.rs`), for a fixed
//! device name and for the input's own first word as the name (so that the
//! option parser is reached even before the fuzzer has learnt the name).

#![no_main]

#[path = "../../tests/host/oracle.rs"]
mod oracle;

// The module's own parser, compiled in place (as tests/host/lib.rs does).
#[path = "../../src"]
#[allow(dead_code)]
mod src {
    pub(crate) mod token;
}

use libfuzzer_sys::fuzz_target;
use src::token::{
    parse_match,
    Match,
    Uuid, //
};

const NAME: &[u8] = b"0000:03:10.2";

fn check(name: &[u8], buf: &[u8]) {
    let ours = parse_match(name, buf);
    let simple: oracle::Outcome = match ours {
        Ok(Match::NotThisDevice) => Ok(None),
        Ok(Match::Device { token }) => Ok(Some(token.map(|t| t.0))),
        Err(_) => Err(()),
    };
    assert_eq!(
        simple,
        oracle::upstream_match(name, buf),
        "name {name:?} buf {buf:?}"
    );

    if let Ok(Match::Device { token: Some(t) }) = ours {
        // The token is the text after the one `vf_token=` that follows the
        // name (the name itself may contain that key).
        let skip = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        let at = skip
            + buf[skip..]
                .windows(9)
                .position(|w| w == b"vf_token=")
                .expect("a token without its key");
        let text = &buf[at + 9..at + 9 + Uuid::TEXT_LEN];
        assert!(Uuid::parse(text).is_ok_and(|u| u.ct_eq(&t)));
    }
}

fuzz_target!(|data: &[u8]| {
    check(NAME, data);
    let word = data.split(|&b| b == b' ').next().unwrap_or(data);
    check(word, data);
});
