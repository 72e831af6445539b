//! The decision screen (issue #4, UM reviewer): the request, the member with the eligibility
//! explanation from the member's stored determination, why the due time is what it is (the
//! clock explanation stored with the request), and the actions pend / extend / approve /
//! approve as modified / deny through the app's use cases. Refusals (e.g. a denial without a
//! specific reason) come from the app's own validation and are shown on the page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::access::permits;
use careloop_app::authorization::{DecideAuthorization, ExtendAuthorization, PendAuthorization};
use careloop_app::{Action, AppError, AuthorizationRecord, Change, checked};
use careloop_app::{AuthorizationAggregate, MemberAggregate};
use careloop_domain::PolicyPack;
use careloop_domain::notice::{AdverseAction, NoticeOfAction};
use careloop_domain::workflow::authorization::{DecisionInput, DecisionOutcome, Service};
use careloop_domain::workflow::queue::classify_authorization;
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Recipient};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::{app_error_page, status_of};
use crate::explain::{EligibilityView, clock_lines, eligibility};
use crate::format::{
    local, plan_name, queue_status, service_label, status_words, time_left, urgency_label, zone,
};
use crate::layout::{Area, Nav, render};
use crate::pages::command::command;
use crate::session::random_token;
use crate::web::Authed;

/// The member as the reviewer sees them.
pub(crate) struct MemberSummary {
    pub name: String,
    pub cin: String,
    pub birth_date: String,
    pub plan: String,
    pub county: String,
}

/// What the decision form holds (kept when the app refuses a decision).
#[derive(Default)]
pub(crate) struct FormValues {
    pub decision: String,
    pub start: String,
    pub through: String,
    pub units: String,
    pub reason: String,
    pub channel: String,
    pub information_needed: String,
    pub extension_reason: String,
}

#[derive(Template)]
#[template(path = "decision.html")]
pub(crate) struct DecisionPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub id: String,
    pub version: i64,
    pub status: String,
    /// "2026-12-01 10:15 — <the information asked for>" while (or since) the request was
    /// pended; "received <time>" is added once the information came in (issue #16 item 2).
    pub pended: String,
    pub open: bool,
    pub can_decide: bool,
    pub service: String,
    pub urgency: &'static str,
    pub received: String,
    pub requested: String,
    pub plan: String,
    /// The plan's id (its notice template).
    pub plan_id: Option<String>,
    pub county: String,
    pub due: String,
    pub due_rfc3339: String,
    pub left: String,
    pub class: &'static str,
    pub badge: &'static str,
    pub due_rule: String,
    pub clock: Vec<String>,
    pub member_id: String,
    pub member: Option<MemberSummary>,
    pub eligibility: Option<EligibilityView>,
    pub determined_at: String,
    pub outcome: Vec<String>,
    pub notices: Vec<String>,
    pub error: Option<String>,
    pub done: Option<&'static str>,
    pub form: FormValues,
    pub preview: Option<String>,
    pub idem_pend: String,
    pub idem_extend: String,
    pub idem_decide: String,
    /// Community Supports requests: the limit check on the requested period before deciding.
    pub cs_limit: Option<CsLimitView>,
}

/// The CS limit status shown before deciding (`careloop_domain::cs_limits::check`).
pub(crate) struct CsLimitView {
    /// What was proposed to the check, in words.
    pub proposal: String,
    pub outcome: String,
    pub message: String,
    pub rules: Vec<crate::cs_use::RuleLine>,
    /// How many prior approved CS authorizations of the member were counted.
    pub history: usize,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct Done {
    done: Option<String>,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "pended" => Some("The request is pended for information."),
        "extended" => Some("The extension is recorded; the new due time is shown below."),
        "decided" => Some("Decision recorded."),
        _ => None,
    }
}

fn decision_lines(record: &AuthorizationRecord, tz: &jiff::tz::TimeZone) -> Vec<String> {
    let Some(d) = &record.state.decision else {
        return Vec::new();
    };
    let mut lines = vec![format!(
        "{} on {} ({}).",
        capitalize(d.outcome.as_str()),
        local(d.decided_at, tz),
        if d.on_time { "on time" } else { "late" }
    )];
    if let Some(r) = &d.reason {
        lines.push(format!("Reason: {r}"));
    }
    if let Some(p) = &d.period {
        lines.push(format!(
            "Authorized from {} through {}.",
            p.start, p.through
        ));
    }
    if let Some(u) = d.units {
        lines.push(format!("Units: {u}."));
    }
    if let Some(l) = &d.limit_check {
        lines.push(format!(
            "Community Supports limit check: {} — {}",
            l.outcome, l.message
        ));
        for r in &l.rules {
            lines.push(format!("{}: {} ({})", r.rule, r.message, r.citation.source));
        }
    }
    lines
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The notice of action the member would receive for an adverse decision, as the form stands: the
/// plan's template from the policy pack (`careloop_domain::notice`), stating the pack's appeal
/// window. A preview of the content recorded with the decision.
fn notice_text(pack: &PolicyPack, page: &DecisionPage, f: &FormValues, today: Date) -> String {
    let action = match f.decision.as_str() {
        "approve-as-modified" => AdverseAction::Modified {
            start: &f.start,
            through: &f.through,
            units: &f.units,
        },
        _ => AdverseAction::Denied,
    };
    let notice = NoticeOfAction {
        date: today,
        member_name: page.member.as_ref().map(|m| m.name.as_str()),
        member_id: &page.member_id,
        service: &page.service,
        request_id: &page.id,
        received: &page.received,
        action,
        reason: &f.reason,
        plan_name: &page.plan,
    };
    pack.notice
        .notice_of_action(page.plan_id.as_deref())
        .render(&notice, &pack.program.member_appeal_filing_days)
}

fn key() -> String {
    random_token().unwrap_or_default()
}

/// Loads the request (NotFound when the user's organization may not see it) and the member.
async fn build(
    state: &UiState,
    authed: &Authed,
    id: &str,
    now: Timestamp,
) -> Result<DecisionPage, AppError> {
    let app = &state.web.app;
    let actor = authed.actor();
    let record = app.get::<AuthorizationAggregate>(actor, id, now).await?;
    let tz = zone(&app.pack().clocks.time_zone.value);
    let s = &record.state;
    let (member, eligibility_view, determined_at) = match app
        .get::<MemberAggregate>(actor, &record.member_id, now)
        .await
    {
        Ok(m) => {
            let d = &m.state.demographics;
            let name = [d.given_name.clone(), d.family_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let summary = MemberSummary {
                name: if name.is_empty() {
                    "(no name on file)".to_owned()
                } else {
                    name
                },
                cin: m.state.cin.clone().unwrap_or_default(),
                birth_date: m
                    .state
                    .facts
                    .birth_date
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
                plan: plan_name(app.pack(), m.state.plan.as_deref()),
                county: m.state.county.clone().unwrap_or_default(),
            };
            let (view, at) = match &m.state.determination {
                Some(sd) => (
                    Some(eligibility(&sd.determination)),
                    local(sd.computed_at, &tz),
                ),
                None => (None, String::new()),
            };
            (Some(summary), view, at)
        }
        // The request is visible but the member record is not (or not to this role): say so.
        Err(AppError::NotFound { .. } | AppError::Forbidden { .. }) => (None, None, String::new()),
        Err(e) => return Err(e),
    };
    let entry = classify_authorization(s, now, &app.pack().workflow);
    let (class, badge) = entry
        .as_ref()
        .map(|e| queue_status(e.status))
        .unwrap_or(("", ""));
    let due = s.due.as_ref();
    let requested = {
        let r = &s.requested;
        let mut parts = Vec::new();
        if let Some(start) = r.start {
            parts.push(format!("from {start}"));
        }
        if let Some(t) = r.through {
            parts.push(format!("through {t}"));
        }
        if let Some(u) = r.units {
            parts.push(format!("{u} units"));
        }
        if parts.is_empty() {
            "not stated".to_owned()
        } else {
            parts.join(", ")
        }
    };
    let notices = s
        .notices
        .iter()
        .map(|n| {
            format!(
                "{} to {} by {} on {}",
                status_words(
                    &serde_json::to_value(n.purpose)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ),
                n.recipient.as_str(),
                n.channel.as_str(),
                local(n.sent_at, &tz)
            )
        })
        .collect();
    let today = now.to_zoned(tz.clone()).date();
    let cs_limit = match s.service {
        Some(Service::Cs(_)) if s.status.is_open() => {
            let start = s.requested.start.unwrap_or(today);
            let through = s.requested.through.unwrap_or(start);
            app.cs_limit_preview(&record, start, through, s.requested.units)
                .await?
                .map(|(input, decision)| CsLimitView {
                    proposal: format!(
                        "{} from {start} through {through}{}",
                        service_label(s.service),
                        s.requested
                            .units
                            .map(|u| format!(", {u} units"))
                            .unwrap_or_default()
                    ),
                    outcome: decision.outcome.to_string(),
                    message: decision.message.clone(),
                    rules: crate::cs_use::rule_lines(&decision),
                    history: input.history.len(),
                })
        }
        _ => None,
    };
    Ok(DecisionPage {
        nav: Some(Nav::new(&authed.0, Area::Queue)),
        csrf: authed.0.csrf.clone(),
        id: record.id.clone(),
        version: record.version,
        status: status_words(&record.status),
        pended: match (s.pended_at, &s.information_needed) {
            (Some(at), Some(info)) => format!(
                "{} — {info}{}",
                local(at, &tz),
                s.info_received_at
                    .map(|r| format!(" (information received {})", local(r, &tz)))
                    .unwrap_or_default()
            ),
            _ => String::new(),
        },
        open: s.status.is_open(),
        can_decide: s.status.is_open() && permits(actor, Action::DecideAuthorization),
        service: service_label(s.service),
        urgency: urgency_label(s.kind),
        received: s.received_at.map(|t| local(t, &tz)).unwrap_or_default(),
        requested,
        plan: plan_name(app.pack(), record.plan_id.as_deref()),
        plan_id: record.plan_id.clone(),
        county: record.county.clone().unwrap_or_default(),
        due: due.map(|d| local(d.due, &tz)).unwrap_or_default(),
        due_rfc3339: due.map(|d| d.due.to_string()).unwrap_or_default(),
        left: entry
            .as_ref()
            .map(|e| time_left(e.minutes_left))
            .unwrap_or_default(),
        class,
        badge,
        due_rule: due.map(|d| d.rule.clone()).unwrap_or_default(),
        clock: due.map(|d| clock_lines(&d.explanation)).unwrap_or_default(),
        member_id: record.member_id.clone(),
        member,
        eligibility: eligibility_view,
        determined_at,
        outcome: decision_lines(&record, &tz),
        notices,
        error: None,
        done: None,
        form: FormValues {
            start: today.to_string(),
            ..FormValues::initial()
        },
        preview: None,
        idem_pend: key(),
        idem_extend: key(),
        idem_decide: key(),
        cs_limit,
    })
}

/// The decision screen of request `id`, with the message of a change just recorded (`done`).
pub(crate) async fn decision_page(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let now = state.now();
    match build(&state, &authed, &id, now).await {
        Ok(mut page) => {
            page.done = done_message(done.done.as_deref());
            render(StatusCode::OK, &page)
        }
        Err(e) => app_error_page(Some(Nav::new(&authed.0, Area::Queue)), &e),
    }
}

/// After a refused change: the page again with the app's message and the form as typed.
async fn refused(
    state: &UiState,
    authed: &Authed,
    id: &str,
    e: AppError,
    form: FormValues,
    preview: bool,
) -> Response {
    let now = state.now();
    let status = status_of(&e);
    let message = match &e {
        AppError::Invalid { field, problem } => format!("Not recorded: {problem} (field: {field})."),
        AppError::Conflict { .. } => {
            "Not recorded: someone changed this request meanwhile. The page now shows the current request; check it and try again.".to_owned()
        }
        other => format!("Not recorded: {other}."),
    };
    if matches!(
        e,
        AppError::NotFound { .. } | AppError::Forbidden { .. } | AppError::Store(_)
    ) {
        return app_error_page(Some(Nav::new(&authed.0, Area::Queue)), &e);
    }
    match build(state, authed, id, now).await {
        Ok(mut page) => {
            page.error = Some(message);
            page.form = form;
            if preview {
                page.preview = Some(notice_text(
                    state.web.app.pack(),
                    &page,
                    &page.form,
                    today(state, now),
                ));
            }
            render(status, &page)
        }
        Err(e) => app_error_page(Some(Nav::new(&authed.0, Area::Queue)), &e),
    }
}

fn redirect_done(id: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/ui/authorizations/{}?done={done}",
        crate::web::path_segment(id)
    ))
    .into_response()
}

/// The plan's local date at `now`.
fn today(state: &UiState, now: Timestamp) -> Date {
    now.to_zoned(zone(&state.web.app.pack().clocks.time_zone.value))
        .date()
}

/// A change's answer: back to the request with `done`, or the page again with the app's refusal
/// and `form` as typed (with the notice preview when `preview`).
async fn answer(
    state: &UiState,
    authed: &Authed,
    id: &str,
    result: Result<AuthorizationRecord, AppError>,
    done: &str,
    form: FormValues,
    preview: bool,
) -> Response {
    match result {
        Ok(_) => redirect_done(id, done),
        Err(e) => refused(state, authed, id, e, form, preview).await,
    }
}

/// The pend and extend forms (pend sends `information_needed`, extend its `reason`).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct StepForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    information_needed: String,
    reason: String,
}

impl FormValues {
    /// The decision form as first shown: no decision chosen (the reviewer picks one).
    fn initial() -> FormValues {
        FormValues {
            decision: String::new(),
            channel: "mail".to_owned(),
            ..FormValues::default()
        }
    }
}

/// The two changes that keep the request open: pend for information, extend the review.
#[derive(Clone, Copy)]
enum Hold {
    Pend,
    Extend,
}

pub(crate) async fn pend(
    state: State<UiState>,
    authed: Authed,
    id: Path<String>,
    form: Form<StepForm>,
) -> Response {
    hold(Hold::Pend, state, authed, id, form).await
}

pub(crate) async fn extend(
    state: State<UiState>,
    authed: Authed,
    id: Path<String>,
    form: Form<StepForm>,
) -> Response {
    hold(Hold::Extend, state, authed, id, form).await
}

async fn hold(
    which: Hold,
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    command(&authed, Area::Queue, &f.csrf, &f.idem, async |key| {
        let (app, actor, now, v) = (&state.web.app, authed.actor(), state.now(), f.version);
        // On a refusal the form keeps what was typed into the one field sent.
        let (result, done, form) = match which {
            Hold::Pend => {
                let information_needed = f.information_needed.clone();
                let result = async {
                    let input = PendAuthorization {
                        information_needed: checked("information_needed", &*information_needed)?,
                    }
                    .expecting(v);
                    app.change(actor, &id, input, key, now).await
                }
                .await;
                let form = FormValues {
                    information_needed,
                    ..FormValues::initial()
                };
                (result, "pended", form)
            }
            Hold::Extend => {
                let result = async {
                    let input = ExtendAuthorization {
                        reason: checked("reason", &*f.reason)?,
                    }
                    .expecting(v);
                    app.change(actor, &id, input, key, now).await
                }
                .await;
                let form = FormValues {
                    extension_reason: f.reason.clone(),
                    ..FormValues::initial()
                };
                (result, "extended", form)
            }
        };
        Ok(answer(&state, &authed, &id, result, done, form, false).await)
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct DecideForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    decision: String,
    start: String,
    through: String,
    units: String,
    reason: String,
    channel: String,
    /// "preview" shows the notice of action without deciding.
    intent: String,
}

fn parse_date(field: &'static str, s: &str) -> Result<Option<Date>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<Date>().map(Some).map_err(|_| AppError::Invalid {
        field,
        problem: format!("{s:?} is not a date (YYYY-MM-DD)"),
    })
}

fn channel(s: &str) -> Channel {
    match s {
        "portal" => Channel::Portal,
        "email" => Channel::Email,
        _ => Channel::Mail,
    }
}

/// The form as the app's decision input; only parsing happens here, every rule is the app's.
fn decision_input(f: &DecideForm) -> Result<(DecisionInput, DecisionOutcome), AppError> {
    let start = parse_date("decision.start", &f.start)?;
    let through = parse_date("decision.through", &f.through)?;
    let units = match f.units.trim() {
        "" => None,
        u => Some(u.parse::<u32>().map_err(|_| AppError::Invalid {
            field: "decision.units",
            problem: format!("{u:?} is not a whole number"),
        })?),
    };
    let need = |d: Option<Date>, field: &'static str| {
        d.ok_or(AppError::Invalid {
            field,
            problem: "a date is needed".to_owned(),
        })
    };
    Ok(match f.decision.as_str() {
        "deny" => (
            DecisionInput::Deny {
                reason: f.reason.clone(),
            },
            DecisionOutcome::Denied,
        ),
        "approve-as-modified" => (
            DecisionInput::ApproveAsModified {
                start: need(start, "decision.start")?,
                through: need(through, "decision.through")?,
                units,
                reason: f.reason.clone(),
            },
            DecisionOutcome::ApprovedAsModified,
        ),
        "approve" => (
            DecisionInput::Approve {
                start: need(start, "decision.start")?,
                through,
                units,
            },
            DecisionOutcome::Approved,
        ),
        "" => {
            return Err(AppError::Invalid {
                field: "decision",
                problem: "choose a decision: approve, approve as modified or deny".to_owned(),
            });
        }
        other => {
            return Err(AppError::Invalid {
                field: "decision",
                problem: format!("choose approve, approve as modified or deny (got {other:?})"),
            });
        }
    })
}

pub(crate) async fn decide(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> Response {
    command(&authed, Area::Queue, &f.csrf, &f.idem, async |key| {
        let now = state.now();
        let values = FormValues {
            decision: f.decision.clone(),
            start: f.start.clone(),
            through: f.through.clone(),
            units: f.units.clone(),
            reason: f.reason.clone(),
            channel: f.channel.clone(),
            ..FormValues::default()
        };
        if f.intent == "preview" {
            let mut page = build(&state, &authed, &id, now).await?;
            let pack = state.web.app.pack();
            page.preview = Some(notice_text(pack, &page, &values, today(&state, now)));
            page.form = values;
            return Ok(render(StatusCode::OK, &page));
        }
        let (decision, outcome) = match decision_input(&f) {
            Ok(d) => d,
            Err(e) => return Ok(refused(&state, &authed, &id, e, values, false).await),
        };
        // An adverse decision (the domain's rule) carries the notice of action shown in the
        // preview.
        let notice_of_action = if outcome.is_adverse() {
            let page = build(&state, &authed, &id, now).await?;
            let pack = state.web.app.pack();
            Some(Notice {
                recipient: Recipient::Member,
                purpose: NoticePurpose::NoticeOfAction,
                channel: channel(&f.channel),
                content: notice_text(pack, &page, &values, today(&state, now)),
                sent_at: now,
                actor: ActorId::new(authed.actor().user_id.clone()),
            })
        } else {
            None
        };
        let input = DecideAuthorization {
            cs_limit_exception: None,
            decision,
            notice_of_action,
        }
        .expecting(f.version);
        let result = state
            .web
            .app
            .change(authed.actor(), &id, input, key, now)
            .await;
        let adverse = outcome.is_adverse();
        Ok(answer(&state, &authed, &id, result, "decided", values, adverse).await)
    })
    .await
}
