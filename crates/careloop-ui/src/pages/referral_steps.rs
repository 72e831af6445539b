//! The next step on a referral, from its page (issue #4): the app says who acts next and what
//! the step is (`careloop_app::referral::referral_next_step`); the page offers that step's form
//! to a user whose role may take it, and the app's use case does the rest (legality, access,
//! the closed-loop value sets).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, DeclineReferral, RecordReferralAuthorization,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_app::{AppError, ReferralRecord, checked};
use careloop_app::{Change, ReferralAggregate};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::Program;
use careloop_domain::workflow::authorization::Service;
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::layout::Area;
use crate::pages::command::{command, invalid, request_authorization, required_key};
use crate::pages::given;
use crate::web::{Authed, path_segment};

// `urgency` values are the clock kinds' kebab-case names (serde), e.g. standard-pre-service.

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct StepForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    /// eligibility-review, assignment, accept, decline, authorization, start-services, close.
    step: String,
    yes: String,
    determination_id: String,
    provider_org_id: String,
    reason: String,
    authorization_id: String,
    date: String,
    note: String,
    /// request-authorization: the clock kind (e.g. standard-pre-service).
    urgency: String,
}

pub(crate) async fn referral_step(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    command(
        &authed,
        Area::Referrals,
        &f.csrf,
        &f.idem,
        async |key| match f.step.as_str() {
            "request-authorization" => ask_authorization(&state, &authed, &id, &f, key).await,
            "open-ecm-enrollment" => open_ecm_enrollment(&state, &authed, &id, key).await,
            _ => {
                let record = take_step(&state, &authed, &id, &f, key).await?;
                Ok(Redirect::to(&format!(
                    "/ui/referrals/{}?done=step",
                    path_segment(&record.id)
                ))
                .into_response())
            }
        },
    )
    .await
}

/// One of the referral's own steps (`careloop_app::referral`).
async fn take_step(
    state: &UiState,
    authed: &Authed,
    id: &str,
    f: &StepForm,
    key: Option<&str>,
) -> Result<ReferralRecord, AppError> {
    let app = &state.web.app;
    let actor = authed.actor();
    let now = state.now();
    let v = f.version;
    let yes = f.yes == "yes";
    match f.step.as_str() {
        "eligibility-review" => {
            let input = ReviewReferralEligibility {
                eligible: yes,
                determination_id: given(&Some(f.determination_id.clone())),
            }
            .expecting(v);
            app.change(actor, id, input, key, now).await
        }
        "assignment" => {
            let input = AssignReferral {
                provider_org_id: checked("provider_org_id", f.provider_org_id.trim())?,
            }
            .expecting(v);
            app.change(actor, id, input, key, now).await
        }
        "accept" => {
            let input = AcceptReferral {}.expecting(v);
            app.change(actor, id, input, key, now).await
        }
        "decline" => {
            let input = DeclineReferral {
                reason: f.reason.clone(),
            }
            .expecting(v);
            app.change(actor, id, input, key, now).await
        }
        "authorization" => {
            let input = RecordReferralAuthorization {
                authorized: yes,
                authorization_id: given(&Some(f.authorization_id.clone())),
                reason: given(&Some(f.reason.clone())),
            }
            .expecting(v);
            app.change(actor, id, input, key, now).await
        }
        "start-services" => match f.date.trim().parse::<Date>() {
            Ok(started_on) => {
                let input = StartReferralServices { started_on }.expecting(v);
                app.change(actor, id, input, key, now).await
            }
            Err(_) => Err(AppError::Invalid {
                field: "started_on",
                problem: "not a date (YYYY-MM-DD)".to_owned(),
            }),
        },
        "close" => {
            let input = CloseReferral {
                reason: f.reason.clone(),
                note: given(&Some(f.note.clone())),
            }
            .expecting(v);
            app.change(actor, id, input, key, now).await
        }
        other => Err(AppError::Invalid {
            field: "step",
            problem: format!("{other:?} is not a referral step"),
        }),
    }
}

/// The accepted provider asks the plan to authorize the referred service for the referred member:
/// `submit_authorization` with the referral's member, plan organization, plan, county and program
/// (ECM: an initial ECM request; CS: that Community Support). The request id is derived from the
/// form's idempotency key. The plan then records the decision on the referral (its
/// "authorization" step) with this id.
async fn ask_authorization(
    state: &UiState,
    authed: &Authed,
    id: &str,
    f: &StepForm,
    key: Option<&str>,
) -> Result<Response, AppError> {
    let app = &state.web.app;
    let now = state.now();
    let referral = app
        .get::<ReferralAggregate>(authed.actor(), id, now)
        .await?;
    let service = match referral.state.program {
        Some(Program::Ecm) => Service::EcmInitial,
        Some(Program::Cs(cs)) => Service::Cs(cs),
        None => return Err(invalid("program", "the referral names no program")),
    };
    let key = required_key(key)?;
    let kind =
        serde_json::from_value::<ClockKind>(serde_json::Value::String(f.urgency.trim().to_owned()))
            .map_err(|_| invalid("urgency", "choose an urgency"))?;
    let start = f
        .date
        .trim()
        .parse::<Date>()
        .map_err(|_| invalid("start", "not a date (YYYY-MM-DD)"))?;
    let actor = authed.actor();
    let record =
        request_authorization(app, actor, key, &referral, service, kind, start, now).await?;
    Ok(Redirect::to(&format!(
        "/ui/referrals/{}?done=requested&auth={}",
        path_segment(id),
        path_segment(&record.id)
    ))
    .into_response())
}

/// The plan opens the ECM enrollment of an authorized ECM referral with its assigned provider
/// (`open_ecm_enrollment`, which grants the provider access as `assigned`). The enrollment id is
/// derived from the referral id, so a second attempt is the app's conflict, not a duplicate.
async fn open_ecm_enrollment(
    state: &UiState,
    authed: &Authed,
    id: &str,
    key: Option<&str>,
) -> Result<Response, AppError> {
    let app = &state.web.app;
    let now = state.now();
    let referral = app
        .get::<ReferralAggregate>(authed.actor(), id, now)
        .await?;
    let Some(provider) = referral.state.provider_id.clone() else {
        return Err(invalid(
            "provider_org_id",
            "the referral has no assigned provider",
        ));
    };
    let input = OpenEcmEnrollment {
        member_id: checked("member_id", referral.member_id.as_str())?,
        provider_org_id: checked("provider_org_id", provider)?,
        plan_id: referral.plan_id.clone(),
        county: referral
            .county
            .clone()
            .map(|c| checked("county", c))
            .transpose()?,
    };
    let record = app
        .create(
            authed.actor(),
            &format!("ecm-{}", referral.id),
            input,
            key,
            now,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/ui/referrals/{}?done=enrollment&ecm={}",
        path_segment(id),
        path_segment(&record.id)
    ))
    .into_response())
}
