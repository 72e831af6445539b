//! Writing [`ClaimFile`]s as 837P (005010X222A1): one billing provider HL (2000A) per claim,
//! its subscriber HL (2000B) and, when the patient is not the subscriber, a patient HL (2000C).

use super::{Address, Claim, ClaimFile, Person, VERSION};
use crate::error::{Rule, X12Error};
use crate::types::{Date, format_fixed};
use crate::write::{X12Writer, comp, hhmm, text};

/// Writes the interchange; free text containing a delimiter is refused with [`Rule::Input`](crate::Rule::Input).
pub fn write(file: &ClaimFile) -> Result<String, X12Error> {
    let mut w = X12Writer::new(&file.header, "HC", VERSION)?;
    for t in &file.transactions {
        w.st("837", t.control, Some(VERSION));
        let created = t.created.to_string();
        w.seg(&[
            "BHT",
            "0019",
            "00",
            text(&t.reference, "BHT03")?,
            &created,
            hhmm(&t.created_time, "BHT05")?,
            text(&t.kind, "BHT06")?,
        ]);
        w.seg(&[
            "NM1",
            "41",
            "2",
            text(&t.submitter.name, "submitter name")?,
            "",
            "",
            "",
            "",
            "46",
            text(&t.submitter.id, "submitter id")?,
        ]);
        w.seg(&[
            "PER",
            "IC",
            text(&t.submitter_contact.name, "contact name")?,
            "TE",
            text(&t.submitter_contact.phone, "contact phone")?,
        ]);
        w.seg(&[
            "NM1",
            "40",
            "2",
            text(&t.receiver.name, "receiver name")?,
            "",
            "",
            "",
            "",
            "46",
            text(&t.receiver.id, "receiver id")?,
        ]);
        let mut hl = 0;
        for claim in &t.claims {
            write_claim(&mut w, claim, &mut hl)?;
        }
        w.se();
    }
    Ok(w.finish())
}

fn address(w: &mut X12Writer, a: &Address) -> Result<(), X12Error> {
    w.seg(&["N3", text(&a.line1, "address")?, text(&a.line2, "address")?]);
    w.seg(&[
        "N4",
        text(&a.city, "city")?,
        text(&a.state, "state")?,
        text(&a.postal_code, "postal code")?,
    ]);
    Ok(())
}

fn person(
    w: &mut X12Writer,
    qualifier: &str,
    p: &Person,
    member_id: Option<&str>,
) -> Result<(), X12Error> {
    let last = text(&p.last_name, "last name")?;
    let first = text(&p.first_name, "first name")?;
    match member_id {
        Some(id) => w.seg(&[
            "NM1",
            qualifier,
            "1",
            last,
            first,
            "",
            "",
            "",
            "MI",
            text(id, "member id")?,
        ]),
        None => w.seg(&["NM1", qualifier, "1", last, first]),
    }
    if let Some(a) = &p.address {
        address(w, a)?;
    }
    if let Some(d) = p.birth_date {
        let d = d.to_string();
        w.seg(&[
            "DMG",
            "D8",
            &d,
            text(p.gender.as_deref().unwrap_or("U"), "gender")?,
        ]);
    }
    Ok(())
}

fn date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn write_claim(w: &mut X12Writer, c: &Claim, hl: &mut u32) -> Result<(), X12Error> {
    let bp = &c.billing_provider;
    *hl += 1;
    let provider_hl = hl.to_string();
    w.seg(&["HL", &provider_hl, "", "20", "1"]);
    if let Some(tax) = &bp.taxonomy {
        w.seg(&["PRV", "BI", "PXC", text(tax, "taxonomy")?]);
    }
    w.seg(&[
        "NM1",
        "85",
        "2",
        text(&bp.name, "billing provider name")?,
        "",
        "",
        "",
        "",
        "XX",
        text(&bp.npi, "NPI")?,
    ]);
    address(w, &bp.address)?;
    w.seg(&["REF", "EI", text(&bp.tin, "TIN")?]);
    *hl += 1;
    let subscriber_hl = hl.to_string();
    let has_patient = if c.patient.is_some() { "1" } else { "0" };
    w.seg(&["HL", &subscriber_hl, &provider_hl, "22", has_patient]);
    let s = &c.subscriber;
    w.seg(&[
        "SBR",
        text(&s.responsibility, "SBR01")?,
        text(s.relationship.as_deref().unwrap_or_default(), "SBR02")?,
        text(s.group_number.as_deref().unwrap_or_default(), "SBR03")?,
        "",
        "",
        "",
        "",
        "",
        text(&s.filing_indicator, "SBR09")?,
    ]);
    person(w, "IL", &s.person, Some(&s.member_id))?;
    w.seg(&[
        "NM1",
        "PR",
        "2",
        text(&c.payer.name, "payer name")?,
        "",
        "",
        "",
        "",
        "PI",
        text(&c.payer.id, "payer id")?,
    ]);
    if let Some(p) = &c.patient {
        // TR3 loop 2010CA: the patient's N3, N4 and DMG are required.
        if p.person.address.is_none() || p.person.birth_date.is_none() {
            return Err(X12Error::at(
                0,
                "",
                None,
                Rule::Input,
                format!(
                    "claim {}: a patient needs an address and a birth date (2010CA)",
                    c.claim_id
                ),
            ));
        }
        *hl += 1;
        let patient_hl = hl.to_string();
        w.seg(&["HL", &patient_hl, &subscriber_hl, "23", "0"]);
        w.seg(&["PAT", text(&p.relationship, "PAT01")?]);
        person(w, "QC", &p.person, None)?;
    }
    let charge = c.total_charge.to_string();
    let pos = comp(&[&c.place_of_service, "B", &c.frequency], "CLM05")?;
    let i = &c.indicators;
    w.seg(&[
        "CLM",
        text(&c.claim_id, "CLM01")?,
        &charge,
        "",
        "",
        &pos,
        text(&i.provider_signature, "CLM06")?,
        text(&i.assignment, "CLM07")?,
        text(&i.benefits_assigned, "CLM08")?,
        text(&i.release_of_information, "CLM09")?,
    ]);
    if let Some(auth) = &c.prior_authorization {
        w.seg(&["REF", "G1", text(auth, "prior authorization")?]);
    }
    // TR3 2300 HI (health care diagnosis code): one segment, at most 12 codes.
    if c.diagnoses.len() > 12 {
        return Err(X12Error::at(
            0,
            "",
            None,
            Rule::Input,
            format!("claim {}: at most 12 diagnosis codes", c.claim_id),
        ));
    }
    let mut hi = Vec::new();
    for d in &c.diagnoses {
        hi.push(comp(&[&d.qualifier, &d.code], "diagnosis")?);
    }
    for chunk in hi.chunks(12) {
        let mut elements = vec!["HI"];
        elements.extend(chunk.iter().map(String::as_str));
        w.seg(&elements);
    }
    for (n, l) in c.lines.iter().enumerate() {
        let lx = (n + 1).to_string();
        w.seg(&["LX", &lx]);
        let mut code = vec!["HC", l.hcpcs.as_str()];
        code.extend(l.modifiers.iter().take(4).map(String::as_str));
        let code = comp(&code, "SV101")?;
        let charge = l.charge.to_string();
        let units = format_fixed(l.units_milli, 3);
        let pointers: Vec<String> = l.diagnosis_pointers.iter().map(u8::to_string).collect();
        let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let pointers = comp(&pointers, "SV107")?;
        w.seg(&[
            "SV1",
            &code,
            &charge,
            text(&l.unit_basis, "SV103")?,
            &units,
            text(l.place_of_service.as_deref().unwrap_or_default(), "SV105")?,
            "",
            &pointers,
        ]);
        let d = &l.service_date;
        match d.to {
            Some(to) => {
                let range = format!("{}-{}", d.from, to);
                w.seg(&["DTP", "472", "RD8", &range]);
            }
            None => w.seg(&["DTP", "472", "D8", &date(Some(d.from))]),
        }
        if let Some(auth) = &l.prior_authorization {
            w.seg(&["REF", "G1", text(auth, "prior authorization")?]);
        }
    }
    Ok(())
}
