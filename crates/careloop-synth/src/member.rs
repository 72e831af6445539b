//! One synthetic member: demographics, enrollment spans, conditions and the flags that drive
//! claims and indicators. Shares are rough Medi-Cal figures (about 35% under 21, about 12%
//! 65+), chosen so every Population of Focus occurs at a plausible rate; see README.md.

use crate::codes::{self, COUNTIES, RACE};
use crate::date::{self, Day};
use crate::rng::Rng;

/// Line of business written to the `line_of_business` extension column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lob {
    MediCal,
    DSnp,
}

/// An enrollment span (end inclusive; `None` = open).
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub start: Day,
    pub end: Option<Day>,
}

/// A member and everything the generator decided about them.
pub struct Member {
    pub id: String,
    pub gender: &'static str,
    pub birth: Option<Day>,
    pub age: i32,
    pub county: &'static str,
    pub plan: &'static str,
    pub lob: Lob,
    pub dual: bool,
    pub race: &'static str,
    pub hispanic: bool,
    pub spans: Vec<Span>,
    /// Chronic/qualifying diagnosis codes that appear on this member's visits.
    pub conditions: Vec<&'static str>,
    pub ed_heavy: bool,
    pub ed_some: bool,
    pub stay_heavy: bool,
    pub snf: bool,
    pub homeless_dx: bool,
    pub housing_distractor: bool,
    pub pregnant: bool,
    pub sud: bool,
    pub smi: bool,
}

impl Member {
    pub fn child(&self) -> bool {
        self.age < 21
    }
}

/// Draw a member. `index` is the global member number (0-based).
pub fn generate(rng: &mut Rng, index: u64, as_of: Day) -> Member {
    let id = format!("S{:08}", index + 1);
    let gender = match rng.below(1000) {
        0..=529 => "female",
        530..=998 => "male",
        _ => "unknown",
    };
    // Age on as_of: 35% under 21, about 12% 65 and older.
    let age = match rng.below(100) {
        0..=9 => rng.range(0, 5),
        10..=29 => rng.range(6, 17),
        30..=34 => rng.range(18, 20),
        35..=59 => rng.range(21, 44),
        60..=87 => rng.range(45, 64),
        _ => rng.range(65, 95),
    } as i32;
    let birthday_this_year = as_of - rng.range(0, 364) as i32;
    let birth = date::years_back(birthday_this_year, age);
    // 0.1% have no birth date on file (the engine then evaluates both variants).
    let birth = if rng.chance(0.001) { None } else { Some(birth) };
    let county = draw(rng, COUNTIES);
    let dual = age >= 65 && rng.chance(0.6);
    let lob = if dual && rng.chance(0.15) {
        Lob::DSnp
    } else {
        Lob::MediCal
    };
    let race = draw(rng, RACE);
    let hispanic = rng.chance(0.5);
    let spans = spans(rng, as_of, birth.unwrap_or(as_of - 365 * age));
    let first = spans.iter().map(|s| s.start).min().unwrap_or(as_of);
    let plan = codes::plan_for(county, index, first);
    let adult = age >= 21;
    let old = age >= 65;
    let mut conditions = Vec::new();
    let mut add = |rng: &mut Rng, p: f64, list: &'static [&'static str]| {
        if rng.chance(p) {
            conditions.push(*rng.pick(list));
            true
        } else {
            false
        }
    };
    let sud = add(
        rng,
        if adult {
            0.07
        } else if age >= 13 {
            0.02
        } else {
            0.0
        },
        codes::SUD,
    );
    let smi = add(
        rng,
        if adult {
            0.04
        } else if age >= 10 {
            0.02
        } else {
            0.0
        },
        codes::SMI,
    );
    add(rng, 0.01, codes::IDD);
    add(rng, 0.004, codes::TBI);
    add(rng, if adult { 0.004 } else { 0.0005 }, codes::HIV);
    add(
        rng,
        if old {
            0.25
        } else if adult {
            0.08
        } else {
            0.003
        },
        codes::DIABETES,
    );
    add(
        rng,
        if old {
            0.45
        } else if adult {
            0.15
        } else {
            0.0
        },
        codes::HYPERTENSION,
    );
    add(
        rng,
        if old {
            0.06
        } else if adult {
            0.01
        } else {
            0.0
        },
        codes::HEART_FAILURE,
    );
    add(
        rng,
        if old {
            0.08
        } else if adult {
            0.02
        } else {
            0.0
        },
        codes::COPD,
    );
    add(rng, if adult { 0.05 } else { 0.08 }, codes::ASTHMA);
    add(
        rng,
        if old {
            0.08
        } else if adult {
            0.01
        } else {
            0.0
        },
        codes::CKD,
    );
    add(
        rng,
        if old {
            0.05
        } else if adult {
            0.01
        } else {
            0.001
        },
        codes::CANCER,
    );
    add(rng, if adult { 0.06 } else { 0.02 }, codes::MILD_DEPRESSION);
    let pregnant = gender == "female" && (15..=44).contains(&age) && rng.chance(0.08);
    Member {
        id,
        gender,
        birth,
        age,
        county,
        plan,
        lob,
        dual,
        race,
        hispanic,
        spans,
        conditions,
        ed_heavy: rng.chance(if adult { 0.025 } else { 0.02 }),
        ed_some: rng.chance(0.05),
        stay_heavy: rng.chance(if adult { 0.01 } else { 0.007 }),
        snf: old && rng.chance(0.04),
        homeless_dx: rng.chance(if adult { 0.035 } else { 0.015 }),
        housing_distractor: rng.chance(0.02),
        pregnant,
        sud,
        smi,
    }
}

/// A name from a weighted table ([`COUNTIES`], [`RACE`]), drawn with the table's weights.
fn draw(rng: &mut Rng, table: &'static [(&'static str, u32)]) -> &'static str {
    let weights: Vec<u32> = table.iter().map(|(_, w)| *w).collect();
    let i = rng.weighted(&weights);
    // In bounds: `weighted` returns an index of `weights`, which has one weight per table row,
    // and the tables are non-empty (asserted at compile time in codes.rs).
    #[allow(clippy::indexing_slicing)]
    let (name, _) = table[i];
    name
}

/// Enrollment spans: most members continuously enrolled; some churn (a gap in the last
/// year), some split at the plan-year boundary (adjacent spans), some disenrolled before as_of.
fn spans(rng: &mut Rng, as_of: Day, birth: Day) -> Vec<Span> {
    let (y, m, d) = codes::PLAN_DATA_FROM;
    let first = date::month_start((as_of - rng.range(400, 3000) as i32).max(birth))
        .max(date::from_civil(y, m, d));
    let year_end = date::month_end(date::from_civil(date::to_civil(as_of).0, 12, 1));
    let open_or_year_end = |rng: &mut Rng| {
        if rng.chance(0.3) {
            None
        } else {
            Some(year_end)
        }
    };
    match rng.below(100) {
        0..=79 => vec![Span {
            start: first,
            end: open_or_year_end(rng),
        }],
        80..=91 => {
            // Churn: lose coverage for 1–3 months inside the last year.
            let gap_start = date::month_start(as_of - rng.range(60, 330) as i32);
            let end1 = gap_start - 1;
            let restart =
                date::month_start(date::month_end(gap_start) + 1 + 31 * rng.range(0, 2) as i32);
            vec![
                Span {
                    start: first.min(end1 - 27),
                    end: Some(end1),
                },
                Span {
                    start: restart,
                    end: open_or_year_end(rng),
                },
            ]
        }
        92..=94 => {
            // Two adjacent spans (a new plan year): identify must merge them.
            let split = date::from_civil(date::to_civil(as_of).0, 1, 1);
            vec![
                Span {
                    start: first.min(split - 60),
                    end: Some(split - 1),
                },
                Span {
                    start: split,
                    end: open_or_year_end(rng),
                },
            ]
        }
        _ => vec![Span {
            // Disenrolled 1–10 months before as_of.
            start: first.min(as_of - 400),
            end: Some(date::month_end(as_of - rng.range(30, 300) as i32)),
        }],
    }
}

/// Append the member's eligibility rows. `bad` replaces the enrollment start date on an extra
/// copy of the first span (Defect::BadDate) or blanks its person_id (Defect::MissingPerson).
pub fn write_eligibility(
    out: &mut Vec<u8>,
    m: &Member,
    tail: &[u8],
    duplicate_first: bool,
    bad: Option<crate::csv::Defect>,
) -> u64 {
    let mut rows = 0;
    let mut spans: Vec<(Span, Option<crate::csv::Defect>)> =
        m.spans.iter().map(|s| (*s, None)).collect();
    if let Some(first) = m.spans.first() {
        if duplicate_first {
            spans.push((*first, None));
        }
        if let Some(d) = bad {
            spans.push((*first, Some(d)));
        }
    }
    for (span, defect) in spans {
        let person = if defect == Some(crate::csv::Defect::MissingPerson) {
            ""
        } else {
            m.id.as_str()
        };
        out.extend_from_slice(person.as_bytes());
        out.push(b',');
        out.extend_from_slice(person.as_bytes());
        out.extend_from_slice(b",,");
        out.extend_from_slice(m.gender.as_bytes());
        out.push(b',');
        out.extend_from_slice(m.race.as_bytes());
        out.push(b',');
        if let Some(b) = m.birth {
            date::push(out, b);
        }
        out.extend_from_slice(b",,0,");
        if defect == Some(crate::csv::Defect::BadDate) {
            out.extend_from_slice(crate::csv::bad_date(rows as usize).as_bytes());
        } else {
            date::push(out, span.start);
        }
        out.push(b',');
        if let Some(e) = span.end {
            date::push(out, e);
        }
        let (payer_type, lob) = match m.lob {
            Lob::MediCal => ("medicaid", "medi-cal"),
            Lob::DSnp => ("medicare", "d-snp"),
        };
        out.extend_from_slice(b",medi-cal,");
        out.extend_from_slice(payer_type.as_bytes());
        out.push(b',');
        out.extend_from_slice(m.plan.as_bytes());
        out.push(b',');
        if m.dual {
            out.extend_from_slice(b"0,02,10");
        } else {
            out.extend_from_slice(b",,");
        }
        // group_id .. email: empty (no names, SSNs or addresses in synthetic data); state CA.
        out.extend_from_slice(b",,,,,,,,,,,CA,,,,");
        out.extend_from_slice(if m.hispanic {
            b"hispanic or latino"
        } else {
            b"not hispanic or latino"
        });
        out.push(b',');
        out.extend_from_slice(tail);
        // enrollment_status .. transplant_duration_months (12 columns), mostly empty.
        out.extend_from_slice(b",,0,");
        if m.lob == Lob::DSnp {
            out.extend_from_slice(b"D-SNP");
        }
        out.extend_from_slice(b",1,0,,,,,,,");
        out.push(b',');
        out.extend_from_slice(m.county.as_bytes());
        out.push(b',');
        out.extend_from_slice(lob.as_bytes());
        out.push(b'\n');
        rows += 1;
    }
    rows
}
