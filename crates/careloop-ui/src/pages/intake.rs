//! Referral intake (issue #4): a referrer or plan care coordinator refers a member to ECM or a
//! Community Support, with the Population of Focus claimed, through the app's `create_referral`.
//!
//! The live eligibility preview runs the domain's own engine (`eligibility::determine`, the same
//! function the app stores determinations with) on the few facts typed into the form. It stores
//! nothing, reads no member record, and is only a preview: the plan reviews eligibility on the
//! member's full facts after intake.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::referral::CreateReferral;
use careloop_app::{AppError, OrgKind, PlanOrganization, checked};
use careloop_domain::CsId;
use careloop_domain::eligibility::facts::{
    EnrollmentSpan, HomelessCondition, Indicator, IndicatorKind, IndicatorStatus, MemberFacts,
};
use careloop_domain::eligibility::{Outcome, POF_CODES, determine};
use careloop_domain::workflow::Program;
use careloop_domain::workflow::referral::{ReferralSource, Referrer};
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::csrf_page;
use crate::explain::{WhyLine, trace_lines};
use crate::format::zone;
use crate::layout::{Area, Nav, render};
use crate::pages::command::command;
use crate::pages::plan_info::{ChannelLine, ProviderLine, channels, providers};
use crate::pages::{given, given_checked};
use crate::session::random_token;
use crate::web::Authed;

/// Facts a referrer can usually tell, as (form value, words). Each becomes an indicator that is
/// present from the preview's date on.
const INDICATORS: [(&str, &str); 10] = [
    (
        "couch-surfing",
        "Sharing others' housing after losing housing (couch surfing)",
    ),
    (
        "temporary-lodging",
        "Living in a motel, hotel, trailer park, campground or shelter",
    ),
    (
        "living-with-dependent-children",
        "Lives with dependent children or youth",
    ),
    (
        "complex-need",
        "Complex physical, behavioral or developmental need",
    ),
    (
        "smhs-criteria-met",
        "Meets criteria for (or receives) specialty mental health services",
    ),
    (
        "dmc-criteria-met",
        "Meets criteria for (or receives) DMC / DMC-ODS",
    ),
    (
        "complex-social-risk-factor",
        "At least one complex social risk factor",
    ),
    ("pregnancy", "Pregnant"),
    (
        "reliance-on-crisis-services",
        "Relies on crisis or urgent services for care",
    ),
    (
        "adl-iadl-needs",
        "Needs help with activities of daily living",
    ),
];

pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct IntakeForm {
    csrf: String,
    idem: String,
    member_id: String,
    plan_org_id: String,
    plan: String,
    county: String,
    program: String,
    claimed_pof: String,
    source: String,
    referrer_name: String,
    contact: String,
    birth_date: String,
    enrolled_since: String,
    homeless: String,
    /// Checked indicators; the form sends one `fact` field per checked box.
    fact: Vec<String>,
    intent: String,
}

#[derive(Template)]
#[template(path = "intake.html")]
pub(crate) struct IntakePage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub idem: String,
    pub plan_staff: bool,
    pub member_id: String,
    /// The plan organizations by name (value: the organization id).
    pub plans: Vec<Choice>,
    pub county: String,
    pub programs: Vec<Choice>,
    pub pofs: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub referrer_name: String,
    pub contact: String,
    pub birth_date: String,
    pub enrolled_since: String,
    pub homeless: Vec<Choice>,
    pub facts: Vec<Choice>,
    pub preview: Option<Preview>,
    pub error: Option<String>,
}

/// The preview fragment.
#[derive(Template)]
#[template(path = "intake_preview.html")]
pub(crate) struct Preview {
    pub as_of: String,
    pub claimed: String,
    pub claimed_outcome: &'static str,
    pub claimed_class: &'static str,
    pub lines: Vec<WhyLine>,
    pub met: Vec<String>,
    pub missing: String,
    /// How the chosen plan takes this kind of request (its overlay's channels).
    pub plan_name: String,
    pub channels: Vec<ChannelLine>,
    /// The providers serving the chosen county for the chosen program, with their capacity
    /// (issue #14 item 12: "review capacity and eligibility criteria before submitting").
    pub providers: Vec<ProviderLine>,
    /// The county the providers are listed for (blank: none chosen).
    pub providers_county: String,
}

fn choices(items: Vec<(String, String)>, current: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

fn outcome_words(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Met => ("met", "met"),
        Outcome::NotMet => ("not met", "not-met"),
        Outcome::Undetermined => ("undetermined", "undetermined"),
    }
}

fn kebab<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// Runs the eligibility engine on the form's facts as of `today`.
fn preview(state: &UiState, f: &IntakeForm, today: Date) -> Preview {
    let pack = state.web.app.pack();
    let mut indicators = Vec::new();
    let indicator = |kind: IndicatorKind, condition: Option<HomelessCondition>| Indicator {
        kind,
        status: IndicatorStatus::Present,
        start: today,
        end: None,
        id: None,
        detail: Some("as told at referral intake".to_owned()),
        condition,
        housing_loss_date: None,
        facility: None,
        state: None,
        waiver: None,
    };
    if let Some(condition) = kebab::<HomelessCondition>(&f.homeless) {
        indicators.push(indicator(IndicatorKind::Homelessness, Some(condition)));
    }
    for value in &f.fact {
        if let Some(kind) = kebab::<IndicatorKind>(value) {
            indicators.push(indicator(kind, None));
        }
    }
    let enrollments = match (
        given(&Some(f.plan.clone())),
        f.enrolled_since.parse::<Date>(),
    ) {
        (Some(plan), Ok(start)) => vec![EnrollmentSpan {
            plan,
            county: given(&Some(f.county.clone())),
            line_of_business: "medi-cal".to_owned(),
            start,
            end: None,
        }],
        _ => Vec::new(),
    };
    let facts = MemberFacts {
        member_id: None,
        birth_date: f.birth_date.parse::<Date>().ok(),
        enrollments,
        indicators,
        utilization: None,
    };
    let d = determine(&facts, today, pack);
    let plan = pack.plan(f.plan.trim());
    let claimed = d.populations.iter().find(|p| p.code == f.claimed_pof);
    let (claimed_outcome, claimed_class) = claimed
        .map(|p| outcome_words(p.status))
        .unwrap_or(("—", "not-met"));
    let mut lines = Vec::new();
    if let Some(p) = claimed {
        for c in &p.criteria {
            trace_lines(c, 0, &mut lines);
        }
    }
    Preview {
        as_of: today.to_string(),
        claimed: claimed
            .map(|p| format!("POF {}: {}", p.code, p.name))
            .unwrap_or_else(|| "No Population of Focus chosen".to_owned()),
        claimed_outcome,
        claimed_class,
        lines,
        met: d
            .populations
            .iter()
            .filter(|p| p.status == Outcome::Met)
            .map(|p| format!("{}: {}", p.code, p.name))
            .collect(),
        missing: crate::fact_words::checklist(&d.missing_facts).join("; "),
        plan_name: plan.map(|p| p.name.clone()).unwrap_or_default(),
        channels: channels(plan, f.program == "ecm"),
        providers: Vec::new(),
        providers_county: String::new(),
    }
}

/// The plan organizations the form offers (by name; the value is the organization id, chosen,
/// never typed): plan staff refer for their own organization only. A failed read offers none
/// (the form then says so and nothing can be sent).
async fn plan_orgs(state: &UiState, authed: &Authed) -> Vec<PlanOrganization> {
    let actor = authed.actor();
    let all = state
        .web
        .app
        .plan_organizations(actor, state.now())
        .await
        .unwrap_or_default();
    if actor.org_kind == OrgKind::Plan {
        all.into_iter()
            .filter(|p| p.org_id == actor.org_id)
            .collect()
    } else {
        all
    }
}

/// The form with its plan overlay taken from the chosen plan organization (the form sends only
/// the organization; its overlay drives the preview's plan rules and channels).
/// Plan staff always refer for their own organization.
fn with_plan(mut f: IntakeForm, authed: &Authed, orgs: &[PlanOrganization]) -> IntakeForm {
    if authed.actor().org_kind == OrgKind::Plan {
        f.plan_org_id = authed.actor().org_id.clone();
    }
    f.plan = orgs
        .iter()
        .find(|p| p.org_id == f.plan_org_id.trim())
        .and_then(|p| p.plan.clone())
        .unwrap_or_default();
    f
}

fn page(authed: &Authed, f: &IntakeForm, orgs: &[PlanOrganization]) -> IntakePage {
    let plan_staff = authed.actor().org_kind == OrgKind::Plan;
    let mut programs = vec![("ecm".to_owned(), "Enhanced Care Management".to_owned())];
    programs.extend(CsId::ALL.iter().map(|cs| {
        (
            format!("cs-{}", cs.as_str()),
            format!("Community Support: {}", cs.as_str().replace('-', " ")),
        )
    }));
    let sources = [
        ("provider", "A provider"),
        ("cbo", "A community-based organization"),
        ("self", "The member (self-referral)"),
        ("plan-identification", "The plan, from its data"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
    .collect();
    let homeless = [
        ("", "Not homeless, or not known"),
        (
            "lacks-fixed-residence",
            "Lacks a fixed, regular nighttime residence",
        ),
        (
            "place-not-meant-for-habitation",
            "Sleeps in a place not meant for people to sleep",
        ),
        (
            "shelter-or-temporary-housing",
            "Lives in a shelter or temporary housing",
        ),
        (
            "exiting-institution",
            "Leaving an institution with no home to go to",
        ),
        (
            "imminent-loss-of-housing",
            "Will lose housing within 30 days",
        ),
        ("fleeing-violence", "Fleeing domestic violence"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
    .collect();
    IntakePage {
        nav: Some(Nav::new(&authed.0, Area::Intake)),
        csrf: authed.0.csrf.clone(),
        idem: if f.idem.is_empty() {
            random_token().unwrap_or_default()
        } else {
            f.idem.clone()
        },
        plan_staff,
        member_id: f.member_id.clone(),
        plans: choices(
            orgs.iter()
                .map(|p| (p.org_id.clone(), p.name.clone()))
                .collect(),
            if plan_staff {
                &authed.actor().org_id
            } else {
                f.plan_org_id.trim()
            },
        ),
        county: f.county.clone(),
        programs: choices(
            programs,
            if f.program.is_empty() {
                "ecm"
            } else {
                &f.program
            },
        ),
        pofs: choices(
            POF_CODES
                .iter()
                .map(|c| ((*c).to_owned(), format!("POF {c}")))
                .collect(),
            &f.claimed_pof,
        ),
        sources: choices(
            sources,
            if f.source.is_empty() {
                if plan_staff {
                    "plan-identification"
                } else {
                    "cbo"
                }
            } else {
                &f.source
            },
        ),
        referrer_name: f.referrer_name.clone(),
        contact: f.contact.clone(),
        birth_date: f.birth_date.clone(),
        enrolled_since: f.enrolled_since.clone(),
        homeless: choices(homeless, &f.homeless),
        facts: INDICATORS
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).to_owned(),
                label: (*l).to_owned(),
                selected: f.fact.iter().any(|x| x == v),
            })
            .collect(),
        preview: None,
        error: None,
    }
}

pub(crate) async fn intake_form(State(state): State<UiState>, authed: Authed) -> Response {
    let orgs = plan_orgs(&state, &authed).await;
    render(
        StatusCode::OK,
        &page(&authed, &IntakeForm::default(), &orgs),
    )
}

/// The live preview fragment (posted by assets/app.js as the form changes).
pub(crate) async fn intake_preview(
    State(state): State<UiState>,
    authed: Authed,
    body: axum::body::Bytes,
) -> Response {
    let f = parse_form(&body);
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(None);
    }
    let f = with_plan(f, &authed, &plan_orgs(&state, &authed).await);
    let today = state
        .now()
        .to_zoned(zone(&state.web.app.pack().clocks.time_zone.value))
        .date();
    let view = with_providers(&state, &authed, &f, preview(&state, &f, today)).await;
    render(StatusCode::OK, &view)
}

/// The form's program: `ecm` or `cs-<community support id>`.
fn form_program(value: &str) -> Option<Program> {
    if value == "ecm" {
        Some(Program::Ecm)
    } else {
        value
            .strip_prefix("cs-")
            .and_then(kebab::<CsId>)
            .map(Program::Cs)
    }
}

/// The preview with the providers serving the form's county for its program.
async fn with_providers(
    state: &UiState,
    authed: &Authed,
    f: &IntakeForm,
    mut view: Preview,
) -> Preview {
    if let Some(program) = form_program(&f.program) {
        let app = &state.web.app;
        view.providers = providers(app, authed.actor(), &f.county, program, state.now()).await;
        view.providers_county = f.county.trim().to_owned();
    }
    view
}

/// Form bodies with repeated `fact` fields (axum's `Form` keeps only one value per name).
fn parse_form(body: &[u8]) -> IntakeForm {
    let mut f = IntakeForm::default();
    for pair in body.split(|b| *b == b'&') {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
            continue;
        };
        let v = decode(v);
        match decode(k).as_str() {
            "csrf" => f.csrf = v,
            "idem" => f.idem = v,
            "member_id" => f.member_id = v,
            "plan_org_id" => f.plan_org_id = v,
            "county" => f.county = v,
            "program" => f.program = v,
            "claimed_pof" => f.claimed_pof = v,
            "source" => f.source = v,
            "referrer_name" => f.referrer_name = v,
            "contact" => f.contact = v,
            "birth_date" => f.birth_date = v,
            "enrolled_since" => f.enrolled_since = v,
            "homeless" => f.homeless = v,
            "fact" => f.fact.push(v),
            "intent" => f.intent = v,
            _ => {}
        }
    }
    f
}

/// `application/x-www-form-urlencoded` decoding ('+' is a space, %XX a byte).
fn decode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) async fn intake_submit(
    State(state): State<UiState>,
    authed: Authed,
    body: axum::body::Bytes,
) -> Response {
    let orgs = plan_orgs(&state, &authed).await;
    let f = with_plan(parse_form(&body), &authed, &orgs);
    command(&authed, Area::Intake, &f.csrf, &f.idem, async |key| {
        let today = state
            .now()
            .to_zoned(zone(&state.web.app.pack().clocks.time_zone.value))
            .date();
        let mut view = page(&authed, &f, &orgs);
        view.preview = Some(with_providers(&state, &authed, &f, preview(&state, &f, today)).await);
        if f.intent == "preview" {
            return Ok(render(StatusCode::OK, &view));
        }
        let program = form_program(&f.program);
        let source = kebab::<ReferralSource>(&f.source);
        let (Some(program), Some(source)) = (program, source) else {
            view.error = Some("Choose the program and who is referring.".to_owned());
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
        };
        let Some(key) = key else {
            view.error = Some("The form has no idempotency key; reload it.".to_owned());
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
        };
        // Derived from the form's key: a resent form names (and replays) the same referral.
        let referral_id = format!("ref-{}", key.chars().take(24).collect::<String>());
        let input = || -> Result<CreateReferral, AppError> {
            Ok(CreateReferral {
                member_id: checked("member_id", f.member_id.trim())?,
                plan_org_id: checked("plan_org_id", f.plan_org_id.trim())?,
                plan_id: given(&Some(f.plan.clone())),
                county: given_checked("county", &f.county)?,
                referrer: Referrer {
                    source,
                    id: Some(authed.actor().org_id.clone()),
                    name: given(&Some(f.referrer_name.clone())),
                    contact: given(&Some(f.contact.clone())),
                },
                program,
                claimed_pof: given(&Some(f.claimed_pof.clone())),
            })
        };
        let app = &state.web.app;
        let created = match input() {
            Ok(input) => {
                app.create(authed.actor(), &referral_id, input, Some(key), state.now())
                    .await
            }
            Err(e) => Err(e),
        };
        match created {
            Ok(record) => Ok(Redirect::to(&format!(
                "/ui/referrals/{}?done=created",
                crate::web::path_segment(&record.id)
            ))
            .into_response()),
            Err(AppError::Invalid { field, problem }) => {
                view.error = Some(format!("Not recorded: {problem} (field: {field})."));
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_keep_every_checked_fact_and_decode_escapes() {
        let f = parse_form(
            b"member_id=SYN-000001&fact=couch-surfing&fact=pregnancy&referrer_name=A+%26+B%20CBO&bad=%zz",
        );
        assert_eq!(f.member_id, "SYN-000001");
        assert_eq!(f.fact, vec!["couch-surfing", "pregnancy"]);
        assert_eq!(f.referrer_name, "A & B CBO");
        assert_eq!(decode(b"100%"), "100%");
        assert_eq!(decode(b"%zz"), "%zz");
    }
}
