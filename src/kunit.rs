// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of what only the kernel can check: the token policy as
//! compiled into the module, our UUID codec against the kernel's own
//! `uuid_parse()` and `uuid_t`, and the initial token from the kernel RNG.
//! They run when the module loads; their KTAP goes to the kernel log.

use kernel::{c_str, prelude::*};

use crate::token::{
    check_token_feature,
    decide,
    decision::{VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_PROBE, VFIO_DEVICE_FEATURE_SET},
    parse_match,
    Deny,
    Errno,
    FeatureOp,
    Match,
    MatchError,
    Opener,
    PfToken,
    Uuid, //
};
use crate::vfio::{bindings, kernel_uuid_parse, random_uuid};

#[kunit_tests(vfio_pci_rs_token)]
mod tests {
    use super::*;

    const NAME: &[u8] = b"0000:03:00.1";
    const TEXT: &CStr = c_str!("52ac9bff-3a88-4fbd-901a-0d767c3b6c97");
    const UPPER: &CStr = c_str!("52AC9BFF-3A88-4FBD-901A-0D767C3B6C97");

    #[test]
    fn uuid_codec_matches_kernel_uuid_parse() {
        let ours = Uuid::parse(TEXT.to_bytes()).unwrap();
        let theirs = kernel_uuid_parse(TEXT).unwrap();
        assert_eq!(ours.0, theirs.0);
        let upper = Uuid::parse(UPPER.to_bytes()).unwrap();
        assert_eq!(upper.0, kernel_uuid_parse(UPPER).unwrap().0);
    }

    #[test]
    fn uuid_format_round_trips_through_kernel() {
        let u = random_uuid();
        let mut text = [0u8; 37];
        text[..36].copy_from_slice(&u.format());
        let back = kernel_uuid_parse(CStr::from_bytes_with_nul(&text).unwrap()).unwrap();
        assert_eq!(back.0, u.0);
    }

    #[test]
    fn uuid_has_uuid_t_layout() {
        assert_eq!(core::mem::size_of::<bindings::uuid_t>(), Uuid::LEN);
        assert_eq!(core::mem::align_of::<bindings::uuid_t>(), 1);
    }

    #[test]
    fn initial_token_is_random_v4_and_never_nil() {
        let a = random_uuid();
        let b = random_uuid();
        assert!(!a.is_nil());
        assert!(a.0 != b.0);
        assert_eq!(a.0[6] >> 4, 4);
    }

    #[test]
    fn match_string_rows_in_kernel() {
        let mut buf = [0u8; 64];
        let n = NAME.len();
        buf[..n].copy_from_slice(NAME);
        assert_eq!(
            parse_match(NAME, &buf[..n]),
            Ok(Match::Device { token: None })
        );
        buf[n..n + 10].copy_from_slice(b" vf_token=");
        buf[n + 10..n + 46].copy_from_slice(TEXT.to_bytes());
        let ok = parse_match(NAME, &buf[..n + 46]);
        assert!(matches!(ok, Ok(Match::Device { token: Some(_) })));
        assert_eq!(
            parse_match(NAME, b"0000:03:00.1\tx"),
            Ok(Match::NotThisDevice)
        );
        assert_eq!(
            parse_match(NAME, b"0000:03:00.1 vf_token=1234"),
            Err(MatchError::TruncatedToken)
        );
        assert_eq!(
            parse_match(NAME, b"0000:03:00.1 foo=1"),
            Err(MatchError::UnknownOption)
        );
        assert_eq!(
            MatchError::UnknownOption.errno().to_errno(),
            EINVAL.to_errno()
        );
    }

    #[test]
    fn decision_in_kernel() {
        let t1 = Uuid::parse(TEXT.to_bytes()).unwrap();
        let mut pf = PfToken::new(random_uuid());
        // C10: a PF open with a token and no VF users sets the token.
        assert_eq!(decide(Opener::Pf { pf: &mut pf }, Some(&t1)), Ok(()));
        assert!(pf.matches(&t1));
        // C5 / C3.
        assert_eq!(decide(Opener::Vf { pf: &pf }, Some(&t1)), Ok(()));
        assert_eq!(
            decide(Opener::Vf { pf: &pf }, None),
            Err(Deny::TokenRequired)
        );
        // C6: with a VF user the PF needs the token too.
        pf.vf_opened();
        assert_eq!(
            decide(Opener::Pf { pf: &mut pf }, None),
            Err(Deny::TokenRequired)
        );
        assert_eq!(Deny::TokenIncorrect.errno().to_errno(), EACCES.to_errno());
        assert!(pf.vf_closed().is_ok());
        assert!(pf.vf_closed().is_err());
    }

    #[test]
    fn feature_checks_in_kernel() {
        let pci_vf_token = bindings::VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
        assert_eq!(bindings::VFIO_DEVICE_FEATURE_SET, VFIO_DEVICE_FEATURE_SET);
        assert_eq!(bindings::VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_GET);
        assert_eq!(
            bindings::VFIO_DEVICE_FEATURE_PROBE,
            VFIO_DEVICE_FEATURE_PROBE
        );
        let set = VFIO_DEVICE_FEATURE_SET | pci_vf_token;
        assert_eq!(check_token_feature(set, 16), Ok(FeatureOp::Set));
        assert_eq!(check_token_feature(set, 15), Err(Errno::Invalid));
        assert_eq!(
            check_token_feature(set | VFIO_DEVICE_FEATURE_GET, 16),
            Err(Errno::Invalid)
        );
        assert_eq!(
            check_token_feature(set | VFIO_DEVICE_FEATURE_PROBE, 0),
            Ok(FeatureOp::Probe)
        );
    }
}
