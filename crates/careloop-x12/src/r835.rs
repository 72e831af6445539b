//! 835 Health Care Claim Payment/Advice (ASC X12 005010X221A1) for one payment run: one payer
//! pays one payee for a set of claims, each line paid or denied with its CARC adjustments and
//! RARC remarks. The writer checks the TR3 balancing rules before writing: a line's charge
//! minus its payment equals its adjustments (SVC02 - SVC03 = sum of CAS), a claim's charge and
//! payment are the sums of its lines (CLP03, CLP04), and BPR02 is the sum of CLP04.

use crate::error::{Rule, X12Error};
use crate::types::{Cents, Date, Hcpcs, format_fixed};
use crate::write::{InterchangeHeader, X12Writer, comp, text};

/// The implementation guide written (GS08 and ST03).
pub const VERSION: &str = "005010X221A1";

/// One payment run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRun {
    pub header: InterchangeHeader,
    pub payer: Payer,
    pub payee: Payee,
    /// BPR16 check issue / EFT effective date.
    pub payment_date: Date,
    /// TRN02 check or EFT trace number.
    pub trace_number: String,
    pub claims: Vec<ClaimPayment>,
}

/// Loop 1000A.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub name: String,
    /// Payer's federal TIN (9 digits): TRN03 is `1` followed by it.
    pub tin: String,
    pub line1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// PER*BL technical contact name and telephone (required by the TR3).
    pub contact_name: String,
    pub contact_phone: String,
}

/// Loop 1000B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    pub name: String,
    pub npi: String,
    /// REF*TJ federal tax id.
    pub tin: String,
}

/// CAS group code: who owns the adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentGroup {
    /// CO contractual obligation (provider writes off).
    Contractual,
    /// PR patient responsibility.
    Patient,
    /// OA other adjustment.
    Other,
    /// PI payer-initiated reduction.
    PayerInitiated,
}

impl AdjustmentGroup {
    fn code(self) -> &'static str {
        match self {
            AdjustmentGroup::Contractual => "CO",
            AdjustmentGroup::Patient => "PR",
            AdjustmentGroup::Other => "OA",
            AdjustmentGroup::PayerInitiated => "PI",
        }
    }
}

/// A CAS adjustment: group, Claim Adjustment Reason Code (CARC) and amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub group: AdjustmentGroup,
    pub carc: String,
    pub amount: Cents,
}

/// One service line's adjudication (loop 2110).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePayment {
    pub hcpcs: Hcpcs,
    pub modifiers: Vec<String>,
    pub charge: Cents,
    pub paid: Cents,
    pub units_milli: i64,
    pub service_date: Date,
    pub adjustments: Vec<Adjustment>,
    /// Remittance Advice Remark Codes (LQ*HE), e.g. `N362`.
    pub rarcs: Vec<String>,
}

/// One claim's adjudication (loop 2100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPayment {
    /// CLP01: the provider's claim id (CLM01).
    pub claim_id: String,
    /// CLP07: the payer's claim control number.
    pub payer_claim_number: String,
    /// CLP06 claim filing indicator (`MC` Medicaid, `HM` HMO).
    pub filing_indicator: String,
    /// CLP08 place of service (facility type code for professional claims).
    pub place_of_service: String,
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub member_id: String,
    pub lines: Vec<LinePayment>,
}

impl ClaimPayment {
    fn charge(&self) -> i64 {
        self.lines.iter().map(|l| l.charge.0).sum()
    }

    fn paid(&self) -> i64 {
        self.lines.iter().map(|l| l.paid.0).sum()
    }

    fn patient_responsibility(&self) -> i64 {
        self.lines
            .iter()
            .flat_map(|l| &l.adjustments)
            .filter(|a| a.group == AdjustmentGroup::Patient)
            .map(|a| a.amount.0)
            .sum()
    }
}

fn input(detail: String) -> X12Error {
    X12Error::at(0, "", None, Rule::Input, detail)
}

fn check(run: &PaymentRun) -> Result<(), X12Error> {
    if run.payer.tin.len() != 9 || !run.payer.tin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(input(format!(
            "payer TIN {:?} must be 9 digits",
            run.payer.tin
        )));
    }
    if run.claims.is_empty() {
        return Err(input("a payment run has at least one claim".into()));
    }
    for c in &run.claims {
        if c.lines.is_empty() {
            return Err(input(format!("claim {} has no lines", c.claim_id)));
        }
        for (n, l) in c.lines.iter().enumerate() {
            let adjusted: i64 = l.adjustments.iter().map(|a| a.amount.0).sum();
            if l.charge.0 - l.paid.0 != adjusted {
                return Err(input(format!(
                    "claim {} line {}: charge {} - paid {} must equal the adjustments {}",
                    c.claim_id,
                    n + 1,
                    l.charge,
                    l.paid,
                    Cents(adjusted)
                )));
            }
            if l.modifiers.len() > 4 {
                return Err(input(format!(
                    "claim {} line {}: at most 4 modifiers",
                    c.claim_id,
                    n + 1
                )));
            }
        }
    }
    Ok(())
}

/// Writes the payment run as one 835 transaction set, after checking it balances.
pub fn write(run: &PaymentRun) -> Result<String, X12Error> {
    check(run)?;
    let mut w = X12Writer::new(&run.header, "HP", VERSION)?;
    w.st("835", 1, None);
    let total: i64 = run.claims.iter().map(ClaimPayment::paid).sum();
    let total_s = format_fixed(total, 2);
    let date = run.payment_date.to_string();
    // BPR01 I (remittance and payment) by check; H (notification only) when nothing is paid.
    let (kind, method) = if total > 0 {
        ("I", "CHK")
    } else {
        ("H", "NON")
    };
    w.seg(&[
        "BPR", kind, &total_s, "C", method, "", "", "", "", "", "", "", "", "", "", "", &date,
    ]);
    let payer_id = format!("1{}", run.payer.tin);
    w.seg(&[
        "TRN",
        "1",
        text(&run.trace_number, "trace number")?,
        &payer_id,
    ]);
    w.seg(&["DTM", "405", &date]);
    let p = &run.payer;
    w.seg(&["N1", "PR", text(&p.name, "payer name")?]);
    w.seg(&["N3", text(&p.line1, "payer address")?]);
    w.seg(&[
        "N4",
        text(&p.city, "payer city")?,
        text(&p.state, "payer state")?,
        text(&p.postal_code, "payer postal code")?,
    ]);
    w.seg(&[
        "PER",
        "BL",
        text(&p.contact_name, "payer contact")?,
        "TE",
        text(&p.contact_phone, "payer phone")?,
    ]);
    let e = &run.payee;
    w.seg(&[
        "N1",
        "PE",
        text(&e.name, "payee name")?,
        "XX",
        text(&e.npi, "payee NPI")?,
    ]);
    w.seg(&["REF", "TJ", text(&e.tin, "payee TIN")?]);
    w.seg(&["LX", "1"]);
    for c in &run.claims {
        write_claim(&mut w, c)?;
    }
    w.se();
    Ok(w.finish())
}

fn write_claim(w: &mut X12Writer, c: &ClaimPayment) -> Result<(), X12Error> {
    // CLP02: 1 processed as primary, 4 denied (nothing paid).
    let status = if c.paid() == 0 { "4" } else { "1" };
    let (charge, paid) = (format_fixed(c.charge(), 2), format_fixed(c.paid(), 2));
    let patient = format_fixed(c.patient_responsibility(), 2);
    w.seg(&[
        "CLP",
        text(&c.claim_id, "CLP01")?,
        status,
        &charge,
        &paid,
        if c.patient_responsibility() == 0 {
            ""
        } else {
            &patient
        },
        text(&c.filing_indicator, "CLP06")?,
        text(&c.payer_claim_number, "CLP07")?,
        text(&c.place_of_service, "CLP08")?,
        "1",
    ]);
    w.seg(&[
        "NM1",
        "QC",
        "1",
        text(&c.patient_last_name, "patient last name")?,
        text(&c.patient_first_name, "patient first name")?,
        "",
        "",
        "",
        "MI",
        text(&c.member_id, "member id")?,
    ]);
    for l in &c.lines {
        let mut code = vec!["HC", l.hcpcs.as_str()];
        code.extend(l.modifiers.iter().map(String::as_str));
        let code = comp(&code, "SVC01")?;
        let (charge, paid) = (l.charge.to_string(), l.paid.to_string());
        let units = format_fixed(l.units_milli, 3);
        w.seg(&["SVC", &code, &charge, &paid, "", &units]);
        let date = l.service_date.to_string();
        w.seg(&["DTM", "472", &date]);
        // One CAS per group, up to six reason/amount pairs each (CAS02..CAS19).
        for group in [
            AdjustmentGroup::Contractual,
            AdjustmentGroup::Patient,
            AdjustmentGroup::Other,
            AdjustmentGroup::PayerInitiated,
        ] {
            let adjustments: Vec<&Adjustment> =
                l.adjustments.iter().filter(|a| a.group == group).collect();
            for chunk in adjustments.chunks(6) {
                let mut owned = Vec::new();
                for a in chunk {
                    owned.push(text(&a.carc, "CARC")?.to_owned());
                    owned.push(a.amount.to_string());
                    owned.push(String::new());
                }
                owned.pop();
                let mut elements = vec!["CAS", group.code()];
                elements.extend(owned.iter().map(String::as_str));
                w.seg(&elements);
            }
        }
        for rarc in &l.rarcs {
            w.seg(&["LQ", "HE", text(rarc, "RARC")?]);
        }
    }
    Ok(())
}
