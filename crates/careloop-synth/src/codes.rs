//! Code lists and weights the generator draws from. Diagnosis codes are ICD-10-CM written the
//! Tuva way (no dot). The groups mirror the derivations of notes/IDENT-SPEC.md so that every
//! derived indicator and utilization event occurs, next to common benign codes that must not
//! trigger anything (e.g. Z59.1 inadequate housing, Z34 supervision of pregnancy).

/// The California counties a policy-pack plan serves, with draw weights (issue #14: no member is
/// put in a plan on a date or in a county the plan does not serve). The pack has no plan for the
/// other counties, so the generator draws only these. Los Angeles keeps about its statewide
/// Medi-Cal share (a third); the weight of the counties no pack plan serves is spread over the
/// other six, so their relative sizes are only an order of magnitude (synthetic, not a figure).
pub const COUNTIES: &[(&str, u32)] = &[
    ("Los Angeles", 4_900),
    ("San Bernardino", 1_600),
    ("Riverside", 1_550),
    ("San Diego", 1_550),
    ("Sacramento", 1_500),
    ("Alameda", 1_400),
    ("San Mateo", 1_100),
];

/// First day of the pack's plan data (the CalAIM launch, 2022-01-01): enrollment spans start no
/// earlier, since the overlays' county spans start there.
pub const PLAN_DATA_FROM: (i32, u32, u32) = (2022, 1, 1);

/// Policy-pack plans (crates/careloop-domain/policy/plans/*.toml) by county: (county, plan id,
/// first day the overlay serves the county). Every span is open-ended in the pack; Aetna, which
/// left Medi-Cal on 2023-12-31, is not drawn. A test in careloop-demo checks this table's output
/// against the pack.
pub const PACK_PLANS: [(&str, &str, (i32, u32, u32)); 15] = [
    ("Los Angeles", "health-net", PLAN_DATA_FROM),
    ("Los Angeles", "blue-shield-promise", PLAN_DATA_FROM),
    ("Alameda", "alameda-alliance", PLAN_DATA_FROM),
    ("San Mateo", "hpsm", PLAN_DATA_FROM),
    ("Sacramento", "anthem-blue-cross", PLAN_DATA_FROM),
    ("Sacramento", "health-net", PLAN_DATA_FROM),
    ("Sacramento", "molina-healthcare-ca", PLAN_DATA_FROM),
    ("San Diego", "blue-shield-promise", PLAN_DATA_FROM),
    ("San Diego", "community-health-group", PLAN_DATA_FROM),
    ("San Diego", "molina-healthcare-ca", PLAN_DATA_FROM),
    ("San Diego", "kaiser-permanente", (2024, 1, 1)),
    ("Riverside", "iehp", PLAN_DATA_FROM),
    ("Riverside", "molina-healthcare-ca", PLAN_DATA_FROM),
    ("San Bernardino", "iehp", PLAN_DATA_FROM),
    ("San Bernardino", "molina-healthcare-ca", PLAN_DATA_FROM),
];

/// The plan of a member in `county` whose enrollment starts on `first`: one of the pack plans
/// serving the county from that day on, `k` picking among them (round robin). Every county of
/// [`COUNTIES`] has one from [`PLAN_DATA_FROM`]; a county without one gets "" (no plan), which
/// identify reports as an error row rather than a plan that does not serve the county.
pub fn plan_for(county: &str, k: u64, first: crate::date::Day) -> &'static str {
    let serving: Vec<&'static str> = PACK_PLANS
        .iter()
        .filter(|(c, _, (y, m, d))| *c == county && crate::date::from_civil(*y, *m, *d) <= first)
        .map(|(_, p, _)| *p)
        .collect();
    let n = u64::try_from(serving.len()).unwrap_or(1).max(1);
    let i = usize::try_from(k % n).unwrap_or(0);
    serving.get(i).copied().unwrap_or_default()
}

/// Ambulatory-care-sensitive / non-emergent ED primary diagnoses (match
/// bench/identify/avoidable_ed.txt prefixes).
pub const ED_AVOIDABLE: &[&str] = &[
    "J069", "J029", "H6690", "N390", "R519", "M545", "M5450", "K529", "J45909", "J441", "I10",
    "E1165", "B349", "R059", "K0889", "J209", "J0190", "H109", "L089", "Z760",
];

/// ED primary diagnoses that are not on the avoidable list.
pub const ED_EMERGENT: &[&str] = &[
    "S72001A", "I219", "R079", "I639", "A419", "K3580", "S52501A", "R55", "S0990XA", "T71XXXA",
    "N200", "K5900", "R1030",
];

/// Common benign diagnoses (office visits, labs).
pub const BENIGN: &[&str] = &[
    "Z0000", "Z0001", "Z23", "Z1331", "R0602", "M79604", "K219", "E785", "E669", "R5383", "Z79899",
    "Z1231", "H5213", "L700", "R109", "J302", "F419", "G4700", "M25561", "Z713",
];

/// Child well-visit / benign diagnoses.
pub const BENIGN_CHILD: &[&str] = &["Z00129", "Z00121", "Z23", "J069", "H6690", "L209", "R509"];

/// Not homelessness (distractors next to Z59.0x).
pub const HOUSING_DISTRACTORS: &[&str] = &["Z591", "Z5941", "Z5948", "Z596", "Z598"];
/// Homelessness (spec derivation 4): Z59.0, Z59.00, Z59.01, Z59.02.
pub const HOMELESS: &[&str] = &["Z5900", "Z5901", "Z5902", "Z590"];

pub const SUD: &[&str] = &[
    "F1010", "F1120", "F11220", "F1210", "F1420", "F1520", "F17210", "F1920",
];
pub const SMI: &[&str] = &[
    "F200", "F209", "F250", "F3110", "F319", "F322", "F333", "F603",
];
pub const IDD: &[&str] = &["F70", "F71", "F79", "F840", "Q909"];
pub const TBI: &[&str] = &["S060X0A", "S069X9A", "S062X0D"];
pub const HIV: &[&str] = &["B20", "Z21"];
pub const DIABETES: &[&str] = &["E119", "E1165", "E1122", "E109", "E139"];
pub const HEART_FAILURE: &[&str] = &["I509", "I5022", "I5032"];
pub const COPD: &[&str] = &["J449", "J441"];
pub const ASTHMA: &[&str] = &["J45909", "J4530", "J4540"];
pub const CKD: &[&str] = &["N183", "N1830", "N184", "N189"];
pub const HYPERTENSION: &[&str] = &["I10", "I119", "I129", "I130"];
pub const CANCER: &[&str] = &["C509", "C61", "C189", "C3490", "C8590"];
/// Depression that is not SMI under the spec (F32.0, F32.1, F32.9, F33.0): must not derive.
pub const MILD_DEPRESSION: &[&str] = &["F320", "F321", "F329", "F330"];

/// Pregnancy (O codes, Z3A weeks) and prenatal codes that are not on the spec list (Z34).
pub const PREGNANCY: &[&str] = &[
    "O0900", "O99019", "O2441", "O1003", "Z3A12", "Z3A20", "Z3A28", "Z3A36",
];
pub const PRENATAL_NOT_LISTED: &[&str] = &["Z3400", "Z3490", "Z3480"];
pub const DELIVERY: &[&str] = &["O80", "Z370"];

/// Office E/M and other professional CPT/HCPCS codes.
pub const OFFICE_CPT: &[&str] = &[
    "99213", "99214", "99212", "99203", "99395", "99393", "99391",
];
pub const OFFICE_EXTRA_CPT: &[&str] = &["90686", "90471", "36415", "96127", "G0444", "99406"];
pub const LAB_CPT: &[&str] = &[
    "80053", "85025", "83036", "80061", "84443", "81001", "87086",
];
pub const ED_CPT: &[&str] = &["99281", "99282", "99283", "99284", "99285"];
/// ED facility revenue centers (spec: 0450–0459 or 0981).
pub const ED_REVENUE: &[&str] = &["0450", "0451", "0452", "0456", "0459", "0981"];
pub const ED_ANCILLARY: &[(&str, &str)] = &[
    ("0300", "85025"),
    ("0320", "71046"),
    ("0250", ""),
    ("0636", "J1885"),
];
pub const INPATIENT_REVENUE: &[(&str, &str)] = &[
    ("0120", ""),
    ("0250", ""),
    ("0300", "80053"),
    ("0730", "93005"),
    ("0270", ""),
];
pub const SNF_REVENUE: &[(&str, &str)] = &[
    ("0022", "HAAA1"),
    ("0191", ""),
    ("0420", "97110"),
    ("0250", ""),
];
pub const DRG: &[&str] = &["291", "190", "392", "871", "683", "775", "897", "885"];

/// Race values as Tuva writes them.
pub const RACE: &[(&str, u32)] = &[
    ("white", 30),
    ("black or african american", 9),
    ("asian", 11),
    ("american indian or alaska native", 1),
    ("native hawaiian or other pacific islander", 1),
    ("other", 30),
    ("unknown", 18),
];

// The weighted tables are drawn from by index (member.rs `draw`): neither may be empty.
const _: () = assert!(!COUNTIES.is_empty() && !RACE.is_empty());
