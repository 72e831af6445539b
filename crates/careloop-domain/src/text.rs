//! Length and character rules for every string careloop accepts (issue #12, defect 7).
//!
//! A review stored a 900 kB `member_id`, `../../etc/passwd` as an id, NUL and ESC characters in
//! free text and 50,000 address lines as given; one work-queue page grew to 2.7 MB. Three kinds
//! of string, each a newtype that cannot hold a bad value:
//!
//! | kind   | length (characters) | characters                                                  |
//! |--------|---------------------|-------------------------------------------------------------|
//! | [`Id`]   | 1..=100           | `A-Z a-z 0-9 . _ : -`; not starting with `.`                |
//! | [`Line`] | 1..=500           | any printable character; no control character (no newline); not blank |
//! | [`Text`] | 0..=10,000        | any printable character, plus newline, carriage return, tab |
//! | [`RequiredText`] | 1..=10,000 | as [`Text`]; not blank (a reason, a request for information) |
//!
//! Ids name records, organizations, plans, users and codes: the id alphabet keeps them safe in
//! URLs, file names and logs (no `/`, no `..` path traversal, no spaces, no control characters)
//! and admits every id format careloop and its seeds use (`SYN-000321`, `org-plan-hpsm`, UUIDs,
//! user names, `urn:`-style codes). A line is a name, a code or one address line; a text is a
//! note, a reason or a notice body. Control characters (NUL, ESC, DEL, C1) are refused because
//! they corrupt terminals, logs, CSV and EDI exports and can hide content from a reviewer.
//!
//! Each type (de)serializes as a plain JSON string (`serde(try_from = "String")`), so a bad value
//! is refused while the request is parsed, with the field path (the API answers 422), and its
//! JSON Schema states `minLength`, `maxLength` and a `pattern` that says the same character and
//! blank rules (so a client, or a test generator, can build only valid values). The `check_*` functions
//! apply the same rules to a `&str`, for fields stored as `String` (facts, domain commands).
//! Lists are bounded too (see [`check_items`] and the `MAX_*` constants where they are used).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Longest id, in characters.
pub const ID_MAX: usize = 100;
/// Longest single line, in characters.
pub const LINE_MAX: usize = 500;
/// Longest free text, in characters.
pub const TEXT_MAX: usize = 10_000;
/// The id pattern, as stated in the JSON Schema.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_:-][A-Za-z0-9._:-]*$";
/// The line pattern: no control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F)
/// and at least one character that is not white space.
pub const LINE_PATTERN: &str =
    r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";
/// The text pattern: no control character but tab, newline and carriage return.
pub const TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";
/// The required-text pattern: the text pattern, with at least one character that is not white
/// space.
pub const REQUIRED_TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// Why a string breaks its rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must not be blank (only white space)")]
    Blank,
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("contains {found} at character {at}; {allowed}")]
    BadCharacter {
        found: String,
        at: usize,
        allowed: &'static str,
    },
    #[error("must not start with '.'")]
    LeadingDot,
    #[error("has {len} or more items; at most {max} are allowed")]
    TooManyItems { len: usize, max: usize },
}

/// `c` shown safely in an error message (control characters as `U+0000`).
fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

fn check_len(s: &str, min: usize, max: usize) -> Result<(), TextError> {
    // Count characters, but stop counting past the limit: a 900 kB value is refused quickly.
    let len = s.chars().take(max + 1).count();
    if len < min {
        return Err(TextError::Empty);
    }
    if len > max {
        return Err(TextError::TooLong {
            len: s.chars().count(),
            max,
        });
    }
    Ok(())
}

fn check_chars(s: &str, ok: impl Fn(char) -> bool, allowed: &'static str) -> Result<(), TextError> {
    match s.chars().enumerate().find(|(_, c)| !ok(*c)) {
        Some((at, c)) => Err(TextError::BadCharacter {
            found: shown(c),
            at: at + 1,
            allowed,
        }),
        None => Ok(()),
    }
}

/// The [`Id`] rule: 1..=100 characters of `A-Z a-z 0-9 . _ : -`, not starting with `.`.
pub fn check_id(s: &str) -> Result<(), TextError> {
    check_len(s, 1, ID_MAX)?;
    check_chars(
        s,
        |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'),
        "ids use only letters A-Z and a-z, digits, '.', '_', ':' and '-'",
    )?;
    if s.starts_with('.') {
        return Err(TextError::LeadingDot);
    }
    Ok(())
}

/// The [`Line`] rule: 1..=500 characters, no control character, not only white space.
pub fn check_line(s: &str) -> Result<(), TextError> {
    check_len(s, 1, LINE_MAX)?;
    check_chars(
        s,
        |c| !c.is_control(),
        "a line has no control characters (no newline, tab, NUL or ESC)",
    )?;
    check_not_blank(s)
}

fn check_not_blank(s: &str) -> Result<(), TextError> {
    if s.trim().is_empty() {
        Err(TextError::Blank)
    } else {
        Ok(())
    }
}

/// The [`Text`] rule: at most 10,000 characters, no control character but newline, carriage
/// return and tab.
pub fn check_text(s: &str) -> Result<(), TextError> {
    check_len(s, 0, TEXT_MAX)?;
    check_chars(
        s,
        |c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'),
        "a text has no control characters but newline, carriage return and tab",
    )
}

/// The [`RequiredText`] rule: the [`Text`] rule, at least one character, not only white space.
pub fn check_required_text(s: &str) -> Result<(), TextError> {
    check_len(s, 1, TEXT_MAX)?;
    check_text(s)?;
    check_not_blank(s)
}

/// At most `max` items in a list.
pub fn check_items(len: usize, max: usize) -> Result<(), TextError> {
    if len > max {
        Err(TextError::TooManyItems { len, max })
    } else {
        Ok(())
    }
}

/// Deserializes a list of at most `MAX` items (for `#[serde(deserialize_with)]`); a longer one is
/// refused while the request is parsed, naming the field.
pub fn at_most<'de, D, T, const MAX: usize>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Bounded<T, const MAX: usize>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>, const MAX: usize> serde::de::Visitor<'de> for Bounded<T, MAX> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {MAX} items")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                if items.len() == MAX {
                    return Err(serde::de::Error::custom(TextError::TooManyItems {
                        len: MAX + 1,
                        max: MAX,
                    }));
                }
                items.push(item);
            }
            Ok(items)
        }
    }
    deserializer.deserialize_seq(Bounded::<T, MAX>(std::marker::PhantomData))
}

/// `#[serde(deserialize_with)]` functions that apply the rules to fields kept as `String` or
/// `Option<String>` (pair each with `#[schemars(with = "Id")]` / `with = "Option<Id>"` so the
/// schema states the limits): the value is refused while the request is parsed, with the field
/// path, exactly as the newtype would refuse it.
pub mod de {
    use super::{Id, Line, RequiredText, Text};
    use serde::{Deserialize, Deserializer};

    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Id::deserialize(d).map(String::from)
    }
    pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<Id>::deserialize(d).map(|v| v.map(String::from))
    }
    pub fn line<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Line::deserialize(d).map(String::from)
    }
    pub fn opt_line<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<Line>::deserialize(d).map(|v| v.map(String::from))
    }
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Text::deserialize(d).map(String::from)
    }
    pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<Text>::deserialize(d).map(|v| v.map(String::from))
    }
    pub fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        RequiredText::deserialize(d).map(String::from)
    }
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $check:path, $min:expr, $max:expr, $pattern:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The value, checked against the rule.
            pub fn new(value: impl Into<String>) -> Result<Self, TextError> {
                let value = value.into();
                $check(&value)?;
                Ok($name(value))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(value: String) -> Result<Self, TextError> {
                $name::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = TextError;
            fn try_from(value: &str) -> Result<Self, TextError> {
                $name::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = TextError;
            fn from_str(s: &str) -> Result<Self, TextError> {
                $name::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = schemars::json_schema!({
                    "type": "string",
                    "minLength": $min,
                    "maxLength": $max,
                });
                let pattern: Option<&str> = $pattern;
                if let Some(p) = pattern {
                    schema.insert("pattern".into(), p.into());
                }
                schema
            }
        }
    };
}

text_type!(
    /// An identifier: 1..=100 characters of `A-Z a-z 0-9 . _ : -`, not starting with `.` (so
    /// never a path such as `../../etc/passwd`).
    Id,
    check_id,
    1,
    ID_MAX,
    Some(ID_PATTERN)
);

text_type!(
    /// One line of text (a name, a code, an address line): 1..=500 characters, no control
    /// characters.
    Line,
    check_line,
    1,
    LINE_MAX,
    Some(LINE_PATTERN)
);

text_type!(
    /// Free text (a note, a reason, a notice body): at most 10,000 characters; no control
    /// characters but newline, carriage return and tab.
    Text,
    check_text,
    0,
    TEXT_MAX,
    Some(TEXT_PATTERN)
);

text_type!(
    /// Free text that must say something (a denial reason, the information a reviewer needs):
    /// 1..=10,000 characters, not only white space; no control characters but newline, carriage
    /// return and tab.
    RequiredText,
    check_required_text,
    1,
    TEXT_MAX,
    Some(REQUIRED_TEXT_PATTERN)
);

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_use_are_valid() {
        for id in [
            "SYN-000321",
            "org-plan-hpsm",
            "ecm01-care-manager",
            "0b1d9c3e-58a2-4a7c-9a39-8d3f2f7b9c11",
            "REQ-1",
            "hpsm",
            "urn:careloop:x",
            "a.b_c",
        ] {
            assert_eq!(check_id(id), Ok(()), "{id}");
            assert!(Id::new(id).is_ok());
        }
    }

    #[test]
    fn bad_ids_are_refused_naming_the_rule() {
        assert_eq!(check_id(""), Err(TextError::Empty));
        assert!(matches!(
            check_id("../../etc/passwd"),
            Err(TextError::BadCharacter { .. })
        ));
        assert_eq!(check_id(".hidden"), Err(TextError::LeadingDot));
        assert!(matches!(
            check_id("a b"),
            Err(TextError::BadCharacter { at: 2, .. })
        ));
        assert!(matches!(
            check_id("SYN\u{0}1"),
            Err(TextError::BadCharacter { .. })
        ));
        let long = "x".repeat(900_000);
        assert_eq!(
            check_id(&long),
            Err(TextError::TooLong {
                len: 900_000,
                max: ID_MAX
            })
        );
        assert_eq!(check_id(&"x".repeat(ID_MAX)), Ok(()));
        let e = check_id("a/b")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("'/'") && e.contains("character 2"), "{e}");
    }

    #[test]
    fn lines_and_texts() {
        assert_eq!(check_line("123 Main St, Apt 4"), Ok(()));
        assert_eq!(check_line("José Núñez 李"), Ok(()));
        assert!(check_line("a\nb").is_err());
        assert!(check_line("a\u{1b}[2J").is_err());
        assert!(check_line("").is_err());
        assert_eq!(
            check_line(" \t"),
            Err(TextError::BadCharacter {
                found: "U+0009".into(),
                at: 2,
                allowed: "a line has no control characters (no newline, tab, NUL or ESC)"
            })
        );
        assert_eq!(check_line("  \u{3000}"), Err(TextError::Blank));
        assert_eq!(check_required_text("\n \n"), Err(TextError::Blank));
        assert_eq!(check_required_text(""), Err(TextError::Empty));
        assert_eq!(check_required_text("see\nnote"), Ok(()));
        assert!(check_line(&"x".repeat(LINE_MAX + 1)).is_err());
        assert_eq!(check_text(""), Ok(()));
        assert_eq!(check_text("line 1\r\nline 2\tend"), Ok(()));
        assert!(check_text("nul\u{0}").is_err());
        assert!(check_text(&"x".repeat(900_000)).is_err());
        let e = check_text("a\u{7f}")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("U+007F"), "{e}");
    }

    #[test]
    fn serde_refuses_a_bad_value_and_round_trips_a_good_one() {
        #[derive(Debug, Deserialize, Serialize)]
        struct Body {
            id: Id,
            lines: Vec<Line>,
            note: Text,
        }
        let ok: Result<Body, _> =
            serde_json::from_str(r#"{"id":"SYN-1","lines":["1 Main St"],"note":"hi\nthere"}"#);
        let ok = ok.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ok.id, "SYN-1");
        assert_eq!(
            serde_json::to_string(&ok).unwrap_or_default(),
            r#"{"id":"SYN-1","lines":["1 Main St"],"note":"hi\nthere"}"#
        );
        let bad: Result<Body, _> =
            serde_json::from_str(r#"{"id":"../x","lines":["1 Main St"],"note":""}"#);
        let e = bad.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("'/'"), "{e}");
        let bad: Result<Body, _> =
            serde_json::from_str(r#"{"id":"a","lines":["a\u0000"],"note":""}"#);
        assert!(bad.is_err());
    }

    /// The JSON Schema each type states accepts exactly the values its check accepts, so a
    /// client (or schemathesis) that follows the document builds only values the server takes.
    #[test]
    fn stated_patterns_agree_with_the_checks() {
        let samples = [
            "a",
            " a ",
            "",
            " ",
            "\t",
            "\u{a0}\u{3000}",
            "x\ny",
            "x\r\n\ty",
            "\ny",
            "nul\u{0}",
            "esc\u{1b}[2J",
            "del\u{7f}",
            "c1\u{85}",
            "c1\u{9f}x",
            "\u{a0}x",
            "José Núñez 李",
            "\u{2028}",
            "tab\tin",
            "SYN-000321",
            "../x",
            "😀",
            "\u{200b}",
        ];
        type Check = fn(&str) -> Result<(), TextError>;
        let types: [(&str, serde_json::Value, Check); 4] = [
            (
                "Id",
                serde_json::to_value(schemars::schema_for!(Id)).unwrap_or_default(),
                check_id,
            ),
            (
                "Line",
                serde_json::to_value(schemars::schema_for!(Line)).unwrap_or_default(),
                check_line,
            ),
            (
                "Text",
                serde_json::to_value(schemars::schema_for!(Text)).unwrap_or_default(),
                check_text,
            ),
            (
                "RequiredText",
                serde_json::to_value(schemars::schema_for!(RequiredText)).unwrap_or_default(),
                check_required_text,
            ),
        ];
        for (name, schema, check) in types {
            let validator =
                jsonschema::validator_for(&schema).unwrap_or_else(|e| unreachable!("{name}: {e}"));
            for s in samples {
                assert_eq!(
                    validator.is_valid(&serde_json::Value::from(s)),
                    check(s).is_ok(),
                    "{name} {s:?}"
                );
            }
        }
    }

    #[test]
    fn schemas_state_the_limits() {
        let id = serde_json::to_value(schemars::schema_for!(Id)).unwrap_or_default();
        assert_eq!(id["maxLength"], 100);
        assert_eq!(id["minLength"], 1);
        assert_eq!(id["pattern"], ID_PATTERN);
        let text = serde_json::to_value(schemars::schema_for!(Text)).unwrap_or_default();
        assert_eq!(text["maxLength"], 10_000);
        // The stated pattern and the check agree on a few cases.
        for (s, ok) in [
            ("a", true),
            (".a", false),
            ("a.", true),
            ("-a", true),
            ("a/b", false),
        ] {
            assert_eq!(check_id(s).is_ok(), ok, "{s}");
        }
    }
}
