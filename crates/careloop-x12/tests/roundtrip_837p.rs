//! Property: generated 837P claim files survive write -> read unchanged, and every written file
//! passes the envelope checks (issue #17 "Done means": generated claims survive write→parse).

use careloop_x12::p837::{
    self, Address, BillingProvider, Claim, ClaimFile, ClaimIndicators, ClaimTransaction, Contact,
    Diagnosis, Party, Patient, Person, ServiceDate, ServiceLine, Subscriber,
};
use careloop_x12::{Cents, Date, Hcpcs, InterchangeHeader, check_envelope, tokenize};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

mod common;

fn word() -> impl Strategy<Value = String> {
    "[A-Z][A-Z ]{0,8}[A-Z]"
}

fn id() -> impl Strategy<Value = String> {
    "[A-Z0-9]{2,12}"
}

fn date() -> impl Strategy<Value = Date> {
    (2000u16..2031, 1u8..13, 1u8..29).prop_map(|(year, month, day)| Date { year, month, day })
}

fn address() -> impl Strategy<Value = Address> {
    (
        word(),
        prop::option::of(word()),
        word(),
        prop_oneof![Just("CA"), Just("NV")].prop_map(String::from),
        "[0-9]{5}",
    )
        .prop_map(|(line1, line2, city, state, postal_code)| Address {
            line1,
            line2: line2.unwrap_or_default(),
            city,
            state,
            postal_code,
        })
}

fn person() -> impl Strategy<Value = Person> {
    (
        word(),
        word(),
        prop::option::of((date(), "[FMU]")),
        prop::option::of(address()),
    )
        .prop_map(|(last_name, first_name, dmg, address)| Person {
            last_name,
            first_name,
            birth_date: dmg.as_ref().map(|d| d.0),
            gender: dmg.map(|d| d.1),
            address,
        })
}

fn line() -> impl Strategy<Value = ServiceLine> {
    (
        "[A-Z][0-9]{4}",
        prop::collection::vec("[A-Z0-9]{2}", 0..=4),
        1i64..1_000_000,
        (prop_oneof![Just("UN"), Just("MJ")], 1i64..100_000),
        prop::option::of(prop_oneof![Just("11"), Just("12")].prop_map(String::from)),
        prop::collection::vec(1u8..13, 1..=4),
        (date(), prop::option::of(date())),
        prop::option::of(id()),
    )
        .prop_map(
            |(code, modifiers, charge, (basis, units), pos, ptrs, when, auth)| ServiceLine {
                hcpcs: Hcpcs::parse(&code).unwrap(),
                modifiers,
                charge: Cents(charge),
                unit_basis: basis.into(),
                units_milli: units,
                place_of_service: pos,
                diagnosis_pointers: ptrs,
                service_date: ServiceDate {
                    from: when.0,
                    to: when.1,
                },
                prior_authorization: auth,
            },
        )
}

/// The patient loop (2010CA) requires N3/N4 and DMG.
fn patient_person() -> impl Strategy<Value = Person> {
    (person(), date(), "[FMU]", address()).prop_map(|(p, d, g, a)| Person {
        birth_date: Some(d),
        gender: Some(g),
        address: Some(a),
        ..p
    })
}

fn claim() -> impl Strategy<Value = Claim> {
    (
        (
            word(),
            "[0-9]{10}",
            "[0-9]{9}",
            address(),
            prop::option::of("[0-9]{9}X"),
        ),
        (
            id(),
            person(),
            prop::option::of(id()),
            prop_oneof![Just("MC"), Just("HM"), Just("CI")],
        ),
        (word(), id()),
        prop::option::of((
            prop_oneof![Just("01"), Just("19"), Just("20"), Just("G8")].prop_map(String::from),
            patient_person(),
        )),
        (
            id(),
            prop_oneof![Just("11"), Just("12"), Just("99")].prop_map(String::from),
            prop::option::of(id()),
        ),
        prop::collection::vec("[A-Z][0-9]{2,6}", 1..=12),
        prop::collection::vec(line(), 1..6),
    )
        .prop_map(|(bp, sub, payer, patient, clm, dx, lines)| Claim {
            billing_provider: BillingProvider {
                name: bp.0,
                npi: bp.1,
                tin: bp.2,
                address: bp.3,
                taxonomy: bp.4,
            },
            subscriber: Subscriber {
                responsibility: "P".into(),
                relationship: patient.is_none().then(|| "18".into()),
                group_number: sub.2,
                filing_indicator: sub.3.into(),
                member_id: sub.0,
                person: sub.1,
            },
            payer: Party {
                name: payer.0,
                id: payer.1,
            },
            patient: patient.map(|(relationship, person)| Patient {
                relationship,
                person,
            }),
            claim_id: clm.0,
            total_charge: Cents(lines.iter().map(|l| l.charge.0).sum()),
            place_of_service: clm.1,
            frequency: "1".into(),
            indicators: ClaimIndicators {
                provider_signature: "Y".into(),
                assignment: "A".into(),
                benefits_assigned: "Y".into(),
                release_of_information: "Y".into(),
            },
            prior_authorization: clm.2,
            diagnoses: dx
                .into_iter()
                .enumerate()
                .map(|(i, code)| Diagnosis {
                    qualifier: if i == 0 { "ABK" } else { "ABF" }.into(),
                    code,
                })
                .collect(),
            lines,
        })
}

fn file() -> impl Strategy<Value = ClaimFile> {
    (
        date(),
        "([01][0-9]|2[0-3])[0-5][0-9]",
        1u32..999_999_999,
        prop::collection::vec(claim(), 1..4),
    )
        .prop_map(|(d, time, control, claims)| ClaimFile {
            header: InterchangeHeader {
                sender_qualifier: "ZZ".into(),
                sender_id: "CBO".into(),
                receiver_qualifier: "ZZ".into(),
                receiver_id: "PLAN".into(),
                application_sender: "CBO".into(),
                application_receiver: "PLAN".into(),
                date: d,
                time: time.clone(),
                interchange_control: control,
                group_control: 1,
                production: false,
            },
            transactions: vec![ClaimTransaction {
                control: 1,
                reference: "B1".into(),
                created: d,
                created_time: time,
                kind: "CH".into(),
                submitter: Party {
                    name: "CBO".into(),
                    id: "CBO1".into(),
                },
                submitter_contact: Contact {
                    name: "BILLING".into(),
                    phone: "5105550100".into(),
                },
                receiver: Party {
                    name: "PLAN".into(),
                    id: "PLAN1".into(),
                },
                claims,
            }],
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn generated_claims_survive_write_then_read(f in file()) {
        let text = p837::write(&f).unwrap();
        check_envelope(&tokenize(text.as_bytes()).unwrap()).unwrap();
        let back = p837::read(text.as_bytes()).unwrap();
        prop_assert_eq!(back, f);
    }
}

/// Generated claim files pass pyx12 too (a fixed-seed sample: each run of the validator takes
/// about a second).
#[test]
fn generated_claim_files_pass_pyx12() {
    let Some(python) = common::pyx12() else {
        return;
    };
    let mut runner = TestRunner::deterministic();
    for i in 0..8 {
        let f = file().new_tree(&mut runner).unwrap().current();
        let text = p837::write(&f).unwrap();
        common::assert_pyx12_ok(&python, &format!("gen837-{i}"), &text);
    }
}
