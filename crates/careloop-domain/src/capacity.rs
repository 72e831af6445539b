//! Provider capacity (issue #14 item 12): whether a provider organization is accepting new
//! members for a service (ECM or one Community Support) in a county, has a waitlist, or is full,
//! as of a date. Referrers "review capacity and eligibility criteria before submitting" (seed
//! 003, CalAIM at HPSM), so the provider directory and the referral form show it.
//!
//! Pure: the caller passes what the provider organization serves and today's date. A capacity
//! older than the pack's `program.capacity_stale_after_days` (UNCONFIRMED, 30) is [`Freshness::Stale`]
//! and is shown as "stale as of <date>", not as current.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::policy::PolicyPack;
use crate::policy::plan::same_county;
use crate::workflow::Program;

/// Whether the provider takes new members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityStatus {
    /// Taking new members now.
    Accepting,
    /// Taking referrals onto a waitlist.
    Waitlist,
    /// Not taking new members.
    Full,
}

impl CapacityStatus {
    pub const ALL: [CapacityStatus; 3] = [Self::Accepting, Self::Waitlist, Self::Full];

    /// The kebab-case id, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepting => "accepting",
            Self::Waitlist => "waitlist",
            Self::Full => "full",
        }
    }

    /// The status in words, for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Accepting => "Accepting new members",
            Self::Waitlist => "Waitlist",
            Self::Full => "Full",
        }
    }
}

/// One capacity statement of a provider: a service in a county, as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// `"ecm"` or `{"cs": "<community support id>"}`.
    pub service: Program,
    /// A California county the provider serves (as the policy pack names it).
    #[schemars(with = "crate::codes::County")]
    pub county: String,
    pub status: CapacityStatus,
    /// The day the status was true (not after the day it is recorded).
    pub as_of: Date,
    /// E.g. "waitlist about 3 weeks"; no member data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Line>")]
    pub note: Option<String>,
}

/// What a provider organization serves: ECM or Community Supports (by its kind), in which
/// counties (empty: every county).
#[derive(Clone, Copy, Debug)]
pub struct Serves<'a> {
    pub ecm: bool,
    pub cs: bool,
    pub counties: &'a [String],
}

/// Why a capacity statement is refused; `field` names the input field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CapacityError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> CapacityError {
    CapacityError {
        field,
        message: message.into(),
    }
}

/// The counties the pack knows: every county any plan overlay names, in pack order, once each.
pub fn known_counties(pack: &PolicyPack) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for span in pack.plans.iter().flat_map(|p| p.counties.iter()) {
        if !out.iter().any(|c| same_county(c, &span.county)) {
            out.push(span.county.as_str());
        }
    }
    out
}

/// Checks a capacity statement a provider records on `today`: the service is one the provider
/// offers, the county one the pack knows and the provider serves, the date not in the future,
/// the note one line. Returns the statement with the county as the pack spells it and the note
/// trimmed (an empty note is none).
pub fn check(
    pack: &PolicyPack,
    serves: Serves<'_>,
    mut capacity: Capacity,
    today: Date,
) -> Result<Capacity, CapacityError> {
    match capacity.service {
        Program::Ecm if !serves.ecm => {
            return Err(refuse(
                "service",
                "this organization is not an ECM provider; it records Community Supports capacity",
            ));
        }
        Program::Cs(cs) if !serves.cs => {
            return Err(refuse(
                "service",
                format!(
                    "this organization is not a Community Supports provider, so it cannot record {cs}; it records ECM capacity"
                ),
            ));
        }
        _ => {}
    }
    let known = known_counties(pack);
    let Some(county) = known
        .iter()
        .find(|c| same_county(c, &capacity.county))
        .copied()
    else {
        return Err(refuse(
            "county",
            format!(
                "{:?} is not a county of the policy pack; known counties: {}",
                capacity.county,
                known.join(", ")
            ),
        ));
    };
    if !serves.counties.is_empty() && !serves.counties.iter().any(|c| same_county(c, county)) {
        return Err(refuse(
            "county",
            format!(
                "this organization does not serve {county} (it serves {})",
                serves.counties.join(", ")
            ),
        ));
    }
    if capacity.as_of > today {
        return Err(refuse(
            "as_of",
            format!("{} is after today {today} (California)", capacity.as_of),
        ));
    }
    capacity.county = county.to_string();
    capacity.note = match capacity.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(note) => {
            crate::text::check_line(note).map_err(|e| refuse("note", e.to_string()))?;
            Some(note.to_string())
        }
    };
    Ok(capacity)
}

/// The service as a query parameter or form value: `ecm` or the Community Support's id.
pub fn service_id(service: Program) -> &'static str {
    match service {
        Program::Ecm => "ecm",
        Program::Cs(cs) => cs.as_str(),
    }
}

/// The service named by [`service_id`]'s text; `None` for anything else.
pub fn parse_service(text: &str) -> Option<Program> {
    match text.trim() {
        "ecm" => Some(Program::Ecm),
        other => other.parse::<crate::CsId>().ok().map(Program::Cs),
    }
}

/// Every service a capacity can be recorded for: ECM, then the Community Supports in catalog
/// order.
pub fn services() -> Vec<Program> {
    std::iter::once(Program::Ecm)
        .chain(crate::CsId::ALL.into_iter().map(Program::Cs))
        .collect()
}

/// Whether a capacity statement is current on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Freshness {
    /// Within the staleness window.
    Current,
    /// Older than the window: show "stale as of <as_of>".
    Stale,
}

/// [`Freshness`] of a statement as of `as_of`, on `today`, under the pack's window.
pub fn freshness(pack: &PolicyPack, as_of: Date, today: Date) -> Freshness {
    let window = i64::from(pack.program.capacity_stale_after_days.value);
    let age = as_of.until(today).map(|span| span.get_days()).unwrap_or(0);
    if i64::from(age) > window {
        Freshness::Stale
    } else {
        Freshness::Current
    }
}

/// The latest statements, one per (service, county): `recorded` with `capacity` replacing the
/// one for its service and county, sorted by service then county.
pub fn latest(mut recorded: Vec<Capacity>, capacity: Capacity) -> Vec<Capacity> {
    recorded
        .retain(|c| !(c.service == capacity.service && same_county(&c.county, &capacity.county)));
    recorded.push(capacity);
    recorded.sort_by(|a, b| {
        service_key(a.service)
            .cmp(&service_key(b.service))
            .then_with(|| a.county.cmp(&b.county))
    });
    recorded
}

/// ECM first, then the Community Supports in catalog order.
fn service_key(service: Program) -> usize {
    match service {
        Program::Ecm => 0,
        Program::Cs(cs) => 1 + crate::CsId::ALL.iter().position(|c| *c == cs).unwrap_or(0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::CsId;
    use jiff::civil::date;

    fn pack() -> PolicyPack {
        PolicyPack::embedded().unwrap()
    }

    fn cap(service: Program, county: &str) -> Capacity {
        Capacity {
            service,
            county: county.into(),
            status: CapacityStatus::Waitlist,
            as_of: date(2026, 3, 1),
            note: Some("  about 3 weeks ".into()),
        }
    }

    const CS_ONLY: Serves<'static> = Serves {
        ecm: false,
        cs: true,
        counties: &[],
    };

    #[test]
    fn a_known_county_is_spelled_as_the_pack_spells_it_and_the_note_trimmed() {
        let pack = pack();
        let ok = check(
            &pack,
            CS_ONLY,
            cap(Program::Cs(CsId::SoberingCenters), "san mateo county"),
            date(2026, 3, 2),
        )
        .unwrap();
        assert_eq!(ok.county, "San Mateo");
        assert_eq!(ok.note.as_deref(), Some("about 3 weeks"));
    }

    #[test]
    fn service_county_and_date_are_checked() {
        let pack = pack();
        let today = date(2026, 3, 2);
        let e = check(&pack, CS_ONLY, cap(Program::Ecm, "San Mateo"), today).unwrap_err();
        assert_eq!(e.field, "service");
        let e = check(
            &pack,
            CS_ONLY,
            cap(Program::Cs(CsId::Respite), "Atlantis"),
            today,
        )
        .unwrap_err();
        assert_eq!(e.field, "county");
        assert!(e.message.contains("San Mateo"), "{e}");
        let counties = ["Alameda".to_string()];
        let only_alameda = Serves {
            ecm: true,
            cs: false,
            counties: &counties,
        };
        let e = check(&pack, only_alameda, cap(Program::Ecm, "San Mateo"), today).unwrap_err();
        assert_eq!(e.field, "county");
        assert!(e.message.contains("does not serve San Mateo"), "{e}");
        let e = check(
            &pack,
            only_alameda,
            cap(Program::Ecm, "Alameda"),
            date(2026, 2, 28),
        )
        .unwrap_err();
        assert_eq!(e.field, "as_of");
    }

    #[test]
    fn service_ids_round_trip() {
        for s in services() {
            assert_eq!(parse_service(service_id(s)), Some(s));
        }
        assert_eq!(parse_service("nope"), None);
    }

    #[test]
    fn capacity_past_the_window_is_stale() {
        let pack = pack();
        let as_of = date(2026, 3, 1);
        assert_eq!(
            freshness(&pack, as_of, date(2026, 3, 31)),
            Freshness::Current
        );
        assert_eq!(freshness(&pack, as_of, date(2026, 4, 1)), Freshness::Stale);
    }

    #[test]
    fn latest_keeps_one_statement_per_service_and_county() {
        let a = cap(Program::Cs(CsId::Respite), "Alameda");
        let mut b = cap(Program::Cs(CsId::Respite), "alameda");
        b.status = CapacityStatus::Full;
        let c = cap(Program::Ecm, "San Mateo");
        let all = latest(latest(latest(Vec::new(), a), c), b);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].service, Program::Ecm);
        assert_eq!(all[1].status, CapacityStatus::Full);
    }
}
