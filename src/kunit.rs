// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of what only the kernel can check: the token policy as
//! compiled into the module, our UUID codec against the kernel's own
//! `uuid_parse()` and `uuid_t`, and the initial token from the kernel RNG.
//! They run when the module loads; their KTAP goes to the kernel log.

use kernel::{c_str, error::Error, prelude::*};

use crate::token::{
    decide,
    parse_match,
    Deny,
    Errno,
    Match,
    MatchError,
    Opener,
    PfToken,
    Uuid, //
};
use crate::vfio::{
    bindings,
    device::{check_vf_token_feature, kernel_check_feature},
    param::kernel_sscanf_id,
    uuid::{kernel_uuid_parse, random_uuid},
};
use crate::{
    denylist_probe,
    ids::DynId,
    DenylistProbe,
    DENYLIST_ALLOWED,
    DENYLIST_REFUSED, //
};

/// The driver's reading of the `ids=` entry `entry` (without its NUL), in
/// the shape of [`kernel_sscanf_id`].
fn driver_id(entry: &[u8]) -> Option<[u32; 6]> {
    DynId::parse(entry).map(|id| {
        [
            id.vendor,
            id.device,
            id.subvendor,
            id.subdevice,
            id.class,
            id.class_mask,
        ]
    })
}

/// How the driver and the kernel's `sscanf()` read `entry` (a C string with
/// its NUL; one that is not reads as a mismatch), logged when they differ.
/// The test asserts, in its own body, that they do not: KUnit's
/// `assert_eq!` (a failed case, not a panic) exists only there.
fn readings(entry: &[u8]) -> (Option<[u32; 6]>, Option<[u32; 6]>) {
    let Ok(c) = CStr::from_bytes_with_nul(entry) else {
        return (None, Some([0; 6]));
    };
    let (ours, kernels) = (driver_id(c.to_bytes()), kernel_sscanf_id(c));
    if ours != kernels {
        pr_err!(
            "ids= entry {:?}: ours {:x?}, sscanf {:x?}\n",
            c,
            ours,
            kernels
        );
    }
    (ours, kernels)
}

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
        assert_eq!(ours.0, theirs);
        let upper = Uuid::parse(UPPER.to_bytes()).unwrap();
        assert_eq!(upper.0, kernel_uuid_parse(UPPER).unwrap());
    }

    #[test]
    fn uuid_format_round_trips_through_kernel() {
        let u = Uuid(random_uuid());
        let mut text = [0u8; 37];
        text[..36].copy_from_slice(&u.format());
        let back = kernel_uuid_parse(CStr::from_bytes_with_nul(&text).unwrap()).unwrap();
        assert_eq!(back, u.0);
    }

    #[test]
    fn uuid_has_uuid_t_layout() {
        assert_eq!(
            core::mem::size_of::<bindings::uuid_t>(),
            core::mem::size_of::<Uuid>()
        );
        assert_eq!(core::mem::align_of::<bindings::uuid_t>(), 1);
    }

    #[test]
    fn initial_token_is_random_v4_and_never_nil() {
        let (a, b) = (random_uuid(), random_uuid());
        assert!(!Uuid(a).is_nil());
        assert!(a != b);
        assert_eq!(a[6] >> 4, 4);
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
            Error::from(MatchError::UnknownOption.errno()).to_errno(),
            EINVAL.to_errno()
        );
    }

    #[test]
    fn decision_in_kernel() {
        let t1 = Uuid::parse(TEXT.to_bytes()).unwrap();
        let mut pf = PfToken::new(Uuid(random_uuid()));
        // C10: a PF open with a token and no VF users sets the token.
        assert_eq!(decide(Opener::Pf { pf: &mut pf }, Some(&t1)), Ok(()));
        assert!(pf.matches(&t1));
        // C5 / C3.
        assert_eq!(decide(Opener::Vf { pf: &pf }, Some(&t1)), Ok(()));
        assert_eq!(decide(Opener::Vf { pf: &pf }, None), Err(Deny::Required));
        // C6: with a VF user the PF needs the token too.
        pf.vf_opened();
        assert_eq!(
            decide(Opener::Pf { pf: &mut pf }, None),
            Err(Deny::Required)
        );
        assert_eq!(
            Error::from(Deny::Incorrect.errno()).to_errno(),
            EACCES.to_errno()
        );
        assert_eq!(Error::from(Errno::Access).to_errno(), EACCES.to_errno());
        assert_eq!(Error::from(Errno::Invalid).to_errno(), EINVAL.to_errno());
        assert!(pf.vf_closed().is_ok());
        assert!(pf.vf_closed().is_err());
    }

    #[test]
    fn feature_check_is_the_kernels() {
        // SPEC section 4: true = copy the token, false = PROBE.
        let (g, s, p) = (
            bindings::VFIO_DEVICE_FEATURE_GET,
            bindings::VFIO_DEVICE_FEATURE_SET,
            bindings::VFIO_DEVICE_FEATURE_PROBE,
        );
        assert_eq!(check_vf_token_feature(s, 16), Ok(true));
        assert_eq!(check_vf_token_feature(s, 15), Err(EINVAL));
        assert_eq!(check_vf_token_feature(g | s, 16), Err(EINVAL));
        assert_eq!(check_vf_token_feature(g | p, 16), Err(EINVAL));
        assert_eq!(check_vf_token_feature(p | s, 0), Ok(false));
        assert_eq!(check_vf_token_feature(p, 0), Ok(false));
        assert_eq!(check_vf_token_feature(0, 16), Err(EINVAL));
        // And the kernel's own vfio_check_feature() on every combination
        // of GET, SET and PROBE, with and without the feature's index, and
        // payloads around the size of a uuid_t.
        let index = bindings::VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
        for bits in 0..8u32 {
            let ops = (if bits & 1 != 0 { g } else { 0 })
                | (if bits & 2 != 0 { s } else { 0 })
                | (if bits & 4 != 0 { p } else { 0 });
            for flags in [ops, ops | index] {
                for argsz in [0, 15, 16, 17, usize::MAX] {
                    assert_eq!(
                        check_vf_token_feature(flags, argsz),
                        kernel_check_feature(flags, argsz)
                    );
                }
            }
        }
    }

    #[test]
    fn ids_read_as_the_kernels_sscanf() {
        // Forms C accepts and refuses; class and mask; every byte the
        // kernel's isspace() takes (\v, \f, \r, 0xa0) and some it does
        // not (0x85, 0xff); 0x prefixes without digits; numbers of 32, 33,
        // 64, 65 bits and more (the kernel saturates past 64 bits).
        for entry in [
            &b"8086:10c9\0"[..],
            b"0x8086:0X10C9\0",
            b"8086:10c9:1af4:1100:020000:ffff00\0",
            b"8086:10c9:ffffffff:ffffffff:30000:ff0000:7:8\0",
            b"8086:10c9:1:2:0x20000\0",
            b" \t\n\x0b\x0c\r8086:\xa010c9: \x0b1:\x0c2:\r3:\xa04\0",
            b"\x858086:10c9\0",
            b"8086:\xff10c9\0",
            b"8086 :10c9\0",
            b"8086;10c9\0",
            b"8086\0",
            b":10c9\0",
            b"\0",
            b"-1:2\0",
            b"+1:2\0",
            b"0x:1\0",
            b"1:0xg\0",
            b"0x0x1:2\0",
            b"ffffffff:100000000\0",
            b"123456789:10c9\0",
            b"ffffffffffffffff:1\0",
            b"10000000000000000:10c9\0",
            b"1000000000000008086:10c9\0",
            b"8086:10c9:fffffffffffffffffffffffffffffffffffff:1\0",
            b"0000000000000000000000000000000000008086:10c9\0",
            b"8086:10c9:\0",
            b"8086:10c9:::\0",
        ] {
            let (ours, kernels) = readings(entry);
            assert_eq!(ours, kernels);
        }
        // Pseudo-random entries from a fixed seed (xorshift64), over an
        // alphabet of what the parser tells apart.
        const ALPHABET: &[u8] = b"0123456789abcdefABCDEFxXg:::: \t\n\x0b\x0c\r\xa0\x85\xff,-+";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut buf = [0u8; 41];
        for _ in 0..4000 {
            let len = (next() % 40) as usize;
            for b in &mut buf[..len] {
                *b = ALPHABET[(next() % ALPHABET.len() as u64) as usize];
            }
            buf[len] = 0;
            let (ours, kernels) = readings(&buf[..=len]);
            assert_eq!(ours, kernels);
        }
    }

    #[test]
    fn denylist_refuses_every_entry_as_vfio_pci_does() {
        use kernel::pci::Vendor;
        // What probe does with each device: the function its arm calls.
        let refused = DenylistProbe {
            result: Err(EINVAL),
            warning: Some(DENYLIST_REFUSED),
        };
        let allowed = DenylistProbe {
            result: Ok(()),
            warning: Some(DENYLIST_ALLOWED),
        };
        let bound = DenylistProbe {
            result: Ok(()),
            warning: None,
        };
        // Every entry of vfio-pci's vfio_pci_dev_in_denylist(), by its ID.
        for device in [
            0x19e2u16, 0x19e3, 0x37c8, 0x37c9, 0x0435, 0x0443, 0x0b25, 0x0cfe,
        ] {
            assert_eq!(denylist_probe(Vendor::INTEL, device, false), refused);
            assert_eq!(denylist_probe(Vendor::INTEL, device, true), allowed);
            assert_eq!(denylist_probe(Vendor::REDHAT, device, false), bound);
        }
        // The igb PF and VF the VM suites bind.
        for device in [0x10c9u16, 0x10ca] {
            assert_eq!(denylist_probe(Vendor::INTEL, device, false), bound);
        }
    }
}
