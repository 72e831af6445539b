//! Why a use case did not happen. Closed; each variant maps to one HTTP status
//! ([`AppError::http_status`], docs/app.md).

use careloop_domain::text::TextError;
use careloop_domain::workflow::WorkflowError;
use careloop_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Sign-in failed: unknown user, wrong password, disabled user, unknown or expired token.
    /// The message is the same in every case (it must not tell whether the user exists).
    #[error("authentication failed")]
    Unauthenticated,
    /// The record does not exist, or the actor's organization may not see it (no existence leak).
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    /// The actor's roles do not permit the action.
    #[error("{action} is not permitted for this user's roles")]
    Forbidden { action: &'static str },
    /// Bad input or an illegal transition, naming the field or the transition.
    #[error("invalid {field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    /// Optimistic concurrency: the record changed since the caller read it.
    #[error("{kind} {id} changed meanwhile: expected version {expected}, found {found}")]
    Conflict {
        kind: String,
        id: String,
        expected: i64,
        found: String,
    },
    /// The Idempotency-Key was already used for a different request.
    #[error("idempotency key {key:?} was already used for a different request")]
    IdempotencyMismatch { key: String },
    /// The database is unavailable or failed; the request may be retried with its key.
    #[error("storage unavailable")]
    Store(#[source] StoreError),
}

impl AppError {
    pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            problem: problem.into(),
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::NotFound { .. } => 404,
            AppError::Forbidden { .. } => 403,
            AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::IdempotencyMismatch { .. } => 422,
            AppError::Store(_) => 503,
        }
    }
}

/// The field or transition a workflow refusal is about.
fn workflow_field(e: &WorkflowError) -> &'static str {
    use WorkflowError as W;
    match e {
        W::IllegalTransition { .. } => "transition",
        W::AlreadyExists { .. } => "id",
        W::EmptyField { field } => field,
        W::DenialReasonRequired => "decision.reason",
        W::NoticeOfActionRequired { .. } => "notice_of_action",
        W::WrongRecipient { field, .. } => field,
        W::TimeBeforePrevious { field, .. } => field,
        W::UnknownReason { field, .. } => field,
        W::ServicesNotStarted { .. } => "reason",
        W::MissingFact { fact } => fact,
        W::FactMismatch { fact, .. } => fact,
        W::CsLimitNotAllowed { .. } => "cs_limit_input",
        W::EnrollmentBlocked { .. } | W::EnrollmentUndetermined { .. } => "determination",
        W::ExtensionAlreadyUsed | W::ExtensionAfterDue { .. } => "extension",
        W::InvalidPeriod { field, .. } => field,
        W::UnknownPlan { .. } => "plan",
        W::CountyNotServed { .. } => "county",
        W::NotOffered { .. } => "program",
        W::ReferenceMismatch { field, .. } => field,
        W::Facts(e) => match e.top_field() {
            "birth_date" => "facts.birth_date",
            "member_id" => "facts.member_id",
            "enrollments" => "facts.enrollments",
            "indicators" => "facts.indicators",
            "utilization" => "facts.utilization",
            _ => "facts",
        },
        W::InvalidText { field, .. } | W::ImpossibleDate { field, .. } => field,
        W::Explanation(_) | W::Clock(_) | W::Arithmetic(_) => "request",
    }
}

/// A text value checked against its rule (`careloop_domain::text`'s `Id`, `Line`,
/// `RequiredText`) where an input is built outside serde (a UI form, the demo loader): a value
/// that breaks the rule is `Invalid`, naming the field, exactly as the API refuses it.
pub fn checked<T>(field: &'static str, value: impl Into<String>) -> Result<T, AppError>
where
    T: TryFrom<String, Error = TextError>,
{
    T::try_from(value.into()).map_err(|e| AppError::Invalid {
        field,
        problem: e.to_string(),
    })
}

impl From<WorkflowError> for AppError {
    fn from(e: WorkflowError) -> Self {
        AppError::Invalid {
            field: workflow_field(&e),
            problem: e.to_string(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict {
                kind,
                id,
                expected,
                actual,
            } => AppError::Conflict {
                kind,
                id,
                expected,
                found: actual.map_or_else(|| "no record".to_owned(), |v| format!("version {v}")),
            },
            StoreError::DuplicateEvent {
                kind,
                aggregate_id,
                version,
            } => AppError::Conflict {
                kind,
                id: aggregate_id,
                expected: version.saturating_sub(1),
                found: "a newer version".to_owned(),
            },
            StoreError::IdempotencyMismatch { key, .. } => AppError::IdempotencyMismatch { key },
            StoreError::Invalid { field, problem } => AppError::Invalid { field, problem },
            other => AppError::Store(other),
        }
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_http_status() {
        let table = [
            (
                AppError::NotFound {
                    kind: "referral",
                    id: "r".into(),
                },
                404,
            ),
            (AppError::Forbidden { action: "read" }, 403),
            (AppError::Unauthenticated, 401),
            (AppError::invalid("reason", "empty"), 422),
            (
                AppError::Conflict {
                    kind: "referral".into(),
                    id: "r".into(),
                    expected: 1,
                    found: "version 2".into(),
                },
                409,
            ),
            (AppError::IdempotencyMismatch { key: "k".into() }, 422),
        ];
        for (err, status) in table {
            assert_eq!(err.http_status(), status, "{err}");
        }
    }

    #[test]
    fn workflow_refusals_name_their_field() {
        let cases = [
            (
                WorkflowError::IllegalTransition {
                    action: "approve",
                    subject: "a request",
                    status: "withdrawn".into(),
                },
                "transition",
                "cannot approve a request that is withdrawn",
            ),
            (
                WorkflowError::EmptyField {
                    field: "information_needed",
                },
                "information_needed",
                "information_needed is required and must not be empty",
            ),
        ];
        for (e, want_field, want_problem) in cases {
            match AppError::from(e) {
                AppError::Invalid { field, problem } => {
                    assert_eq!((field, problem.as_str()), (want_field, want_problem));
                }
                other => panic!("expected Invalid, got {other:?}"),
            }
        }
    }

    #[test]
    fn store_conflicts_and_key_reuse_keep_their_meaning() {
        let conflict = AppError::from(StoreError::Conflict {
            kind: "authorization".into(),
            id: "a".into(),
            expected: 1,
            actual: Some(2),
        });
        assert!(matches!(conflict, AppError::Conflict { expected: 1, .. }));
        assert!(conflict.to_string().contains("found version 2"));
        let reuse = AppError::from(StoreError::IdempotencyMismatch {
            actor: "u".into(),
            key: "k".into(),
        });
        assert!(matches!(reuse, AppError::IdempotencyMismatch { .. }));
    }
}
