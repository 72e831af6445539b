//! The CS election cadence (issue #14 item 7): a plan adds or discontinues a Community Support
//! only every six months (seed 002 [3]; CALAIM.md §3.1 [3]), effective on the first day of one
//! of the pack's election months (`program.cs_election_months`, January and July: UNCONFIRMED,
//! so data). An offering that starts, or stops, on another day breaks the cadence, unless the
//! day is one the plan does not elect: the plan entering or leaving a county (a county span's
//! first day or the day after its last), the CS becoming available statewide, or a mandate.

use super::{Checker, Off, Span, join};
use crate::cs::CsId;
use crate::policy::ProblemKind;
use crate::policy::plan::same_county;
use jiff::civil::Date;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Checker<'_> {
    pub(super) fn cadence(&mut self, spans: &[Span], offerings: &[Off]) {
        let months = &self.pack.program.cs_election_months;
        let names: Vec<&str> = months
            .value
            .iter()
            .filter_map(|m| MONTHS.get(usize::from(*m).wrapping_sub(1)).copied())
            .collect();
        let rule = format!(
            "a plan adds or discontinues a Community Support only every {} months, effective on the first day of {} ({}{})",
            self.pack.program.cs_election_interval_months.value,
            names.join(" or "),
            months.source,
            if months.unconfirmed {
                "; the months are UNCONFIRMED"
            } else {
                ""
            }
        );
        for (i, cs, counties, from, through) in offerings {
            let stop = through.and_then(|t| t.tomorrow().ok());
            let changes = [
                ("effective_from", Some(*from), "starts on"),
                ("effective_through", stop, "is discontinued from"),
            ];
            for (key, day, verb) in changes {
                let Some(day) = day else { continue };
                let election_day = day.day() == 1
                    && months
                        .value
                        .iter()
                        .any(|m| i8::try_from(*m).is_ok_and(|m| m == day.month()));
                if election_day || self.not_elected(*cs, counties, day, spans) {
                    continue;
                }
                let at = self.header("offerings", *i, cs.as_str());
                self.push(
                    ProblemKind::ElectionCadence,
                    join(&at, key),
                    format!("{cs} {verb} {day}: {rule}"),
                );
            }
        }
    }

    /// A change day the plan does not elect: it enters or leaves one of the offering's counties
    /// (any plan county when the offering lists none) that day, or the CS becomes available
    /// statewide or mandatory that day.
    fn not_elected(&self, cs: CsId, counties: &[String], day: Date, spans: &[Span]) -> bool {
        let county_change = spans
            .iter()
            .filter(|s| counties.is_empty() || counties.iter().any(|c| same_county(c, &s.1)))
            .any(|s| s.2 == day || s.3.and_then(|t| t.tomorrow().ok()) == Some(day));
        let statewide = self
            .pack
            .catalog
            .get(cs)
            .is_some_and(|e| e.available_from.value == day)
            || self
                .pack
                .program
                .mandate(cs)
                .is_some_and(|m| m.effective_from == day);
        county_change || statewide
    }
}
