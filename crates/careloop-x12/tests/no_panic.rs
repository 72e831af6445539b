//! The tokenizer, envelope checks and 837P reader return a Result on any input: every
//! truncation and many single-byte mutations of the public samples, and arbitrary bytes.

mod common;

use proptest::prelude::*;

fn all(bytes: &[u8]) {
    if let Ok(s) = careloop_x12::tokenize(bytes) {
        let _ = careloop_x12::check_envelope(&s);
    }
    let _ = careloop_x12::p837::read(bytes);
}

#[test]
fn truncated_and_mutated_samples_never_panic() {
    let Some(dir) = common::samples() else { return };
    let mut files = Vec::new();
    for sub in [
        "oopfactory",
        "oopfactory/patched-A1",
        "oopfactory/raw",
        "linuxforhealth",
        "pyx12",
    ] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(std::fs::read(path).unwrap());
            }
        }
    }
    assert!(files.len() > 50, "found only {} sample files", files.len());
    let mut runs = 0;
    // Deterministic mutations (SplitMix-style LCG): replace a byte with a delimiter, a digit,
    // a letter, a high byte or a line break; delete a byte.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for bytes in &files {
        for cut in (0..bytes.len()).step_by(7) {
            all(&bytes[..cut]);
            runs += 1;
        }
        for _ in 0..300 {
            let mut m = bytes.clone();
            if m.is_empty() {
                break;
            }
            let at = next() % m.len();
            let with = [b'*', b':', b'~', b'^', b'9', b'A', 0xC3, b'\n', b' '][next() % 9];
            if next() % 4 == 0 {
                m.remove(at);
            } else {
                m[at] = with;
            }
            all(&m);
            runs += 1;
        }
    }
    eprintln!("{runs} truncated or mutated inputs, no panic");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_isa_never_panic(tail in proptest::collection::vec(
        prop_oneof![Just(b'*'), Just(b'~'), Just(b':'), Just(b'\n'), b'A'..=b'Z', b'0'..=b'9'], 0..400)) {
        let mut bytes = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260315*1200*^*00501*000000017*0*T*:~".to_vec();
        bytes.extend(tail);
        all(&bytes);
    }
}
