//! 835 and 999 written from small typed inputs: the files pass pyx12 4.0.0 (when installed;
//! required under CI=true) and their envelopes pass careloop-x12's own checks.

mod common;

use careloop_x12::r835::{
    Adjustment, AdjustmentGroup, ClaimPayment, LinePayment, Payee, Payer, PaymentRun,
};
use careloop_x12::r999::{Acknowledgment, ElementError, SegmentError, SetAcknowledgment};
use careloop_x12::{Cents, Date, Hcpcs, InterchangeHeader, Rule, check_envelope, tokenize};

fn header() -> InterchangeHeader {
    InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: "PLANDEMO".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "CBODEMO".into(),
        application_sender: "PLANDEMO".into(),
        application_receiver: "CBODEMO".into(),
        date: Date::parse("20260315").unwrap(),
        time: "1200".into(),
        interchange_control: 17,
        group_control: 5,
        production: false,
    }
}

fn line(
    code: &str,
    mods: &[&str],
    charge: i64,
    paid: i64,
    adjustments: Vec<Adjustment>,
    rarcs: &[&str],
) -> LinePayment {
    LinePayment {
        hcpcs: Hcpcs::parse(code).unwrap(),
        modifiers: mods.iter().map(|m| m.to_string()).collect(),
        charge: Cents(charge),
        paid: Cents(paid),
        units_milli: 1000,
        service_date: Date::parse("20260302").unwrap(),
        adjustments,
        rarcs: rarcs.iter().map(|r| r.to_string()).collect(),
    }
}

fn co(carc: &str, amount: i64) -> Adjustment {
    Adjustment {
        group: AdjustmentGroup::Contractual,
        carc: carc.into(),
        amount: Cents(amount),
    }
}

fn run() -> PaymentRun {
    let claim = |id: &str, lines| ClaimPayment {
        claim_id: id.into(),
        payer_claim_number: format!("P{id}"),
        filing_indicator: "MC".into(),
        place_of_service: "12".into(),
        patient_last_name: "DOE".into(),
        patient_first_name: "SAM".into(),
        member_id: "M0000001".into(),
        lines,
    };
    PaymentRun {
        header: header(),
        payer: Payer {
            name: "DEMO HEALTH PLAN".into(),
            tin: "123456789".into(),
            line1: "1 PLAN WAY".into(),
            city: "OAKLAND".into(),
            state: "CA".into(),
            postal_code: "94612".into(),
            contact_name: "EDI DESK".into(),
            contact_phone: "5105550100".into(),
        },
        payee: Payee {
            name: "DEMO CBO".into(),
            npi: "1234567893".into(),
            tin: "987654321".into(),
        },
        payment_date: Date::parse("20260315").unwrap(),
        trace_number: "CHK000123".into(),
        claims: vec![
            // Paid in part: contractual reduction with a remark.
            claim(
                "INV-1",
                vec![
                    line(
                        "T1016",
                        &["U1"],
                        10000,
                        8000,
                        vec![co("45", 2000)],
                        &["N381"],
                    ),
                    line("H2015", &["U4", "HK"], 5000, 5000, vec![], &[]),
                ],
            ),
            // Denied: no authorization (CARC 197) with a remark.
            claim(
                "INV-2",
                vec![line(
                    "S5102",
                    &[],
                    12000,
                    0,
                    vec![co("197", 12000)],
                    &["N54"],
                )],
            ),
        ],
    }
}

#[test]
fn payment_run_835_envelope_and_pyx12() {
    let text = careloop_x12::r835::write(&run()).unwrap();
    let segments = tokenize(text.as_bytes()).unwrap();
    check_envelope(&segments).unwrap();
    assert!(text.contains("BPR*I*130*C*CHK"), "{text}");
    assert!(text.contains("CLP*INV-2*4*120*0*"), "{text}");
    let Some(python) = common::pyx12() else {
        return;
    };
    common::assert_pyx12_ok(&python, "run835", &text);
}

#[test]
fn an_unbalanced_line_is_refused() {
    let mut r = run();
    r.claims[0].lines[0].adjustments = vec![co("45", 1999)];
    let e = careloop_x12::r835::write(&r).unwrap_err();
    assert_eq!(e.rule, Rule::Input);
    assert!(e.detail.contains("must equal the adjustments"), "{e}");
}

#[test]
fn free_text_with_a_delimiter_is_refused() {
    let mut r = run();
    r.payer.name = "PLAN*ONE".into();
    assert_eq!(careloop_x12::r835::write(&r).unwrap_err().rule, Rule::Input);
}

fn ack(sets: Vec<SetAcknowledgment>) -> Acknowledgment {
    Acknowledgment {
        header: header(),
        functional_id: "HC".into(),
        group_control: 1,
        version: "005010X222A1".into(),
        sets,
    }
}

#[test]
fn acknowledgment_999_accepted_and_rejected_pass_pyx12() {
    let accepted = SetAcknowledgment {
        set_id: "837".into(),
        control: "0021".into(),
        errors: vec![],
    };
    let rejected = SetAcknowledgment {
        set_id: "837".into(),
        control: "0022".into(),
        errors: vec![SegmentError {
            segment_id: "CLM".into(),
            position: 29,
            loop_id: Some("2300".into()),
            code: "8".into(),
            elements: vec![ElementError {
                position: 2,
                component: None,
                reference: Some("782".into()),
                code: "6".into(),
                value: Some("1OO".into()),
            }],
        }],
    };
    let all_ok = careloop_x12::r999::write(&ack(vec![accepted.clone()])).unwrap();
    let partial = careloop_x12::r999::write(&ack(vec![accepted, rejected.clone()])).unwrap();
    let none = careloop_x12::r999::write(&ack(vec![rejected])).unwrap();
    for (text, ak9) in [
        (&all_ok, "AK9*A*1*1*1"),
        (&partial, "AK9*P*2*2*1"),
        (&none, "AK9*R*1*1*0"),
    ] {
        check_envelope(&tokenize(text.as_bytes()).unwrap()).unwrap();
        assert!(text.contains(ak9), "{text}");
    }
    assert!(
        partial.contains("IK3*CLM*29*2300*8~\nIK4*2*782*6*1OO~\nIK5*R*5"),
        "{partial}"
    );
    let Some(python) = common::pyx12() else {
        return;
    };
    for (name, text) in [("ack-a", &all_ok), ("ack-p", &partial), ("ack-r", &none)] {
        common::assert_pyx12_ok(&python, name, text);
    }
}
