//! The next step on a referral, from its page (issue #4): the app says who acts next and what
//! the step is (`careloop_app::referral::referral_next_step`); the page offers that step's form
//! to a user whose role may take it, and the app's use case does the rest (legality, access,
//! the closed-loop value sets).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::AppError;
use careloop_app::authorization::SubmitAuthorization;
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, DeclineReferral, RecordReferralAuthorization,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::Program;
use careloop_domain::workflow::authorization::{Requested, Service};
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::{app_error_page, csrf_page};
use crate::layout::{Area, Nav};
use crate::pages::given;
use crate::web::{Authed, path_segment};

// `urgency` values are the clock kinds' kebab-case names (serde), e.g. standard-pre-service.

#[derive(Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    version: Option<i64>,
    /// eligibility-review, assignment, accept, decline, authorization, start-services, close.
    #[serde(default)]
    step: String,
    #[serde(default)]
    yes: String,
    #[serde(default)]
    determination_id: String,
    #[serde(default)]
    provider_org_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    authorization_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
    /// request-authorization: the clock kind (e.g. standard-pre-service).
    #[serde(default)]
    urgency: String,
}

pub(crate) async fn referral_step(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Referrals));
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(nav());
    }
    let app = &state.web.app;
    let actor = authed.actor();
    let now = state.now();
    let key = given(&Some(f.idem.clone()));
    let key = key.as_deref();
    let v = f.version;
    let yes = f.yes == "yes";
    match f.step.as_str() {
        "request-authorization" => return request_authorization(&state, &authed, &id, &f).await,
        "open-ecm-enrollment" => return open_ecm_enrollment(&state, &authed, &id, &f).await,
        _ => {}
    }
    let result = match f.step.as_str() {
        "eligibility-review" => {
            let input = ReviewReferralEligibility {
                eligible: yes,
                determination_id: given(&Some(f.determination_id.clone())),
                expected_version: v,
            };
            app.review_referral_eligibility(actor, &id, input, key, now)
                .await
        }
        "assignment" => {
            let input = AssignReferral {
                provider_org_id: f.provider_org_id.trim().to_owned(),
                expected_version: v,
            };
            app.assign_referral(actor, &id, input, key, now).await
        }
        "accept" => {
            let input = AcceptReferral {
                expected_version: v,
            };
            app.accept_referral(actor, &id, input, key, now).await
        }
        "decline" => {
            let input = DeclineReferral {
                reason: f.reason.clone(),
                expected_version: v,
            };
            app.decline_referral(actor, &id, input, key, now).await
        }
        "authorization" => {
            let input = RecordReferralAuthorization {
                authorized: yes,
                authorization_id: given(&Some(f.authorization_id.clone())),
                reason: given(&Some(f.reason.clone())),
                expected_version: v,
            };
            app.record_referral_authorization(actor, &id, input, key, now)
                .await
        }
        "start-services" => match f.date.trim().parse::<Date>() {
            Ok(started_on) => {
                let input = StartReferralServices {
                    started_on,
                    expected_version: v,
                };
                app.start_referral_services(actor, &id, input, key, now)
                    .await
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
                expected_version: v,
            };
            app.close_referral(actor, &id, input, key, now).await
        }
        other => Err(AppError::Invalid {
            field: "step",
            problem: format!("{other:?} is not a referral step"),
        }),
    };
    match result {
        Ok(record) => Redirect::to(&format!(
            "/ui/referrals/{}?done=step",
            path_segment(&record.id)
        ))
        .into_response(),
        Err(e) => app_error_page(nav(), &e),
    }
}

/// The accepted provider asks the plan to authorize the referred service for the referred member:
/// `submit_authorization` with the referral's member, plan organization, plan, county and program
/// (ECM: an initial ECM request; CS: that Community Support). The request id is derived from the
/// form's idempotency key. The plan then records the decision on the referral (its
/// "authorization" step) with this id.
async fn request_authorization(
    state: &UiState,
    authed: &Authed,
    id: &str,
    f: &StepForm,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Referrals));
    let app = &state.web.app;
    let now = state.now();
    let referral = match app.get_referral(authed.actor(), id, now).await {
        Ok(r) => r,
        Err(e) => return app_error_page(nav(), &e),
    };
    let service = match referral.state.program {
        Some(Program::Ecm) => Service::EcmInitial,
        Some(Program::Cs(cs)) => Service::Cs(cs),
        None => {
            return app_error_page(nav(), &invalid("program", "the referral names no program"));
        }
    };
    let Some(key) = given(&Some(f.idem.clone())) else {
        return app_error_page(
            nav(),
            &invalid("idem", "the form has no idempotency key; reload it"),
        );
    };
    let kind = match serde_json::from_value::<ClockKind>(serde_json::Value::String(
        f.urgency.trim().to_owned(),
    )) {
        Ok(k) => k,
        Err(_) => return app_error_page(nav(), &invalid("urgency", "choose an urgency")),
    };
    let start = match f.date.trim().parse::<Date>() {
        Ok(d) => d,
        Err(_) => {
            return app_error_page(nav(), &invalid("start", "not a date (YYYY-MM-DD)"));
        }
    };
    let input = SubmitAuthorization {
        request_id: format!("auth-{}", key.chars().take(24).collect::<String>()),
        member_id: referral.member_id.clone(),
        plan_org_id: referral.owners.owner_org_id.clone(),
        plan: referral.plan_id.clone(),
        county: referral.county.clone(),
        service,
        kind,
        requested: Requested {
            start: Some(start),
            through: None,
            units: None,
        },
    };
    match app
        .submit_authorization(authed.actor(), input, Some(&key), now)
        .await
    {
        Ok(record) => Redirect::to(&format!(
            "/ui/referrals/{}?done=requested&auth={}",
            path_segment(id),
            path_segment(&record.id)
        ))
        .into_response(),
        Err(e) => app_error_page(nav(), &e),
    }
}

/// The plan opens the ECM enrollment of an authorized ECM referral with its assigned provider
/// (`open_ecm_enrollment`, which grants the provider access as `assigned`). The enrollment id is
/// derived from the referral id, so a second attempt is the app's conflict, not a duplicate.
async fn open_ecm_enrollment(state: &UiState, authed: &Authed, id: &str, f: &StepForm) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Referrals));
    let app = &state.web.app;
    let now = state.now();
    let referral = match app.get_referral(authed.actor(), id, now).await {
        Ok(r) => r,
        Err(e) => return app_error_page(nav(), &e),
    };
    let Some(provider) = referral.state.provider_id.clone() else {
        return app_error_page(
            nav(),
            &invalid("provider_org_id", "the referral has no assigned provider"),
        );
    };
    let input = OpenEcmEnrollment {
        enrollment_id: format!("ecm-{}", referral.id),
        member_id: referral.member_id.clone(),
        provider_org_id: provider,
        plan_id: referral.plan_id.clone(),
        county: referral.county.clone(),
    };
    let key = given(&Some(f.idem.clone()));
    match app
        .open_ecm_enrollment(authed.actor(), input, key.as_deref(), now)
        .await
    {
        Ok(record) => Redirect::to(&format!(
            "/ui/referrals/{}?done=enrollment&ecm={}",
            path_segment(id),
            path_segment(&record.id)
        ))
        .into_response(),
        Err(e) => app_error_page(nav(), &e),
    }
}

fn invalid(field: &'static str, problem: &str) -> AppError {
    AppError::Invalid {
        field,
        problem: problem.to_owned(),
    }
}
