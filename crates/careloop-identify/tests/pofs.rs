//! Every Population of Focus reachable from claims and member_indicators, decided by the
//! eligibility engine on facts built from small files (one member per case), and the output
//! row's evidence.

mod support;

use support::*;

/// (person, birth date, claims, indicator rows, POF that must be met)
struct Case {
    person: &'static str,
    birth: &'static str,
    claims: Vec<Line>,
    indicators: Vec<String>,
    pof: &'static str,
}

fn ind(person: &str, kind: &str, start: &str, status: &str) -> String {
    format!("{person},{kind},{start},,assess-{person},{status},")
}

fn cases() -> Vec<Case> {
    let five_avoidable: Vec<Line> = (1..=5)
        .map(|k| {
            ed(
                &format!("E{k}"),
                "pof2a",
                &format!("2026-{:02}-10", 5 + k),
                &["J069"],
            )
        })
        .collect();
    let three_unplanned: Vec<Line> = (1..=3)
        .map(|k| {
            stay(
                &format!("S{k}"),
                "pof2s",
                "111",
                &format!("2026-0{}-01", 6 + k),
                &format!("2026-0{}-03", 6 + k),
                "1",
                &["I509"],
            )
        })
        .collect();
    let child_ed: Vec<Line> = (1..=3)
        .map(|k| {
            ed(
                &format!("K{k}"),
                "pof2c",
                &format!("2026-0{k}-15"),
                &["J45909"],
            )
        })
        .collect();
    let sud_ed: Vec<Line> = (1..=2)
        .map(|k| {
            ed(
                &format!("U{k}"),
                "pof3a",
                &format!("2026-0{}-15", 3 + k),
                &["F1020"],
            )
        })
        .collect();
    vec![
        Case {
            person: "pof1a",
            birth: "1970-01-01",
            claims: vec![office("H1", "pof1a", "2026-11-01", &["Z5902"])],
            indicators: vec![
                ind("pof1a", "complex-need", "2026-01-01", "present"),
                ind(
                    "pof1a",
                    "living-with-dependent-children",
                    "2026-01-01",
                    "absent",
                ),
            ],
            pof: "1a",
        },
        Case {
            person: "pof1b",
            birth: "2012-01-01",
            claims: vec![office("H2", "pof1b", "2026-10-01", &["Z5901"])],
            indicators: vec![],
            pof: "1b",
        },
        Case {
            person: "pof2a",
            birth: "1970-01-01",
            claims: five_avoidable,
            indicators: vec![],
            pof: "2",
        },
        Case {
            person: "pof2s",
            birth: "1970-01-01",
            claims: three_unplanned,
            indicators: vec![],
            pof: "2",
        },
        Case {
            person: "pof2c",
            birth: "2012-01-01",
            claims: child_ed,
            indicators: vec![],
            pof: "2",
        },
        Case {
            person: "pof3a",
            birth: "1970-01-01",
            claims: sud_ed,
            indicators: vec![
                ind("pof3a", "smhs-criteria-met", "2026-01-01", "present"),
                ind(
                    "pof3a",
                    "complex-social-risk-factor",
                    "2026-01-01",
                    "present",
                ),
            ],
            pof: "3",
        },
        Case {
            person: "pof3c",
            birth: "2012-01-01",
            claims: vec![],
            indicators: vec![ind("pof3c", "dmc-criteria-met", "2026-01-01", "present")],
            pof: "3",
        },
        Case {
            person: "pof4",
            birth: "1970-01-01",
            claims: vec![office("J1", "pof4", "2026-10-01", &["F1120"])],
            indicators: vec![ind(
                "pof4",
                "release-from-incarceration:jail",
                "2026-09-01",
                "present",
            )],
            pof: "4",
        },
        Case {
            person: "pof4c",
            birth: "2010-01-01",
            claims: vec![],
            indicators: vec![ind(
                "pof4c",
                "release-from-incarceration:youth-correctional-facility",
                "2026-09-01",
                "present",
            )],
            pof: "4",
        },
        Case {
            person: "pof5",
            birth: "1950-01-01",
            claims: vec![],
            indicators: vec![
                ind("pof5", "ltc-qualifying-factors", "2026-01-01", "present"),
                ind("pof5", "adl-iadl-needs", "2026-01-01", "present"),
                ind("pof5", "able-to-live-in-community", "2026-01-01", "present"),
            ],
            pof: "5",
        },
        Case {
            person: "pof6",
            birth: "1950-01-01",
            claims: vec![],
            indicators: vec![
                ind("pof6", "nursing-facility-stay", "2026-06-01", "present"),
                ind("pof6", "interest-in-leaving-nf", "2026-07-01", "present"),
                ind("pof6", "likely-candidate", "2026-07-01", "present"),
                ind("pof6", "able-to-live-in-community", "2026-07-01", "present"),
            ],
            pof: "6",
        },
        Case {
            person: "pof7",
            birth: "2015-01-01",
            claims: vec![],
            indicators: vec![
                ind("pof7", "ccs", "2026-01-01", "present"),
                ind(
                    "pof7",
                    "complex-social-risk-factor",
                    "2026-01-01",
                    "present",
                ),
            ],
            pof: "7",
        },
        Case {
            person: "pof8",
            birth: "2015-01-01",
            claims: vec![],
            indicators: vec![ind("pof8", "foster-care", "2026-02-01", "present")],
            pof: "8",
        },
        Case {
            person: "pof9",
            birth: "1995-01-01",
            claims: vec![office("G1", "pof9", "2026-11-01", &["Z3A20"])],
            indicators: vec![ind(
                "pof9",
                "racial-ethnic-disparity-group",
                "2020-01-01",
                "present",
            )],
            pof: "9",
        },
        Case {
            person: "pof9pp",
            birth: "1995-01-01",
            claims: vec![stay(
                "G2",
                "pof9pp",
                "111",
                "2026-04-01",
                "2026-04-03",
                "2",
                &["O80", "Z370"],
            )],
            indicators: vec![ind(
                "pof9pp",
                "racial-ethnic-disparity-group",
                "2020-01-01",
                "present",
            )],
            pof: "9",
        },
    ]
}

#[test]
fn every_reachable_pof_is_met_from_claims_and_indicators() {
    let cases = cases();
    let members: Vec<String> = cases
        .iter()
        .map(|c| member(c.person, c.birth))
        .chain([member("nobody", "1980-01-01")])
        .collect();
    let claims: Vec<Line> = cases.iter().flat_map(|c| c.claims.clone()).collect();
    let indicators: Vec<String> = cases.iter().flat_map(|c| c.indicators.clone()).collect();
    let ind_refs: Vec<&str> = indicators.iter().map(String::as_str).collect();
    let o = run(&members, &claims, &ind_refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    for c in &cases {
        let pofs = o.pofs(c.person);
        assert!(
            pofs.split(';').any(|p| p == c.pof),
            "{}: POF {} not met (pofs '{pofs}')",
            c.person,
            c.pof
        );
    }
    assert!(
        !o.rows.contains_key("nobody"),
        "a member meeting no POF gets no row"
    );
    let s = &o.summary.json;
    assert_eq!(s["pofs"]["2"]["met"], 3);
    assert_eq!(s["pofs_by_county"]["San Mateo"]["2"]["met"], 3);
}

#[test]
fn claims_alone_do_not_meet_a_pof_that_needs_an_assessment() {
    // POF 1a needs complex need (an assessment); POF 3 adult needs SMHS/DMC; POF 9 needs the
    // disparity group: claims alone leave them undetermined, never met.
    let claims = vec![
        office("H1", "a", "2026-11-01", &["Z5902"]),
        office("G1", "a", "2026-09-01", &["Z3A20"]),
        ed("U1", "a", "2026-05-15", &["F1020"]),
        ed("U2", "a", "2026-06-15", &["F1020"]),
    ];
    let o = run(&[member("a", "1970-01-01")], &claims, &[]);
    assert_eq!(o.pofs("a"), "", "{:?}", o.rows.get("a"));
    let s = &o.summary.json;
    for code in ["1a", "3", "9"] {
        assert_eq!(s["pofs"][code]["undetermined"], 1, "POF {code}");
    }
}

#[test]
fn output_row_has_evidence_with_claim_ids_and_no_demographics() {
    let claims: Vec<Line> = (1..=7)
        .map(|k| {
            ed(
                &format!("E{k}"),
                "a",
                &format!("2026-{:02}-10", 3 + k),
                &["J069"],
            )
        })
        .collect();
    let o = run(
        &[member("a", "1970-03-04")],
        &claims,
        &["a,hospice,2026-01-01,,chart-1,absent,"],
    );
    let row = &o.rows["a"];
    assert_eq!(row["pofs"], "2");
    assert_eq!(row["county"], "San Mateo");
    assert_eq!(row["plan"], "hpsm");
    assert_eq!(
        row["policy_version"],
        o.summary.json["policy_version"].as_str().unwrap()
    );
    assert_eq!(row["determination_id"].len(), 64);
    let ev: serde_json::Value = serde_json::from_str(&row["evidence"]).unwrap();
    let ed = &ev["pof2.adult.avoidable_ed_visits"];
    // 6-month window from 2026-05-22: visits on 06-10 … 10-10 (5 of them).
    assert_eq!(ed["count"], 5, "{ev}");
    assert_eq!(ed["first"], "2026-06-10");
    assert_eq!(ed["last"], "2026-10-10");
    assert_eq!(ed["ids"], serde_json::json!(["E3", "E4", "E5", "E6", "E7"]));
    let text = std::fs::read_to_string(o.dir.path().join("out.csv")).unwrap();
    assert!(
        !text.contains("1970-03-04"),
        "birth dates never appear in the output"
    );
}
