//! member_indicators rows (notes/IDENT-SPEC.md): facts claims cannot show — releases from
//! incarceration, child welfare, CCS, SMHS/DMC, HMIS homelessness, LTC and nursing facility
//! assessments, disparity group — at rates that make every indicator-driven POF occur.

use crate::csv::Defect;
use crate::date::{self, Day};
use crate::member::Member;
use crate::rng::Rng;

struct Row {
    kind: String,
    start: Day,
    end: Option<Day>,
    source: &'static str,
    absent: bool,
}

fn row(kind: &str, start: Day, end: Option<Day>, source: &'static str) -> Row {
    Row {
        kind: kind.to_string(),
        start,
        end,
        source,
        absent: false,
    }
}

/// Append the member's indicator rows; `defect` adds one bad row (BadDate: unparseable start;
/// MissingPerson: empty person_id; UnknownCodeSystem: an unknown indicator code). Returns rows.
pub fn write_indicators(
    rng: &mut Rng,
    m: &Member,
    as_of: Day,
    defect: Option<Defect>,
    out: &mut Vec<u8>,
) -> u64 {
    let mut rows: Vec<Row> = Vec::new();
    let days_ago = |rng: &mut Rng, lo: i64, hi: i64| as_of - rng.range(lo, hi) as i32;
    // Justice-involved (POF 4): releases from 15 months ago to 120 days ahead.
    let youth = (14..21).contains(&m.age);
    if (m.age >= 21 && rng.chance(0.02)) || (youth && rng.chance(0.004)) {
        let facility = if youth && rng.chance(0.8) {
            ":youth-correctional-facility"
        } else {
            *rng.pick(&[":prison", ":jail", ":jail", ""])
        };
        let start = as_of + rng.range(-456, 120) as i32;
        rows.push(row(
            &format!("release-from-incarceration{facility}"),
            start,
            None,
            "cdcr-release-list",
        ));
    }
    // Child welfare (POF 8).
    if m.age < 18 && rng.chance(0.012) {
        let start = days_ago(rng, 200, 2000);
        let end = match rng.below(3) {
            0 => None,
            1 => Some(days_ago(rng, 1, 300).max(start)),
            _ => Some(days_ago(rng, 400, 800).max(start + 30)),
        };
        rows.push(row("foster-care", start, end, "cws-cms"));
    }
    if let Some(birth) = m
        .birth
        .filter(|_| (18..26).contains(&m.age) && rng.chance(0.015))
    {
        let eighteen = date::years_back(birth, -18);
        let end = if rng.chance(0.8) {
            eighteen + rng.range(0, 900) as i32
        } else {
            eighteen - 1
        };
        rows.push(row(
            "foster-care",
            eighteen - rng.range(300, 3000) as i32,
            Some(end.min(as_of)),
            "cws-cms",
        ));
    }
    if m.age < 20 && rng.chance(0.004) {
        rows.push(row(
            "adoption-assistance",
            days_ago(rng, 300, 4000),
            None,
            "cws-cms",
        ));
    }
    if m.age < 19 && rng.chance(0.005) {
        let end = if rng.chance(0.5) {
            None
        } else {
            Some(days_ago(rng, 1, 700))
        };
        rows.push(row(
            "family-maintenance",
            days_ago(rng, 700, 1500),
            end,
            "cws-cms",
        ));
    }
    // CCS (POF 7) and complex social risk (POF 3, 7).
    let ccs = m.child() && rng.chance(0.04);
    if ccs {
        let kind = if rng.chance(0.25) { "ccs-wcm" } else { "ccs" };
        rows.push(row(kind, days_ago(rng, 100, 3000), None, "ccs-enrollment"));
    }
    let smhs = rng.chance(if m.smi { 0.5 } else { 0.03 });
    if smhs {
        rows.push(row(
            "smhs-criteria-met",
            days_ago(rng, 30, 700),
            None,
            "county-mhp",
        ));
    }
    let dmc = m.sud && rng.chance(0.4);
    if dmc {
        rows.push(row(
            "dmc-criteria-met",
            days_ago(rng, 30, 700),
            None,
            "county-dmc",
        ));
    }
    if rng.chance(if ccs || smhs || dmc { 0.45 } else { 0.04 }) {
        rows.push(row(
            "complex-social-risk-factor",
            days_ago(rng, 10, 500),
            None,
            "hra",
        ));
    }
    if (smhs || dmc) && m.age >= 21 {
        if rng.chance(0.2) {
            rows.push(row(
                "high-risk-overdose-suicide-institutionalization",
                days_ago(rng, 5, 300),
                None,
                "hra",
            ));
        }
        if rng.chance(0.1) {
            rows.push(row(
                "reliance-on-crisis-services",
                days_ago(rng, 5, 300),
                None,
                "hra",
            ));
        }
    }
    // Homelessness from HMIS/CES (POF 1a, 1b) and the facts around it.
    if rng.chance(0.015) {
        let cond = *rng.pick(&[
            "",
            ":place-not-meant-for-habitation",
            ":shelter-or-temporary-housing",
            ":lacks-fixed-residence",
            ":fleeing-violence",
        ]);
        let start = days_ago(rng, 10, 700);
        let end = if rng.chance(0.7) {
            None
        } else {
            Some(days_ago(rng, 1, 200).max(start))
        };
        rows.push(row(&format!("homelessness{cond}"), start, end, "hmis"));
        if m.age >= 21 && rng.chance(0.6) {
            rows.push(row("complex-need", days_ago(rng, 5, 400), None, "hra"));
        }
        match rng.below(4) {
            0 => rows.push(row(
                "living-with-dependent-children",
                days_ago(rng, 5, 400),
                None,
                "hmis",
            )),
            1 | 2 => rows.push(Row {
                absent: true,
                ..row(
                    "living-with-dependent-children",
                    days_ago(rng, 1, 100),
                    None,
                    "hmis",
                )
            }),
            _ => {}
        }
    }
    if rng.chance(0.004) {
        rows.push(row("couch-surfing", days_ago(rng, 5, 200), None, "hra"));
    }
    if rng.chance(0.004) {
        let start = days_ago(rng, 5, 200);
        rows.push(row(
            "temporary-lodging",
            start,
            Some(days_ago(rng, -30, 60).max(start)),
            "hra",
        ));
    }
    // Birth equity (POF 9).
    let disparity = matches!(
        m.race,
        "black or african american"
            | "american indian or alaska native"
            | "native hawaiian or other pacific islander"
    );
    if (m.pregnant && (disparity || rng.chance(0.2))) || rng.chance(0.01) {
        rows.push(row(
            "racial-ethnic-disparity-group",
            days_ago(rng, 30, 1000),
            None,
            "hra",
        ));
    }
    // LTC risk (POF 5) and nursing facility transition (POF 6), adults 65+ mostly.
    if m.age >= 50 && rng.chance(if m.age >= 65 { 0.03 } else { 0.005 }) {
        let need = if rng.chance(0.7) {
            "ltc-qualifying-factors"
        } else {
            "lower-acuity-skilled-nursing-need"
        };
        rows.push(row(need, days_ago(rng, 10, 300), None, "hra"));
        let factor = if rng.chance(0.6) {
            "adl-iadl-needs"
        } else {
            "complex-social-environmental-factor"
        };
        rows.push(row(factor, days_ago(rng, 10, 300), None, "hra"));
        if rng.chance(0.8) {
            let absent = rng.chance(0.15);
            rows.push(Row {
                absent,
                ..row(
                    "able-to-live-in-community",
                    days_ago(rng, 10, 300),
                    None,
                    "hra",
                )
            });
        }
    }
    if m.age >= 55 && rng.chance(if m.age >= 65 { 0.015 } else { 0.003 }) {
        let admitted = days_ago(rng, 20, 500);
        rows.push(row("nursing-facility-stay", admitted, None, "mds"));
        if rng.chance(0.6) {
            rows.push(row(
                "interest-in-leaving-nf",
                days_ago(rng, 5, 20),
                None,
                "mds-section-q",
            ));
        }
        match rng.below(10) {
            0..=2 => rows.push(row(
                "likely-candidate",
                days_ago(rng, 1, 20),
                None,
                "ecm-assessment",
            )),
            3 => rows.push(Row {
                absent: true,
                ..row(
                    "likely-candidate",
                    days_ago(rng, 1, 20),
                    None,
                    "ecm-assessment",
                )
            }),
            _ => {
                for kind in [
                    "decision-making-capacity",
                    "caregiver-or-ihss-support",
                    "adl-iadl-manageable-in-community",
                ] {
                    if rng.chance(0.7) {
                        rows.push(row(kind, days_ago(rng, 1, 20), None, "ecm-assessment"));
                    }
                }
            }
        }
        if rng.chance(0.6) {
            rows.push(row(
                "able-to-live-in-community",
                days_ago(rng, 1, 20),
                None,
                "ecm-assessment",
            ));
        }
    }
    // Exclusion programs, recorded as checked.
    if m.age >= 65 && rng.chance(0.01) {
        rows.push(row(
            "hospice",
            days_ago(rng, 5, 120),
            None,
            "hospice-election",
        ));
    }
    let mut n = 0;
    for r in &rows {
        write_row(
            out,
            &m.id,
            &r.kind,
            &DateText::Day(r.start),
            r.end,
            r.source,
            r.absent,
        );
        n += 1;
    }
    if let Some(d) = defect {
        match d {
            Defect::BadDate => write_row(
                out,
                &m.id,
                "complex-need",
                &DateText::Bad("2026-02-30"),
                None,
                "hra",
                false,
            ),
            Defect::MissingPerson => write_row(
                out,
                "",
                "complex-need",
                &DateText::Day(as_of - 10),
                None,
                "hra",
                false,
            ),
            Defect::UnknownCodeSystem => write_row(
                out,
                &m.id,
                "frequent-flyer",
                &DateText::Day(as_of - 10),
                None,
                "hra",
                false,
            ),
        }
        n += 1;
    }
    n
}

enum DateText {
    Day(Day),
    Bad(&'static str),
}

fn write_row(
    out: &mut Vec<u8>,
    person: &str,
    kind: &str,
    start: &DateText,
    end: Option<Day>,
    source: &str,
    absent: bool,
) {
    out.extend_from_slice(person.as_bytes());
    out.push(b',');
    out.extend_from_slice(kind.as_bytes());
    out.push(b',');
    match start {
        DateText::Day(d) => date::push(out, *d),
        DateText::Bad(s) => out.extend_from_slice(s.as_bytes()),
    }
    out.push(b',');
    if let Some(e) = end {
        date::push(out, e);
    }
    out.push(b',');
    out.extend_from_slice(source.as_bytes());
    out.extend_from_slice(if absent { b",absent," } else { b",present," });
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the deliberately bad rows are bad: an indicator span never ends before it starts.
    /// (A child's foster-care span once did, 10 times in 1,000,000 members; forcing every member
    /// to age 10 makes that branch common enough that this test found it in 300,000 members.)
    #[test]
    fn indicator_spans_never_end_before_they_start() {
        let as_of = date::from_civil(2026, 11, 22);
        let (mut out, mut checked) = (Vec::new(), 0);
        for index in 0..300_000 {
            let mut rng = Rng::derive(11, index);
            let mut m = crate::member::generate(&mut rng, index, as_of);
            m.age = 10;
            out.clear();
            write_indicators(&mut rng, &m, as_of, None, &mut out);
            for line in String::from_utf8_lossy(&out).lines() {
                let fields: Vec<&str> = line.split(',').collect();
                if let (Some(start), Some(end)) = (fields.get(2), fields.get(3))
                    && !end.is_empty()
                {
                    checked += 1;
                    assert!(end >= start, "{line}");
                }
            }
        }
        assert!(checked > 1_000, "only {checked} rows with an end date");
    }
}
