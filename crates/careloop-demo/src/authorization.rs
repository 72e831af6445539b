//! Authorization requests: the one submit-and-decide path every scenario uses ([`submit`],
//! [`decide`]), the authorization for a referred service, and the authorization scenarios (open
//! on track, at risk or overdue; pended; extended; decided; appealed).

use careloop_app::authorization::{
    DecideAuthorization, ExtendAuthorization, FileAppeal, PendAuthorization, ResolveAppeal,
    SubmitAuthorization,
};
use careloop_app::checked;
use careloop_app::{Actor, AppError, OrgKind};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{DecisionInput, Requested, Service};
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::Store;
use careloop_synth::Rng;
use jiff::civil::Date;
use jiff::{Span, Timestamp};

use crate::cast::{Cast, Loader};
use crate::members::{Member, open_ecm};
use crate::scenarios::AuthStep;
use crate::{bad_now, plus_days, plus_hours, range};

/// What a provider asks the member's plan to authorize.
pub(crate) struct Request<'a> {
    pub(crate) id: String,
    pub(crate) by: &'a Actor,
    pub(crate) service: Service,
    pub(crate) kind: ClockKind,
    pub(crate) start: Date,
    pub(crate) through: Option<Date>,
}

/// Submits `request` for member `m`, received at `received`.
pub(crate) async fn submit<S: Store>(
    l: &Loader<'_, S>,
    m: &Member<'_>,
    request: Request<'_>,
    received: Timestamp,
) -> Result<(), AppError> {
    l.app
        .create(
            request.by,
            &request.id,
            SubmitAuthorization {
                member_id: checked("member_id", m.id.as_str())?,
                plan_org_id: checked("plan_org_id", m.plan.org_id.clone())?,
                plan: Some(m.plan.plan_id.clone()),
                county: Some(checked("county", m.county.as_str())?),
                service: request.service,
                kind: request.kind,
                requested: Requested {
                    start: Some(request.start),
                    through: request.through,
                    units: None,
                },
            },
            None,
            received,
        )
        .await?;
    Ok(())
}

/// The member's plan reviewer decides request `id` at `at`.
pub(crate) async fn decide<S: Store>(
    l: &Loader<'_, S>,
    m: &Member<'_>,
    id: &str,
    decision: DecisionInput,
    notice_of_action: Option<Notice>,
    at: Timestamp,
) -> Result<(), AppError> {
    l.app
        .change(
            &m.plan.reviewer,
            id,
            DecideAuthorization {
                cs_limit_exception: None,
                decision,
                notice_of_action,
            },
            None,
            at,
        )
        .await?;
    Ok(())
}

/// A notice to the member, sent by the member's plan reviewer at `sent_at`.
fn member_notice(
    m: &Member<'_>,
    purpose: NoticePurpose,
    channel: Channel,
    content: &str,
    sent_at: Timestamp,
) -> Notice {
    Notice {
        recipient: Recipient::Member,
        purpose,
        channel,
        content: content.to_owned(),
        sent_at,
        actor: ActorId::new(m.plan.reviewer.user_id.clone()),
    }
}

const NOTICE_OF_ACTION: &str = "notice of action (synthetic template 12)";

/// The accepted provider's authorization request for the referred service and the plan's
/// decision on it (approved, or denied with the notice of action), so the referral's
/// authorization step names a real request. Returns the request id.
pub(crate) async fn for_referral<S: Store>(
    l: &Loader<'_, S>,
    m: &Member<'_>,
    provider: &Actor,
    referral_id: &str,
    program: Program,
    approve: bool,
    (received, decided): (Timestamp, Timestamp),
) -> Result<String, AppError> {
    let id = format!("auth-{referral_id}");
    let start = decided.to_zoned(l.tz.clone()).date();
    let (service, through) = match program {
        Program::Ecm => (Service::EcmInitial, None),
        Program::Cs(cs) => (Service::Cs(cs), Some(plus_days(start, 29)?)),
    };
    let request = Request {
        id: id.clone(),
        by: provider,
        service,
        kind: ClockKind::NonUrgentPreService,
        start,
        through,
    };
    submit(l, m, request, received).await?;
    let (decision, notice_of_action) = if approve {
        let decision = DecisionInput::Approve {
            start,
            through,
            units: None,
        };
        (decision, None)
    } else {
        let notice = member_notice(
            m,
            NoticePurpose::NoticeOfAction,
            Channel::Mail,
            NOTICE_OF_ACTION,
            decided,
        );
        let decision = DecisionInput::Deny {
            reason: "criteria not documented in the referral".into(),
        };
        (decision, Some(notice))
    };
    decide(l, m, &id, decision, notice_of_action, decided).await?;
    Ok(id)
}

/// An ECM initial authorization request by an ECM provider the plan assigned the member to,
/// taken to `step`.
pub(crate) async fn drive<S: Store>(
    l: &Loader<'_, S>,
    cast: &Cast,
    m: &Member<'_>,
    step: AuthStep,
    n: usize,
    rng: &mut Rng,
) -> Result<(), AppError> {
    use AuthStep as A;
    let app = l.app;
    let id = format!("auth-{:06}", n + 1);
    let provider = cast.provider(OrgKind::EcmProvider, &m.county, rng)?;
    let reviewer = &m.plan.reviewer;
    // Hours before `now` the request was received, and its clock.
    let (received_h, kind) = match step {
        A::OnTrack => (range(rng, 1, 20), ClockKind::NonUrgentPreService),
        // Urgent pre-service: 72 hours; received 55-66 hours ago leaves 6-17 hours (< 24 h).
        A::AtRisk => (range(rng, 55, 66), ClockKind::UrgentPreService),
        A::Overdue => {
            if n.is_multiple_of(2) {
                (range(rng, 80, 120), ClockKind::UrgentPreService)
            } else {
                (range(rng, 24 * 12, 24 * 20), ClockKind::NonUrgentPreService)
            }
        }
        A::Pended => (range(rng, 26, 40), ClockKind::NonUrgentPreService),
        A::Extended => (range(rng, 30, 48), ClockKind::NonUrgentPreService),
        A::Approved | A::ApprovedAsModified | A::Denied => {
            (range(rng, 24 * 10, 24 * 25), ClockKind::NonUrgentPreService)
        }
        A::AppealFiled | A::AppealUpheld | A::AppealOverturned => {
            (range(rng, 24 * 40, 24 * 50), ClockKind::NonUrgentPreService)
        }
    };
    let received = l.hours_ago(received_h)?;
    let after = |hours: i64| plus_hours(received, hours);
    let start = after(24 * 7)?.to_zoned(l.tz.clone()).date();
    // A provider requests authorization only for a member the plan gave it: the plan assigned
    // the member to this ECM provider (outreach) before the initial authorization request.
    let enrollment_id = format!("ecm-{:06}", n + 1);
    open_ecm(l, m, &enrollment_id, &provider.org_id, after(-24)?).await?;
    let request = Request {
        id: id.clone(),
        by: &provider.care_manager,
        service: Service::EcmInitial,
        kind,
        start,
        through: None,
    };
    submit(l, m, request, received).await?;
    let channel = if n.is_multiple_of(2) {
        Channel::Mail
    } else {
        Channel::Portal
    };
    let noa = |at: Timestamp, purpose: NoticePurpose, content: &str| {
        member_notice(m, purpose, channel, content, at)
    };
    match step {
        A::OnTrack | A::AtRisk | A::Overdue => {}
        A::Pended => {
            app.change(
                reviewer,
                &id,
                PendAuthorization {
                    information_needed: checked(
                        "information_needed",
                        "current care plan and assessment",
                    )?,
                },
                None,
                after(4)?,
            )
            .await?;
        }
        A::Extended => {
            app.change(
                reviewer,
                &id,
                ExtendAuthorization {
                    reason: checked(
                        "reason",
                        "additional clinical information requested from the provider",
                    )?,
                },
                None,
                after(6)?,
            )
            .await?;
        }
        A::Approved => {
            let decision = DecisionInput::Approve {
                start,
                through: None,
                units: None,
            };
            decide(l, m, &id, decision, None, after(48)?).await?;
        }
        A::ApprovedAsModified => {
            let at = after(50)?;
            let through = start.checked_add(Span::new().months(6)).map_err(bad_now)?;
            let decision = DecisionInput::ApproveAsModified {
                start,
                through,
                units: None,
                reason: "six months approved pending a reassessment".into(),
            };
            let notice = noa(at, NoticePurpose::NoticeOfAction, NOTICE_OF_ACTION);
            decide(l, m, &id, decision, Some(notice), at).await?;
        }
        A::Denied | A::AppealFiled | A::AppealUpheld | A::AppealOverturned => {
            let at = after(60)?;
            let decision = DecisionInput::Deny {
                reason: "Population of Focus criteria not documented".into(),
            };
            let notice = noa(at, NoticePurpose::NoticeOfAction, NOTICE_OF_ACTION);
            decide(l, m, &id, decision, Some(notice), at).await?;
            if step == A::Denied {
                return Ok(());
            }
            app.change(
                &m.plan.coordinator,
                &id,
                FileAppeal {
                    appeal_id: checked("appeal_id", format!("appeal-{:06}", n + 1))?,
                },
                None,
                after(24 * 6)?,
            )
            .await?;
            let resolved = after(24 * 20)?;
            let resolution = match step {
                A::AppealUpheld => AppealResolution::Upheld {
                    reason: "criteria still not documented on appeal".into(),
                },
                A::AppealOverturned => AppealResolution::Overturned {
                    start: resolved.to_zoned(l.tz.clone()).date(),
                    through: None,
                    units: None,
                },
                _ => return Ok(()),
            };
            app.change(
                reviewer,
                &id,
                ResolveAppeal {
                    resolution,
                    notice: Some(noa(
                        resolved,
                        NoticePurpose::AppealResolution,
                        "notice of appeal resolution (synthetic template 14)",
                    )),
                },
                None,
                resolved,
            )
            .await?;
        }
    }
    Ok(())
}
