//! `careloop synth` output: reproducible byte for byte, Tuva headers and column counts, and
//! the shares of the flags that drive the Populations of Focus in plausible ranges (N = 2,000).

use careloop_synth::{
    Config, ELIGIBILITY_FILE, ELIGIBILITY_HEADER, INDICATORS_FILE, INDICATORS_HEADER,
    MEDICAL_CLAIM_FILE, MEDICAL_CLAIM_HEADER, generate,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const N: u64 = 2_000;

fn config(seed: u64, threads: usize) -> Config {
    Config {
        members: N,
        seed,
        as_of: jiff::civil::date(2026, 11, 22),
        threads,
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("output file")
}

#[test]
fn same_seed_gives_identical_files_whatever_the_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    generate(&config(7, 1), a.path()).unwrap();
    generate(&config(7, 3), b.path()).unwrap();
    generate(&config(8, 2), c.path()).unwrap();
    for name in [ELIGIBILITY_FILE, MEDICAL_CLAIM_FILE, INDICATORS_FILE] {
        let (x, y, z) = (
            read(a.path(), name),
            read(b.path(), name),
            read(c.path(), name),
        );
        assert!(x == y, "{name}: same seed, different bytes");
        assert!(x != z, "{name}: different seed, same bytes");
    }
}

#[test]
fn every_file_has_the_tuva_header_and_full_rows() {
    let dir = tempfile::tempdir().unwrap();
    generate(&config(1, 2), dir.path()).unwrap();
    for (name, header, columns) in [
        (ELIGIBILITY_FILE, ELIGIBILITY_HEADER, 49),
        (MEDICAL_CLAIM_FILE, MEDICAL_CLAIM_HEADER, 148),
        (INDICATORS_FILE, INDICATORS_HEADER, 7),
    ] {
        let text = read(dir.path(), name);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(header), "{name} header");
        assert_eq!(header.split(',').count(), columns, "{name} header width");
        for (i, row) in lines.enumerate() {
            assert_eq!(row.split(',').count(), columns, "{name} row {}", i + 2);
        }
    }
    // The Tuva eligibility header comes first, then the careloop extension columns.
    assert!(ELIGIBILITY_HEADER.starts_with("person_id,member_id,subscriber_id,gender,race,"));
    assert!(ELIGIBILITY_HEADER.ends_with(",transplant_duration_months,county,line_of_business"));
    assert!(MEDICAL_CLAIM_HEADER.ends_with(",data_source,file_name,file_date,ingest_datetime"));
}

/// Rows of a CSV as maps from column name to value.
fn rows(text: &str) -> Vec<HashMap<&str, &str>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| header.iter().copied().zip(l.split(',')).collect())
        .collect()
}

fn share(n: usize) -> f64 {
    n as f64 / N as f64
}

fn assert_share(what: &str, n: usize, lo: f64, hi: f64) {
    let s = share(n);
    assert!(
        (lo..=hi).contains(&s),
        "{what}: {n} of {N} = {s:.4}, expected {lo}..={hi}"
    );
}

#[test]
fn shares_of_key_flags_are_plausible_for_medi_cal() {
    let dir = tempfile::tempdir().unwrap();
    generate(&config(3, 2), dir.path()).unwrap();
    let elig = read(dir.path(), ELIGIBILITY_FILE);
    let claims = read(dir.path(), MEDICAL_CLAIM_FILE);
    let ind = read(dir.path(), INDICATORS_FILE);

    // Demographics from the first row per person (birth dates on 2026-11-22).
    let mut seen = HashSet::new();
    let (mut children, mut old, mut la) = (0, 0, 0);
    for r in rows(&elig) {
        if r["person_id"].is_empty() || !seen.insert(r["person_id"]) || r["birth_date"].is_empty() {
            continue;
        }
        let birth = jiff::civil::Date::strptime("%Y-%m-%d", r["birth_date"]).unwrap();
        let age = birth
            .until((jiff::Unit::Year, jiff::civil::date(2026, 11, 22)))
            .unwrap()
            .get_years();
        children += usize::from(age < 21);
        old += usize::from(age >= 65);
        la += usize::from(r["county"] == "Los Angeles");
    }
    assert_share("members", seen.len(), 0.999, 1.0);
    assert_share("children under 21", children, 0.30, 0.40);
    assert_share("65 and older", old, 0.08, 0.16);
    assert_share("Los Angeles", la, 0.25, 0.40);

    // Claims: lines per member, homelessness codes, pregnancy codes, ED days.
    let claim_rows = rows(&claims);
    assert_share(
        "claim lines per member (x100)",
        claim_rows.len() / 100,
        0.15,
        0.25,
    );
    let dx = |r: &HashMap<&str, &str>| -> Vec<String> {
        (1..=25)
            .map(|i| {
                r[format!("diagnosis_code_{i}").as_str()]
                    .to_uppercase()
                    .replace('.', "")
            })
            .filter(|c| !c.is_empty())
            .collect()
    };
    let mut homeless = HashSet::new();
    let mut pregnant = HashSet::new();
    let mut ed_days: HashMap<&str, HashSet<&str>> = HashMap::new();
    let (mut no_person, mut icd9, mut bad_date) = (0, 0, 0);
    for r in &claim_rows {
        no_person += usize::from(r["person_id"].is_empty());
        icd9 += usize::from(r["diagnosis_code_type"] == "icd-9-cm");
        bad_date += usize::from(
            r["claim_start_date"] == "2026-02-30"
                || r["claim_start_date"] == "2026-13-01"
                || r["claim_start_date"] == "11/31/2026",
        );
        let codes = dx(r);
        if codes
            .iter()
            .any(|c| ["Z590", "Z5900", "Z5901", "Z5902"].contains(&c.as_str()))
        {
            homeless.insert(r["person_id"]);
        }
        if codes
            .iter()
            .any(|c| c.starts_with('O') || c.starts_with("Z3A"))
        {
            pregnant.insert(r["person_id"]);
        }
        let rev = r["revenue_center_code"];
        if ("0450".."0460").contains(&rev) || rev == "0981" || r["place_of_service_code"] == "23" {
            ed_days
                .entry(r["person_id"])
                .or_default()
                .insert(r["claim_start_date"]);
        }
    }
    assert_share("homelessness Z59.0x", homeless.len(), 0.015, 0.05);
    assert_share("pregnancy codes", pregnant.len(), 0.01, 0.05);
    let heavy = ed_days.values().filter(|d| d.len() >= 5).count();
    assert_share("5+ ED days", heavy, 0.01, 0.05);
    assert_share("any ED day", ed_days.len(), 0.15, 0.40);
    assert!(
        no_person >= 1 && icd9 >= 1 && bad_date >= 1,
        "bad claim rows injected"
    );

    // Indicators: justice-involved, child welfare, CCS.
    let mut by_kind: HashMap<String, HashSet<&str>> = HashMap::new();
    for r in rows(&ind) {
        let kind = r["indicator"].split(':').next().unwrap().to_string();
        by_kind.entry(kind).or_default().insert(r["person_id"]);
    }
    let count = |k: &str| by_kind.get(k).map_or(0, HashSet::len);
    assert_share(
        "release from incarceration",
        count("release-from-incarceration"),
        0.005,
        0.03,
    );
    assert_share("foster care", count("foster-care"), 0.002, 0.02);
    assert_share("CCS", count("ccs") + count("ccs-wcm"), 0.005, 0.03);
    assert_share("SMHS", count("smhs-criteria-met"), 0.01, 0.06);
    assert!(count("frequent-flyer") + count("complex-need") >= 1);
}
