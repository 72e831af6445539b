//! Member notices as policy: the wording of the notice of action (adverse benefit determination,
//! CALAIM.md §4.4) lives in the policy pack (`policy/statewide/notice.toml`), with a template per
//! plan where the plan's page differs; this module renders it from the decision and the policy.
//!
//! The appeal window the letter states is the pack's one value for it,
//! [`ProgramPolicy::member_appeal_filing_days`](crate::policy::ProgramPolicy) (60 days,
//! UNCONFIRMED in CALAIM.md), passed in by the caller; the rule the letter cites for it is
//! [`NoticeOfActionTemplate::appeal_citation`]. Rendering is pure text substitution: a value the
//! reviewer typed (a reason containing `{plan}`) is never read as a placeholder.

use jiff::civil::Date;
use serde::Deserialize;

use crate::cite::Cited;
use crate::policy::file::{PolicyError, parse_toml};

/// The embedded notice policy file: (file name, text).
pub const NOTICE_FILE: (&str, &str) = (
    "statewide/notice.toml",
    include_str!("../policy/statewide/notice.toml"),
);

/// The notice templates: the statewide ones and the plans' own.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePolicy {
    /// The statewide notice of action, the default for every plan.
    pub notice_of_action: NoticeOfActionTemplate,
    /// Plans whose notice page differs from the statewide one.
    #[serde(default)]
    pub plans: Vec<PlanNotices>,
}

/// One plan's own notice templates.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanNotices {
    /// The plan id (`plans/*.toml`).
    pub plan: String,
    pub notice_of_action: NoticeOfActionTemplate,
}

/// The notice of action: the rule it cites and its wording.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeOfActionTemplate {
    /// The rule the letter names for the member's appeal window.
    pub appeal_citation: Cited<String>,
    pub wording: Cited<NoticeOfActionWording>,
}

/// The text of a notice of action, with `{name}` placeholders (the names each field accepts are
/// in [`NoticeOfActionWording::check`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeOfActionWording {
    /// The whole letter.
    pub letter: String,
    /// The action of a denial.
    pub denied: String,
    /// The action of an approval as modified.
    pub modified: String,
    /// The approved units inside `modified`, when units are given.
    pub units: String,
    /// In place of a reason not yet given.
    pub missing_reason: String,
    /// In place of a date not yet given.
    pub missing_date: String,
    /// The addressee when the member's name is not known to the reviewer.
    pub unnamed_member: String,
    /// The plan when the request names none.
    pub unnamed_plan: String,
}

/// The adverse action a notice of action tells the member about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdverseAction<'a> {
    Denied,
    /// Approved with changes: the period and units as the reviewer entered them.
    Modified {
        start: &'a str,
        through: &'a str,
        units: &'a str,
    },
}

/// One notice of action's facts, as the reviewer's screen holds them (text as typed: a preview
/// renders a form the app has not validated yet, so blanks are shown as such).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeOfAction<'a> {
    /// The date of the notice (the plan's local date).
    pub date: Date,
    /// The member's name, when the reviewer may see the member record.
    pub member_name: Option<&'a str>,
    pub member_id: &'a str,
    /// The service requested, in words.
    pub service: &'a str,
    pub request_id: &'a str,
    /// When the request was received, in words.
    pub received: &'a str,
    pub action: AdverseAction<'a>,
    pub reason: &'a str,
    /// The plan's name; empty when the request names no plan.
    pub plan_name: &'a str,
}

impl NoticePolicy {
    /// The notice policy compiled into this binary.
    pub fn embedded() -> Result<Self, PolicyError> {
        Self::parse(NOTICE_FILE.0, NOTICE_FILE.1)
    }

    /// A notice policy file, checked (see [`NoticePolicy::check`]).
    pub fn parse(file: &str, text: &str) -> Result<Self, PolicyError> {
        let policy: NoticePolicy = parse_toml(file, text)?;
        let problems = policy.check();
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError::Invalid {
                file: file.to_string(),
                errors: problems,
            })
        }
    }

    /// Problems with the templates: unknown or missing placeholders, a plan listed twice.
    pub fn check(&self) -> Vec<String> {
        let mut out = self
            .notice_of_action
            .wording
            .value
            .check("notice_of_action");
        for (i, p) in self.plans.iter().enumerate() {
            if self.plans.iter().take(i).any(|q| q.plan == p.plan) {
                out.push(format!("plans: \"{}\" is listed more than once", p.plan));
            }
            out.extend(
                p.notice_of_action
                    .wording
                    .value
                    .check(&format!("plans.{}.notice_of_action", p.plan)),
            );
        }
        out
    }

    /// The notice of action template of `plan`: its own when it has one, else the statewide one.
    pub fn notice_of_action(&self, plan: Option<&str>) -> &NoticeOfActionTemplate {
        plan.and_then(|id| self.plans.iter().find(|p| p.plan == id))
            .map_or(&self.notice_of_action, |p| &p.notice_of_action)
    }
}

impl NoticeOfActionWording {
    /// Problems with the placeholders of each field (`name` prefixes them).
    pub fn check(&self, name: &str) -> Vec<String> {
        let fields: [(&str, &str, &[&str], &[&str]); 8] = [
            (
                "letter",
                &self.letter,
                &[
                    "date",
                    "member",
                    "service",
                    "request",
                    "received",
                    "action",
                    "reason",
                    "plan",
                    "appeal_days",
                    "appeal_citation",
                ],
                // A notice without the action, its reason or the member's appeal window is not one.
                &["action", "reason", "appeal_days"],
            ),
            ("denied", &self.denied, &[], &[]),
            (
                "modified",
                &self.modified,
                &["start", "through", "units"],
                &[],
            ),
            ("units", &self.units, &["units"], &[]),
            ("missing_reason", &self.missing_reason, &[], &[]),
            ("missing_date", &self.missing_date, &[], &[]),
            ("unnamed_member", &self.unnamed_member, &["member_id"], &[]),
            ("unnamed_plan", &self.unnamed_plan, &[], &[]),
        ];
        let mut out = Vec::new();
        for (field, text, allowed, required) in fields {
            let used = placeholders(text);
            for p in &used {
                if !allowed.contains(p) {
                    out.push(format!(
                        "{name}.{field}: unknown placeholder {{{p}}} (allowed: {})",
                        if allowed.is_empty() {
                            "none".to_owned()
                        } else {
                            allowed.join(", ")
                        }
                    ));
                }
            }
            for r in required {
                if !used.contains(r) {
                    out.push(format!(
                        "{name}.{field}: the placeholder {{{r}}} is missing"
                    ));
                }
            }
        }
        out
    }
}

impl NoticeOfActionTemplate {
    /// The letter for `notice`, stating `appeal_days` (the pack's
    /// `program.member_appeal_filing_days`) as the member's appeal window.
    pub fn render(&self, notice: &NoticeOfAction<'_>, appeal_days: &Cited<u32>) -> String {
        let w = &self.wording.value;
        let date_or_blank = |s: &str| {
            let s = s.trim();
            if s.is_empty() {
                w.missing_date.clone()
            } else {
                s.to_owned()
            }
        };
        let action = match notice.action {
            AdverseAction::Denied => w.denied.clone(),
            AdverseAction::Modified {
                start,
                through,
                units,
            } => {
                let units = match units.trim() {
                    "" => String::new(),
                    u => fill(&w.units, &[("units", u)]),
                };
                fill(
                    &w.modified,
                    &[
                        ("start", &date_or_blank(start)),
                        ("through", &date_or_blank(through)),
                        ("units", &units),
                    ],
                )
            }
        };
        let reason = match notice.reason.trim() {
            "" => w.missing_reason.clone(),
            r => r.to_owned(),
        };
        let member = match notice.member_name {
            Some(name) => name.to_owned(),
            None => fill(&w.unnamed_member, &[("member_id", notice.member_id)]),
        };
        let plan = if notice.plan_name.is_empty() {
            w.unnamed_plan.as_str()
        } else {
            notice.plan_name
        };
        fill(
            &w.letter,
            &[
                ("date", &notice.date.to_string()),
                ("member", &member),
                ("service", notice.service),
                ("request", notice.request_id),
                ("received", notice.received),
                ("action", &action),
                ("reason", &reason),
                ("plan", plan),
                ("appeal_days", &appeal_days.value.to_string()),
                ("appeal_citation", &self.appeal_citation.value),
            ],
        )
    }
}

/// Whether `name` could be a placeholder's name: lower-case letters and underscores.
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The placeholder names in `template`, in order.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or_default();
        match after.find('}') {
            Some(close) if is_name(after.get(..close).unwrap_or_default()) => {
                out.push(after.get(..close).unwrap_or_default());
                rest = after.get(close + 1..).unwrap_or_default();
            }
            _ => rest = after,
        }
    }
    out
}

/// `template` with each `{name}` of `values` replaced, in one pass (a value is never scanned
/// again); any other braces stay as they are.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let value = after.find('}').and_then(|close| {
            let name = after.get(..close)?;
            let (_, v) = values.iter().find(|(n, _)| *n == name)?;
            Some((v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyPack;

    fn pack() -> PolicyPack {
        let Ok(pack) = PolicyPack::embedded() else {
            unreachable!("embedded pack");
        };
        pack
    }

    fn notice<'a>(action: AdverseAction<'a>, reason: &'a str) -> NoticeOfAction<'a> {
        NoticeOfAction {
            date: jiff::civil::date(2026, 3, 9),
            member_name: Some("Ana Diaz"),
            member_id: "mem-1",
            service: "Recuperative Care",
            request_id: "auth-7",
            received: "2026-03-02 09:15 PST",
            action,
            reason,
            plan_name: "Health Plan of San Mateo",
        }
    }

    #[test]
    fn the_statewide_denial_letter_reads_as_before() {
        let pack = pack();
        let t = pack.notice.notice_of_action(Some("hpsm"));
        let text = t.render(
            &notice(AdverseAction::Denied, " Not medically necessary. "),
            &pack.program.member_appeal_filing_days,
        );
        assert_eq!(
            text,
            "NOTICE OF ACTION\n\nDate: 2026-03-09\nTo: Ana Diaz\nAbout: your request for \
             Recuperative Care (request auth-7), received 2026-03-02 09:15 PST\n\n\
             We denied this request.\n\nWhy: Not medically necessary.\n\n\
             Your rights: you may ask Health Plan of San Mateo for an appeal within 60 calendar \
             days of the date of this notice (42 CFR 438.402(c)(2)(ii)). If the plan does not \
             change its decision, you may then ask for a State Hearing.\n"
        );
    }

    #[test]
    fn a_modified_approval_shows_period_units_and_blanks() {
        let pack = pack();
        let t = pack.notice.notice_of_action(None);
        let days = &pack.program.member_appeal_filing_days;
        let modified = |start, through, units| AdverseAction::Modified {
            start,
            through,
            units,
        };
        let text = t.render(&notice(modified("2026-03-10", " ", " 12 "), "   "), days);
        assert!(text.contains(
            "We approved this request with changes: from 2026-03-10 through [date], 12 units.\n"
        ));
        assert!(
            text.contains("Why: [A specific reason is required before this notice can be sent.]")
        );
        let mut n = notice(modified("", "2026-04-01", ""), "Fewer days are needed.");
        n.member_name = None;
        n.plan_name = "";
        let text = t.render(&n, days);
        assert!(text.contains("from [date] through 2026-04-01.\n"), "{text}");
        assert!(text.contains("To: Member mem-1\n"), "{text}");
        assert!(
            text.contains("you may ask your health plan for an appeal"),
            "{text}"
        );
    }

    #[test]
    fn the_window_is_the_packs_one_value_and_typed_text_is_not_a_placeholder() {
        let pack = pack();
        let t = pack.notice.notice_of_action(None);
        let mut days = pack.program.member_appeal_filing_days.clone();
        days.value = 90;
        let text = t.render(
            &notice(AdverseAction::Denied, "see {plan} {appeal_days}"),
            &days,
        );
        assert!(text.contains("within 90 calendar days"), "{text}");
        assert!(text.contains("Why: see {plan} {appeal_days}\n"), "{text}");
    }

    #[test]
    fn a_plan_template_overrides_the_statewide_one_for_that_plan_only() {
        let statewide = NOTICE_FILE.1.replace(
            "# A plan whose notice page differs",
            "[[plans]]\nplan = \"hpsm\"\n[plans.notice_of_action]\n\
             appeal_citation = { value = \"rule X\", source = \"test\" }\n\
             [plans.notice_of_action.wording]\nsource = \"test\"\n\
             [plans.notice_of_action.wording.value]\n\
             letter = \"{plan}: {action} {reason} Appeal within {appeal_days} days ({appeal_citation}).\"\n\
             denied = \"Denied.\"\nmodified = \"Changed.\"\nunits = \"\"\nmissing_reason = \"?\"\n\
             missing_date = \"?\"\nunnamed_member = \"{member_id}\"\nunnamed_plan = \"the plan\"\n\
             # A plan whose notice page differs",
        );
        let policy = NoticePolicy::parse("test.toml", &statewide);
        assert!(policy.is_ok(), "{:?}", policy.err());
        let Ok(policy) = policy else { return };
        let days = pack().program.member_appeal_filing_days;
        let n = notice(AdverseAction::Denied, "No.");
        assert_eq!(
            policy.notice_of_action(Some("hpsm")).render(&n, &days),
            "Health Plan of San Mateo: Denied. No. Appeal within 60 days (rule X)."
        );
        let other = policy
            .notice_of_action(Some("alameda-alliance"))
            .render(&n, &days);
        assert!(other.starts_with("NOTICE OF ACTION\n"), "{other}");
    }

    #[test]
    fn unknown_or_missing_placeholders_refuse_the_file() {
        let bad = NOTICE_FILE
            .1
            .replace("received {received}", "received {recieved}")
            .replace(" ({appeal_citation})", "")
            .replace("within {appeal_days} calendar", "within 60 calendar");
        let Err(PolicyError::Invalid { errors, .. }) = NoticePolicy::parse("bad.toml", &bad) else {
            unreachable!("the misspelled placeholder is refused");
        };
        assert!(
            errors
                .iter()
                .any(|e| e.contains("unknown placeholder {recieved}")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("{appeal_days} is missing")),
            "{errors:?}"
        );
    }

    #[test]
    fn every_plan_template_names_a_plan_of_the_pack() {
        let pack = pack();
        for p in &pack.notice.plans {
            assert!(pack.plan(&p.plan).is_some(), "unknown plan {}", p.plan);
        }
    }

    #[test]
    fn fill_leaves_other_braces_alone() {
        assert_eq!(fill("{a} {b} {A} {", &[("a", "1")]), "1 {b} {A} {");
        assert_eq!(placeholders("{a} {b c} {d_e}"), vec!["a", "d_e"]);
    }
}
