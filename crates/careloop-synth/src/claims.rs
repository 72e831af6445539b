//! Claims for one member over the 12 months before as_of: office visits, labs, ED visits
//! (facility and/or professional claims, found by revenue code, POS 23 or CPT 99281–99285),
//! inpatient (bill type 11x) and SNF (21x) stays, prenatal care and deliveries, written as Tuva
//! medical_claim lines. About 20 lines per member-year on average.

use crate::codes;
use crate::csv::{Claim, Defect, DxStyle, Line, write_claim_line};
use crate::date::{self, Day};
use crate::member::Member;
use crate::rng::Rng;

enum Kind {
    Office,
    Lab,
    Ed,
    Inpatient {
        los: i32,
        admit_type: &'static str,
        via_ed: bool,
    },
    Snf {
        los: i32,
        admit_type: &'static str,
    },
}

struct Encounter {
    day: Day,
    kind: Kind,
    dx: Vec<&'static str>,
}

/// What [`write_claims`] produced for one member.
#[derive(Default)]
pub struct Counts {
    pub lines: u64,
    pub duplicate_claims: u64,
    pub outside_enrollment_lines: u64,
    pub after_as_of_lines: u64,
}

/// Window bounds shared by all members.
pub struct Windows {
    pub as_of: Day,
    pub w6: Day,
    pub w12: Day,
}

fn routine_day(rng: &mut Rng, w: &Windows) -> Day {
    if rng.chance(0.004) {
        w.as_of + rng.range(1, 30) as i32
    } else {
        rng.range(i64::from(w.w12), i64::from(w.as_of)) as Day
    }
}

fn visit_dx(rng: &mut Rng, m: &Member) -> Vec<&'static str> {
    let benign = if m.child() {
        codes::BENIGN_CHILD
    } else {
        codes::BENIGN
    };
    let mut dx = vec![*rng.pick(benign)];
    for c in &m.conditions {
        if rng.chance(0.7) {
            dx.push(c);
        }
    }
    if rng.chance(0.3) {
        dx.push(*rng.pick(codes::BENIGN));
    }
    let mut seen: Vec<&str> = Vec::with_capacity(dx.len());
    dx.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c);
        new
    });
    dx
}

fn ed_dx(rng: &mut Rng, m: &Member) -> Vec<&'static str> {
    let p_avoidable = if m.ed_heavy { 0.8 } else { 0.45 };
    let r = rng.unit();
    if r < 0.04 {
        return Vec::new();
    }
    let mut dx = if m.sud && rng.chance(0.2) {
        vec!["F10129"]
    } else if r < 0.04 + p_avoidable {
        vec![*rng.pick(codes::ED_AVOIDABLE)]
    } else {
        vec![*rng.pick(codes::ED_EMERGENT)]
    };
    if m.sud && rng.chance(0.3) {
        dx.extend(m.conditions.iter().filter(|c| c.starts_with("F1")));
    }
    if m.homeless_dx && rng.chance(0.2) {
        dx.push("Z5902");
    }
    dx
}

fn encounters(rng: &mut Rng, m: &Member, w: &Windows) -> Vec<Encounter> {
    let mut out = Vec::new();
    let n_cond = m.conditions.len() as f64;
    let (office_rate, lab_rate) = match m.age {
        0..=20 => (3.5, 0.6),
        21..=64 => (5.5, 1.8),
        _ => (8.0, 3.5),
    };
    for _ in 0..rng.poisson(office_rate + 1.5 * n_cond) {
        let day = routine_day(rng, w);
        out.push(Encounter {
            day,
            kind: Kind::Office,
            dx: visit_dx(rng, m),
        });
    }
    for _ in 0..rng.poisson(lab_rate + 0.6 * n_cond) {
        let day = routine_day(rng, w);
        out.push(Encounter {
            day,
            kind: Kind::Lab,
            dx: visit_dx(rng, m),
        });
    }
    // ED visits: background rate, a few frequent users, and heavy users (POF 2).
    let mut ed_days: Vec<Day> = (0..rng.poisson(0.3)).map(|_| routine_day(rng, w)).collect();
    if m.ed_some {
        for _ in 0..rng.range(2, 4) {
            ed_days.push(rng.range(i64::from(w.w6), i64::from(w.as_of)) as Day);
        }
    }
    if m.ed_heavy {
        let (from, n) = if m.child() {
            (w.w12, rng.range(3, 6))
        } else {
            (w.w6, rng.range(5, 9))
        };
        for _ in 0..n {
            ed_days.push(rng.range(i64::from(from), i64::from(w.as_of)) as Day);
        }
        // Window edges: the first day of the window counts, the day before does not.
        if rng.chance(0.1) {
            ed_days.push(from);
            ed_days.push(from - 1);
        }
    }
    for day in ed_days {
        out.push(Encounter {
            day,
            kind: Kind::Ed,
            dx: ed_dx(rng, m),
        });
    }
    // Inpatient stays.
    let p_stay = if m.age >= 65 {
        0.08
    } else if m.child() {
        0.02
    } else {
        0.04
    };
    let mut stays: Vec<(Day, bool)> = Vec::new();
    if rng.chance(p_stay) {
        stays.push((routine_day(rng, w), false));
    }
    if m.stay_heavy {
        let (from, n) = if m.child() {
            (w.w12, rng.range(2, 3))
        } else {
            (w.w6, rng.range(3, 4))
        };
        for _ in 0..n {
            stays.push((
                rng.range(i64::from(from), i64::from(w.as_of) - 3) as Day,
                true,
            ));
        }
    }
    for (day, heavy) in stays {
        let admit_type = if heavy {
            *rng.pick(&["1", "1", "2", "2", "5", "1", "2", "1", "3", "9"])
        } else {
            *rng.pick(&["1", "1", "1", "1", "2", "2", "3", "3", "3", "9"])
        };
        let mut dx = vec![*rng.pick(codes::ED_EMERGENT)];
        dx.extend(m.conditions.iter().copied());
        out.push(Encounter {
            day,
            kind: Kind::Inpatient {
                los: rng.range(1, 8) as i32,
                admit_type,
                via_ed: admit_type != "3" && rng.chance(0.5),
            },
            dx,
        });
    }
    if m.snf {
        for _ in 0..rng.range(1, 2) {
            let los = if rng.chance(0.7) {
                rng.range(5, 30)
            } else {
                rng.range(31, 90)
            } as i32;
            let admit_type = *rng.pick(&["1", "2", "3", "9", "1"]);
            let mut dx = vec!["Z4789"];
            dx.extend(m.conditions.iter().copied());
            out.push(Encounter {
                day: routine_day(rng, w),
                kind: Kind::Snf { los, admit_type },
                dx,
            });
        }
    }
    pregnancy(rng, m, w, &mut out);
    if m.homeless_dx {
        let last = if rng.chance(0.65) {
            rng.range(i64::from(w.as_of) - 90, i64::from(w.as_of))
        } else {
            rng.range(i64::from(w.w12), i64::from(w.as_of) - 91)
        } as Day;
        let code = *rng.pick(codes::HOMELESS);
        for k in 0..rng.range(1, 3) {
            let day = if k == 0 {
                last
            } else {
                rng.range(i64::from(w.w12), i64::from(last)) as Day
            };
            let mut dx = visit_dx(rng, m);
            dx.insert(1, code);
            out.push(Encounter {
                day,
                kind: Kind::Office,
                dx,
            });
        }
    }
    if m.housing_distractor {
        let mut dx = visit_dx(rng, m);
        dx.push(*rng.pick(codes::HOUSING_DISTRACTORS));
        out.push(Encounter {
            day: routine_day(rng, w),
            kind: Kind::Office,
            dx,
        });
    }
    out.sort_by_key(|e| e.day);
    out
}

/// Prenatal visits every four weeks and, for about half, a delivery in the window.
fn pregnancy(rng: &mut Rng, m: &Member, w: &Windows, out: &mut Vec<Encounter>) {
    if !m.pregnant {
        return;
    }
    let delivery = match rng.below(10) {
        0..=4 => rng.range(i64::from(w.w12) + 30, i64::from(w.as_of) - 1),
        5..=8 => i64::from(w.as_of) + rng.range(1, 250),
        _ => i64::from(w.w12) - rng.range(1, 60),
    } as Day;
    let mut day = delivery - 250 + 56;
    while day < delivery && day <= w.as_of {
        if day >= w.w12 {
            let dx = if rng.chance(0.7) {
                vec![
                    *rng.pick(codes::PRENATAL_NOT_LISTED),
                    *rng.pick(codes::PREGNANCY),
                ]
            } else {
                vec![*rng.pick(codes::PRENATAL_NOT_LISTED)]
            };
            out.push(Encounter {
                day,
                kind: Kind::Office,
                dx,
            });
        }
        day += 28;
    }
    if delivery >= w.w12 && delivery <= w.as_of {
        let admit_type = *rng.pick(&["3", "3", "2", "2", "1"]);
        out.push(Encounter {
            day: delivery,
            kind: Kind::Inpatient {
                los: rng.range(1, 4) as i32,
                admit_type,
                via_ed: false,
            },
            dx: vec![*rng.pick(codes::DELIVERY), "Z370", "Z3A39"],
        });
    }
}

fn covered(m: &Member, day: Day) -> bool {
    m.spans
        .iter()
        .any(|s| s.start <= day && s.end.is_none_or(|e| day <= e))
}

/// Append the member's claim lines; `defect` adds one deliberately bad line (an extra
/// professional ED claim with that defect).
pub fn write_claims(
    rng: &mut Rng,
    m: &Member,
    w: &Windows,
    tail: &[u8],
    defect: Option<Defect>,
    out: &mut Vec<u8>,
) -> Counts {
    let mut counts = Counts::default();
    let mut claim_no = 0u32;
    let mut buf = Vec::with_capacity(4096);
    for e in encounters(rng, m, w) {
        let dx_style = match rng.below(100) {
            0..=1 => DxStyle::Dotted,
            2 => DxStyle::Lower,
            _ => DxStyle::Plain,
        };
        let mut emit = |rng: &mut Rng, claim: &Claim<'_>, lines: &[Line<'_>], out: &mut Vec<u8>| {
            buf.clear();
            for l in lines {
                write_claim_line(&mut buf, claim, l, tail);
            }
            let copies = if rng.chance(0.01) { 2 } else { 1 };
            counts.duplicate_claims += copies - 1;
            for _ in 0..copies {
                out.extend_from_slice(&buf);
                let n = lines.len() as u64;
                counts.lines += n;
                if !covered(m, claim.start) {
                    counts.outside_enrollment_lines += n;
                }
                if claim.start > w.as_of {
                    counts.after_as_of_lines += n;
                }
            }
        };
        match e.kind {
            Kind::Office | Kind::Lab => {
                claim_no += 1;
                let id = format!("{}-{claim_no:03}", m.id);
                let lab = matches!(e.kind, Kind::Lab);
                let paid = Some(e.day + rng.range(14, 60) as i32);
                let claim = prof_claim(&id, m, e.day, &e.dx, dx_style, paid);
                let n = if lab {
                    rng.range(2, 4)
                } else {
                    rng.range(1, 3)
                };
                let lines: Vec<Line<'_>> = (0..n)
                    .map(|i| {
                        let (pos, hcpcs) = if lab {
                            ("81", *rng.pick(codes::LAB_CPT))
                        } else if i == 0 {
                            ("11", *rng.pick(codes::OFFICE_CPT))
                        } else {
                            ("11", *rng.pick(codes::OFFICE_EXTRA_CPT))
                        };
                        prof_line(rng, i as u32 + 1, e.day, pos, hcpcs)
                    })
                    .collect();
                emit(rng, &claim, &lines, out);
            }
            Kind::Ed => {
                let variant = rng.below(100);
                let mut fac_dx = e.dx.clone();
                if variant < 3 && !fac_dx.is_empty() {
                    // The facility claim lacks a diagnosis, the professional claim has one.
                    fac_dx.clear();
                }
                if variant < 85 {
                    claim_no += 1;
                    let id = format!("{}-{claim_no:03}", m.id);
                    let claim = inst_claim(
                        &id, m, e.day, e.day, None, None, "", "131", "", &fac_dx, dx_style, rng,
                    );
                    let rev = if variant < 75 {
                        *rng.pick(codes::ED_REVENUE)
                    } else {
                        "0450"
                    };
                    let cpt = if variant < 55 {
                        *rng.pick(codes::ED_CPT)
                    } else {
                        ""
                    };
                    let mut lines = vec![inst_line(rng, 1, Some(e.day), rev, cpt, 1)];
                    for i in 0..rng.range(0, 3) {
                        let (r, h) = *rng.pick(codes::ED_ANCILLARY);
                        lines.push(inst_line(rng, i as u32 + 2, Some(e.day), r, h, 1));
                    }
                    emit(rng, &claim, &lines, out);
                }
                if !(75..85).contains(&variant) {
                    claim_no += 1;
                    let id = format!("{}-{claim_no:03}", m.id);
                    let paid = Some(e.day + rng.range(14, 60) as i32);
                    let claim = prof_claim(&id, m, e.day, &e.dx, dx_style, paid);
                    let pos = if variant >= 95 { "22" } else { "23" };
                    let cpt = *rng.pick(codes::ED_CPT);
                    let line = prof_line(rng, 1, e.day, pos, cpt);
                    emit(rng, &claim, &[line], out);
                }
            }
            Kind::Inpatient {
                los, admit_type, ..
            }
            | Kind::Snf { los, admit_type } => {
                let snf = matches!(e.kind, Kind::Snf { .. });
                let end = e.day + los;
                claim_no += 1;
                let id = format!("{}-{claim_no:03}", m.id);
                let bill = if snf {
                    "211"
                } else if rng.chance(0.1) {
                    "0111"
                } else {
                    "111"
                };
                let admission = if rng.chance(0.05) { None } else { Some(e.day) };
                let discharge = if rng.chance(0.05) { None } else { Some(end) };
                let drg = if snf { "" } else { *rng.pick(codes::DRG) };
                let claim = inst_claim(
                    &id, m, e.day, end, admission, discharge, admit_type, bill, drg, &e.dx,
                    dx_style, rng,
                );
                let table = if snf {
                    codes::SNF_REVENUE
                } else {
                    codes::INPATIENT_REVENUE
                };
                let mut lines = Vec::new();
                if let Kind::Inpatient { via_ed: true, .. } = e.kind {
                    lines.push(inst_line(rng, 1, Some(e.day), "0450", "99284", 1));
                }
                for (r, h) in table.iter().take(rng.range(2, table.len() as i64) as usize) {
                    let n = lines.len() as u32 + 1;
                    let units = if r.starts_with("01") || *r == "0022" {
                        los.max(1) as u32
                    } else {
                        1
                    };
                    let day = if rng.chance(0.5) { None } else { Some(e.day) };
                    lines.push(inst_line(rng, n, day, r, h, units));
                }
                emit(rng, &claim, &lines, out);
            }
        }
    }
    if let Some(d) = defect {
        claim_no += 1;
        let id = format!("{}-{claim_no:03}X", m.id);
        let day = rng.range(i64::from(w.w6), i64::from(w.as_of)) as Day;
        let dx = [*rng.pick(codes::ED_AVOIDABLE)];
        let claim = prof_claim(&id, m, day, &dx, DxStyle::Plain, None);
        let mut line = prof_line(rng, 1, day, "23", "99283");
        line.defect = Some(d);
        write_claim_line(out, &claim, &line, tail);
        counts.lines += 1;
    }
    counts
}

fn prof_claim<'a>(
    id: &'a str,
    m: &'a Member,
    day: Day,
    dx: &'a [&'static str],
    dx_style: DxStyle,
    paid: Option<Day>,
) -> Claim<'a> {
    Claim {
        claim_id: id,
        institutional: false,
        person_id: &m.id,
        plan: m.plan,
        start: day,
        end: day,
        admission: None,
        discharge: None,
        admit_source: "",
        admit_type: "",
        discharge_disposition: "",
        bill_type: "",
        drg: "",
        billing_npi: 3_000_000 + (m.id.len() as u32 * 7919 + day as u32) % 5000,
        facility_npi: 0,
        paid_date: paid,
        dx,
        dx_style,
        icd_pcs: "",
    }
}

fn prof_line(
    rng: &mut Rng,
    number: u32,
    day: Day,
    pos: &'static str,
    hcpcs: &'static str,
) -> Line<'static> {
    // 10% of lines leave claim_line_start_date empty (the claim start date applies).
    let start = if rng.chance(0.1) { None } else { Some(day) };
    Line {
        number,
        start,
        end: start,
        pos,
        revenue: "",
        units: 1,
        hcpcs,
        modifier: if rng.chance(0.1) { "25" } else { "" },
        rendering_npi: 1_000_000 + rng.below(50_000) as u32,
        charge_cents: 5_000 + rng.below(40_000),
        defect: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn inst_claim<'a>(
    id: &'a str,
    m: &'a Member,
    start: Day,
    end: Day,
    admission: Option<Day>,
    discharge: Option<Day>,
    admit_type: &'static str,
    bill_type: &'static str,
    drg: &'static str,
    dx: &'a [&'static str],
    dx_style: DxStyle,
    rng: &mut Rng,
) -> Claim<'a> {
    let stay = admission.is_some() || !drg.is_empty();
    Claim {
        claim_id: id,
        institutional: true,
        person_id: &m.id,
        plan: m.plan,
        start,
        end,
        admission,
        discharge,
        admit_source: if stay { "1" } else { "" },
        admit_type,
        discharge_disposition: if stay { "01" } else { "" },
        bill_type,
        drg,
        billing_npi: 2_000_000 + rng.below(400) as u32,
        facility_npi: 2_000_000 + rng.below(400) as u32,
        paid_date: if rng.chance(0.05) {
            None
        } else {
            Some(end + rng.range(20, 90) as i32)
        },
        dx,
        dx_style,
        icd_pcs: if stay && rng.chance(0.3) {
            "0DJ08ZZ"
        } else {
            ""
        },
    }
}

fn inst_line(
    rng: &mut Rng,
    number: u32,
    day: Option<Day>,
    revenue: &'static str,
    hcpcs: &'static str,
    units: u32,
) -> Line<'static> {
    Line {
        number,
        start: day,
        end: day,
        pos: "",
        revenue,
        units,
        hcpcs,
        modifier: "",
        rendering_npi: 0,
        charge_cents: 20_000 + rng.below(500_000),
        defect: None,
    }
}

/// The first day of the 12-month claims window (same day 12 months earlier).
pub fn windows(as_of: Day) -> Windows {
    Windows {
        as_of,
        w6: date::months_back(as_of, 6),
        w12: date::months_back(as_of, 12),
    }
}
