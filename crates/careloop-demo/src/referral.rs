//! Referrals: created by a referring entity (or the plan), reviewed, assigned (some declined
//! and reassigned), accepted, authorized, started, noticed and closed, each taken to its step.

use careloop_app::checked;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_app::{AppError, OrgKind};
use careloop_domain::CsId;
use careloop_domain::policy::offerings;
use careloop_domain::workflow::referral::{ReferralSource, Referrer};
use careloop_domain::workflow::{Channel, NoticePurpose, Program, Recipient};
use careloop_store::Store;
use careloop_synth::Rng;
use jiff::Timestamp;

use crate::cast::{Cast, Loader};
use crate::members::Member;
use crate::scenarios::RefStep;
use crate::{authorization, invalid, pick, plus_hours, range};

/// The Community Supports demo referrals are for, when the member's plan offers them there.
const DEMO_CS: [CsId; 3] = [
    CsId::HousingTransitionNavigation,
    CsId::MedicallyTailoredMeals,
    CsId::RecuperativeCare,
];

/// A referral for member `m`, taken to `step`.
pub(crate) async fn drive<S: Store>(
    l: &Loader<'_, S>,
    cast: &Cast,
    m: &Member<'_>,
    step: RefStep,
    n: usize,
    rng: &mut Rng,
) -> Result<(), AppError> {
    use RefStep as R;
    let app = l.app;
    let id = format!("ref-{:06}", n + 1);
    let coord = &m.plan.coordinator;
    let reviewer = &m.plan.reviewer;
    // One in four referrals is for a Community Support the member's plan offers in the member's
    // county today (a referral for one it does not offer is refused, issue #12).
    let offered: Vec<CsId> = offerings(app.pack(), &m.plan.plan_id, &m.county, l.today())
        .map_err(|e| invalid("demo offerings", e.to_string()))?
        .into_iter()
        .map(|o| o.id)
        .filter(|cs| DEMO_CS.contains(cs))
        .collect();
    let cs = n % 4 == 3 && !offered.is_empty();
    let program = if cs {
        Program::Cs(*pick(rng, &offered)?)
    } else {
        Program::Ecm
    };
    let kind = if cs {
        OrgKind::CsProvider
    } else {
        OrgKind::EcmProvider
    };
    let referring = pick(rng, &cast.referring)?;
    let base = l.hours_ago(range(rng, 24 * 3, 24 * 25))?;
    let mut hour = 0;
    let mut at = || -> Result<Timestamp, AppError> {
        hour += 5;
        plus_hours(base, hour)
    };
    let (creator, referrer) = if n.is_multiple_of(7) {
        (
            coord,
            Referrer {
                source: ReferralSource::PlanIdentification,
                id: None,
                name: None,
                contact: None,
            },
        )
    } else {
        (
            &referring.actor,
            Referrer {
                source: referring.source,
                id: Some(referring.org_id.clone()),
                name: Some(referring.name.clone()),
                contact: Some(format!("intake@{}.example", referring.org_id)),
            },
        )
    };
    app.create(
        creator,
        &id,
        CreateReferral {
            member_id: checked("member_id", m.id.as_str())?,
            plan_org_id: checked("plan_org_id", m.plan.org_id.clone())?,
            plan_id: Some(m.plan.plan_id.clone()),
            county: Some(checked("county", m.county.as_str())?),
            referrer,
            program,
            claimed_pof: if cs {
                None
            } else {
                m.claimed_pof.map(str::to_owned)
            },
        },
        None,
        at()?,
    )
    .await?;
    if step == R::Received {
        return Ok(());
    }
    let eligible = !matches!(step, R::NotEligible | R::ClosedNotEligible);
    app.change(
        coord,
        &id,
        ReviewReferralEligibility {
            eligible,
            determination_id: m.determination_id.clone(),
        },
        None,
        at()?,
    )
    .await?;
    let close = |reason: &str, note: Option<&str>| CloseReferral {
        reason: reason.to_owned(),
        note: note.map(str::to_owned),
    };
    match step {
        R::Reviewed | R::NotEligible => return Ok(()),
        R::ClosedNotEligible => {
            app.change(coord, &id, close("not-eligible", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let first = cast.provider(kind, &m.county, rng)?;
    let assign = |org: &str| -> Result<AssignReferral, AppError> {
        Ok(AssignReferral {
            provider_org_id: checked("provider_org_id", org)?,
        })
    };
    app.change(coord, &id, assign(&first.org_id)?, None, at()?)
        .await?;
    if creator != coord {
        app.change(
            coord,
            &id,
            RecordReferralNotice {
                recipient: Recipient::Referrer,
                purpose: NoticePurpose::Assignment,
                channel: Channel::Email,
                content: "assignment notice (synthetic template 3)".into(),
                sent_at: None,
            },
            None,
            at()?,
        )
        .await?;
    }
    let provider = match step {
        R::Assigned => return Ok(()),
        R::ClosedUnableToReach => {
            app.change(
                coord,
                &id,
                close("unable-to-reach", Some("three outreach attempts")),
                None,
                at()?,
            )
            .await?;
            return Ok(());
        }
        R::Declined => {
            app.change(
                &first.care_manager,
                &id,
                DeclineReferral {
                    reason: "caseload full".into(),
                },
                None,
                at()?,
            )
            .await?;
            return Ok(());
        }
        // Some accepted referrals were declined by a first provider and reassigned.
        _ if n.is_multiple_of(3) => {
            app.change(
                &first.care_manager,
                &id,
                DeclineReferral {
                    reason: "no capacity in the member's area".into(),
                },
                None,
                at()?,
            )
            .await?;
            let second = cast.other_provider(kind, &m.county, &first.org_id, rng)?;
            app.change(coord, &id, assign(&second.org_id)?, None, at()?)
                .await?;
            second
        }
        _ => first,
    };
    app.change(&provider.care_manager, &id, AcceptReferral {}, None, at()?)
        .await?;
    match step {
        R::Accepted => return Ok(()),
        R::ClosedMemberDeclined => {
            app.change(coord, &id, close("member-declined", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let authorized = !matches!(step, R::NotAuthorized | R::ClosedNotAuthorized);
    let times = (at()?, at()?);
    let auth_id = authorization::for_referral(
        l,
        m,
        &provider.care_manager,
        &id,
        program,
        authorized,
        times,
    )
    .await?;
    app.change(
        reviewer,
        &id,
        RecordReferralAuthorization {
            authorized,
            authorization_id: Some(auth_id),
            reason: (!authorized).then(|| "criteria not documented in the referral".to_owned()),
        },
        None,
        at()?,
    )
    .await?;
    match step {
        R::Authorized | R::NotAuthorized => return Ok(()),
        R::ClosedNotAuthorized => {
            app.change(coord, &id, close("not-authorized", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let started_at = at()?;
    app.change(
        &provider.care_manager,
        &id,
        StartReferralServices {
            started_on: started_at.to_zoned(l.tz.clone()).date(),
        },
        None,
        started_at,
    )
    .await?;
    // A fax notice to the referrer, then the agreement to use fax, then a fax that counts.
    let fax = |content: &str| RecordReferralNotice {
        recipient: Recipient::Referrer,
        purpose: NoticePurpose::Authorized,
        channel: Channel::Fax,
        content: content.to_owned(),
        sent_at: None,
    };
    app.change(
        coord,
        &id,
        fax("authorized (synthetic template 5)"),
        None,
        at()?,
    )
    .await?;
    app.change(
        coord,
        &id,
        RecordReferralNoticeAgreement {
            channel: Channel::Fax,
            documentation: "signed fax agreement (synthetic form 12)".into(),
        },
        None,
        at()?,
    )
    .await?;
    app.change(
        &provider.care_manager,
        &id,
        fax("services started (synthetic template 6)"),
        None,
        at()?,
    )
    .await?;
    if step == R::ClosedServicesReceived {
        app.change(coord, &id, close("services-received", None), None, at()?)
            .await?;
        app.change(
            coord,
            &id,
            RecordReferralNotice {
                recipient: Recipient::Referrer,
                purpose: NoticePurpose::LoopClosure,
                channel: Channel::Portal,
                content: "loop closed: services received (synthetic template 8)".into(),
                sent_at: None,
            },
            None,
            at()?,
        )
        .await?;
    }
    Ok(())
}
