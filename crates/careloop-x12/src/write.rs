//! The writer every outbound transaction shares: ISA/GS/ST headers and the trailers with their
//! counts and control numbers computed, separators `*` `:` `^` `~`, one segment a line.

use crate::error::{Rule, X12Error};
use crate::types::Date;

/// Who sends an interchange to whom, when, and its control numbers (ISA/GS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeHeader {
    /// ISA05 (e.g. `ZZ` mutually defined, `30` federal TIN).
    pub sender_qualifier: String,
    /// ISA06, at most 15 characters.
    pub sender_id: String,
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// GS02 application sender code.
    pub application_sender: String,
    /// GS03 application receiver code.
    pub application_receiver: String,
    /// GS04 (and ISA09 as YYMMDD).
    pub date: Date,
    /// GS05/ISA10 as HHMM.
    pub time: String,
    /// ISA13, 1..=999_999_999.
    pub interchange_control: u32,
    /// GS06.
    pub group_control: u32,
    /// ISA15 `P` when true, `T` (test) otherwise.
    pub production: bool,
}

fn input(detail: impl Into<String>) -> X12Error {
    X12Error::at(0, "", None, Rule::Input, detail)
}

/// Builds one interchange with one functional group.
pub(crate) struct X12Writer {
    out: String,
    in_set: usize,
    sets: usize,
    st_control: String,
    header: InterchangeHeader,
}

const FORBIDDEN: [char; 4] = ['*', '~', '^', ':'];

/// Checks a free-text value before it goes into an element.
pub(crate) fn text<'a>(value: &'a str, what: &str) -> Result<&'a str, X12Error> {
    if value.contains(FORBIDDEN) || value.chars().any(|c| c.is_control()) {
        return Err(input(format!(
            "{what} {value:?} contains a delimiter (* : ^ ~) or a control character"
        )));
    }
    Ok(value)
}

/// Checks a time is HHMM with hour 00-23 and minute 00-59.
pub(crate) fn hhmm<'a>(value: &'a str, what: &str) -> Result<&'a str, X12Error> {
    let ok = value.len() == 4
        && value.bytes().all(|b| b.is_ascii_digit())
        && value.get(..2).is_some_and(|h| h < "24")
        && value.get(2..).is_some_and(|m| m < "60");
    if ok {
        Ok(value)
    } else {
        Err(input(format!("{what} {value:?} must be a time HHMM")))
    }
}

/// Joins checked components into a composite element.
pub(crate) fn comp(parts: &[&str], what: &str) -> Result<String, X12Error> {
    for p in parts {
        text(p, what)?;
    }
    let mut s = parts.join(":");
    while s.ends_with(':') {
        s.pop();
    }
    Ok(s)
}

impl X12Writer {
    /// ISA and GS for functional identifier `functional` (GS01) and version `version` (GS08).
    pub(crate) fn new(
        header: &InterchangeHeader,
        functional: &str,
        version: &str,
    ) -> Result<Self, X12Error> {
        let h = header;
        let fit = |v: &str, n: usize, what: &str| -> Result<String, X12Error> {
            text(v, what)?;
            if v.len() > n || v.is_empty() {
                return Err(input(format!("{what} {v:?} must be 1 to {n} characters")));
            }
            Ok(format!("{v:<n$}"))
        };
        if !(1..=999_999_999).contains(&h.interchange_control) || h.group_control == 0 {
            return Err(input("control numbers must be 1 to 999999999"));
        }
        hhmm(&h.time, "GS05")?;
        let mut out = String::new();
        out.push_str(&format!(
            "ISA*00*          *00*          *{}*{}*{}*{}*{}*{}*^*00501*{:09}*0*{}*:~\n",
            fit(&h.sender_qualifier, 2, "ISA05")?,
            fit(&h.sender_id, 15, "ISA06")?,
            fit(&h.receiver_qualifier, 2, "ISA07")?,
            fit(&h.receiver_id, 15, "ISA08")?,
            h.date.yymmdd(),
            h.time,
            h.interchange_control,
            if h.production { 'P' } else { 'T' },
        ));
        let mut w = X12Writer {
            out,
            in_set: 0,
            sets: 0,
            st_control: String::new(),
            header: header.clone(),
        };
        w.raw(&[
            "GS",
            functional,
            text(&h.application_sender, "GS02")?,
            text(&h.application_receiver, "GS03")?,
            &h.date.to_string(),
            &h.time,
            &h.group_control.to_string(),
            "X",
            version,
        ]);
        Ok(w)
    }

    fn raw(&mut self, elements: &[&str]) {
        let n = elements
            .iter()
            .rposition(|e| !e.is_empty())
            .map_or(0, |i| i + 1);
        self.out
            .push_str(&elements.get(..n).unwrap_or_default().join("*"));
        self.out.push_str("~\n");
        if self.in_set > 0 {
            self.in_set += 1;
        }
    }

    /// One segment inside a transaction set. Elements are written as given: callers check
    /// free text with [`text`] and build composites with [`comp`].
    pub(crate) fn seg(&mut self, elements: &[&str]) {
        self.raw(elements);
    }

    /// ST with control number `control` and implementation reference `version` (ST03; the
    /// 835 TR3 marks ST03 not used).
    pub(crate) fn st(&mut self, id: &str, control: u32, version: Option<&str>) {
        self.st_control = format!("{control:04}");
        let c = self.st_control.clone();
        self.in_set = 0;
        self.raw(&["ST", id, &c, version.unwrap_or_default()]);
        self.in_set = 1;
        self.sets += 1;
    }

    /// SE with the segment count ST..SE inclusive.
    pub(crate) fn se(&mut self) {
        let count = (self.in_set + 1).to_string();
        let c = self.st_control.clone();
        self.in_set = 0;
        self.raw(&["SE", &count, &c]);
    }

    /// GE and IEA; returns the interchange text.
    pub(crate) fn finish(mut self) -> String {
        let sets = self.sets.to_string();
        let group = self.header.group_control.to_string();
        self.raw(&["GE", &sets, &group]);
        let ctl = format!("{:09}", self.header.interchange_control);
        self.raw(&["IEA", "1", &ctl]);
        self.out
    }
}
