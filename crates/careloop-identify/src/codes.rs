//! Diagnosis code lists (docs/identification.md, "Derivations"): which ICD-10-CM codes make a
//! claim line count toward a condition, pregnancy, delivery or homelessness, and the
//! replaceable avoidable-ED list. Codes are matched upper-case without the dot.

use crate::IdentifyError;

/// The shipped default avoidable-ED primary diagnosis list (careloop default, UNCONFIRMED).
pub const DEFAULT_AVOIDABLE_ED: &str = include_str!("../data/avoidable_ed.txt");

/// An ICD-10-CM code, upper-case, without the dot (3 to 7 characters).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    bytes: [u8; 7],
    len: u8,
}

impl Code {
    /// Normalize a raw field: trim, drop one dot, upper-case. `None` if it is not shaped like
    /// an ICD-10-CM code (letter, digit, then 1 to 5 letters or digits).
    pub fn parse(raw: &[u8]) -> Option<Code> {
        let raw = raw.trim_ascii();
        let mut bytes = [0u8; 7];
        let mut len = 0usize;
        let mut dots = 0;
        for &b in raw {
            if b == b'.' {
                dots += 1;
                if dots > 1 || len != 3 {
                    return None;
                }
                continue;
            }
            // More than 7 letters and digits: no free byte left, not a code.
            match bytes.get_mut(len) {
                Some(slot) if b.is_ascii_alphanumeric() => *slot = b.to_ascii_uppercase(),
                _ => return None,
            }
            len += 1;
        }
        if len < 3 || !bytes[0].is_ascii_uppercase() || !bytes[1].is_ascii_digit() {
            return None;
        }
        Some(Code {
            bytes,
            len: len as u8,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// Letter and the two-digit category number (`F10` → ('F', Some(10))); `O9A` has none.
    fn category(&self) -> (u8, Option<u8>) {
        let (d1, d2) = (self.bytes[1], self.bytes[2]);
        let num = d2.is_ascii_digit().then(|| (d1 - b'0') * 10 + (d2 - b'0'));
        (self.bytes[0], num)
    }

    fn starts(&self, prefix: &[u8]) -> bool {
        self.as_bytes().starts_with(prefix)
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Condition groups a code belongs to (bit set).
pub mod class {
    /// Substance use disorder F10–F19.
    pub const SUD: u16 = 1 << 0;
    /// Serious mental illness F20–F29, F30–F31, F32.2–F32.3, F33.1–F33.3, F60.3.
    pub const SMI: u16 = 1 << 1;
    /// Intellectual/developmental disability F70–F79, F84.0, Q90.
    pub const IDD: u16 = 1 << 2;
    /// Traumatic brain injury S06.
    pub const TBI: u16 = 1 << 3;
    /// HIV/AIDS B20, Z21.
    pub const HIV: u16 = 1 << 4;
    /// Chronic conditions E08–E13, I10–I16, I50, J44, J45, N18, C00–C96.
    pub const CHRONIC: u16 = 1 << 5;
    /// Pregnancy: any O code (O00–O9A) or Z3A.
    pub const PREGNANCY: u16 = 1 << 6;
    /// Delivery: Z37, O80.
    pub const DELIVERY: u16 = 1 << 7;
    /// Homelessness: Z59.0, Z59.00, Z59.01, Z59.02.
    pub const HOMELESS: u16 = 1 << 8;
    /// The groups that become justice-involved (POF 4) condition indicators, in indicator order.
    pub const CONDITIONS: [u16; 6] = [SUD, SMI, IDD, TBI, HIV, CHRONIC];
}

/// The condition groups of a code, and for homelessness codes the condition rank
/// (0 = unspecified Z59.0/Z59.00, 1 = sheltered Z59.01, 2 = unsheltered Z59.02).
pub fn classify(code: &Code) -> (u16, u8) {
    use class::*;
    let (letter, num) = code.category();
    let mut bits = 0;
    let mut rank = 0;
    match (letter, num) {
        (b'F', Some(10..=19)) => bits |= SUD,
        (b'F', Some(20..=31)) => bits |= SMI,
        (b'F', Some(32)) if code.starts(b"F322") || code.starts(b"F323") => bits |= SMI,
        (b'F', Some(33)) if [b"F331", b"F332", b"F333"].iter().any(|p| code.starts(*p)) => {
            bits |= SMI
        }
        (b'F', Some(60)) if code.starts(b"F603") => bits |= SMI,
        (b'F', Some(70..=79)) => bits |= IDD,
        (b'F', Some(84)) if code.starts(b"F840") => bits |= IDD,
        (b'Q', Some(90)) => bits |= IDD,
        (b'S', Some(6)) => bits |= TBI,
        (b'B', Some(20)) | (b'Z', Some(21)) => bits |= HIV,
        (b'E', Some(8..=13)) | (b'I', Some(10..=16 | 50)) => bits |= CHRONIC,
        (b'J', Some(44 | 45)) | (b'N', Some(18)) | (b'C', Some(0..=96)) => bits |= CHRONIC,
        (b'O', _) => {
            bits |= PREGNANCY;
            if code.starts(b"O80") {
                bits |= DELIVERY;
            }
        }
        (b'Z', None) if code.starts(b"Z3A") => bits |= PREGNANCY,
        (b'Z', Some(37)) => bits |= DELIVERY,
        (b'Z', Some(59)) => match code.as_bytes() {
            b"Z590" | b"Z5900" => bits |= HOMELESS,
            b"Z5901" => {
                bits |= HOMELESS;
                rank = 1;
            }
            b"Z5902" => {
                bits |= HOMELESS;
                rank = 2;
            }
            _ => {}
        },
        _ => {}
    }
    (bits, rank)
}

/// ICD-10-CM prefixes whose primary diagnosis makes an ED visit avoidable.
#[derive(Clone, Debug)]
pub struct AvoidableList {
    prefixes: Vec<Code>,
}

impl AvoidableList {
    /// The shipped default list.
    pub fn default_list() -> Result<Self, IdentifyError> {
        Self::parse(DEFAULT_AVOIDABLE_ED, "default avoidable-ED list")
    }

    /// One prefix per line; `#` starts a comment; blank lines are ignored.
    pub fn parse(text: &str, file: &str) -> Result<Self, IdentifyError> {
        let mut prefixes = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let code = Code::parse(entry.as_bytes()).ok_or_else(|| IdentifyError::CodeList {
                file: file.to_string(),
                line: i + 1,
                reason: format!("'{entry}' is not an ICD-10-CM code or prefix"),
            })?;
            prefixes.push(code);
        }
        if prefixes.is_empty() {
            return Err(IdentifyError::CodeList {
                file: file.to_string(),
                line: 0,
                reason: "no codes".into(),
            });
        }
        Ok(AvoidableList { prefixes })
    }

    pub fn contains(&self, code: &Code) -> bool {
        self.prefixes.iter().any(|p| code.starts(p.as_bytes()))
    }

    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::class::*;
    use super::*;

    fn bits(code: &str) -> u16 {
        classify(&Code::parse(code.as_bytes()).unwrap()).0
    }

    #[test]
    fn codes_normalize() {
        assert_eq!(Code::parse(b"f10.20").unwrap().as_str(), "F1020");
        assert_eq!(Code::parse(b" Z59.01 ").unwrap().as_str(), "Z5901");
        assert!(Code::parse(b"F1.020").is_none());
        assert!(Code::parse(b"10").is_none());
        assert!(
            Code::parse(b"0BH17EZ").is_none(),
            "ICD-10-PCS is not ICD-10-CM"
        );
        assert!(Code::parse(b"F10200000").is_none());
    }

    /// Every group boundary of the spec (IDENT-SPEC.md "Derivations" 4–6).
    #[test]
    fn groups_follow_the_spec_lists() {
        let table: &[(&str, u16)] = &[
            ("F10", SUD),
            ("F1920", SUD),
            ("F09", 0),
            ("F20", SMI),
            ("F29", SMI),
            ("F3010", SMI),
            ("F319", SMI),
            ("F321", 0),
            ("F322", SMI),
            ("F323", SMI),
            ("F324", 0),
            ("F330", 0),
            ("F331", SMI),
            ("F333", SMI),
            ("F339", 0),
            ("F603", SMI),
            ("F602", 0),
            ("F70", IDD),
            ("F79", IDD),
            ("F840", IDD),
            ("F845", 0),
            ("Q909", IDD),
            ("S065X0A", TBI),
            ("S05", 0),
            ("B20", HIV),
            ("Z21", HIV),
            ("E0800", CHRONIC),
            ("E119", CHRONIC),
            ("E14", 0),
            ("E07", 0),
            ("I10", CHRONIC),
            ("I169", CHRONIC),
            ("I17", 0),
            ("I509", CHRONIC),
            ("J449", CHRONIC),
            ("J4520", CHRONIC),
            ("J43", 0),
            ("N184", CHRONIC),
            ("C00", CHRONIC),
            ("C9600", CHRONIC),
            ("C97", 0),
            ("D00", 0),
            ("O0900", PREGNANCY),
            ("O9A", PREGNANCY),
            ("Z3A20", PREGNANCY),
            ("O80", PREGNANCY | DELIVERY),
            ("Z370", DELIVERY),
            ("Z38", 0),
            ("Z590", HOMELESS),
            ("Z5900", HOMELESS),
            ("Z5901", HOMELESS),
            ("Z5902", HOMELESS),
            ("Z591", 0),
            ("Z5910", 0),
        ];
        for (code, want) in table {
            assert_eq!(bits(code), *want, "{code}");
        }
        let rank = |c: &str| classify(&Code::parse(c.as_bytes()).unwrap()).1;
        assert_eq!((rank("Z590"), rank("Z5901"), rank("Z5902")), (0, 1, 2));
    }

    #[test]
    fn avoidable_list_matches_prefixes_and_rejects_bad_lines() {
        let list = AvoidableList::parse("# c\nJ06 # uri\n\nN39.0\n", "t").unwrap();
        assert_eq!(list.len(), 2);
        let has = |c: &str| list.contains(&Code::parse(c.as_bytes()).unwrap());
        assert!(has("J069") && has("N390") && !has("N391") && !has("J07"));
        assert!(AvoidableList::parse("J06\nnot a code\n", "t").is_err());
        assert!(AvoidableList::parse("# nothing\n", "t").is_err());
        assert!(AvoidableList::default_list().unwrap().len() > 20);
    }
}
