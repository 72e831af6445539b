//! Output rows: the Tuva input-layer headers (shared/data/claims/tuva/input_layer_header__*.csv)
//! and writers that put every column in header order. Values never contain commas or quotes,
//! so no quoting is needed.

use crate::date::{self, Day};

/// Tuva eligibility header, then the careloop extension columns `county`, `line_of_business`.
pub const ELIGIBILITY_HEADER: &str = "person_id,member_id,subscriber_id,gender,race,birth_date,death_date,death_flag,enrollment_start_date,enrollment_end_date,payer,payer_type,plan,original_reason_entitlement_code,dual_status_code,medicare_status_code,group_id,group_name,name_suffix,first_name,middle_name,last_name,social_security_number,subscriber_relation,address,city,state,zip_code,phone,email,ethnicity,data_source,file_name,file_date,ingest_datetime,enrollment_status,hospice_flag,snp_type,medicaid_indicator,long_term_institutional_flag,part_d_raf_type,low_income_subsidy_indicator,metal_level,csr_indicator,enrollment_duration_months,esrd_status,transplant_duration_months,county,line_of_business";

/// Tuva medical_claim header (148 columns).
pub const MEDICAL_CLAIM_HEADER: &str = "claim_id,claim_line_number,claim_type,person_id,member_id,payer,plan,claim_start_date,claim_end_date,claim_line_start_date,claim_line_end_date,admission_date,discharge_date,admit_source_code,admit_type_code,discharge_disposition_code,place_of_service_code,bill_type_code,drg_code_type,drg_code,revenue_center_code,service_unit_quantity,hcpcs_code,hcpcs_modifier_1,hcpcs_modifier_2,hcpcs_modifier_3,hcpcs_modifier_4,hcpcs_modifier_5,rendering_npi,rendering_tin,billing_npi,billing_tin,facility_npi,paid_date,paid_amount,allowed_amount,charge_amount,coinsurance_amount,copayment_amount,deductible_amount,total_cost_amount,diagnosis_code_type,diagnosis_code_1,diagnosis_code_2,diagnosis_code_3,diagnosis_code_4,diagnosis_code_5,diagnosis_code_6,diagnosis_code_7,diagnosis_code_8,diagnosis_code_9,diagnosis_code_10,diagnosis_code_11,diagnosis_code_12,diagnosis_code_13,diagnosis_code_14,diagnosis_code_15,diagnosis_code_16,diagnosis_code_17,diagnosis_code_18,diagnosis_code_19,diagnosis_code_20,diagnosis_code_21,diagnosis_code_22,diagnosis_code_23,diagnosis_code_24,diagnosis_code_25,diagnosis_poa_1,diagnosis_poa_2,diagnosis_poa_3,diagnosis_poa_4,diagnosis_poa_5,diagnosis_poa_6,diagnosis_poa_7,diagnosis_poa_8,diagnosis_poa_9,diagnosis_poa_10,diagnosis_poa_11,diagnosis_poa_12,diagnosis_poa_13,diagnosis_poa_14,diagnosis_poa_15,diagnosis_poa_16,diagnosis_poa_17,diagnosis_poa_18,diagnosis_poa_19,diagnosis_poa_20,diagnosis_poa_21,diagnosis_poa_22,diagnosis_poa_23,diagnosis_poa_24,diagnosis_poa_25,procedure_code_type,procedure_code_1,procedure_code_2,procedure_code_3,procedure_code_4,procedure_code_5,procedure_code_6,procedure_code_7,procedure_code_8,procedure_code_9,procedure_code_10,procedure_code_11,procedure_code_12,procedure_code_13,procedure_code_14,procedure_code_15,procedure_code_16,procedure_code_17,procedure_code_18,procedure_code_19,procedure_code_20,procedure_code_21,procedure_code_22,procedure_code_23,procedure_code_24,procedure_code_25,procedure_date_1,procedure_date_2,procedure_date_3,procedure_date_4,procedure_date_5,procedure_date_6,procedure_date_7,procedure_date_8,procedure_date_9,procedure_date_10,procedure_date_11,procedure_date_12,procedure_date_13,procedure_date_14,procedure_date_15,procedure_date_16,procedure_date_17,procedure_date_18,procedure_date_19,procedure_date_20,procedure_date_21,procedure_date_22,procedure_date_23,procedure_date_24,procedure_date_25,in_network_flag,data_source,file_name,file_date,ingest_datetime";

/// member_indicators (notes/IDENT-SPEC.md "Inputs").
pub const INDICATORS_HEADER: &str = "person_id,indicator,start_date,end_date,source,status,detail";

/// A deliberately bad row (README "Injected errors").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// Every date on the row is replaced by an impossible date.
    BadDate,
    /// person_id (and member_id) empty.
    MissingPerson,
    /// diagnosis_code_type `icd-9-cm`.
    UnknownCodeSystem,
}

/// Impossible dates used for [`Defect::BadDate`], chosen per row.
pub const BAD_DATES: [&str; 3] = ["2026-02-30", "2026-13-01", "11/31/2026"];

/// The `n`th bad date, taking the three of [`BAD_DATES`] in turn.
pub fn bad_date(n: usize) -> &'static str {
    let [first, second, third] = BAD_DATES;
    match n % 3 {
        0 => first,
        1 => second,
        _ => third,
    }
}

/// How diagnosis codes are spelled on a claim (the spec accepts a dot and lower case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DxStyle {
    Plain,
    Dotted,
    Lower,
}

/// Fields shared by all lines of one claim.
pub struct Claim<'a> {
    pub claim_id: &'a str,
    pub institutional: bool,
    pub person_id: &'a str,
    pub plan: &'a str,
    pub start: Day,
    pub end: Day,
    pub admission: Option<Day>,
    pub discharge: Option<Day>,
    pub admit_source: &'a str,
    pub admit_type: &'a str,
    pub discharge_disposition: &'a str,
    pub bill_type: &'a str,
    pub drg: &'a str,
    pub billing_npi: u32,
    pub facility_npi: u32,
    pub paid_date: Option<Day>,
    /// Empty: no diagnosis (diagnosis_code_type left empty).
    pub dx: &'a [&'a str],
    pub dx_style: DxStyle,
    pub icd_pcs: &'a str,
}

/// One line of a claim.
pub struct Line<'a> {
    pub number: u32,
    pub start: Option<Day>,
    pub end: Option<Day>,
    pub pos: &'a str,
    pub revenue: &'a str,
    pub units: u32,
    pub hcpcs: &'a str,
    pub modifier: &'a str,
    pub rendering_npi: u32,
    pub charge_cents: u64,
    pub defect: Option<Defect>,
}

fn cents(out: &mut Vec<u8>, c: u64) {
    push_u64(out, c / 100);
    out.push(b'.');
    out.push(b'0' + (c / 10 % 10) as u8);
    out.push(b'0' + (c % 10) as u8);
}

pub fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    // Digits least significant first (u64::MAX has 20), then appended in reading order.
    let mut digits = [0u8; 20];
    let mut len = 0;
    for d in &mut digits {
        *d = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(digits.iter().take(len).rev());
}

fn commas(out: &mut Vec<u8>, n: usize) {
    out.extend(std::iter::repeat_n(b',', n));
}

fn opt_date(out: &mut Vec<u8>, d: Option<Day>, bad: Option<&str>) {
    if let Some(d) = d {
        match bad {
            Some(b) => out.extend_from_slice(b.as_bytes()),
            None => date::push(out, d),
        }
    }
}

fn npi(out: &mut Vec<u8>, n: u32) {
    if n != 0 {
        // Synthetic NPIs: 10 digits starting 19, not registered numbers.
        out.extend_from_slice(b"19");
        let s = format!("{n:08}");
        out.extend_from_slice(s.as_bytes());
    }
}

fn dx_code(out: &mut Vec<u8>, code: &str, style: DxStyle) {
    match style {
        DxStyle::Plain => out.extend_from_slice(code.as_bytes()),
        DxStyle::Dotted => match code.as_bytes().split_at_checked(3) {
            Some((category, rest)) if !rest.is_empty() => {
                out.extend_from_slice(category);
                out.push(b'.');
                out.extend_from_slice(rest);
            }
            _ => out.extend_from_slice(code.as_bytes()),
        },
        DxStyle::Lower => out.extend(code.bytes().map(|b| b.to_ascii_lowercase())),
    }
}

/// Append one medical_claim row (148 columns) for `line` of `claim`; `tail` is the constant
/// `data_source,file_name,file_date,ingest_datetime` text.
pub fn write_claim_line(out: &mut Vec<u8>, c: &Claim<'_>, l: &Line<'_>, tail: &[u8]) {
    let bad = match l.defect {
        Some(Defect::BadDate) => Some(bad_date(l.number as usize)),
        _ => None,
    };
    let person = if l.defect == Some(Defect::MissingPerson) {
        ""
    } else {
        c.person_id
    };
    out.extend_from_slice(c.claim_id.as_bytes());
    out.push(b',');
    push_u64(out, u64::from(l.number));
    out.extend_from_slice(if c.institutional {
        b",institutional,"
    } else {
        b",professional,"
    });
    for _ in 0..2 {
        out.extend_from_slice(person.as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"medi-cal,");
    out.extend_from_slice(c.plan.as_bytes());
    out.push(b',');
    opt_date(out, Some(c.start), bad);
    out.push(b',');
    opt_date(out, Some(c.end), bad);
    out.push(b',');
    opt_date(out, l.start, bad);
    out.push(b',');
    opt_date(out, l.end, bad);
    out.push(b',');
    opt_date(out, c.admission, bad);
    out.push(b',');
    opt_date(out, c.discharge, bad);
    for v in [
        c.admit_source,
        c.admit_type,
        c.discharge_disposition,
        l.pos,
        c.bill_type,
    ] {
        out.push(b',');
        out.extend_from_slice(v.as_bytes());
    }
    out.push(b',');
    if !c.drg.is_empty() {
        out.extend_from_slice(b"ms-drg,");
        out.extend_from_slice(c.drg.as_bytes());
    } else {
        out.push(b',');
    }
    out.push(b',');
    out.extend_from_slice(l.revenue.as_bytes());
    out.push(b',');
    push_u64(out, u64::from(l.units));
    out.push(b',');
    out.extend_from_slice(l.hcpcs.as_bytes());
    out.push(b',');
    out.extend_from_slice(l.modifier.as_bytes());
    commas(out, 5); // modifiers 2-5, then rendering_npi
    npi(out, l.rendering_npi);
    commas(out, 2); // rendering_tin
    npi(out, c.billing_npi);
    commas(out, 2); // billing_tin
    npi(out, c.facility_npi);
    out.push(b',');
    opt_date(out, c.paid_date, None);
    out.push(b',');
    // paid, allowed, charge; cost sharing is zero in Medi-Cal managed care.
    let allowed = l.charge_cents * 45 / 100;
    if c.paid_date.is_some() {
        cents(out, allowed);
        out.push(b',');
        cents(out, allowed);
    } else {
        out.push(b',');
    }
    out.push(b',');
    cents(out, l.charge_cents);
    out.extend_from_slice(b",0.00,0.00,0.00,");
    if c.paid_date.is_some() {
        cents(out, allowed);
    }
    out.push(b',');
    if !c.dx.is_empty() {
        out.extend_from_slice(if l.defect == Some(Defect::UnknownCodeSystem) {
            b"icd-9-cm"
        } else {
            b"icd-10-cm"
        });
    }
    for i in 0..25 {
        out.push(b',');
        if let Some(code) = c.dx.get(i) {
            dx_code(out, code, c.dx_style);
        }
    }
    let poa = c.institutional && c.admission.is_some();
    for i in 0..25 {
        out.push(b',');
        if poa && i < c.dx.len() {
            out.push(b'Y');
        }
    }
    out.push(b',');
    if !c.icd_pcs.is_empty() && l.number == 1 {
        out.extend_from_slice(b"icd-10-pcs,");
        out.extend_from_slice(c.icd_pcs.as_bytes());
        commas(out, 25);
        opt_date(out, c.admission, bad);
        commas(out, 24);
    } else {
        commas(out, 50);
    }
    out.extend_from_slice(b",1,");
    out.extend_from_slice(tail);
    out.push(b'\n');
}
