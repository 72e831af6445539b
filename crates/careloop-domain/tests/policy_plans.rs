//! Issue #14, the plan data: Aetna's exit (item 1), per-plan invoice rules (item 2), HPSM's later
//! Community Supports (item 3), the election cadence (item 7), the plans around the seeds
//! (item 10) and docs/policy.md generated from the pack.

use careloop_domain::PolicyPack;
use careloop_domain::cs::CsId;
use careloop_domain::cs_limits::{CsLimitInput, Outcome, check};
use careloop_domain::eligibility::{FactsError, MemberFacts};
use careloop_domain::policy::{OfferingsError, ProblemKind, check_overlay, doc, offerings};
use careloop_domain::workflow::Program;
use careloop_domain::workflow::coverage::check_program_covered;
use jiff::civil::{Date, date};

fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => panic!("embedded pack: {e}"),
    }
}

const AETNA: &str = "aetna-better-health-ca";

fn offered(pack: &PolicyPack, plan: &str, county: &str, on: Date) -> Vec<CsId> {
    match offerings(pack, plan, county, on) {
        Ok(list) => list.into_iter().map(|o| o.id).collect(),
        Err(e) => panic!("{plan} {county} {on}: {e}"),
    }
}

// --- item 1: Aetna left Medi-Cal on 2023-12-31 ---

#[test]
fn aetna_serves_and_offers_through_2023_only() {
    let pack = pack();
    for county in ["Sacramento", "San Diego"] {
        assert_eq!(offered(&pack, AETNA, county, date(2023, 12, 31)).len(), 14);
        match offerings(&pack, AETNA, county, date(2024, 1, 1)) {
            Err(e @ OfferingsError::CountyNotServed { .. }) => {
                let message = e.to_string();
                assert!(message.contains("ended on 2023-12-31"), "{message}");
            }
            other => panic!("{county}: expected CountyNotServed, got {other:?}"),
        }
    }
    let plan = pack.plan(AETNA);
    assert_eq!(
        plan.and_then(|p| p.last_day(None)),
        Some(date(2023, 12, 31))
    );
    assert!(plan.is_some_and(|p| {
        p.offerings
            .iter()
            .all(|o| o.effective_through == Some(date(2023, 12, 31)))
    }));
}

#[test]
fn a_referral_or_authorization_for_aetna_after_2023_is_refused_naming_the_end_date() {
    let pack = pack();
    let cs = Program::Cs(CsId::MedicallyTailoredMeals);
    let refused = check_program_covered(&pack, AETNA, "Sacramento", date(2026, 11, 22), cs);
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("2023-12-31"), "{message}");
    let ecm = check_program_covered(&pack, AETNA, "Sacramento", date(2024, 1, 1), Program::Ecm);
    assert!(ecm.is_err());
    // History before the end still decides.
    assert!(check_program_covered(&pack, AETNA, "Sacramento", date(2023, 6, 1), cs).is_ok());
}

fn facts(end: Option<&str>) -> MemberFacts {
    let end = end.map_or(String::new(), |e| format!(r#", "end": "{e}""#));
    let text = format!(
        r#"{{ "member_id": "SYN-AETNA-1", "birth_date": "1970-01-01",
            "enrollments": [ {{ "plan": "{AETNA}", "county": "Sacramento", "line_of_business": "medi-cal", "start": "2022-03-01"{end} }} ] }}"#
    );
    match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(e) => panic!("facts: {e}"),
    }
}

#[test]
fn an_eligibility_check_with_aetna_enrollment_after_2023_is_refused_naming_the_end_date() {
    let pack = pack();
    let as_of = date(2026, 11, 22);
    let problems = facts(None).problems(as_of, &pack);
    let ended = problems.iter().find_map(|p| match p {
        FactsError::PlanEnded { last_day, .. } => Some(*last_day),
        _ => None,
    });
    assert_eq!(ended, Some(date(2023, 12, 31)), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("2023-12-31"))
    );
    // An open span checked as of 2023 and a span that ended with the plan are history: fine.
    assert!(facts(None).problems(date(2023, 6, 1), &pack).is_empty());
    assert!(facts(Some("2023-12-31")).problems(as_of, &pack).is_empty());
}

#[test]
fn lifetime_cs_counters_keep_counting_aetna_history() {
    let pack = pack();
    let text = r#"{
      "member_id": "SYN-AETNA-2",
      "history": [
        { "id": "eaa-aetna-2023", "cs": "environmental-accessibility-adaptations", "kind": "authorization", "plan": "aetna-better-health-ca", "start": "2023-05-01", "end": "2023-06-30", "amount_cents": 620000 }
      ],
      "proposed": { "cs": "environmental-accessibility-adaptations", "plan": "molina-healthcare-ca", "start": "2026-03-01", "end": "2026-03-31", "amount_cents": 130001 }
    }"#;
    let input: CsLimitInput = match serde_json::from_str(text) {
        Ok(i) => i,
        Err(e) => panic!("input: {e}"),
    };
    let decision = check(&input, &pack);
    assert_eq!(decision.outcome, Outcome::Denied, "{}", decision.message);
}

// --- item 3: HPSM's later Community Supports ---

#[test]
fn hpsm_adds_asthma_remediation_as_dated_cited_history() {
    let pack = pack();
    let before = offered(&pack, "hpsm", "San Mateo", date(2025, 12, 31));
    let after = offered(&pack, "hpsm", "San Mateo", date(2026, 1, 1));
    assert_eq!(before.len(), 9);
    assert!(!before.contains(&CsId::AsthmaRemediation));
    assert!(after.contains(&CsId::AsthmaRemediation));
    let asthma = pack
        .plan("hpsm")
        .and_then(|p| p.offerings.iter().find(|o| o.cs == CsId::AsthmaRemediation));
    assert!(asthma.is_some_and(|o| o.unconfirmed && o.source.contains("hpsm.org")));
}

// --- item 10: the plans around the seeds ---

#[test]
fn the_plans_of_riverside_san_bernardino_and_the_2024_sacramento_and_san_diego_plans() {
    let pack = pack();
    let on = date(2026, 11, 22);
    let serving = |county: &str| -> Vec<String> {
        pack.plans
            .iter()
            .filter(|p| p.serves(county, on))
            .map(|p| p.id.clone())
            .collect()
    };
    assert_eq!(serving("Riverside"), ["iehp", "molina-healthcare-ca"]);
    assert_eq!(serving("San Bernardino"), ["iehp", "molina-healthcare-ca"]);
    assert_eq!(
        serving("Sacramento"),
        ["anthem-blue-cross", "health-net", "molina-healthcare-ca"]
    );
    assert_eq!(
        serving("San Diego"),
        [
            "blue-shield-promise",
            "community-health-group",
            "kaiser-permanente",
            "molina-healthcare-ca"
        ]
    );
    // IEHP: 11 + 3 = all 14 from 2023-07-01 (TR by mandate from 2026).
    assert_eq!(
        offered(&pack, "iehp", "Riverside", date(2024, 1, 1)).len(),
        14
    );
    // Every county span and offering of every plan cites a source.
    for plan in &pack.plans {
        assert!(
            plan.counties.iter().all(|c| !c.source.trim().is_empty()),
            "{}",
            plan.id
        );
        assert!(
            plan.offerings.iter().all(|o| !o.source.trim().is_empty()),
            "{}",
            plan.id
        );
    }
}

// --- item 2: invoice rules per plan ---

#[test]
fn every_plan_states_its_invoice_windows_and_aetna_its_pathway() {
    let pack = pack();
    for plan in &pack.plans {
        let Some(invoice) = &plan.invoice else {
            panic!("{} states no invoice rules", plan.id);
        };
        if invoice.windows_are_default() {
            assert!(invoice.timely_filing_days.unconfirmed, "{}", plan.id);
            assert!(invoice.resubmission_days.unconfirmed, "{}", plan.id);
        }
    }
    let aetna = pack.plan(AETNA).and_then(|p| p.invoice.as_ref());
    assert!(aetna.is_some_and(|i| !i.windows_are_default()
        && i.timely_filing_days.value == 180
        && i.resubmission_days.value == 90));
    let pathway = aetna.and_then(|i| i.pathway.as_ref());
    assert_eq!(
        pathway.map(|p| p.accepted_when.value.as_str()),
        Some("provider-cannot-submit-compliant-electronic-claims")
    );
    assert_eq!(
        pathway
            .and_then(|p| p.required_fields.as_ref())
            .map(|f| f.value.len()),
        Some(6)
    );
    assert_eq!(
        pathway
            .and_then(|p| p.send_to.as_ref())
            .map(|s| s.value.as_str()),
        Some("email")
    );
    let hpsm = pack.plan("hpsm").and_then(|p| p.invoice.as_ref());
    assert!(hpsm.is_some_and(|i| i.windows_are_default()));
}

const OVERLAY_HEAD: &str = r#"
id = "test-cadence"
name = "Test cadence plan"
source = "synthetic"

[[counties]]
county = "Yolo"
effective_from = "2022-01-01"
source = "synthetic"

[[counties]]
county = "Napa"
effective_from = "2024-03-01"
source = "synthetic"
"#;

const INVOICE: &str = r#"
[invoice]
timely_filing_days = { value = 180, source = "synthetic" }
resubmission_days = { value = 90, source = "synthetic" }
"#;

fn offering(cs: &str, counties: &str, from: &str, through: Option<&str>) -> String {
    let through = through.map_or(String::new(), |t| format!("effective_through = \"{t}\"\n"));
    format!(
        "\n[[offerings]]\ncs = \"{cs}\"\ncounties = [{counties}]\neffective_from = \"{from}\"\n{through}source = \"synthetic\"\n"
    )
}

#[test]
fn policy_check_requires_the_invoice_windows() {
    let pack = pack();
    let problems = check_overlay(OVERLAY_HEAD, &pack);
    assert!(
        problems
            .iter()
            .any(|p| p.kind == ProblemKind::MissingField && p.location == "invoice"),
        "{problems:#?}"
    );
}

// --- item 7: election cadence ---

#[test]
fn policy_check_flags_offering_changes_off_the_election_cadence() {
    let pack = pack();
    let text = [
        OVERLAY_HEAD,
        INVOICE,
        // Off cadence: starts in March, stops after May.
        &offering("respite", "\"Yolo\"", "2024-03-01", None),
        &offering(
            "sobering-centers",
            "\"Yolo\"",
            "2024-01-01",
            Some("2024-05-31"),
        ),
        // On cadence: January start, stop after June.
        &offering(
            "day-habilitation",
            "\"Yolo\"",
            "2024-01-01",
            Some("2024-06-30"),
        ),
        // The plan enters Napa on 2024-03-01: not an election.
        &offering("medically-tailored-meals", "\"Napa\"", "2024-03-01", None),
    ]
    .concat();
    let problems = check_overlay(&text, &pack);
    let cadence: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::ElectionCadence)
        .collect();
    assert_eq!(cadence.len(), 2, "{problems:#?}");
    assert!(
        cadence
            .iter()
            .any(|p| p.location.contains("(respite) effective_from")
                && p.message.contains("2024-03-01")
                && p.message.contains("every 6 months"))
    );
    assert!(cadence.iter().any(
        |p| p.location.contains("(sobering-centers) effective_through")
            && p.message.contains("2024-06-01")
    ));
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

// --- docs/policy.md ---

#[test]
fn policy_doc_is_generated_from_the_pack_and_current() {
    let pack = pack();
    let generated = doc::render(&pack);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy.md");
    if std::env::var_os("CARELOOP_UPDATE_POLICY_DOC").is_some() {
        assert!(std::fs::write(&path, &generated).is_ok());
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/policy.md is stale: run CARELOOP_UPDATE_POLICY_DOC=1 cargo test -p careloop-domain --test policy_plans"
    );
    for plan in &pack.plans {
        assert!(
            generated.contains(&format!("(`{}`)", plan.id)),
            "{}",
            plan.id
        );
    }
    assert!(generated.contains("2022-01-01 – 2023-12-31"));
}
