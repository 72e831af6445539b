//! Reading 837P transaction sets into [`Claim`]s, loop by loop (TR3 005010X222A1 §2.4).

use super::{
    Address, BillingProvider, Claim, ClaimFile, ClaimIndicators, ClaimTransaction, Contact,
    Diagnosis, Party, Patient, Person, ServiceDate, ServiceLine, Subscriber, VERSION,
};
use crate::envelope::check_envelope;
use crate::error::{Rule, X12Error};
use crate::token::{Segment, tokenize};
use crate::types::{Cents, Date, Hcpcs, parse_fixed};
use crate::write::InterchangeHeader;

/// Reads an 837P interchange. Envelope problems are all returned; otherwise the first problem
/// of each transaction set that has one.
pub fn read(input: &[u8]) -> Result<ClaimFile, Vec<X12Error>> {
    let segments = tokenize(input).map_err(|e| vec![e])?;
    let interchange = check_envelope(&segments)?;
    let list = &segments.list;
    let isa = list.first().ok_or_else(Vec::new)?;
    let mut header: Option<InterchangeHeader> = None;
    let mut transactions = Vec::new();
    let mut errors = Vec::new();
    for group in &interchange.groups {
        let Some(gs) = list.get(group.gs) else {
            continue;
        };
        if gs.element(1) != "HC" || gs.element(8) != VERSION {
            errors.push(gs.error(
                Some(8),
                Rule::Implementation,
                format!(
                    "GS01 {:?} / GS08 {:?}: this reader handles HC {VERSION}",
                    gs.element(1),
                    gs.element(8)
                ),
            ));
            continue;
        }
        if header.is_none() {
            match read_header(isa, gs) {
                Ok(h) => header = Some(h),
                Err(e) => errors.push(e),
            }
        }
        for set in &group.sets {
            let segs = list.get(set.st..=set.se).unwrap_or_default();
            match read_set(segs) {
                Ok(t) => transactions.push(t),
                Err(e) => errors.push(e),
            }
        }
    }
    match header {
        Some(header) if errors.is_empty() => Ok(ClaimFile {
            header,
            transactions,
        }),
        _ if errors.is_empty() => Err(vec![isa.error(
            None,
            Rule::SegmentMissing,
            "no functional group",
        )]),
        _ => Err(errors),
    }
}

fn number(seg: &Segment<'_>, n: usize, what: &str) -> Result<u32, X12Error> {
    let v = seg.element(n).trim();
    v.parse().map_err(|_| {
        seg.error(
            Some(n),
            Rule::Value,
            format!("{what} {v:?} is not a number"),
        )
    })
}

fn date(seg: &Segment<'_>, n: usize, what: &str) -> Result<Date, X12Error> {
    let v = seg.required(n, what)?;
    Date::parse(v).ok_or_else(|| {
        seg.error(
            Some(n),
            Rule::Value,
            format!("{what} {v:?} is not CCYYMMDD"),
        )
    })
}

fn read_header(isa: &Segment<'_>, gs: &Segment<'_>) -> Result<InterchangeHeader, X12Error> {
    let time = gs.required(5, "GS05 time")?;
    Ok(InterchangeHeader {
        sender_qualifier: isa.element(5).trim().to_owned(),
        sender_id: isa.element(6).trim().to_owned(),
        receiver_qualifier: isa.element(7).trim().to_owned(),
        receiver_id: isa.element(8).trim().to_owned(),
        application_sender: gs.element(2).to_owned(),
        application_receiver: gs.element(3).to_owned(),
        date: date(gs, 4, "GS04 date")?,
        time: time.get(..4).unwrap_or(time).to_owned(),
        interchange_control: number(isa, 13, "ISA13 control number")?,
        group_control: number(gs, 6, "GS06 control number")?,
        production: isa.element(15) == "P",
    })
}

fn money(seg: &Segment<'_>, n: usize, what: &str) -> Result<Cents, X12Error> {
    let v = seg.required(n, what)?;
    Cents::parse(v).ok_or_else(|| {
        seg.error(
            Some(n),
            Rule::Value,
            format!("{what} {v:?} is not an amount"),
        )
    })
}

fn opt(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

/// Which loop's entity the last NM1 named, so N3/N4/DMG/REF attach to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entity {
    None,
    BillingProvider,
    Subscriber,
    Payer,
    Patient,
    Other,
}

#[derive(Default)]
struct Set {
    bp: BillingProvider,
    sub: Subscriber,
    payer: Party,
    patient: Option<Patient>,
}

fn person_of(set: &mut Set, entity: Entity) -> Option<&mut Person> {
    match entity {
        Entity::Subscriber => Some(&mut set.sub.person),
        Entity::Patient => set.patient.as_mut().map(|p| &mut p.person),
        _ => None,
    }
}

fn read_set(segs: &[Segment<'_>]) -> Result<ClaimTransaction, X12Error> {
    let st = segs
        .first()
        .ok_or_else(|| X12Error::at(0, "", None, Rule::SegmentMissing, "empty transaction set"))?;
    if st.element(1) != "837" {
        return Err(st.error(Some(1), Rule::Implementation, "ST01 must be 837"));
    }
    let control = number(st, 2, "ST02 control number")?;
    let mut t = ClaimTransaction {
        control,
        reference: String::new(),
        created: Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        created_time: String::new(),
        kind: String::new(),
        submitter: Party::default(),
        submitter_contact: Contact::default(),
        receiver: Party::default(),
        claims: Vec::new(),
    };
    let mut seen_bht = false;
    let mut set = Set::default();
    let mut entity = Entity::None;
    let mut claim: Option<Claim> = None;
    // The open line: its SV1 ordinal, the line, and its DTP*472 once read.
    let mut line: Option<(usize, ServiceLine, Option<ServiceDate>)> = None;
    let mut clm_ordinal = 0;
    for seg in segs.iter().skip(1) {
        match seg.id() {
            "BHT" => {
                seen_bht = true;
                // TR3 BHT01: 0019 (information source, subscriber, dependent).
                if seg.element(1) != "0019" {
                    return Err(seg.error(
                        Some(1),
                        Rule::Value,
                        format!("BHT01 {:?} must be 0019", seg.element(1)),
                    ));
                }
                t.reference = seg.element(3).to_owned();
                t.created = date(seg, 4, "BHT04 date")?;
                t.created_time = seg.element(5).to_owned();
                t.kind = seg.element(6).to_owned();
            }
            "HL" => {
                finish_line(&mut claim, &mut line)?;
                finish_claim(&mut t, &mut claim, clm_ordinal)?;
                entity = Entity::None;
                match seg.element(3) {
                    "20" => set = Set::default(),
                    "22" => {
                        set.sub = Subscriber::default();
                        set.payer = Party::default();
                        set.patient = None;
                    }
                    "23" => {
                        set.patient = Some(Patient {
                            relationship: String::new(),
                            person: Person::default(),
                        })
                    }
                    other => {
                        return Err(seg.error(
                            Some(3),
                            Rule::Value,
                            format!("HL03 {other:?} is not 20, 22 or 23"),
                        ));
                    }
                }
            }
            "PRV" if seg.element(1) == "BI" => set.bp.taxonomy = opt(seg.element(3)),
            "SBR" => {
                set.sub.responsibility = seg.required(1, "SBR01 payer responsibility")?.to_owned();
                set.sub.relationship = opt(seg.element(2));
                set.sub.group_number = opt(seg.element(3));
                set.sub.filing_indicator =
                    seg.required(9, "SBR09 claim filing indicator")?.to_owned();
            }
            "PAT" => {
                if let Some(p) = set.patient.as_mut() {
                    p.relationship = seg.required(1, "PAT01 relationship")?.to_owned();
                }
            }
            "NM1" => {
                let name = || Person {
                    last_name: seg.element(3).to_owned(),
                    first_name: seg.element(4).to_owned(),
                    ..Person::default()
                };
                entity = match seg.element(1) {
                    "41" => {
                        t.submitter = Party {
                            name: seg.element(3).to_owned(),
                            id: seg.element(9).to_owned(),
                        };
                        Entity::Other
                    }
                    "40" => {
                        t.receiver = Party {
                            name: seg.element(3).to_owned(),
                            id: seg.element(9).to_owned(),
                        };
                        Entity::Other
                    }
                    "85" => {
                        if seg.element(8) != "XX" {
                            return Err(seg.error(
                                Some(8),
                                Rule::Value,
                                "billing provider id must be an NPI (NM108 XX)",
                            ));
                        }
                        set.bp.name = seg.required(3, "billing provider name")?.to_owned();
                        set.bp.npi = seg.required(9, "billing provider NPI")?.to_owned();
                        Entity::BillingProvider
                    }
                    "IL" => {
                        set.sub.person = name();
                        set.sub.member_id = seg.required(9, "subscriber member id")?.to_owned();
                        Entity::Subscriber
                    }
                    "PR" => {
                        set.payer = Party {
                            name: seg.required(3, "payer name")?.to_owned(),
                            id: seg.required(9, "payer id")?.to_owned(),
                        };
                        Entity::Payer
                    }
                    "QC" => {
                        if let Some(p) = set.patient.as_mut() {
                            p.person = name();
                        }
                        Entity::Patient
                    }
                    _ => Entity::Other,
                };
            }
            "PER"
                if entity == Entity::Other
                    && t.submitter_contact.name.is_empty()
                    && claim.is_none() =>
            {
                t.submitter_contact = Contact {
                    name: seg.element(2).to_owned(),
                    phone: seg.element(4).to_owned(),
                };
            }
            "N3" | "N4" => {
                let address = match entity {
                    Entity::BillingProvider => Some(&mut set.bp.address),
                    e => person_of(&mut set, e)
                        .map(|p| p.address.get_or_insert_with(Address::default)),
                };
                if let Some(a) = address {
                    if seg.id() == "N3" {
                        a.line1 = seg.element(1).to_owned();
                        a.line2 = seg.element(2).to_owned();
                    } else {
                        a.city = seg.element(1).to_owned();
                        a.state = seg.element(2).to_owned();
                        a.postal_code = seg.element(3).to_owned();
                    }
                }
            }
            "DMG" => {
                if let Some(p) = person_of(&mut set, entity) {
                    p.birth_date = Some(date(seg, 2, "DMG02 birth date")?);
                    p.gender = opt(seg.element(3));
                }
            }
            "REF" if entity == Entity::BillingProvider && seg.element(1) == "EI" => {
                set.bp.tin = seg.element(2).to_owned();
            }
            "REF" if seg.element(1) == "G1" => {
                let auth = opt(seg.element(2));
                if let Some((_, l, _)) = line.as_mut() {
                    l.prior_authorization = auth;
                } else if let Some(c) = claim.as_mut() {
                    c.prior_authorization = auth;
                }
            }
            "CLM" => {
                finish_line(&mut claim, &mut line)?;
                finish_claim(&mut t, &mut claim, clm_ordinal)?;
                clm_ordinal = seg.ordinal;
                claim = Some(read_clm(seg, &set)?);
                entity = Entity::Other;
            }
            "HI" => {
                if let Some(c) = claim.as_mut() {
                    for n in 1..=seg.element_count() {
                        let (q, code) = (seg.component(n, 1), seg.component(n, 2));
                        if q.is_empty() || code.is_empty() {
                            return Err(seg.error(
                                Some(n),
                                Rule::Required,
                                "diagnosis needs a qualifier and a code",
                            ));
                        }
                        c.diagnoses.push(Diagnosis {
                            qualifier: q.to_owned(),
                            code: code.to_owned(),
                        });
                    }
                }
            }
            "LX" => {
                finish_line(&mut claim, &mut line)?;
                entity = Entity::Other;
            }
            "SV1" => {
                if claim.is_none() {
                    return Err(seg.error(None, Rule::EnvelopeOrder, "SV1 outside a claim"));
                }
                line = Some((seg.ordinal, read_sv1(seg)?, None));
            }
            "DTP" if seg.element(1) == "472" => {
                if let Some((_, _, date)) = line.as_mut() {
                    *date = Some(read_dtp(seg)?);
                }
            }
            "SE" => {
                finish_line(&mut claim, &mut line)?;
                finish_claim(&mut t, &mut claim, clm_ordinal)?;
            }
            _ => {}
        }
    }
    if !seen_bht {
        return Err(st.error(None, Rule::SegmentMissing, "BHT is required after ST"));
    }
    Ok(t)
}

fn read_clm(seg: &Segment<'_>, set: &Set) -> Result<Claim, X12Error> {
    if set.bp.npi.is_empty() {
        return Err(seg.error(
            None,
            Rule::SegmentMissing,
            "claim without a billing provider NM1*85",
        ));
    }
    if set.bp.tin.is_empty() {
        return Err(seg.error(
            None,
            Rule::SegmentMissing,
            "billing provider has no REF*EI tax id",
        ));
    }
    if set.sub.member_id.is_empty() || set.payer.id.is_empty() {
        return Err(seg.error(
            None,
            Rule::SegmentMissing,
            "claim without subscriber NM1*IL and payer NM1*PR",
        ));
    }
    let pos = seg.component(5, 1);
    if pos.is_empty() {
        return Err(seg.error(
            Some(5),
            Rule::Required,
            "CLM05-1 place of service is required",
        ));
    }
    Ok(Claim {
        billing_provider: set.bp.clone(),
        subscriber: set.sub.clone(),
        payer: set.payer.clone(),
        patient: set.patient.clone(),
        claim_id: seg.required(1, "CLM01 claim id")?.to_owned(),
        total_charge: money(seg, 2, "CLM02 total charge")?,
        place_of_service: pos.to_owned(),
        frequency: seg.component(5, 3).to_owned(),
        indicators: ClaimIndicators {
            provider_signature: seg.element(6).to_owned(),
            assignment: seg.element(7).to_owned(),
            benefits_assigned: seg.element(8).to_owned(),
            release_of_information: seg.element(9).to_owned(),
        },
        prior_authorization: None,
        diagnoses: Vec::new(),
        lines: Vec::new(),
    })
}

/// A claim is complete at the next HL, CLM or SE; CLM02 must equal the sum of SV102 (TR3
/// 2300 CLM02: "the total of all service line charges").
fn finish_claim(
    t: &mut ClaimTransaction,
    claim: &mut Option<Claim>,
    ordinal: usize,
) -> Result<(), X12Error> {
    let Some(c) = claim.take() else { return Ok(()) };
    let sum: i64 = c.lines.iter().map(|l| l.charge.0).sum();
    if c.lines.is_empty() || sum != c.total_charge.0 {
        return Err(X12Error::at(
            ordinal,
            "CLM",
            Some(2),
            Rule::Value,
            format!(
                "claim {}: CLM02 {} differs from the sum of its {} service line charges {}",
                c.claim_id,
                c.total_charge,
                c.lines.len(),
                Cents(sum)
            ),
        ));
    }
    t.claims.push(c);
    Ok(())
}

/// A line is complete at the next LX, HL, CLM or SE; it must have had its DTP*472.
fn finish_line(
    claim: &mut Option<Claim>,
    line: &mut Option<(usize, ServiceLine, Option<ServiceDate>)>,
) -> Result<(), X12Error> {
    let Some((ordinal, mut l, date)) = line.take() else {
        return Ok(());
    };
    let Some(date) = date else {
        return Err(X12Error::at(
            ordinal,
            "SV1",
            None,
            Rule::SegmentMissing,
            "service line without its DTP*472 service date",
        ));
    };
    l.service_date = date;
    if let Some(c) = claim.as_mut() {
        c.lines.push(l);
    }
    Ok(())
}

fn read_sv1(seg: &Segment<'_>) -> Result<ServiceLine, X12Error> {
    if seg.component(1, 1) != "HC" {
        return Err(seg.error(Some(1), Rule::Value, "SV101-1 must be HC (HCPCS)"));
    }
    let code = seg.component(1, 2);
    let hcpcs = Hcpcs::parse(code).ok_or_else(|| {
        seg.error(
            Some(1),
            Rule::Value,
            format!("SV101-2 {code:?} is not a HCPCS code"),
        )
    })?;
    let modifiers: Vec<String> = (3..=6)
        .map(|m| seg.component(1, m))
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect();
    let units = seg.required(4, "SV104 units")?;
    let units_milli = parse_fixed(units, 3).ok_or_else(|| {
        seg.error(
            Some(4),
            Rule::Value,
            format!("SV104 {units:?} is not a quantity"),
        )
    })?;
    let mut diagnosis_pointers = Vec::new();
    for p in seg.components(7).filter(|p| !p.is_empty()) {
        diagnosis_pointers.push(p.parse::<u8>().map_err(|_| {
            seg.error(
                Some(7),
                Rule::Value,
                format!("SV107 pointer {p:?} is not 1-12"),
            )
        })?);
    }
    Ok(ServiceLine {
        hcpcs,
        modifiers,
        charge: money(seg, 2, "SV102 charge")?,
        unit_basis: seg.required(3, "SV103 unit basis")?.to_owned(),
        units_milli,
        place_of_service: opt(seg.element(5)),
        diagnosis_pointers,
        // Replaced by the line's DTP*472 in finish_line, which refuses a line without one.
        service_date: ServiceDate {
            from: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            to: None,
        },
        prior_authorization: None,
    })
}

fn read_dtp(seg: &Segment<'_>) -> Result<ServiceDate, X12Error> {
    let v = seg.required(3, "DTP03 service date")?;
    let bad = || {
        seg.error(
            Some(3),
            Rule::Value,
            format!("DTP03 {v:?} is not a {} date", seg.element(2)),
        )
    };
    match seg.element(2) {
        "D8" => Ok(ServiceDate {
            from: Date::parse(v).ok_or_else(bad)?,
            to: None,
        }),
        "RD8" => {
            let (a, b) = v.split_once('-').ok_or_else(bad)?;
            Ok(ServiceDate {
                from: Date::parse(a).ok_or_else(bad)?,
                to: Some(Date::parse(b).ok_or_else(bad)?),
            })
        }
        q => Err(seg.error(
            Some(2),
            Rule::Value,
            format!("DTP02 {q:?} is not D8 or RD8"),
        )),
    }
}
