//! Claim lines → per-member derived data (IDENT-SPEC.md "Derivations").
//!
//! Each worker keeps a [`PersonAcc`] for every member it has seen relevant lines for: ED days,
//! stays, and the first (or latest) date of each diagnosis group with the claim id that shows
//! it. Accumulators merge order-independently (min/max, ties to the smaller claim id), so the
//! result does not depend on how the file was split across threads.

use crate::codes::{AvoidableList, Code, class, classify};
use crate::csv::{Header, LineRef, split_upto, trimmed_field, unquote};
use crate::day::{self, Day};
use crate::eligibility::Members;
use crate::{IdentifyError, PendingError};
use careloop_domain::eligibility::AvoidableEdReading;
use std::path::Path;

/// The first (or latest) sighting of a diagnosis group: day, claim id and the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub day: Day,
    pub claim: Box<str>,
    pub code: Code,
}

impl Seen {
    fn new(day: Day, claim: &[u8], code: Code) -> Seen {
        Seen {
            day,
            claim: unquote(claim).into_boxed_str(),
            code,
        }
    }

    fn key(&self) -> (&[u8], Code) {
        (self.claim.as_bytes(), self.code)
    }

    /// Keep the earlier sighting (ties: smaller claim id, then code). Allocates only when the
    /// new sighting wins.
    fn offer_first(slot: &mut Option<Seen>, day: Day, claim: &[u8], code: Code) {
        let wins = match slot {
            None => true,
            Some(s) => (day, (claim, code)) < (s.day, s.key()),
        };
        if wins {
            *slot = Some(Seen::new(day, claim, code));
        }
    }

    /// Keep the later sighting (ties: smaller claim id, then code).
    fn offer_latest(slot: &mut Option<Seen>, day: Day, claim: &[u8], code: Code) {
        let wins = match slot {
            None => true,
            Some(s) => day > s.day || (day == s.day && (claim, code) < s.key()),
        };
        if wins {
            *slot = Some(Seen::new(day, claim, code));
        }
    }
}

/// What the primary diagnoses of some ED lines say about the avoidable list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DxTally {
    /// Some line has a listed primary diagnosis.
    pub listed: bool,
    /// Some line has a primary diagnosis not on the list.
    pub non_listed: bool,
    /// Some line has no primary diagnosis.
    pub missing: bool,
}

impl DxTally {
    fn add(&mut self, other: DxTally) {
        self.listed |= other.listed;
        self.non_listed |= other.non_listed;
        self.missing |= other.missing;
    }

    fn any(&self) -> bool {
        self.listed || self.non_listed || self.missing
    }

    /// Every line listed: true; any unlisted: false; else (some without a diagnosis) unknown.
    fn every_line(&self) -> Option<bool> {
        match (self.non_listed, self.missing) {
            (true, _) => Some(false),
            (false, true) => None,
            (false, false) => Some(true),
        }
    }

    /// Any line listed: true; else, with no line lacking a diagnosis, some unlisted: false;
    /// else unknown.
    fn any_claim(&self) -> Option<bool> {
        match (self.listed, self.missing, self.non_listed) {
            (true, _, _) => Some(true),
            (false, false, true) => Some(false),
            _ => None,
        }
    }
}

/// One ED visit day (visits are counted per person per day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdDay {
    pub day: Day,
    /// The primary diagnoses of every ED line that day.
    pub lines: DxTally,
    /// The primary diagnoses of the facility (institutional) ED lines that day.
    pub facility: DxTally,
    /// Some ED line that day has an F10–F19 diagnosis.
    pub sud: bool,
    /// Smallest ED claim id that day (the event id).
    pub claim: Box<str>,
}

impl EdDay {
    /// Avoidable under the plan's `reading` (see [`AvoidableEdReading`]): `None` is unknown.
    pub fn avoidable(&self, reading: AvoidableEdReading) -> Option<bool> {
        match reading {
            AvoidableEdReading::EveryEdLine => self.lines.every_line(),
            AvoidableEdReading::AnyEdClaim => self.lines.any_claim(),
            AvoidableEdReading::FacilityClaim if self.facility.any() => self.facility.every_line(),
            AvoidableEdReading::FacilityClaim => self.lines.every_line(),
        }
    }
}

/// Inpatient (bill type 11x) or SNF (21x) stay, keyed by admission day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StayKind {
    Inpatient,
    Snf,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stay {
    pub kind: StayKind,
    /// admission_date, else claim_start_date.
    pub day: Day,
    /// Some line had admit type 1, 2 or 5.
    pub unplanned_yes: bool,
    /// Some line had admit type 3 (elective).
    pub unplanned_no: bool,
    /// Latest discharge_date (else claim_end_date) over the stay's lines.
    pub end: Option<Day>,
    pub sud: bool,
    pub claim: Box<str>,
}

impl Stay {
    /// Unplanned: any emergency/urgent/trauma admit type → true; else elective → false; else
    /// unknown.
    pub fn unplanned(&self) -> Option<bool> {
        match (self.unplanned_yes, self.unplanned_no) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }

    /// Short-term SNF stay: discharge − admission ≤ `max_days`; unknown without an end date.
    pub fn short_term(&self, max_days: i32) -> Option<bool> {
        self.end.map(|e| e - self.day <= max_days)
    }
}

/// Everything derived for one member from claim lines in the look-back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonAcc {
    pub ed: Vec<EdDay>,
    pub stays: Vec<Stay>,
    /// First sighting in the 12-month look-back of each group in [`class::CONDITIONS`].
    pub conditions: [Option<Seen>; 6],
    /// Latest homelessness code (and its condition rank, higher wins on the same day).
    pub homeless: Option<(Seen, u8)>,
    /// Latest delivery (Z37, O80).
    pub delivery: Option<Seen>,
    /// Every pregnancy-code day in the pregnancy look-back (one per day, smallest claim id).
    pub pregnancy: Vec<Seen>,
}

impl PersonAcc {
    fn ed_day(&mut self, day: Day, claim: &[u8]) -> &mut EdDay {
        // In bounds: `i` is a position just found in `self.ed`.
        #[allow(clippy::indexing_slicing)]
        let e = match self.ed.iter().position(|e| e.day == day) {
            Some(i) => &mut self.ed[i],
            None => self.ed.push_mut(EdDay {
                day,
                lines: DxTally::default(),
                facility: DxTally::default(),
                sud: false,
                claim: unquote(claim).into_boxed_str(),
            }),
        };
        if claim < e.claim.as_bytes() {
            e.claim = unquote(claim).into_boxed_str();
        }
        e
    }

    fn stay(&mut self, kind: StayKind, day: Day, claim: &[u8]) -> &mut Stay {
        // In bounds: `i` is a position just found in `self.stays`.
        #[allow(clippy::indexing_slicing)]
        let s = match self
            .stays
            .iter()
            .position(|s| s.kind == kind && s.day == day)
        {
            Some(i) => &mut self.stays[i],
            None => self.stays.push_mut(Stay {
                kind,
                day,
                unplanned_yes: false,
                unplanned_no: false,
                end: None,
                sud: false,
                claim: unquote(claim).into_boxed_str(),
            }),
        };
        if claim < s.claim.as_bytes() {
            s.claim = unquote(claim).into_boxed_str();
        }
        s
    }

    /// Fold another worker's accumulator for the same member into this one.
    pub fn merge(&mut self, other: &PersonAcc) {
        for e in &other.ed {
            let d = self.ed_day(e.day, e.claim.as_bytes());
            d.lines.add(e.lines);
            d.facility.add(e.facility);
            d.sud |= e.sud;
        }
        for s in &other.stays {
            let d = self.stay(s.kind, s.day, s.claim.as_bytes());
            d.unplanned_yes |= s.unplanned_yes;
            d.unplanned_no |= s.unplanned_no;
            d.end = d.end.max(s.end);
            d.sud |= s.sud;
        }
        for (mine, theirs) in self.conditions.iter_mut().zip(&other.conditions) {
            if let Some(t) = theirs {
                Seen::offer_first(mine, t.day, t.claim.as_bytes(), t.code);
            }
        }
        if let Some((s, rank)) = &other.homeless {
            self.add_homeless(s.day, s.claim.as_bytes(), s.code, *rank);
        }
        if let Some(d) = &other.delivery {
            Seen::offer_latest(&mut self.delivery, d.day, d.claim.as_bytes(), d.code);
        }
        for p in &other.pregnancy {
            self.add_pregnancy(p.day, p.claim.as_bytes(), p.code);
        }
    }

    /// Latest homelessness code; on the same day the more specific condition (higher rank)
    /// wins, then the smaller claim id.
    fn add_homeless(&mut self, day: Day, claim: &[u8], code: Code, rank: u8) {
        let wins = match &self.homeless {
            None => true,
            Some((s, r)) => {
                (day, rank) > (s.day, *r) || ((day, rank) == (s.day, *r) && (claim, code) < s.key())
            }
        };
        if wins {
            self.homeless = Some((Seen::new(day, claim, code), rank));
        }
    }

    fn add_pregnancy(&mut self, day: Day, claim: &[u8], code: Code) {
        match self.pregnancy.iter_mut().find(|p| p.day == day) {
            Some(p) if (claim, code) < p.key() => *p = Seen::new(day, claim, code),
            Some(_) => {}
            None => self.pregnancy.push(Seen::new(day, claim, code)),
        }
    }
}

/// Column positions of the medical_claim file.
pub struct ClaimCols {
    n: usize,
    claim_id: usize,
    claim_type: usize,
    person: usize,
    claim_start: usize,
    claim_end: usize,
    line_start: usize,
    admission: usize,
    discharge: usize,
    admit_type: usize,
    pos: usize,
    bill_type: usize,
    revenue: usize,
    hcpcs: usize,
    dx_type: usize,
    dx: Vec<usize>,
    /// The largest column index used (later columns are only counted).
    need: usize,
}

impl ClaimCols {
    /// Find the columns by name; `diagnosis_code_1` is required, 2…25 are used when present.
    pub fn new(h: &Header, path: &Path) -> Result<Self, IdentifyError> {
        let mut dx = vec![h.require(path, "diagnosis_code_1")?];
        dx.extend((2..=25).filter_map(|i| h.find(&format!("diagnosis_code_{i}"))));
        let mut c = ClaimCols {
            n: h.len(),
            claim_id: h.require(path, "claim_id")?,
            claim_type: h.require(path, "claim_type")?,
            person: h.require(path, "person_id")?,
            claim_start: h.require(path, "claim_start_date")?,
            claim_end: h.require(path, "claim_end_date")?,
            line_start: h.require(path, "claim_line_start_date")?,
            admission: h.require(path, "admission_date")?,
            discharge: h.require(path, "discharge_date")?,
            admit_type: h.require(path, "admit_type_code")?,
            pos: h.require(path, "place_of_service_code")?,
            bill_type: h.require(path, "bill_type_code")?,
            revenue: h.require(path, "revenue_center_code")?,
            hcpcs: h.require(path, "hcpcs_code")?,
            dx_type: h.require(path, "diagnosis_code_type")?,
            dx,
            need: 0,
        };
        c.need = [
            c.claim_id,
            c.claim_type,
            c.person,
            c.claim_start,
            c.claim_end,
            c.line_start,
            c.admission,
            c.discharge,
            c.admit_type,
            c.pos,
            c.bill_type,
            c.revenue,
            c.hcpcs,
            c.dx_type,
        ]
        .into_iter()
        .chain(c.dx.iter().copied())
        .max()
        .unwrap_or(0);
        Ok(c)
    }
}

/// What the claims pass needs to know.
pub struct ClaimsCtx<'a> {
    pub members: &'a Members,
    pub avoidable: &'a AvoidableList,
    pub as_of: Day,
    /// First day of the 12-month look-back.
    pub lookback_from: Day,
    /// First day of the pregnancy look-back (10 months).
    pub pregnancy_from: Day,
}

/// Line counts for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClaimStats {
    pub lines: u64,
    pub valid: u64,
    pub after_as_of: u64,
    pub before_lookback: u64,
    pub outside_enrollment: u64,
    pub ed_lines: u64,
    pub inpatient_lines: u64,
    pub snf_lines: u64,
    pub min_day: Option<Day>,
    pub max_day: Option<Day>,
}

impl ClaimStats {
    pub fn add(&mut self, o: &ClaimStats) {
        self.lines += o.lines;
        self.valid += o.valid;
        self.after_as_of += o.after_as_of;
        self.before_lookback += o.before_lookback;
        self.outside_enrollment += o.outside_enrollment;
        self.ed_lines += o.ed_lines;
        self.inpatient_lines += o.inpatient_lines;
        self.snf_lines += o.snf_lines;
        self.min_day = min_opt(self.min_day, o.min_day);
        self.max_day = self.max_day.max(o.max_day);
    }
}

fn min_opt(a: Option<Day>, b: Option<Day>) -> Option<Day> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// One worker's state.
pub struct ClaimsWorker {
    /// Member index → position in `accs` (`u32::MAX`: none yet).
    slot: Vec<u32>,
    pub accs: Vec<(u32, PersonAcc)>,
    pub(crate) errors: Vec<PendingError>,
    pub stats: ClaimStats,
    fields: Vec<(usize, usize)>,
    codes: Vec<(Code, u16, u8)>,
}

impl ClaimsWorker {
    pub fn new(members: usize) -> Self {
        ClaimsWorker {
            slot: vec![u32::MAX; members],
            accs: Vec::new(),
            errors: Vec::new(),
            stats: ClaimStats::default(),
            fields: Vec::with_capacity(160),
            codes: Vec::with_capacity(25),
        }
    }

    /// This worker's accumulator for a member, if it saw one.
    pub fn get(&self, p: u32) -> Option<&PersonAcc> {
        let s = *self.slot.get(p as usize)?;
        self.accs.get(s as usize).map(|(_, a)| a)
    }

    fn acc(&mut self, p: u32) -> &mut PersonAcc {
        let i = p as usize;
        if self.slot.len() <= i {
            self.slot.resize(i + 1, u32::MAX);
        }
        match self.slot.get(i).copied() {
            // In bounds: a slot other than u32::MAX is only ever set (below) to the index of the
            // entry pushed onto `accs`, and `accs` never shrinks.
            #[allow(clippy::indexing_slicing)]
            Some(s) if s != u32::MAX => &mut self.accs[s as usize].1,
            _ => {
                let s = self.accs.len() as u32;
                if let Some(slot) = self.slot.get_mut(i) {
                    *slot = s;
                }
                &mut self.accs.push_mut((p, PersonAcc::default())).1
            }
        }
    }

    /// Parse and derive one claim line; a bad line becomes an error row.
    pub fn line(&mut self, ctx: &ClaimsCtx<'_>, c: &ClaimCols, line: &[u8], at: LineRef) {
        self.stats.lines += 1;
        let mut fields = std::mem::take(&mut self.fields);
        let mut codes = std::mem::take(&mut self.codes);
        if let Err(e) = self.derive(ctx, c, line, at, &mut fields, &mut codes) {
            self.errors.push(e);
        }
        self.fields = fields;
        self.codes = codes;
    }

    fn derive(
        &mut self,
        ctx: &ClaimsCtx<'_>,
        c: &ClaimCols,
        line: &[u8],
        at: LineRef,
        fields: &mut Vec<(usize, usize)>,
        codes: &mut Vec<(Code, u16, u8)>,
    ) -> Result<(), PendingError> {
        if line.is_empty() {
            return Err(PendingError::new(
                at,
                None,
                "empty line",
                "empty line".into(),
            ));
        }
        let total = split_upto(line, c.need, fields)
            .map_err(|e| PendingError::new(at, None, "malformed CSV", e.reason().into()))?;
        if total != c.n {
            return Err(PendingError::new(
                at,
                None,
                "wrong column count",
                format!("wrong column count: {} fields, header has {}", total, c.n),
            ));
        }
        let f = |i: usize| trimmed_field(line, fields, i);
        let person = f(c.person);
        let err =
            |kind: &'static str, reason: String| PendingError::new(at, Some(person), kind, reason);
        if person.is_empty() {
            return Err(err("missing person_id", "missing person_id".into()));
        }
        let Some(p) = ctx.members.lookup(person) else {
            return Err(err(
                "person_id not in eligibility",
                "person_id not in the eligibility file".into(),
            ));
        };
        let claim = f(c.claim_id);
        if claim.is_empty() {
            return Err(err("missing claim_id", "missing claim_id".into()));
        }
        let date = |col: usize, name: &str| -> Result<Option<Day>, PendingError> {
            let v = f(col);
            if v.is_empty() {
                return Ok(None);
            }
            day::parse(v).map(Some).ok_or_else(|| {
                err(
                    "unparseable date",
                    format!("unparseable date in {name}: '{}'", unquote(v)),
                )
            })
        };
        let claim_start = date(c.claim_start, "claim_start_date")?;
        let claim_end = date(c.claim_end, "claim_end_date")?;
        let line_start = date(c.line_start, "claim_line_start_date")?;
        let admission = date(c.admission, "admission_date")?;
        let discharge = date(c.discharge, "discharge_date")?;
        let Some(service) = line_start.or(claim_start) else {
            return Err(err(
                "no service date",
                "no service date (claim_line_start_date and claim_start_date are empty)".into(),
            ));
        };
        if let (Some(s), Some(e)) = (claim_start, claim_end)
            && e < s
        {
            return Err(err(
                "end before start",
                "claim_end_date before claim_start_date".into(),
            ));
        }
        if let (Some(s), Some(e)) = (admission, discharge)
            && e < s
        {
            return Err(err(
                "end before start",
                "discharge_date before admission_date".into(),
            ));
        }
        // Diagnoses: ICD-10-CM only; the type may be empty only when there are none.
        codes.clear();
        let mut primary_missing = false;
        for (n, &col) in c.dx.iter().enumerate() {
            let raw = f(col);
            if raw.is_empty() {
                if n == 0 {
                    primary_missing = true;
                }
                continue;
            }
            let Some(code) = Code::parse(raw) else {
                return Err(err(
                    "invalid diagnosis code",
                    format!(
                        "invalid ICD-10-CM code '{}' in diagnosis_code_{}",
                        unquote(raw),
                        n + 1
                    ),
                ));
            };
            let (bits, rank) = classify(&code);
            codes.push((code, if n == 0 { bits | PRIMARY } else { bits }, rank));
        }
        let dx_type = f(c.dx_type);
        let known =
            dx_type.eq_ignore_ascii_case(b"icd-10-cm") || (dx_type.is_empty() && codes.is_empty());
        if !known {
            return Err(if dx_type.is_empty() {
                err(
                    "unknown code system",
                    "diagnosis codes without diagnosis_code_type".into(),
                )
            } else {
                err(
                    "unknown code system",
                    format!(
                        "unknown code system '{}' in diagnosis_code_type (expected icd-10-cm)",
                        unquote(dx_type)
                    ),
                )
            });
        }
        // The line is valid.
        self.stats.valid += 1;
        self.stats.min_day = min_opt(self.stats.min_day, Some(service));
        self.stats.max_day = self.stats.max_day.max(Some(service));
        if service > ctx.as_of {
            self.stats.after_as_of += 1;
            return Ok(());
        }
        if service < ctx.lookback_from {
            self.stats.before_lookback += 1;
            return Ok(());
        }
        if !ctx.members.enrolled_on(p, service) {
            self.stats.outside_enrollment += 1;
        }
        let is_ed = is_ed_line(f(c.revenue), f(c.pos), f(c.hcpcs));
        let institutional = f(c.claim_type).eq_ignore_ascii_case(b"institutional");
        let stay_kind = if institutional {
            bill_type_stay(f(c.bill_type))
        } else {
            None
        };
        let any_bits = codes.iter().fold(0u16, |a, (_, b, _)| a | b) & !PRIMARY;
        if !is_ed && stay_kind.is_none() && any_bits == 0 {
            return Ok(());
        }
        let sud = any_bits & class::SUD != 0;
        if is_ed {
            self.stats.ed_lines += 1;
        }
        match stay_kind {
            Some(StayKind::Inpatient) => self.stats.inpatient_lines += 1,
            Some(StayKind::Snf) => self.stats.snf_lines += 1,
            None => {}
        }
        let acc = self.acc(p);
        if is_ed {
            let primary = codes.first().filter(|(_, b, _)| b & PRIMARY != 0);
            let line = match primary {
                _ if primary_missing => DxTally {
                    missing: true,
                    ..DxTally::default()
                },
                Some((code, _, _)) if !ctx.avoidable.contains(code) => DxTally {
                    non_listed: true,
                    ..DxTally::default()
                },
                Some(_) => DxTally {
                    listed: true,
                    ..DxTally::default()
                },
                // No diagnosis columns at all: nothing is known of this line.
                None => DxTally::default(),
            };
            let d = acc.ed_day(service, claim);
            d.lines.add(line);
            if institutional {
                d.facility.add(line);
            }
            d.sud |= sud;
        }
        if let Some(kind) = stay_kind {
            let key = admission.or(claim_start).unwrap_or(service);
            let s = acc.stay(kind, key, claim);
            match f(c.admit_type) {
                b"1" | b"2" | b"5" => s.unplanned_yes = true,
                b"3" => s.unplanned_no = true,
                _ => {}
            }
            s.end = s.end.max(discharge.or(claim_end));
            s.sud |= sud;
        }
        if any_bits != 0 {
            for &(code, bits, rank) in codes.iter() {
                for (first, group) in acc.conditions.iter_mut().zip(class::CONDITIONS.iter()) {
                    if bits & group != 0 {
                        Seen::offer_first(first, service, claim, code);
                    }
                }
                if bits & class::HOMELESS != 0 {
                    acc.add_homeless(service, claim, code, rank);
                }
                if bits & class::DELIVERY != 0 {
                    Seen::offer_latest(&mut acc.delivery, service, claim, code);
                }
                if bits & class::PREGNANCY != 0 && service >= ctx.pregnancy_from {
                    acc.add_pregnancy(service, claim, code);
                }
            }
        }
        Ok(())
    }
}

/// Marks the primary diagnosis in a line's code list.
const PRIMARY: u16 = 1 << 15;

/// ED line: revenue center 0450–0459 or 0981 (3-digit forms accepted), place of service 23,
/// or HCPCS/CPT 99281–99285.
pub fn is_ed_line(revenue: &[u8], pos: &[u8], hcpcs: &[u8]) -> bool {
    let rev = match revenue {
        [a, b, c] => [b'0', *a, *b, *c],
        [a, b, c, d] => [*a, *b, *c, *d],
        _ => [0; 4],
    };
    let ed_rev = matches!(
        rev,
        [b'0', b'4', b'5', b'0'..=b'9'] | [b'0', b'9', b'8', b'1']
    );
    ed_rev || pos == b"23" || matches!(hcpcs, [b'9', b'9', b'2', b'8', b'1'..=b'5'])
}

/// Bill type 11x → inpatient, 21x → SNF (a leading 0 of a 4-digit code is dropped).
pub fn bill_type_stay(bill: &[u8]) -> Option<StayKind> {
    let bill = match bill {
        [b'0', rest @ ..] if bill.len() == 4 => rest,
        _ => bill,
    };
    match bill {
        [b'1', b'1', ..] => Some(StayKind::Inpatient),
        [b'2', b'1', ..] => Some(StayKind::Snf),
        _ => None,
    }
}
