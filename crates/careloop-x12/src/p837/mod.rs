//! 837P Health Care Claim: Professional (ASC X12 005010X222A1): typed claims read from an
//! interchange and written back. What careloop bills on is modelled (billing provider,
//! subscriber, patient, payer, claim, diagnoses, service lines); other segments (pay-to,
//! rendering and referring providers, notes, claim dates) are read past and not written.

mod read;
mod write;

pub use read::read;
pub use write::write;

use crate::types::{Cents, Date, Hcpcs};
use crate::write::InterchangeHeader;

/// The implementation guide this module reads and writes (GS08 and ST03).
pub const VERSION: &str = "005010X222A1";

/// An 837P interchange: its header and its transaction sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFile {
    pub header: InterchangeHeader,
    pub transactions: Vec<ClaimTransaction>,
}

/// One 837 transaction set (ST..SE): BHT, submitter (1000A), receiver (1000B), claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimTransaction {
    pub control: u32,
    /// BHT03 originator application transaction identifier.
    pub reference: String,
    /// BHT04.
    pub created: Date,
    /// BHT05 HHMM.
    pub created_time: String,
    /// BHT06: `CH` chargeable claims, `RP` encounters (reporting).
    pub kind: String,
    pub submitter: Party,
    pub submitter_contact: Contact,
    pub receiver: Party,
    pub claims: Vec<Claim>,
}

/// An organization named by NM1 with an identifier (NM108/NM109).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub name: String,
    pub id: String,
}

/// PER: a contact name and telephone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

/// N3/N4.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// Loop 2010AA.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BillingProvider {
    pub name: String,
    /// NM109 with NM108 `XX`.
    pub npi: String,
    /// REF*EI (employer identification number).
    pub tin: String,
    pub address: Address,
    /// PRV03 (PRV*BI*PXC), if given.
    pub taxonomy: Option<String>,
}

/// A person: NM1 name with optional DMG and address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<Date>,
    /// DMG03 `F`, `M` or `U`.
    pub gender: Option<String>,
    pub address: Option<Address>,
}

/// Loops 2000B/2010BA: SBR and the subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscriber {
    /// SBR01 payer responsibility (`P` primary).
    pub responsibility: String,
    /// SBR02 `18` (self) when the subscriber is the patient.
    pub relationship: Option<String>,
    /// SBR03 group number.
    pub group_number: Option<String>,
    /// SBR09 claim filing indicator (`MC` Medicaid, `HM` HMO, `CI` commercial).
    pub filing_indicator: String,
    /// NM109 with NM108 `MI`: the plan's member id.
    pub member_id: String,
    pub person: Person,
}

/// Loops 2000C/2010CA, present when the patient is not the subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// PAT01 individual relationship code.
    pub relationship: String,
    pub person: Person,
}

/// A diagnosis: HI qualifier (`ABK` principal ICD-10-CM, `ABF` other; `BK`/`BF` ICD-9) and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub qualifier: String,
    pub code: String,
}

/// DTP*472: a date or a range (RD8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDate {
    pub from: Date,
    pub to: Option<Date>,
}

/// Loop 2400: LX, SV1, DTP*472.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    pub hcpcs: Hcpcs,
    /// SV101-3..6, at most four.
    pub modifiers: Vec<String>,
    pub charge: Cents,
    /// SV103 `UN` units or `MJ` minutes.
    pub unit_basis: String,
    /// SV104 in thousandths (1 unit is 1000).
    pub units_milli: i64,
    /// SV105, when it differs from the claim's.
    pub place_of_service: Option<String>,
    /// SV107 diagnosis code pointers (1-based into the claim's diagnoses).
    pub diagnosis_pointers: Vec<u8>,
    /// DTP*472, required on every line (TR3 2400 "Date - Service Date").
    pub service_date: ServiceDate,
    /// REF*G1 at the line, if the line has its own prior authorization.
    pub prior_authorization: Option<String>,
}

/// CLM06..CLM09 indicators.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClaimIndicators {
    pub provider_signature: String,
    pub assignment: String,
    pub benefits_assigned: String,
    pub release_of_information: String,
}

/// One claim (loop 2300) with the billing provider, subscriber, payer and patient it is under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub billing_provider: BillingProvider,
    pub subscriber: Subscriber,
    pub payer: Party,
    pub patient: Option<Patient>,
    /// CLM01 patient control number.
    pub claim_id: String,
    /// CLM02, equal to the sum of the lines' charges.
    pub total_charge: Cents,
    /// CLM05-1.
    pub place_of_service: String,
    /// CLM05-3 (1 original, 7 replacement, 8 void).
    pub frequency: String,
    pub indicators: ClaimIndicators,
    /// REF*G1 prior authorization number.
    pub prior_authorization: Option<String>,
    pub diagnoses: Vec<Diagnosis>,
    pub lines: Vec<ServiceLine>,
}
