//! ECM enrollments: the plan opens one for a provider ([`open`], also used before an initial
//! authorization request), the provider's outreach, the authorization, the enrollment, its care
//! team, assessment, goals and core-service activities, and a discontinuation.

use careloop_app::ecm::{
    AddCareTeamMember, DiscontinueEcm, EnrollEcm, RecordAssessment, RecordCarePlanGoal,
    RecordCoreServiceActivity, RecordOutreachAttempt,
};
use careloop_app::{AppError, OrgKind};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::Channel;
use careloop_domain::workflow::authorization::{DecisionInput, Service};
use careloop_domain::workflow::ecm::{
    ContactMode, CoreService, DomainAnswer, GoalStatus, StaffType,
};
use careloop_store::Store;
use careloop_synth::Rng;
use jiff::Span;
use jiff::civil::Date;

use crate::authorization::{Request, decide, submit};
use crate::cast::{Cast, Loader};
use crate::members::{Member, open_ecm};
use crate::scenarios::EcmStep;
use crate::{bad_now, index, pick, plus_days, range};

/// An ECM enrollment taken to `step`.
pub(crate) async fn drive<S: Store>(
    l: &Loader<'_, S>,
    cast: &Cast,
    m: &Member<'_>,
    step: EcmStep,
    n: usize,
    rng: &mut Rng,
) -> Result<(), AppError> {
    use EcmStep as E;
    let app = l.app;
    let id = format!("ecm-{:06}", n + 1);
    let provider = cast.provider(OrgKind::EcmProvider, &m.county, rng)?;
    let cm = &provider.care_manager;
    // The enrollment start (days from today); initial periods are 12 months.
    let start_days = match step {
        E::Outreach => range(rng, 3, 20),
        E::Enrolled => -range(rng, 30, 200),
        // Due = start + 12 months - 1 day, 3-25 days from today.
        E::ReauthorizationDue => {
            let due = l.days_from_today(range(rng, 3, 25))?;
            let start = due
                .checked_add(Span::new().days(1))
                .and_then(|d| d.checked_sub(Span::new().months(12)))
                .map_err(bad_now)?;
            l.today()
                .until(start)
                .map(|s| i64::from(s.get_days()))
                .map_err(bad_now)?
        }
        E::Discontinued => -range(rng, 120, 300),
    };
    let start = l.days_from_today(start_days)?;
    let opened_on = if step == E::Outreach {
        l.days_from_today(-range(rng, 2, 20))?
    } else {
        start
            .checked_sub(Span::new().days(range(rng, 14, 30)))
            .map_err(bad_now)?
    };
    let day = |offset: i64| plus_days(opened_on, offset);
    open_ecm(l, m, &id, &provider.org_id, l.noon(opened_on)?).await?;
    let attempt = |date: Date, mode: ContactMode, reached: bool| RecordOutreachAttempt {
        date,
        channel: if mode == ContactMode::InPerson {
            Channel::InPerson
        } else {
            Channel::Phone
        },
        mode,
        staff: StaffType::NonClinical,
        reached,
    };
    let d1 = day(1)?;
    app.change(
        cm,
        &id,
        attempt(d1, ContactMode::Telephonic, false),
        None,
        l.noon(d1)?,
    )
    .await?;
    if step == E::Outreach {
        return Ok(());
    }
    let d3 = day(3)?;
    app.change(
        cm,
        &id,
        attempt(d3, ContactMode::InPerson, true),
        None,
        l.noon(d3)?,
    )
    .await?;
    // The provider requests the initial ECM authorization; the plan approves it; the
    // enrollment names that approved request.
    let auth_id = format!("auth-{id}");
    let request = Request {
        id: auth_id.clone(),
        by: cm,
        service: Service::EcmInitial,
        kind: ClockKind::NonUrgentPreService,
        start,
        through: None,
    };
    submit(l, m, request, l.noon(d3)?).await?;
    let d4 = day(4)?;
    let approve = DecisionInput::Approve {
        start,
        through: None,
        units: None,
    };
    decide(l, m, &auth_id, approve, None, l.noon(d4)?).await?;
    let d5 = day(5)?;
    app.change(
        cm,
        &id,
        EnrollEcm {
            start,
            authorization_id: auth_id,
            lead_care_manager: cm.user_id.clone(),
        },
        None,
        l.noon(d5)?,
    )
    .await?;
    // Care team, assessment, goals and a few core-service activities after the start.
    let on = |offset: i64| plus_days(start, offset);
    let a2 = on(2)?;
    app.change(
        cm,
        &id,
        AddCareTeamMember {
            person_id: format!("pcp-{:04}", range(rng, 1, 300)),
            role: "pcp".into(),
        },
        None,
        l.noon(a2)?,
    )
    .await?;
    let a7 = on(7)?;
    app.change(
        cm,
        &id,
        RecordAssessment {
            assessment_id: format!("asmt-{id}"),
            started: a2,
            completed: Some(a7),
            answers: demo_answers(a2, a7),
        },
        None,
        l.noon(a7)?,
    )
    .await?;
    let goals = [
        "stable housing application submitted",
        "primary care visit kept",
        "medications reconciled",
    ];
    for (g, text) in goals.iter().enumerate().take(1 + index(rng, goals.len())) {
        app.change(
            cm,
            &id,
            RecordCarePlanGoal {
                goal_id: format!("goal-{}", g + 1),
                description: (*text).to_owned(),
                status: if g == 0 && step == E::ReauthorizationDue {
                    GoalStatus::Met
                } else {
                    GoalStatus::Open
                },
                revised_on: a7,
            },
            None,
            l.noon(a7)?,
        )
        .await?;
    }
    let activities = 2 + index(rng, 4);
    for (k, service) in CoreService::ALL.iter().enumerate().take(activities) {
        let d = on(10 + 3 * i64::try_from(k).unwrap_or(0))?;
        if d > l.today() {
            break;
        }
        app.change(
            cm,
            &id,
            RecordCoreServiceActivity {
                service: *service,
                date: d,
                description: "synthetic activity note".into(),
            },
            None,
            l.noon(d)?,
        )
        .await?;
    }
    if step == E::Discontinued {
        let on_day = l.days_from_today(-range(rng, 1, 60))?;
        let reason = *pick(
            rng,
            &[
                "member-declined",
                "graduated",
                "unable-to-reach",
                "lost-coverage",
            ],
        )?;
        app.change(
            cm,
            &id,
            DiscontinueEcm {
                on: on_day,
                reason: reason.to_owned(),
                note: None,
            },
            None,
            l.noon(on_day)?,
        )
        .await?;
    }
    Ok(())
}

/// Synthetic answers in three of the pack's assessment domains (`workflow.toml
/// assessment_domains`), dated between the assessment's start and completion.
fn demo_answers(started: Date, completed: Date) -> Vec<DomainAnswer> {
    [
        (
            "physical-health",
            started,
            "Type 2 diabetes; last A1c over a year ago. No primary care visit this year.",
        ),
        (
            "social-drivers",
            started,
            "Rents a room; two months behind on rent; food from a pantry twice a week.",
        ),
        (
            "social-supports",
            completed,
            "A sister in the county visits weekly and can drive to appointments.",
        ),
    ]
    .into_iter()
    .map(|(domain, answered_on, answer)| DomainAnswer {
        domain: domain.to_owned(),
        answered_on,
        answer: answer.to_owned(),
    })
    .collect()
}
