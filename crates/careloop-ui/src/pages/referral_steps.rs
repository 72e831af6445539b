//! The next step on a referral, from its page (issue #4): the app says who acts next and what
//! the step is (`careloop_app::referral::referral_next_step`); the page offers that step's form
//! to a user whose role may take it, and the app's use case does the rest (legality, access,
//! the closed-loop value sets).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::AppError;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, DeclineReferral, RecordReferralAuthorization,
    ReviewReferralEligibility, StartReferralServices,
};
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::{app_error_page, csrf_page};
use crate::pages::given;
use crate::web::{Area, Authed, Nav, path_segment};

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
