//! Tokenizer: the separators come from the fixed-width ISA (X12.5 / TR3 Appendix B: ISA is
//! 106 characters; the element separator is its 4th character, ISA11 the repetition
//! separator from 00402 on, ISA16 the component separator, the next character the segment
//! terminator). Segments are slices of the input, never copies.

use crate::error::{Rule, X12Error};

/// Byte offsets of the 16 element separators inside the 106-character ISA.
const ISA_SEPARATOR_OFFSETS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];
/// Length of the ISA segment without its terminator.
const ISA_LEN: usize = 105;

/// The four delimiters of an interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    pub element: char,
    pub component: char,
    /// ISA11 when it is a delimiter (005010); `None` for 00401's standards id `U`.
    pub repetition: Option<char>,
    pub segment: char,
}

impl Default for Separators {
    /// The delimiters careloop writes: `*`, `:`, `^`, `~`.
    fn default() -> Self {
        Separators {
            element: '*',
            component: ':',
            repetition: Some('^'),
            segment: '~',
        }
    }
}

/// One segment: a slice of the input between terminators, with its 1-based ordinal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// 1-based position in the interchange (ISA is 1).
    pub ordinal: usize,
    /// Text of the segment without its terminator.
    pub text: &'a str,
    pub separators: Separators,
}

impl<'a> Segment<'a> {
    /// The segment id (`CLM`).
    pub fn id(&self) -> &'a str {
        self.text
            .split(self.separators.element)
            .next()
            .unwrap_or_default()
    }

    /// Element `n` (1-based, `CLM01` is 1); empty when absent.
    pub fn element(&self, n: usize) -> &'a str {
        self.text
            .split(self.separators.element)
            .nth(n)
            .unwrap_or_default()
    }

    /// Number of elements after the id.
    pub fn element_count(&self) -> usize {
        self.text.split(self.separators.element).count() - 1
    }

    /// Component `m` (1-based) of element `n`; empty when absent.
    pub fn component(&self, n: usize, m: usize) -> &'a str {
        self.components(n)
            .nth(m.saturating_sub(1))
            .unwrap_or_default()
    }

    /// The components of element `n`.
    pub fn components(&self, n: usize) -> impl Iterator<Item = &'a str> + use<'a> {
        self.element(n).split(self.separators.component)
    }

    /// An error at this segment (and element `element`, if given).
    pub fn error(&self, element: Option<usize>, rule: Rule, detail: impl Into<String>) -> X12Error {
        X12Error::at(self.ordinal, self.id(), element, rule, detail)
    }

    /// Element `n`, or a [`Rule::Required`] error naming it.
    pub fn required(&self, n: usize, what: &str) -> Result<&'a str, X12Error> {
        let v = self.element(n);
        if v.is_empty() {
            Err(self.error(Some(n), Rule::Required, format!("{what} is required")))
        } else {
            Ok(v)
        }
    }
}

/// The segments of one interchange, in order, and its separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments<'a> {
    pub separators: Separators,
    pub list: Vec<Segment<'a>>,
}

/// Splits an interchange into segments. Tolerates a UTF-8 byte order mark, whitespace before
/// the ISA and CR/LF/whitespace between segments; never panics.
pub fn tokenize(input: &[u8]) -> Result<Segments<'_>, X12Error> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|e| {
        X12Error::at(
            0,
            "",
            None,
            Rule::Encoding,
            format!("not UTF-8 text at byte {}", e.valid_up_to()),
        )
    })?;
    let text = text.trim_start();
    let separators = read_isa(text)?;
    let mut list = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (seg, after) = match rest.find(separators.segment) {
            Some(i) => (
                rest.get(..i).unwrap_or_default(),
                rest.get(i + separators.segment.len_utf8()..)
                    .unwrap_or_default(),
            ),
            None => {
                let tail = rest.trim();
                if tail.is_empty() {
                    break;
                }
                return Err(X12Error::at(
                    list.len() + 1,
                    "",
                    None,
                    Rule::Unterminated,
                    format!(
                        "text after the last segment terminator '{}'",
                        separators.segment
                    ),
                ));
            }
        };
        // Line breaks and spaces between segments are layout, not data.
        let seg = seg.trim_start().trim_end_matches(['\r', '\n']);
        rest = after;
        if seg.is_empty() {
            continue;
        }
        let segment = Segment {
            ordinal: list.len() + 1,
            text: seg,
            separators,
        };
        let id = segment.id();
        let id_ok = (2..=3).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !id_ok {
            return Err(X12Error::at(
                segment.ordinal,
                "",
                None,
                Rule::SegmentId,
                "segment id must be 2-3 upper-case letters or digits",
            ));
        }
        list.push(segment);
    }
    Ok(Segments { separators, list })
}

/// Reads the separators from the fixed-width ISA at the start of `text`.
fn read_isa(text: &str) -> Result<Separators, X12Error> {
    let bytes = text.as_bytes();
    if !text.starts_with("ISA") {
        return Err(X12Error::at(
            1,
            "",
            None,
            Rule::IsaMissing,
            "an interchange starts with ISA",
        ));
    }
    let fixed = |detail: String, element: Option<usize>| {
        X12Error::at(1, "ISA", element, Rule::IsaFixedWidth, detail)
    };
    let isa = bytes.get(..=ISA_LEN).ok_or_else(|| {
        fixed(
            format!("ISA is {} characters plus a terminator", ISA_LEN + 1),
            None,
        )
    })?;
    let element = *isa.get(3).unwrap_or(&0);
    for (i, offset) in ISA_SEPARATOR_OFFSETS.iter().enumerate() {
        if isa.get(*offset) != Some(&element) {
            return Err(fixed(
                format!(
                    "element separator expected before ISA{:02} at character {}",
                    i + 1,
                    offset + 1
                ),
                Some(i + 1),
            ));
        }
    }
    let component = *isa.get(104).unwrap_or(&0);
    let segment = *isa.get(105).unwrap_or(&0);
    let repetition_byte = *isa.get(82).unwrap_or(&0);
    let repetition = (!repetition_byte.is_ascii_alphanumeric()).then_some(repetition_byte);
    let mut all = vec![element, component, segment];
    all.extend(repetition);
    for b in &all {
        if !b.is_ascii() || b.is_ascii_alphanumeric() || *b == b' ' {
            return Err(X12Error::at(
                1,
                "ISA",
                None,
                Rule::Separators,
                format!("separator {:?} is not ASCII punctuation", char::from(*b)),
            ));
        }
    }
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != all.len() {
        return Err(X12Error::at(
            1,
            "ISA",
            None,
            Rule::Separators,
            "element, component, repetition and segment separators must differ",
        ));
    }
    Ok(Separators {
        element: char::from(element),
        component: char::from(component),
        repetition: repetition.map(char::from),
        segment: char::from(segment),
    })
}
