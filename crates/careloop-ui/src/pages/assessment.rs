//! ECM lead care manager: the structured comprehensive assessment (issue #16 item 4), recorded
//! from the member record through the app's `RecordAssessment` change (one dated answer per
//! domain of the policy pack's `workflow.toml assessment_domains`; the domain refuses an unknown
//! domain, a repeated one, an answer dated after today or before the assessment's start). The
//! form shows every domain of the pack; a blank answer is "not yet assessed" and is not sent.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::ecm::RecordAssessment;
use careloop_app::{Change, Versioned};
use careloop_domain::policy::PolicyPack;
use careloop_domain::workflow::ecm::{Assessment, DomainAnswer};
use jiff::civil::Date;

use crate::UiState;
use crate::layout::Area;
use crate::pages::command::{command, invalid};
use crate::web::Authed;

/// The posted form as its (name, value) pairs: the fixed fields, then `answer.<domain>` and
/// `on.<domain>` for each domain of the pack.
type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or_default()
}

fn date(field: &'static str, s: &str) -> Result<Date, careloop_app::AppError> {
    s.parse::<Date>()
        .map_err(|_| invalid(field, "not a date (YYYY-MM-DD)"))
}

/// The input of `RecordAssessment` from the form: the pack's domains in the pack's order, each
/// answered one with its date; a new assessment's id comes from the form's idempotency key.
fn input(
    pairs: &Pairs,
    pack: &PolicyPack,
) -> Result<Versioned<RecordAssessment>, careloop_app::AppError> {
    let assessment_id = match value(pairs, "assessment_id") {
        "" => format!(
            "asmt-{}",
            value(pairs, "idem").chars().take(12).collect::<String>()
        ),
        id => id.to_owned(),
    };
    let completed = match value(pairs, "completed") {
        "" => None,
        d => Some(date("completed", d)?),
    };
    let mut answers = Vec::new();
    for d in &pack.workflow.assessment_domains {
        let code = &d.value.code;
        let answer = value(pairs, &format!("answer.{code}"));
        if answer.is_empty() {
            continue;
        }
        answers.push(DomainAnswer {
            domain: code.clone(),
            answered_on: date("answered_on", value(pairs, &format!("on.{code}")))?,
            answer: answer.to_owned(),
        });
    }
    Ok(RecordAssessment {
        assessment_id,
        started: date("started", value(pairs, "started"))?,
        completed,
        answers,
    }
    .expecting(value(pairs, "version").parse().ok()))
}

/// Records (or revises) the enrollment's comprehensive assessment.
pub(crate) async fn record_assessment(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (csrf, idem) = (value(&pairs, "csrf"), value(&pairs, "idem"));
    command(&authed, Area::Members, csrf, idem, async |key| {
        let app = &state.web.app;
        let input = input(&pairs, app.pack())?;
        let record = app
            .change(authed.actor(), &id, input, key, state.now())
            .await?;
        Ok(Redirect::to(&format!(
            "/ui/members/{}?done=assessment",
            crate::web::path_segment(&record.member_id)
        ))
        .into_response())
    })
    .await
}

/// One domain on the member record: its words, the latest assessment's answer and its date.
pub(crate) struct DomainView {
    pub code: String,
    pub label: String,
    pub answer: String,
    /// The answer's date, or today for the form when not yet answered.
    pub on: String,
    pub answered: bool,
}

/// The latest assessment of an enrollment, explained by the pack's domains.
pub(crate) struct AssessmentView {
    /// Empty when the enrollment has no assessment yet (the form then starts a new one).
    pub id: String,
    pub started: String,
    pub completed: String,
    pub domains: Vec<DomainView>,
    /// "3 of 8 domains answered".
    pub progress: String,
    /// The earlier assessments, one line each.
    pub earlier: Vec<String>,
}

pub(crate) fn assessment_view(
    assessments: &[Assessment],
    pack: &PolicyPack,
    today: Date,
) -> AssessmentView {
    let latest = assessments.last();
    let domains: Vec<DomainView> = pack
        .workflow
        .assessment_domains
        .iter()
        .map(|d| {
            let found = latest.and_then(|a| a.answers.iter().find(|x| x.domain == d.value.code));
            DomainView {
                code: d.value.code.clone(),
                label: d.value.label.clone(),
                answer: found.map(|x| x.answer.clone()).unwrap_or_default(),
                on: found.map_or(today, |x| x.answered_on).to_string(),
                answered: found.is_some(),
            }
        })
        .collect();
    let answered = domains.iter().filter(|d| d.answered).count();
    AssessmentView {
        id: latest.map(|a| a.assessment_id.clone()).unwrap_or_default(),
        started: latest.map_or(today, |a| a.started).to_string(),
        completed: latest
            .and_then(|a| a.completed)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        progress: format!("{answered} of {} domains answered", domains.len()),
        domains,
        earlier: assessments
            .iter()
            .rev()
            .skip(1)
            .map(|a| {
                format!(
                    "{}: started {}{}, {} domains answered",
                    a.assessment_id,
                    a.started,
                    a.completed
                        .map(|c| format!(", completed {c}"))
                        .unwrap_or_default(),
                    a.answers.len()
                )
            })
            .collect(),
    }
}
