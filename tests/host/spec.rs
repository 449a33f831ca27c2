// SPDX-License-Identifier: GPL-2.0

//! SPEC.md conformance tests of the VF token policy layer (`src/token/`).
//!
//! A unit-test module of the host crate (`tests/host/lib.rs`), so that it
//! sees the test-only helpers (`cfg(test)`) the module leaves out.  Section
//! 4 (the feature's flag checks) is the vfio layer's, which calls the
//! kernel's own `vfio_check_feature()`: it is tested in the VM
//! (`t-token.sh`, section 4).
//!
//! SPEC row -> test:
//!
//! | row | test |
//! |---|---|
//! | A1  | `a1_other_name_is_not_this_device` |
//! | A2  | `a2_name_then_non_space_is_not_this_device` |
//! | A3  | `a3_name_alone_or_with_spaces_has_no_token` |
//! | A4  | `a4_token_with_any_spaces` |
//! | A5  | `a5_truncated_token` |
//! | A6  | `a6_malformed_token`, `a6_upper_case_token_accepted` |
//! | A7  | `a7_non_space_after_token` |
//! | A8  | `a8_unknown_option` |
//! | A9  | `a9_duplicate_token` |
//! | A10 | `a10_tab_between_options` |
//! | A*  | `prop_parser_agrees_with_upstream_model`, `..._any_name` (all rows, any input; oracle in `oracle.rs`) |
//! | C1  | `c1_vf_unowned_pf_no_token` |
//! | C2  | `c2_vf_unowned_pf_token_given` |
//! | C3  | `c3_vf_owned_pf_no_token` |
//! | C4  | `c4_vf_owned_pf_wrong_token`, `c4_vf_owned_pf_never_set_default` |
//! | C5  | `c5_vf_owned_pf_right_token` |
//! | C6  | `c6_pf_with_vf_users_no_token` |
//! | C7  | `c7_pf_with_vf_users_wrong_token` |
//! | C8  | `c8_pf_with_vf_users_right_token_unchanged` |
//! | C9  | `c9_pf_no_vf_users_no_token_unchanged` |
//! | C10 | `c10_pf_open_sets_token_when_no_vf_users` |
//! | C11 | `c11_plain_no_token` |
//! | C12 | `c12_plain_token_given` |
//! | C*  | `prop_decide_is_total_and_follows_spec` |
//! | 0: vf_users +1 / -1 | `v_opened_and_closed_count` |
//! | 0: vf_users never negative | `v_closed_underflow_clamps_at_zero` |
//! | 0/3: vf_users gates the PF | `v_vf_users_gates_pf_token_check` |
//! | 3: what the trace says (C10 set, keywords) | `decide_open_says_which_open_set_the_token`, `trace_keywords` |
//! | 0: vf_users model | `prop_vf_users_follows_clamped_counter` |
//! | 1: byte order | `uuid_byte_order_known_vector` |
//! | 3: constant-time compare | `prop_ct_eq_agrees_with_eq` |

use std::{prelude::rust_2021::*, vec};

use super::oracle::{self, upstream_match};
use crate::token::{
    decide,
    decide_open,
    decision::Underflow,
    parse_match,
    token_required,
    Allowed,
    Deny,
    Errno,
    Match,
    MatchError,
    Opener,
    PfToken,
    Uuid, //
};
use proptest::prelude::*;

const NAME: &[u8] = b"0000:03:10.2";
const TOKEN_TEXT: &[u8] = b"bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3";
const TOKEN: [u8; 16] = [
    0xbd, 0x8d, 0x9d, 0x2b, 0x5a, 0x5f, 0x4f, 0x5a, 0xa2, 0x11, 0xf5, 0x91, 0x51, 0x4b, 0xa1, 0xf3,
];
const OTHER: [u8; 16] = [0x42; 16];
const INITIAL: [u8; 16] = [
    0x6e, 0x1f, 0x93, 0x07, 0xc2, 0x4d, 0x4b, 0x1a, 0x9e, 0x55, 0x0d, 0x31, 0x7a, 0xe8, 0x20, 0x4c,
];

/// `parts` concatenated.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The token of a successful match, as bytes (Uuid has no byte-printing
/// Debug, so compare bytes).
fn parsed(buf: &[u8]) -> Result<Option<Option<[u8; 16]>>, MatchError> {
    parse_match(NAME, buf).map(|m| match m {
        Match::NotThisDevice => None,
        Match::Device { token } => Some(token.map(|t| t.0)),
    })
}

fn not_this_device(buf: &[u8]) {
    assert_eq!(parsed(buf), Ok(None), "{:?}", String::from_utf8_lossy(buf));
}

fn device(buf: &[u8], token: Option<[u8; 16]>) {
    assert_eq!(
        parsed(buf),
        Ok(Some(token)),
        "{:?}",
        String::from_utf8_lossy(buf)
    );
}

fn error(buf: &[u8], e: MatchError) {
    assert_eq!(parsed(buf), Err(e), "{:?}", String::from_utf8_lossy(buf));
}

// ---------------------------------------------------------------- Stage A

#[test]
fn uuid_byte_order_known_vector() {
    let u = Uuid::parse(b"00112233-4455-6677-8899-aabbccddeeff").map(|u| u.0);
    assert_eq!(
        u,
        Ok([
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff
        ])
    );
    // The example of the upstream comment in vfio_pci_core.c.
    assert_eq!(Uuid::parse(TOKEN_TEXT).map(|u| u.0), Ok(TOKEN));
    assert_eq!(&Uuid(TOKEN).format()[..], TOKEN_TEXT);
}

#[test]
fn a1_other_name_is_not_this_device() {
    not_this_device(b"0000:03:10.3");
    not_this_device(b"0000:04:10.2 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3");
    not_this_device(b"0000:03:10");
    not_this_device(b"");
    not_this_device(b" 0000:03:10.2");
    not_this_device(&b"0000:03:10.2"[..11]);
    // A name that differs only in case is another name.
    assert_eq!(
        parse_match(b"0000:03:0a.0", b"0000:03:0A.0"),
        Ok(Match::NotThisDevice)
    );
    // An invalid option does not matter if the name does not match.
    not_this_device(b"0000:03:10.3 foo=1");
}

#[test]
fn a2_name_then_non_space_is_not_this_device() {
    not_this_device(b"0000:03:10.2\t");
    not_this_device(b"0000:03:10.2\n");
    not_this_device(b"0000:03:10.2x");
    // Our name is a prefix of another device's name.
    not_this_device(b"0000:03:10.23");
    not_this_device(b"0000:03:10.2\tvf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3");
    not_this_device(b"0000:03:10.2vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3");
    not_this_device(b"0000:03:10.2\x7f");
    not_this_device(b"0000:03:10.2\xff");
}

#[test]
fn a3_name_alone_or_with_spaces_has_no_token() {
    device(b"0000:03:10.2", None);
    device(b"0000:03:10.2 ", None);
    device(b"0000:03:10.2     ", None);
    // The NUL ends the C string.
    device(b"0000:03:10.2\0", None);
    device(b"0000:03:10.2 \0 foo=1", None);
}

#[test]
fn a4_token_with_any_spaces() {
    for before in 1..5 {
        for after in 0..4 {
            let buf = cat(&[
                NAME,
                &b" ".repeat(before),
                b"vf_token=",
                TOKEN_TEXT,
                &b" ".repeat(after),
            ]);
            device(&buf, Some(TOKEN));
        }
    }
}

#[test]
fn a5_truncated_token() {
    error(b"0000:03:10.2 vf_token=", MatchError::TruncatedToken);
    error(b"0000:03:10.2 vf_token= ", MatchError::TruncatedToken);
    error(
        b"0000:03:10.2 vf_token=bd8d9d2b",
        MatchError::TruncatedToken,
    );
    let buf = cat(&[NAME, b" vf_token=", &TOKEN_TEXT[..35]]);
    error(&buf, MatchError::TruncatedToken);
    // The NUL ends the string before the 36th byte.
    let buf = cat(&[NAME, b" vf_token=", &TOKEN_TEXT[..35], b"\0", b"3"]);
    error(&buf, MatchError::TruncatedToken);
    // 35 characters and a space are 36 bytes: not truncated but malformed,
    // as upstream (strlen() >= 36, uuid_parse() fails).
    let buf = cat(&[NAME, b" vf_token=", &TOKEN_TEXT[..35], b" "]);
    error(&buf, MatchError::MalformedToken);
}

#[test]
fn a6_malformed_token() {
    let cases: &[&[u8]] = &[
        b"gd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"bd8d9d2b05a5f-4f5a-a211-f591514ba1f3",
        b"bd8d9d2b-5a5f04f5a-a211-f591514ba1f3",
        b"bd8d9d2b-5a5f-4f5a0a211-f591514ba1f3",
        b"bd8d9d2b-5a5f-4f5a-a2110f591514ba1f3",
        b"bd8d9d2b5a5f4f5aa211f591514ba1f3abcd",
        b"{d8d9d2b-5a5f-4f5a-a211-f591514ba1f}",
        b"bd8d9d2b-5a5f-4f5a-a211-f591514ba1f ",
        b" bd8d9d2b-5a5f-4f5a-a211-f591514ba1f",
        b"bd8d9d2b-5a5f-4f5a-a211-f591514ba1f\xf3",
        b"0xd8d9d2-5a5f-4f5a-a211-f591514ba1f3",
        b"+d8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"------------------------------------",
    ];
    for text in cases {
        assert_eq!(text.len(), 36);
        let buf = cat(&[NAME, b" vf_token=", text]);
        error(&buf, MatchError::MalformedToken);
        let buf = cat(&[NAME, b" vf_token=", text, b" "]);
        error(&buf, MatchError::MalformedToken);
    }
}

#[test]
fn a6_upper_case_token_accepted() {
    let upper = TOKEN_TEXT.to_ascii_uppercase();
    let buf = cat(&[NAME, b" vf_token=", &upper]);
    device(&buf, Some(TOKEN));
    let buf = cat(&[NAME, b" vf_token=BD8D9D2B-5a5f-4F5A-a211-F591514ba1f3 "]);
    device(&buf, Some(TOKEN));
}

#[test]
fn a7_non_space_after_token() {
    for b in [
        b'x', b'\t', b'\n', b',', b'-', b'0', b'f', b'=', b'\r', 0xff,
    ] {
        let buf = cat(&[NAME, b" vf_token=", TOKEN_TEXT, &[b]]);
        error(&buf, MatchError::TrailingGarbage);
        let buf = cat(&[NAME, b" vf_token=", TOKEN_TEXT, &[b], b" "]);
        error(&buf, MatchError::TrailingGarbage);
    }
}

#[test]
fn a8_unknown_option() {
    let cases: &[&[u8]] = &[
        b"0000:03:10.2 foo=1",
        b"0000:03:10.2 VF_TOKEN=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2 vf_token =bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2 vf_token= bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2 vf_token",
        b"0000:03:10.2 vf_token:bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2 vf_tokens=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2 =",
        b"0000:03:10.2 x",
        b"0000:03:10.2 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3 foo=1",
        b"0000:03:10.2 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3 \n",
        b"0000:03:10.2 foo=1 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        b"0000:03:10.2  0000:03:10.2",
    ];
    for buf in cases {
        // "vf_token= <uuid>" leaves 37 bytes after the key and so is parsed
        // as a (malformed) token; every other case is an unknown option.
        if buf.starts_with(b"0000:03:10.2 vf_token= ") {
            error(buf, MatchError::MalformedToken);
        } else {
            error(buf, MatchError::UnknownOption);
        }
    }
}

#[test]
fn a9_duplicate_token() {
    let twice = cat(&[NAME, b" vf_token=", TOKEN_TEXT, b" vf_token=", TOKEN_TEXT]);
    error(&twice, MatchError::DuplicateToken);
    let other = cat(&[
        NAME,
        b" vf_token=",
        TOKEN_TEXT,
        b"   vf_token=00112233-4455-6677-8899-aabbccddeeff ",
    ]);
    error(&other, MatchError::DuplicateToken);
    // The duplicate is rejected before its value is looked at.
    let short = cat(&[NAME, b" vf_token=", TOKEN_TEXT, b" vf_token="]);
    error(&short, MatchError::DuplicateToken);
}

#[test]
fn a10_tab_between_options() {
    error(
        b"0000:03:10.2 \tvf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3",
        MatchError::UnknownOption,
    );
    error(
        b"0000:03:10.2 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3 \t",
        MatchError::UnknownOption,
    );
    error(b"0000:03:10.2 \t", MatchError::UnknownOption);
    // A tab glued to the UUID is a non-space right after it (A7).
    error(
        b"0000:03:10.2 vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3\t",
        MatchError::TrailingGarbage,
    );
}

/// Every stage A refusal of `parse_match()`.
const MATCH_ERRORS: [MatchError; 5] = [
    MatchError::TruncatedToken,
    MatchError::MalformedToken,
    MatchError::TrailingGarbage,
    MatchError::UnknownOption,
    MatchError::DuplicateToken,
];

#[test]
fn a_all_errors_are_einval() {
    for e in MATCH_ERRORS {
        assert_eq!(e.errno(), Errno::Invalid);
        assert!(!e.reason().is_empty());
    }
}

// ---------------------------------------------------------------- Stage C

fn pf_token(vf_users: u32) -> PfToken {
    let mut pf = PfToken::new(Uuid(INITIAL));
    for _ in 0..vf_users {
        pf.vf_opened();
    }
    pf
}

/// Whether `pf` holds exactly `token` (and so no other).
fn holds(pf: &PfToken, token: [u8; 16]) -> bool {
    pf.matches(&Uuid(token))
}

#[test]
fn c3_token_required_before_any_lock() {
    // The driver asks this before it takes a VF's PF mutex.
    assert_eq!(token_required(None), Err(Deny::Required));
    let t = Uuid(TOKEN);
    assert!(token_required(Some(&t)).is_ok_and(|got| got.ct_eq(&t)));
}

#[test]
fn c1_vf_unowned_pf_no_token() {
    assert_eq!(decide(Opener::VfUnowned, None), Ok(()));
}

#[test]
fn c2_vf_unowned_pf_token_given() {
    let r = decide(Opener::VfUnowned, Some(&Uuid(TOKEN)));
    assert_eq!(r, Err(Deny::UnexpectedPfNotOwned));
    assert_eq!(Deny::UnexpectedPfNotOwned.errno(), Errno::Invalid);
}

#[test]
fn c3_vf_owned_pf_no_token() {
    let pf = pf_token(0);
    assert_eq!(decide(Opener::Vf { pf: &pf }, None), Err(Deny::Required));
    assert_eq!(Deny::Required.errno(), Errno::Access);
    let pf = pf_token(2);
    assert_eq!(decide(Opener::Vf { pf: &pf }, None), Err(Deny::Required));
}

#[test]
fn c4_vf_owned_pf_wrong_token() {
    let mut pf = pf_token(0);
    pf.set(Uuid(TOKEN));
    let r = decide(Opener::Vf { pf: &pf }, Some(&Uuid(OTHER)));
    assert_eq!(r, Err(Deny::Incorrect));
    assert_eq!(Deny::Incorrect.errno(), Errno::Access);
    // One bit off is wrong.
    let mut near = TOKEN;
    near[15] ^= 1;
    let r = decide(Opener::Vf { pf: &pf }, Some(&Uuid(near)));
    assert_eq!(r, Err(Deny::Incorrect));
    // A nil token is wrong too.
    let r = decide(Opener::Vf { pf: &pf }, Some(&Uuid::NIL));
    assert_eq!(r, Err(Deny::Incorrect));
    assert!(holds(&pf, TOKEN));
}

#[test]
fn c4_vf_owned_pf_never_set_default() {
    // Nobody set a token: the random initial one is unknown to the user.
    let pf = pf_token(0);
    for guess in [TOKEN, OTHER, [0; 16], [0xff; 16]] {
        let r = decide(Opener::Vf { pf: &pf }, Some(&Uuid(guess)));
        assert_eq!(r, Err(Deny::Incorrect));
    }
}

#[test]
fn c5_vf_owned_pf_right_token() {
    let mut pf = pf_token(0);
    pf.set(Uuid(TOKEN));
    assert_eq!(decide(Opener::Vf { pf: &pf }, Some(&Uuid(TOKEN))), Ok(()));
    // No side effect: the VF count is the driver's to change after the open.
    assert_eq!(pf.vf_users(), 0);
    assert!(holds(&pf, TOKEN));
    // Same with VFs already open.
    pf.vf_opened();
    assert_eq!(decide(Opener::Vf { pf: &pf }, Some(&Uuid(TOKEN))), Ok(()));
    assert_eq!(pf.vf_users(), 1);
}

#[test]
fn c6_pf_with_vf_users_no_token() {
    let mut pf = pf_token(1);
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, None),
        Err(Deny::Required)
    );
    assert!(holds(&pf, INITIAL));
}

#[test]
fn c7_pf_with_vf_users_wrong_token() {
    let mut pf = pf_token(3);
    pf.set(Uuid(TOKEN));
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, Some(&Uuid(OTHER))),
        Err(Deny::Incorrect)
    );
    // The wrong token did not replace the right one.
    assert!(holds(&pf, TOKEN));
    assert!(!holds(&pf, OTHER));
    assert_eq!(pf.vf_users(), 3);
}

#[test]
fn c8_pf_with_vf_users_right_token_unchanged() {
    let mut pf = pf_token(1);
    pf.set(Uuid(TOKEN));
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, Some(&Uuid(TOKEN))),
        Ok(())
    );
    assert!(holds(&pf, TOKEN));
    assert_eq!(pf.vf_users(), 1);
}

#[test]
fn c9_pf_no_vf_users_no_token_unchanged() {
    let mut pf = pf_token(0);
    assert_eq!(decide(Opener::Pf { pf: &mut pf }, None), Ok(()));
    assert!(holds(&pf, INITIAL));
    assert_eq!(pf.vf_users(), 0);
}

#[test]
fn c10_pf_open_sets_token_when_no_vf_users() {
    let mut pf = pf_token(0);
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, Some(&Uuid(TOKEN))),
        Ok(())
    );
    assert!(holds(&pf, TOKEN));
    assert!(!holds(&pf, INITIAL));
    // A VF now needs that token.
    assert_eq!(decide(Opener::Vf { pf: &pf }, Some(&Uuid(TOKEN))), Ok(()));
    assert_eq!(
        decide(Opener::Vf { pf: &pf }, Some(&Uuid(INITIAL))),
        Err(Deny::Incorrect)
    );
    // Any valid UUID, nil included (as upstream), replaces it again.
    assert_eq!(decide(Opener::Pf { pf: &mut pf }, Some(&Uuid::NIL)), Ok(()));
    assert!(holds(&pf, [0; 16]));
    // The PF open failing after decide() is the driver's business: the token
    // was set by decide() itself and stays.
    assert_eq!(pf.vf_users(), 0);
}

/// What the driver traces: `decide_open` says `TokenSet` for exactly the
/// opens that set the PF's token (C10), and `Open` for every other allowed
/// open; its refusals are `decide`'s.
#[test]
fn decide_open_says_which_open_set_the_token() {
    let mut pf = pf_token(0);
    assert_eq!(
        decide_open(Opener::Pf { pf: &mut pf }, Some(&Uuid(TOKEN))),
        Ok(Allowed::TokenSet)
    );
    assert!(holds(&pf, TOKEN));
    assert_eq!(
        decide_open(Opener::Pf { pf: &mut pf }, None),
        Ok(Allowed::Open)
    );
    assert_eq!(
        decide_open(Opener::Vf { pf: &pf }, Some(&Uuid(TOKEN))),
        Ok(Allowed::Open)
    );
    assert_eq!(decide_open(Opener::VfUnowned, None), Ok(Allowed::Open));
    assert_eq!(decide_open(Opener::Plain, None), Ok(Allowed::Open));
    pf.vf_opened();
    // C8: the right token while a VF is open sets nothing.
    assert_eq!(
        decide_open(Opener::Pf { pf: &mut pf }, Some(&Uuid(TOKEN))),
        Ok(Allowed::Open)
    );
    assert_eq!(
        decide_open(Opener::Pf { pf: &mut pf }, Some(&Uuid(OTHER))),
        Err(Deny::Incorrect)
    );
    assert!(holds(&pf, TOKEN));
}

/// The trace keywords: one word each, distinct, and fixed text.
#[test]
fn trace_keywords() {
    let mut all = vec![];
    for d in [
        Deny::Required,
        Deny::Incorrect,
        Deny::UnexpectedPfNotOwned,
        Deny::UnexpectedNotSriov,
    ] {
        all.push(d.keyword().to_str().unwrap());
    }
    for e in MATCH_ERRORS {
        all.push(e.keyword().to_str().unwrap());
    }
    assert_eq!(
        all,
        [
            "required",
            "incorrect",
            "pf-not-owned",
            "not-sriov",
            "truncated-token",
            "malformed-token",
            "trailing-garbage",
            "unknown-option",
            "duplicate-token"
        ]
    );
}

#[test]
fn c11_plain_no_token() {
    assert_eq!(decide(Opener::Plain, None), Ok(()));
}

#[test]
fn c12_plain_token_given() {
    let r = decide(Opener::Plain, Some(&Uuid(TOKEN)));
    assert_eq!(r, Err(Deny::UnexpectedNotSriov));
    assert_eq!(Deny::UnexpectedNotSriov.errno(), Errno::Invalid);
}

#[test]
fn c_reasons_are_distinct() {
    let all = [
        Deny::Required,
        Deny::Incorrect,
        Deny::UnexpectedPfNotOwned,
        Deny::UnexpectedNotSriov,
    ];
    for (i, a) in all.iter().enumerate() {
        assert!(!a.reason().is_empty());
        for b in &all[i + 1..] {
            assert_ne!(a.reason(), b.reason());
        }
    }
}

// -------------------------------------------------------------- vf_users

#[test]
fn v_opened_and_closed_count() {
    let mut pf = pf_token(0);
    assert_eq!(pf.vf_users(), 0);
    pf.vf_opened();
    assert_eq!(pf.vf_users(), 1);
    pf.vf_opened();
    assert_eq!(pf.vf_users(), 2);
    assert_eq!(pf.vf_closed(), Ok(()));
    assert_eq!(pf.vf_users(), 1);
    assert_eq!(pf.vf_closed(), Ok(()));
    assert_eq!(pf.vf_users(), 0);
}

#[test]
fn v_closed_underflow_clamps_at_zero() {
    let mut pf = pf_token(0);
    assert_eq!(pf.vf_closed(), Err(Underflow));
    assert_eq!(pf.vf_users(), 0);
    assert_eq!(pf.vf_closed(), Err(Underflow));
    assert_eq!(pf.vf_users(), 0);
    // And it still counts normally afterwards.
    pf.vf_opened();
    assert_eq!(pf.vf_users(), 1);
    assert_eq!(pf.vf_closed(), Ok(()));
    assert_eq!(pf.vf_closed(), Err(Underflow));
    assert_eq!(pf.vf_users(), 0);
    // The token is untouched by the count.
    assert!(holds(&pf, INITIAL));
}

#[test]
fn v_vf_users_gates_pf_token_check() {
    let mut pf = pf_token(0);
    pf.set(Uuid(TOKEN));
    pf.vf_opened();
    // VF open: a PF open must now prove the token and cannot change it.
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, Some(&Uuid(OTHER))),
        Err(Deny::Incorrect)
    );
    assert_eq!(pf.vf_closed(), Ok(()));
    // Last VF closed: a PF open sets the token again.
    assert_eq!(
        decide(Opener::Pf { pf: &mut pf }, Some(&Uuid(OTHER))),
        Ok(())
    );
    assert!(holds(&pf, OTHER));
}

// ------------------------------------------------------------ properties

fn ours(name: &[u8], buf: &[u8]) -> oracle::Outcome {
    match parse_match(name, buf) {
        Ok(Match::NotThisDevice) => Ok(None),
        Ok(Match::Device { token }) => Ok(Some(token.map(|t| t.0))),
        Err(_) => Err(()),
    }
}

fn uuid_text() -> impl Strategy<Value = Vec<u8>> {
    any::<[u8; 16]>().prop_map(|b| Uuid(b).format().to_vec())
}

/// Byte strings built from the pieces that matter to the parser, so that
/// the deep paths are reached far more often than by random bytes.
fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => Just(b" ".to_vec()),
        4 => Just(b"vf_token=".to_vec()),
        4 => uuid_text(),
        2 => uuid_text().prop_map(|t| t.to_ascii_uppercase()),
        1 => uuid_text().prop_map(|t| t[..35].to_vec()),
        1 => Just(b"\t".to_vec()),
        1 => Just(b"\0".to_vec()),
        1 => Just(b"VF_TOKEN=".to_vec()),
        1 => Just(b"vf_token".to_vec()),
        1 => Just(b"=".to_vec()),
        1 => Just(b"-".to_vec()),
        1 => Just(NAME.to_vec()),
        2 => prop::collection::vec(any::<u8>(), 0..4),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

fn with_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        fragments().prop_map(|f| cat(&[NAME, b" ", &f])),
        fragments().prop_map(|f| cat(&[NAME, &f])),
        fragments(),
        prop::collection::vec(any::<u8>(), 0..80),
    ]
}

/// What SPEC stage C says for one opener kind, PF state and token.
#[derive(Clone, Copy, Debug)]
enum Kind {
    VfUnowned,
    Vf,
    Pf,
    Plain,
}

#[derive(Clone, Copy, Debug)]
enum Given {
    None,
    Right,
    Wrong,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn prop_parser_never_panics(
        name in prop::collection::vec(any::<u8>(), 0..16),
        buf in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        let _ = parse_match(&name, &buf);
        let _ = parse_match(NAME, &buf);
        let _ = Uuid::parse(&buf);
    }

    #[test]
    fn prop_parser_agrees_with_upstream_model(buf in with_name()) {
        prop_assert_eq!(ours(NAME, &buf), upstream_match(NAME, &buf));
    }

    #[test]
    fn prop_parser_agrees_with_upstream_model_any_name(
        name in prop_oneof![
            Just(NAME.to_vec()),
            Just(Vec::new()),
            prop::collection::vec(prop::sample::select(b" v0:\0".to_vec()), 0..4),
        ],
        buf in with_name(),
    ) {
        prop_assert_eq!(ours(&name, &buf), upstream_match(&name, &buf));
    }

    #[test]
    fn prop_format_parse_round_trip(bytes in any::<[u8; 16]>()) {
        let text = Uuid(bytes).format();
        prop_assert!(text.iter().all(|c| !c.is_ascii_uppercase()));
        prop_assert_eq!(Uuid::parse(&text).map(|u| u.0), Ok(bytes));
        let buf = cat(&[NAME, b" vf_token=", &text]);
        prop_assert_eq!(parsed(&buf), Ok(Some(Some(bytes))));
    }

    #[test]
    fn prop_upper_and_mixed_case_parse_the_same(
        bytes in any::<[u8; 16]>(),
        mask in any::<[bool; 36]>(),
    ) {
        let text = Uuid(bytes).format();
        prop_assert_eq!(Uuid::parse(&text.to_ascii_uppercase()).map(|u| u.0), Ok(bytes));
        let mixed: Vec<u8> = text
            .iter()
            .zip(mask)
            .map(|(&c, up)| if up { c.to_ascii_uppercase() } else { c })
            .collect();
        prop_assert_eq!(Uuid::parse(&mixed).map(|u| u.0), Ok(bytes));
    }

    #[test]
    fn prop_valid_strings_accepted(
        bytes in any::<[u8; 16]>(),
        before in 1usize..6,
        after in 0usize..6,
        with_token in any::<bool>(),
    ) {
        let text = Uuid(bytes).format();
        let buf = if with_token {
            cat(&[NAME, &b" ".repeat(before), b"vf_token=", &text, &b" ".repeat(after)])
        } else {
            cat(&[NAME, &b" ".repeat(before + after)])
        };
        prop_assert_eq!(parsed(&buf), Ok(Some(with_token.then_some(bytes))));
    }

    #[test]
    fn prop_unknown_key_rejected(
        bytes in any::<[u8; 16]>(),
        token_first in any::<bool>(),
        key in prop::collection::vec(1u8..=255, 1..20)
            .prop_filter("not a space, not the vf_token key", |k| {
                k[0] != b' ' && !k.contains(&0) && !k.starts_with(b"vf_token=")
            }),
    ) {
        let text = Uuid(bytes).format();
        let valid = cat(&[NAME, b" vf_token=", &text]);
        let buf = if token_first {
            cat(&[&valid, b" ", &key])
        } else {
            cat(&[NAME, b" ", &key, b" vf_token=", &text])
        };
        prop_assert_eq!(parsed(&buf), Err(MatchError::UnknownOption));
    }

    #[test]
    fn prop_duplicate_key_rejected(
        a in any::<[u8; 16]>(),
        spaces in 1usize..4,
        rest in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let buf = cat(&[
            NAME,
            b" vf_token=",
            &Uuid(a).format(),
            &b" ".repeat(spaces),
            b"vf_token=",
            &rest,
        ]);
        prop_assert_eq!(parsed(&buf), Err(MatchError::DuplicateToken));
    }

    #[test]
    fn prop_trailing_byte_rejected(
        a in any::<[u8; 16]>(),
        b in any::<u8>().prop_filter("not a separator or the end", |&b| b != b' ' && b != 0),
        rest in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let buf = cat(&[NAME, b" vf_token=", &Uuid(a).format(), &[b], &rest]);
        prop_assert_eq!(parsed(&buf), Err(MatchError::TrailingGarbage));
    }

    #[test]
    fn prop_ct_eq_agrees_with_eq(
        a in any::<[u8; 16]>(),
        b in any::<[u8; 16]>(),
        flip in 0usize..128,
    ) {
        prop_assert_eq!(Uuid(a).ct_eq(&Uuid(b)), a == b);
        prop_assert_eq!(Uuid(a) == Uuid(b), a == b);
        prop_assert!(Uuid(a).ct_eq(&Uuid(a)));
        let mut c = a;
        c[flip / 8] ^= 1 << (flip % 8);
        prop_assert!(!Uuid(a).ct_eq(&Uuid(c)));
        prop_assert_eq!(Uuid(a).is_nil(), a == [0; 16]);
    }

    #[test]
    fn prop_decide_is_total_and_follows_spec(
        kind in prop_oneof![
            Just(Kind::VfUnowned),
            Just(Kind::Vf),
            Just(Kind::Pf),
            Just(Kind::Plain),
        ],
        vf_users in prop_oneof![Just(0u32), Just(1), 2u32..100],
        given in prop_oneof![Just(Given::None), Just(Given::Right), Just(Given::Wrong)],
        pf_uuid in any::<[u8; 16]>(),
        other in any::<[u8; 16]>(),
    ) {
        prop_assume!(other != pf_uuid);
        let mut pf = PfToken::new(Uuid(pf_uuid));
        for _ in 0..vf_users {
            pf.vf_opened();
        }
        let token = match given {
            Given::None => None,
            Given::Right => Some(Uuid(pf_uuid)),
            Given::Wrong => Some(Uuid(other)),
        };

        // The SPEC table, row by row.
        let (expected, token_after) = match (kind, vf_users, given) {
            (Kind::VfUnowned, _, Given::None) => (Ok(()), pf_uuid),                // C1
            (Kind::VfUnowned, _, _) => (Err(Deny::UnexpectedPfNotOwned), pf_uuid), // C2
            (Kind::Vf, _, Given::None) => (Err(Deny::Required), pf_uuid),      // C3
            (Kind::Vf, _, Given::Wrong) => (Err(Deny::Incorrect), pf_uuid),    // C4
            (Kind::Vf, _, Given::Right) => (Ok(()), pf_uuid),                       // C5
            (Kind::Pf, 1.., Given::None) => (Err(Deny::Required), pf_uuid),    // C6
            (Kind::Pf, 1.., Given::Wrong) => (Err(Deny::Incorrect), pf_uuid),  // C7
            (Kind::Pf, 1.., Given::Right) => (Ok(()), pf_uuid),                     // C8
            (Kind::Pf, 0, Given::None) => (Ok(()), pf_uuid),                        // C9
            (Kind::Pf, 0, Given::Right) => (Ok(()), pf_uuid),                       // C10
            (Kind::Pf, 0, Given::Wrong) => (Ok(()), other),                         // C10
            (Kind::Plain, _, Given::None) => (Ok(()), pf_uuid),                     // C11
            (Kind::Plain, _, _) => (Err(Deny::UnexpectedNotSriov), pf_uuid),   // C12
        };

        let r = match kind {
            Kind::VfUnowned => decide(Opener::VfUnowned, token.as_ref()),
            Kind::Vf => decide(Opener::Vf { pf: &pf }, token.as_ref()),
            Kind::Pf => decide(Opener::Pf { pf: &mut pf }, token.as_ref()),
            Kind::Plain => decide(Opener::Plain, token.as_ref()),
        };
        prop_assert_eq!(r, expected);
        if let Err(d) = r {
            let errno = match d {
                Deny::Required | Deny::Incorrect => Errno::Access,
                _ => Errno::Invalid,
            };
            prop_assert_eq!(d.errno(), errno);
        }
        prop_assert!(pf.matches(&Uuid(token_after)));
        prop_assert_eq!(pf.vf_users(), vf_users);
    }


    #[test]
    fn prop_vf_users_follows_clamped_counter(ops in prop::collection::vec(any::<bool>(), 0..200)) {
        let mut pf = pf_token(0);
        let mut model: u32 = 0;
        for open in ops {
            if open {
                pf.vf_opened();
                model += 1;
            } else if model == 0 {
                prop_assert_eq!(pf.vf_closed(), Err(Underflow));
            } else {
                prop_assert_eq!(pf.vf_closed(), Ok(()));
                model -= 1;
            }
            prop_assert_eq!(pf.vf_users(), model);
        }
        prop_assert!(holds(&pf, INITIAL));
    }
}
