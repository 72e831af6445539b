//! Why a workflow command was refused. Each variant names the field or the transition, so the API
//! can answer with a 4xx error people can act on.

use jiff::Timestamp;

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// A command that is not legal in the current status, e.g. "cannot approve a request that
    /// is withdrawn".
    #[error("cannot {action} {subject} that is {status}")]
    IllegalTransition {
        action: &'static str,
        subject: &'static str,
        status: String,
    },
    #[error("{subject} {id} already exists")]
    AlreadyExists { subject: &'static str, id: String },
    #[error("{field} is required and must not be empty")]
    EmptyField { field: &'static str },
    #[error(
        "a denial needs a specific reason (CMS-0057-F, CALAIM.md §4.3 [46][47]); the denial reason is empty"
    )]
    DenialReasonRequired,
    #[error(
        "an adverse decision ({decision}) needs a notice of action to the member (CALAIM.md §4.4 [43]); none was given"
    )]
    NoticeOfActionRequired { decision: &'static str },
    #[error("{field}: the notice must go to {expected}, not {actual}")]
    WrongRecipient {
        field: &'static str,
        expected: &'static str,
        actual: &'static str,
    },
    #[error("{field} {at} is before {previous_field} {previous}")]
    TimeBeforePrevious {
        field: &'static str,
        at: Timestamp,
        previous_field: &'static str,
        previous: Timestamp,
    },
    #[error("{field} \"{value}\" is not in the value set; known: {}", .known.join(", "))]
    UnknownReason {
        field: &'static str,
        value: String,
        known: Vec<String>,
    },
    #[error(
        "the loop can close as services-received only after services started (CALAIM.md §6.4 [37]); the referral is {status}"
    )]
    ServicesNotStarted { status: String },
    #[error("{fact} is needed for this decision and was not given")]
    MissingFact { fact: &'static str },
    #[error("{fact} is for {actual}, not {expected}")]
    FactMismatch {
        fact: &'static str,
        expected: String,
        actual: String,
    },
    #[error("the Community Supports limit check is {outcome}: {message}")]
    CsLimitNotAllowed { outcome: String, message: String },
    #[error("ECM enrollment is blocked: {}", .rules.join("; "))]
    EnrollmentBlocked { rules: Vec<String> },
    #[error("undetermined: ECM exclusions cannot be decided without {}", .missing.join(", "))]
    EnrollmentUndetermined { missing: Vec<String> },
    #[error(
        "an extension applies only once (up to 14 calendar days from the original request, CALAIM.md §4.1 [40]); this request was already extended"
    )]
    ExtensionAlreadyUsed,
    #[error("an extension must be taken before the due time {due}; it was asked for at {at}")]
    ExtensionAfterDue { due: Timestamp, at: Timestamp },
    #[error("{field}: {message}")]
    InvalidPeriod {
        field: &'static str,
        message: String,
    },
    #[error("unknown plan \"{plan}\"; known plans: {}", .known.join(", "))]
    UnknownPlan { plan: String, known: Vec<String> },
    #[error(
        "plan {plan} does not serve {county:?} on {on} (plan overlay counties){}; counties served that day: {}",
        crate::policy::offerings::ended_note(*.ended),
        if .served.is_empty() { "none".to_string() } else { .served.join(", ") }
    )]
    CountyNotServed {
        plan: String,
        county: String,
        on: jiff::civil::Date,
        served: Vec<String>,
        /// The plan's last day in the county when it stopped serving it before `on`.
        ended: Option<jiff::civil::Date>,
    },
    #[error(
        "plan {plan} does not offer the Community Support {cs} in {county} on {on} (CS are offered plan by plan and county by county, CALAIM.md §3.1 [3][36]); offered there that day: {}",
        if .offered.is_empty() { "none".to_string() } else { .offered.join(", ") }
    )]
    NotOffered {
        plan: String,
        cs: String,
        county: String,
        on: jiff::civil::Date,
        offered: Vec<String>,
    },
    /// A referenced record that exists but is not the one the command may point at.
    #[error("{field}: {problem}")]
    ReferenceMismatch {
        field: &'static str,
        problem: String,
    },
    /// Member facts that cannot be true or used, naming the field ([`crate::eligibility::FactsError`]).
    #[error("facts.{0}")]
    Facts(#[from] crate::eligibility::FactsError),
    /// A string or list that breaks its length or character rule ([`crate::text`]).
    #[error("{field} {problem}")]
    InvalidText {
        field: &'static str,
        problem: crate::text::TextError,
    },
    /// A date that cannot be true: later than `latest` (the California date of the command,
    /// plus the documented tolerance where scheduling ahead is legitimate) or earlier than a
    /// date it must follow (docs/workflows.md, "Dates").
    #[error("{field} {date} {rule}")]
    ImpossibleDate {
        field: &'static str,
        date: jiff::civil::Date,
        rule: String,
    },
    #[error("the decision explanation could not be recorded: {0}")]
    Explanation(String),
    #[error("decision clock: {0}")]
    Clock(#[from] crate::clock::ClockError),
    #[error("date arithmetic failed: {0}")]
    Arithmetic(String),
}

impl From<crate::policy::UnknownPlan> for WorkflowError {
    fn from(e: crate::policy::UnknownPlan) -> Self {
        WorkflowError::UnknownPlan {
            plan: e.plan,
            known: e.known,
        }
    }
}

impl From<jiff::Error> for WorkflowError {
    fn from(e: jiff::Error) -> Self {
        WorkflowError::Arithmetic(e.to_string())
    }
}
