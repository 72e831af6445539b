//! Hand-built input files for identification tests: a few members, a few claim lines each.

#![allow(dead_code)]

use careloop_domain::PolicyPack;
use careloop_domain::eligibility::MemberFacts;
use careloop_identify::{Config, NoProgress, RunSummary};
use jiff::civil::{Date, date};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const AS_OF: Date = date(2026, 11, 22);

pub const CLAIM_HEADER: &str = "claim_id,claim_line_number,claim_type,person_id,claim_start_date,claim_end_date,claim_line_start_date,admission_date,discharge_date,admit_type_code,place_of_service_code,bill_type_code,revenue_center_code,hcpcs_code,diagnosis_code_type,diagnosis_code_1,diagnosis_code_2,diagnosis_code_3,paid_amount";

/// One claim line; unset fields are empty.
#[derive(Clone, Default)]
pub struct Line {
    pub claim: String,
    pub person: String,
    pub claim_type: &'static str,
    pub start: String,
    pub end: String,
    pub line_start: String,
    pub admission: String,
    pub discharge: String,
    pub admit_type: &'static str,
    pub pos: &'static str,
    pub bill: &'static str,
    pub rev: &'static str,
    pub hcpcs: &'static str,
    pub dx: Vec<&'static str>,
}

impl Line {
    pub fn csv(&self) -> String {
        let dx = |i: usize| self.dx.get(i).copied().unwrap_or("");
        let dx_type = if self.dx.is_empty() { "" } else { "icd-10-cm" };
        [
            self.claim.as_str(),
            "1",
            self.claim_type,
            &self.person,
            &self.start,
            &self.end,
            &self.line_start,
            &self.admission,
            &self.discharge,
            self.admit_type,
            self.pos,
            self.bill,
            self.rev,
            self.hcpcs,
            dx_type,
            dx(0),
            dx(1),
            dx(2),
            "10.00",
        ]
        .join(",")
    }
}

/// An ED line (revenue center 0450) on `day` with these diagnoses.
pub fn ed(claim: &str, person: &str, day: &str, dx: &[&'static str]) -> Line {
    Line {
        claim: claim.into(),
        person: person.into(),
        claim_type: "institutional",
        start: day.into(),
        end: day.into(),
        bill: "131",
        rev: "0450",
        dx: dx.to_vec(),
        ..Line::default()
    }
}

/// An institutional stay line with bill type `bill`, admission `adm`, discharge `dis`.
pub fn stay(
    claim: &str,
    person: &str,
    bill: &'static str,
    adm: &str,
    dis: &str,
    admit_type: &'static str,
    dx: &[&'static str],
) -> Line {
    Line {
        claim: claim.into(),
        person: person.into(),
        claim_type: "institutional",
        start: adm.into(),
        end: dis.into(),
        admission: adm.into(),
        discharge: dis.into(),
        admit_type,
        bill,
        rev: "0100",
        dx: dx.to_vec(),
        ..Line::default()
    }
}

/// An office visit (professional, POS 11) with these diagnoses.
pub fn office(claim: &str, person: &str, day: &str, dx: &[&'static str]) -> Line {
    Line {
        claim: claim.into(),
        person: person.into(),
        claim_type: "professional",
        start: day.into(),
        end: day.into(),
        line_start: day.into(),
        pos: "11",
        hcpcs: "99213",
        dx: dx.to_vec(),
        ..Line::default()
    }
}

pub const ELIG_HEADER: &str = "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer_type,plan,dual_status_code,county";

/// An eligibility row: Medi-Cal with HPSM in San Mateo from 2024-01-01, open.
pub fn member(person: &str, birth: &str) -> String {
    format!("{person},female,{birth},2024-01-01,,medicaid,hpsm,,San Mateo")
}

pub const IND_HEADER: &str = "person_id,indicator,start_date,end_date,source,status,detail";

/// The result of a run: output rows by person, derived facts by person, errors, summary.
pub struct Outcome {
    pub dir: tempfile::TempDir,
    pub rows: BTreeMap<String, BTreeMap<String, String>>,
    pub facts: BTreeMap<String, MemberFacts>,
    pub errors: Vec<String>,
    pub summary: RunSummary,
}

impl Outcome {
    pub fn pofs(&self, person: &str) -> String {
        self.rows
            .get(person)
            .map(|r| r["pofs"].clone())
            .unwrap_or_default()
    }

    pub fn facts(&self, person: &str) -> &MemberFacts {
        &self.facts[person]
    }
}

/// Parse one CSV line of our own output (quoted fields with doubled quotes).
pub fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Write the three files and run identification with `configure` applied to the config.
pub fn run_with(
    eligibility: &[String],
    claims: &[Line],
    indicators: &[&str],
    configure: impl FnOnce(&mut Config, &std::path::Path),
) -> Outcome {
    let pack = PolicyPack::embedded().unwrap();
    run_with_pack(&pack, eligibility, claims, indicators, configure)
}

/// [`run_with`] on a given policy pack (e.g. a plan overlay with other settings).
pub fn run_with_pack(
    pack: &PolicyPack,
    eligibility: &[String],
    claims: &[Line],
    indicators: &[&str],
    configure: impl FnOnce(&mut Config, &std::path::Path),
) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| -> PathBuf { dir.path().join(n) };
    let mut e = vec![ELIG_HEADER.to_string()];
    e.extend(eligibility.iter().cloned());
    std::fs::write(p("elig.csv"), e.join("\n") + "\n").unwrap();
    let mut c = vec![CLAIM_HEADER.to_string()];
    c.extend(claims.iter().map(Line::csv));
    std::fs::write(p("claims.csv"), c.join("\n") + "\n").unwrap();
    let mut i = vec![IND_HEADER.to_string()];
    i.extend(indicators.iter().map(|s| s.to_string()));
    std::fs::write(p("ind.csv"), i.join("\n") + "\n").unwrap();
    let mut cfg = Config::new(
        p("elig.csv"),
        p("claims.csv"),
        p("ind.csv"),
        AS_OF,
        p("out.csv"),
    );
    cfg.facts_out = Some(p("facts.jsonl"));
    cfg.threads = 2;
    configure(&mut cfg, dir.path());
    let summary = careloop_identify::run(&cfg, pack, &NoProgress).unwrap();
    let out = std::fs::read_to_string(p("out.csv")).unwrap();
    let mut lines = out.lines();
    let header = split_csv(lines.next().unwrap());
    let rows = lines
        .map(|l| {
            let row: BTreeMap<String, String> = header.iter().cloned().zip(split_csv(l)).collect();
            (row["person_id"].clone(), row)
        })
        .collect();
    let facts = std::fs::read_to_string(p("facts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let f: MemberFacts = serde_json::from_str(l).unwrap();
            (f.member_id.clone().unwrap(), f)
        })
        .collect();
    let errors = std::fs::read_to_string(cfg.errors_path())
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    Outcome {
        dir,
        rows,
        facts,
        errors,
        summary,
    }
}

pub fn run(eligibility: &[String], claims: &[Line], indicators: &[&str]) -> Outcome {
    run_with(eligibility, claims, indicators, |_, _| {})
}
