//! The public 837P samples: the ones pyx12 accepts (VALIDATION-baseline.tsv) read with claim
//! totals matching the files and survive write -> read unchanged; the defective ones are
//! refused with a named error.

mod common;

use careloop_x12::{Cents, Rule, p837};

const VALID: [&str; 2] = [
    "oopfactory/patched-A1/837P_5010_Example1_HealthInsurance.txt",
    "oopfactory/patched-A1/837P_5010_Example2_Encounter.txt",
];

#[test]
fn valid_samples_read_with_their_totals() {
    let Some(dir) = common::samples() else { return };
    // (file, claim id, CLM02 as in the file, number of service lines)
    for (file, claim_id, total, lines) in [
        (VALID[0], "26463774", Cents(10000), 4),
        (VALID[1], "26462967", Cents(10000), 4),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let parsed = p837::read(&bytes).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let claims: Vec<_> = parsed.transactions.iter().flat_map(|t| &t.claims).collect();
        assert_eq!(claims.len(), 1, "{file}");
        let c = claims[0];
        assert_eq!(c.claim_id, claim_id);
        assert_eq!(c.total_charge, total);
        assert_eq!(c.lines.len(), lines);
        assert_eq!(c.billing_provider.npi, "9876543210");
        assert_eq!(c.billing_provider.tin, "587654321");
        assert_eq!(c.place_of_service, "11");
    }
}

#[test]
fn sample_one_is_read_field_by_field() {
    let Some(dir) = common::samples() else { return };
    let bytes = std::fs::read(dir.join(VALID[0])).unwrap();
    let parsed = p837::read(&bytes).unwrap();
    let c = &parsed.transactions[0].claims[0];
    assert_eq!(c.subscriber.member_id, "JS00111223333");
    assert_eq!(c.payer.id, "999996666");
    let patient = c.patient.as_ref().unwrap();
    assert_eq!(patient.relationship, "19");
    assert_eq!(patient.person.last_name, "SMITH");
    let codes: Vec<_> = c.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["0340", "V7389"]);
    let l = &c.lines[3];
    assert_eq!(l.hcpcs.as_str(), "86663");
    assert_eq!(l.charge, Cents(1000));
    assert_eq!(l.units_milli, 1000);
    let d = &l.service_date;
    assert_eq!(
        (d.from.to_string(), d.to.map(|t| t.to_string())),
        ("20061010".into(), Some("20061025".into()))
    );
}

#[test]
fn valid_samples_survive_write_then_read() {
    let Some(dir) = common::samples() else { return };
    for file in VALID {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let first = p837::read(&bytes).unwrap();
        let written = p837::write(&first).unwrap();
        let second =
            p837::read(written.as_bytes()).unwrap_or_else(|e| panic!("{file}: {e:?}\n{written}"));
        assert_eq!(first, second, "{file}");
    }
}

#[test]
fn written_samples_pass_pyx12() {
    let Some(dir) = common::samples() else { return };
    let Some(python) = common::pyx12() else {
        return;
    };
    for (i, file) in VALID.iter().enumerate() {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let written = p837::write(&p837::read(&bytes).unwrap()).unwrap();
        common::assert_pyx12_ok(&python, &format!("sample837-{i}"), &written);
    }
}

#[test]
fn defective_samples_are_refused_with_a_named_error() {
    let Some(dir) = common::samples() else { return };
    // (file, rule, segment id named by the first error)
    for (file, rule, segment) in [
        // Not the A1 guide: GS08 005010X222.
        (
            "oopfactory/837P_5010_Example1_HealthInsurance.txt",
            Rule::Implementation,
            "GS",
        ),
        // SBR*P*******CI: the filing indicator sits in SBR08 (not used), SBR09 is empty;
        // pyx12 reports the same segment.
        (
            "oopfactory/patched-A1/837P_5010_Example1_2_And_3_Combined.txt",
            Rule::Required,
            "SBR",
        ),
        (
            "oopfactory/patched-A1/837P_5010_Example3_COB.txt",
            Rule::Required,
            "SBR",
        ),
        // BHT*9999: pyx12 "Segment BHT*9999 not found".
        (
            "oopfactory/patched-A1/837P_5010_MedicaidExample.txt",
            Rule::Value,
            "BHT",
        ),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let errors = p837::read(&bytes).expect_err(file);
        let first = &errors[0];
        assert_eq!(
            (first.rule, first.position.segment_id.as_str()),
            (rule, segment),
            "{file}: {errors:?}"
        );
        assert!(first.position.segment > 0, "{file}: {first}");
    }
}
