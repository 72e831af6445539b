//! One error type for every X12 problem: where (segment ordinal and id, element, component)
//! and which rule.

use std::fmt;

/// Where a problem is: the segment's 1-based ordinal in the interchange and its id, and the
/// 1-based element (and component) position when the problem is inside one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// 1-based ordinal of the segment in the interchange (ISA is 1); 0 before any segment.
    pub segment: usize,
    /// Segment id as read (`ISA`, `CLM`, …); empty when there is no segment.
    pub segment_id: String,
    /// 1-based element position (`CLM02` is 2), if the problem is in one element.
    pub element: Option<usize>,
    /// 1-based component position within the element, if any.
    pub component: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segment_id.is_empty() {
            write!(f, "segment {}", self.segment)?;
        } else {
            write!(f, "segment {} ({})", self.segment, self.segment_id)?;
        }
        if let Some(e) = self.element {
            write!(f, " element {}{:02}", self.segment_id, e)?;
            if let Some(c) = self.component {
                write!(f, "-{c}")?;
            }
        }
        Ok(())
    }
}

/// The rule a file breaks. The `code()` is stable and appears in every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The input does not start with an ISA segment (after an optional BOM and whitespace).
    IsaMissing,
    /// The ISA is not 106 characters with separators at the fixed positions.
    IsaFixedWidth,
    /// A separator is not a single ASCII punctuation character, or two are the same.
    Separators,
    /// The input is not UTF-8 text.
    Encoding,
    /// Text after the last segment terminator.
    Unterminated,
    /// A segment id is not 2–3 upper-case letters or digits.
    SegmentId,
    /// A segment appears where the envelope does not allow it (e.g. ST outside GS).
    EnvelopeOrder,
    /// A trailer (IEA, GE, SE) is missing.
    TrailerMissing,
    /// A trailer's control number differs from its header's.
    ControlNumber,
    /// IEA01, GE01 or SE01 differs from the count it states.
    Count,
    /// A required element is empty.
    Required,
    /// An element's value is malformed (number, date, code).
    Value,
    /// A segment the implementation guide requires is missing.
    SegmentMissing,
    /// The transaction set is not the one this reader handles (ST01/ST03/GS08).
    Implementation,
    /// Typed input that cannot be written (e.g. an 835 claim that does not balance).
    Input,
}

impl Rule {
    /// Stable kebab-case name of the rule.
    pub fn code(self) -> &'static str {
        match self {
            Rule::IsaMissing => "isa-missing",
            Rule::IsaFixedWidth => "isa-fixed-width",
            Rule::Separators => "separators",
            Rule::Encoding => "encoding",
            Rule::Unterminated => "unterminated",
            Rule::SegmentId => "segment-id",
            Rule::EnvelopeOrder => "envelope-order",
            Rule::TrailerMissing => "trailer-missing",
            Rule::ControlNumber => "control-number",
            Rule::Count => "count",
            Rule::Required => "required",
            Rule::Value => "value",
            Rule::SegmentMissing => "segment-missing",
            Rule::Implementation => "implementation",
            Rule::Input => "input",
        }
    }
}

/// An X12 problem: `segment 42 (SE) element SE01: count: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {}: {detail}", rule.code())]
pub struct X12Error {
    pub position: Position,
    pub rule: Rule,
    pub detail: String,
}

impl X12Error {
    pub(crate) fn at(
        segment: usize,
        segment_id: &str,
        element: Option<usize>,
        rule: Rule,
        detail: impl Into<String>,
    ) -> Self {
        X12Error {
            position: Position {
                segment,
                segment_id: segment_id.to_owned(),
                element,
                component: None,
            },
            rule,
            detail: detail.into(),
        }
    }
}
