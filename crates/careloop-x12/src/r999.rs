//! 999 Implementation Acknowledgment (ASC X12 005010X231A1): for each transaction set of a
//! received functional group, accepted or rejected, with the segment (IK3) and element (IK4)
//! errors that made it so.

use crate::error::{Rule, X12Error};
use crate::write::{InterchangeHeader, X12Writer, comp, text};

/// The implementation guide written (GS08 and ST03).
pub const VERSION: &str = "005010X231A1";

/// The acknowledgment of one received functional group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgment {
    pub header: InterchangeHeader,
    /// AK101: GS01 of the received group (`HC` for 837).
    pub functional_id: String,
    /// AK102: GS06 of the received group.
    pub group_control: u32,
    /// AK103: GS08 of the received group (`005010X222A1`).
    pub version: String,
    pub sets: Vec<SetAcknowledgment>,
}

/// AK2/IK5 for one transaction set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAcknowledgment {
    /// AK201 (`837`).
    pub set_id: String,
    /// AK202: ST02 of the received set.
    pub control: String,
    /// Segment errors; none means accepted.
    pub errors: Vec<SegmentError>,
}

/// IK3 with its IK4 element errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// IK301 segment id.
    pub segment_id: String,
    /// IK302: position counted from ST (ST is 1).
    pub position: usize,
    /// IK303 loop identifier (`2300`), if known.
    pub loop_id: Option<String>,
    /// IK304 syntax error code (e.g. `8` segment has data element errors, `3` required
    /// segment missing, `I4` implementation not used segment present).
    pub code: String,
    pub elements: Vec<ElementError>,
}

/// IK4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementError {
    /// IK401-1 element position.
    pub position: usize,
    /// IK401-2 component position, if the error is in a component.
    pub component: Option<usize>,
    /// IK402 data element reference number, if known.
    pub reference: Option<String>,
    /// IK403 error code (`1` mandatory missing, `7` invalid code value, `8` invalid date, …).
    pub code: String,
    /// IK404 copy of the bad value, if any.
    pub value: Option<String>,
}

/// Writes the 999. A set with errors is rejected (IK501 `R`, IK502 `5` one or more segments
/// in error); the group is accepted (AK901 `A`), partially accepted (`P`) or rejected (`R`).
pub fn write(ack: &Acknowledgment) -> Result<String, X12Error> {
    if ack.sets.is_empty() {
        return Err(X12Error::at(
            0,
            "",
            None,
            Rule::Input,
            "a 999 acknowledges at least one transaction set",
        ));
    }
    let mut w = X12Writer::new(&ack.header, "FA", VERSION)?;
    w.st("999", 1, Some(VERSION));
    let group = ack.group_control.to_string();
    w.seg(&[
        "AK1",
        text(&ack.functional_id, "AK101")?,
        &group,
        text(&ack.version, "AK103")?,
    ]);
    let mut accepted = 0;
    for s in &ack.sets {
        w.seg(&[
            "AK2",
            text(&s.set_id, "AK201")?,
            text(&s.control, "AK202")?,
            text(&ack.version, "AK203")?,
        ]);
        for e in &s.errors {
            let position = e.position.to_string();
            w.seg(&[
                "IK3",
                text(&e.segment_id, "IK301")?,
                &position,
                text(e.loop_id.as_deref().unwrap_or_default(), "IK303")?,
                text(&e.code, "IK304")?,
            ]);
            for el in &e.elements {
                let p = el.position.to_string();
                let c = el.component.map(|c| c.to_string()).unwrap_or_default();
                let at = comp(&[&p, &c], "IK401")?;
                w.seg(&[
                    "IK4",
                    &at,
                    text(el.reference.as_deref().unwrap_or_default(), "IK402")?,
                    text(&el.code, "IK403")?,
                    text(el.value.as_deref().unwrap_or_default(), "IK404")?,
                ]);
            }
        }
        if s.errors.is_empty() {
            accepted += 1;
            w.seg(&["IK5", "A"]);
        } else {
            w.seg(&["IK5", "R", "5"]);
        }
    }
    let n = ack.sets.len();
    let status = match accepted {
        0 => "R",
        a if a == n => "A",
        _ => "P",
    };
    let (n, a) = (n.to_string(), accepted.to_string());
    w.seg(&["AK9", status, &n, &n, &a]);
    w.se();
    Ok(w.finish())
}
