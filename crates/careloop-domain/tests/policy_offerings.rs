//! Offerings by plan, county and date (plan overlays [1][2][4] + statewide mandates [18][31]).

use careloop_domain::CsId;
use careloop_domain::policy::{OfferingBasis, OfferingsError, PolicyPack, offerings};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => panic!("embedded pack: {e}"),
    }
}

fn count(pack: &PolicyPack, plan: &str, county: &str, on: Date) -> Result<usize, OfferingsError> {
    offerings(pack, plan, county, on).map(|v| v.len())
}

#[test]
fn offerings_count_per_plan_county_and_day() {
    let pack = pack();
    let cases = [
        // Alameda Alliance: 9 "currently offering", +3 go-live 2024-01-01 [2], +TR mandate 2026 [18].
        ("alameda-alliance", "Alameda", date(2023, 12, 31), 9),
        ("alameda-alliance", "Alameda", date(2024, 1, 1), 12),
        ("alameda-alliance", "Alameda", date(2025, 12, 31), 12),
        ("alameda-alliance", "Alameda", date(2026, 1, 1), 13),
        ("alameda-alliance", "Alameda", date(2026, 11, 22), 13),
        ("alameda-alliance", "ALAMEDA county", date(2026, 11, 22), 13),
        // HPSM: 9 CS [4]; TR by mandate and Asthma Remediation (HPSM's current page) from 2026
        // (issue #14 item 3).
        ("hpsm", "San Mateo", date(2025, 6, 1), 9),
        ("hpsm", "san mateo", date(2026, 11, 22), 11),
        // Aetna: 14 CS [1] until it left Medi-Cal on 2023-12-31 (issue #14 item 1).
        ("aetna-better-health-ca", "Sacramento", date(2023, 6, 1), 14),
        (
            "aetna-better-health-ca",
            "Sacramento",
            date(2023, 12, 31),
            14,
        ),
        (
            "aetna-better-health-ca",
            "San Diego",
            date(2023, 12, 31),
            14,
        ),
    ];
    for (plan, county, on, expected) in cases {
        assert_eq!(
            count(&pack, plan, county, on),
            Ok(expected),
            "{plan} {county} {on}"
        );
    }
}

#[test]
fn transitional_rent_is_listed_by_statewide_mandate_with_its_source() {
    let pack = pack();
    let list =
        offerings(&pack, "alameda-alliance", "Alameda", date(2026, 11, 22)).unwrap_or_default();
    let tr = list.iter().find(|o| o.id == CsId::TransitionalRent);
    assert!(
        tr.is_some_and(|o| o.basis == OfferingBasis::StatewideMandate
            && o.effective_from == date(2026, 1, 1)
            && o.name == "Transitional Rent"
            && o.source.contains("[18]"))
    );
    assert!(
        list.iter()
            .filter(|o| o.id != CsId::TransitionalRent)
            .all(|o| o.basis == OfferingBasis::Plan)
    );
}

#[test]
fn offerings_are_in_catalog_order_with_current_names() {
    let pack = pack();
    let list =
        offerings(&pack, "alameda-alliance", "Alameda", date(2026, 11, 22)).unwrap_or_default();
    let positions: Vec<usize> = list.iter().map(|o| pack.catalog.position(o.id)).collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    assert_eq!(positions, sorted);
    let alf = list.iter().find(|o| o.id == CsId::AlfTransitions);
    assert_eq!(alf.map(|o| o.name.as_str()), Some("ALF Transitions"));
}

#[test]
fn unknown_plan_names_the_known_plans() {
    let pack = pack();
    let err = offerings(&pack, "kaiser", "Alameda", date(2026, 1, 1)).err();
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    for plan in [
        "aetna-better-health-ca",
        "alameda-alliance",
        "hpsm",
        "\"kaiser\"",
    ] {
        assert!(message.contains(plan), "{message}");
    }
}

#[test]
fn county_not_served_names_the_served_counties() {
    let pack = pack();
    let cases = [
        ("alameda-alliance", "San Mateo", date(2026, 1, 1), "Alameda"),
        ("hpsm", "Alameda", date(2026, 1, 1), "San Mateo"),
        // Aetna left Medi-Cal (San Diego and Sacramento) at the end of 2023 (issue #14 item 1).
        (
            "aetna-better-health-ca",
            "San Diego",
            date(2024, 1, 1),
            "none",
        ),
        // Before the CalAIM launch the overlays serve no county.
        ("hpsm", "San Mateo", date(2021, 12, 31), "none"),
    ];
    for (plan, county, on, served) in cases {
        match offerings(&pack, plan, county, on) {
            Err(e @ OfferingsError::CountyNotServed { .. }) => {
                let message = e.to_string();
                assert!(
                    message.contains(served) && message.contains(county),
                    "{message}"
                );
            }
            other => panic!("{plan} {county} {on}: expected CountyNotServed, got {other:?}"),
        }
    }
}

proptest! {
    /// Around the Alameda Alliance go-live (2024-01-01) and the TR mandate (2026-01-01) the count
    /// only changes on those days.
    #[test]
    fn alameda_count_changes_only_on_go_live_and_mandate(offset in -700i32..1500) {
        let pack = pack();
        let on = date(2024, 1, 1).saturating_add(offset.days());
        let expected = if on < date(2024, 1, 1) { 9 } else if on < date(2026, 1, 1) { 12 } else { 13 };
        prop_assert_eq!(count(&pack, "alameda-alliance", "Alameda", on), Ok(expected));
    }
}
