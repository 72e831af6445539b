//! Envelope checks (X12.5 / TR3 Appendix B): ISA13 = IEA02 and IEA01 = number of groups;
//! GS06 = GE02 and GE01 = number of transaction sets; ST02 = SE02 and SE01 = number of
//! segments from ST to SE inclusive.

use crate::error::{Rule, X12Error};
use crate::token::{Segment, Segments};

/// One transaction set: indices into [`Segments::list`] of its ST and SE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSet {
    pub st: usize,
    pub se: usize,
}

/// One functional group: index of its GS and its transaction sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub gs: usize,
    pub sets: Vec<TransactionSet>,
}

/// An interchange whose envelopes are consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interchange {
    pub groups: Vec<Group>,
}

fn count(seg: &Segment<'_>, n: usize) -> Result<usize, X12Error> {
    let v = seg.element(n);
    v.parse::<usize>()
        .map_err(|_| seg.error(Some(n), Rule::Value, format!("count {v:?} is not a number")))
}

fn compare(
    errors: &mut Vec<X12Error>,
    seg: &Segment<'_>,
    n: usize,
    stated: usize,
    actual: usize,
    what: &str,
) {
    if stated != actual {
        errors.push(seg.error(
            Some(n),
            Rule::Count,
            format!("states {stated} {what}, found {actual}"),
        ));
    }
}

fn control(
    errors: &mut Vec<X12Error>,
    trailer: &Segment<'_>,
    n: usize,
    header: &Segment<'_>,
    h: usize,
) {
    // Control numbers are numeric; compare as numbers so 0021 and 21 are the same, and as text
    // when either is not a number.
    let (a, b) = (trailer.element(n), header.element(h));
    let same = match (a.trim().parse::<u64>(), b.trim().parse::<u64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    if !same {
        errors.push(trailer.error(
            Some(n),
            Rule::ControlNumber,
            format!(
                "{a:?} differs from {}{h:02} {b:?} at segment {}",
                header.id(),
                header.ordinal
            ),
        ));
    }
}

/// Checks the envelopes of one interchange; every problem found is returned, in order.
pub fn check_envelope(segments: &Segments<'_>) -> Result<Interchange, Vec<X12Error>> {
    let list = &segments.list;
    let mut errors = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut isa: Option<&Segment<'_>> = None;
    let mut gs: Option<(usize, Vec<TransactionSet>)> = None;
    let mut st: Option<usize> = None;
    let mut closed = false;
    for (i, seg) in list.iter().enumerate() {
        let order = |detail: &str| seg.error(None, Rule::EnvelopeOrder, detail);
        if closed {
            errors.push(order("segment after IEA (one interchange per file)"));
            break;
        }
        match seg.id() {
            "ISA" if isa.is_none() && i == 0 => isa = Some(seg),
            "ISA" => errors.push(order("second ISA inside an interchange")),
            "GS" => {
                if st.is_some() || gs.is_some() {
                    errors.push(order("GS before the open group's GE"));
                }
                st = None;
                gs = Some((i, Vec::new()));
            }
            "ST" => match (&gs, st) {
                (None, _) => errors.push(order("ST outside a functional group")),
                (Some(_), Some(_)) => {
                    errors.push(order("ST before the open transaction set's SE"));
                    st = Some(i);
                }
                (Some(_), None) => st = Some(i),
            },
            "SE" => match (st.take(), gs.as_mut()) {
                (Some(s), Some((_, sets))) => {
                    if let Some(header) = list.get(s) {
                        control(&mut errors, seg, 2, header, 2);
                        match count(seg, 1) {
                            Ok(n) => compare(&mut errors, seg, 1, n, i + 1 - s, "segments"),
                            Err(e) => errors.push(e),
                        }
                    }
                    sets.push(TransactionSet { st: s, se: i });
                }
                _ => errors.push(order("SE without ST")),
            },
            "GE" => {
                if st.take().is_some() {
                    errors.push(order("GE before the open transaction set's SE"));
                }
                match gs.take() {
                    Some((g, sets)) => {
                        if let Some(header) = list.get(g) {
                            control(&mut errors, seg, 2, header, 6);
                        }
                        match count(seg, 1) {
                            Ok(n) => {
                                compare(&mut errors, seg, 1, n, sets.len(), "transaction sets")
                            }
                            Err(e) => errors.push(e),
                        }
                        groups.push(Group { gs: g, sets });
                    }
                    None => errors.push(order("GE without GS")),
                }
            }
            "IEA" => {
                if gs.is_some() {
                    errors.push(order("IEA before the open group's GE"));
                }
                if let Some(header) = isa {
                    control(&mut errors, seg, 2, header, 13);
                }
                match count(seg, 1) {
                    Ok(n) => compare(&mut errors, seg, 1, n, groups.len(), "functional groups"),
                    Err(e) => errors.push(e),
                }
                closed = true;
            }
            _ if st.is_none() => errors.push(order("segment outside a transaction set")),
            _ => {}
        }
    }
    if !closed {
        let (ordinal, id) = list.last().map_or((0, ""), |s| (s.ordinal, s.id()));
        let missing = if st.is_some() {
            "SE"
        } else if gs.is_some() {
            "GE"
        } else {
            "IEA"
        };
        errors.push(X12Error::at(
            ordinal,
            id,
            None,
            Rule::TrailerMissing,
            format!("the file ends without {missing}"),
        ));
    }
    if errors.is_empty() {
        Ok(Interchange { groups })
    } else {
        Err(errors)
    }
}
