//! End-to-end flows: an authorization through appeal, a referral to closure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::{Change, checked};

/// submit → pend → decide deny with reason → appeal → overturn, each step stored with one event.
/// The plan has given its member to the provider (ECM enrollment) before the provider submits.
pub async fn authorization_flow_submit_pend_deny_appeal_overturn<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    hpsm_member(&app, "mem-1").await;
    give_member(&app, "mem-1", "org-ecm-a").await;
    let prov = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let rec = app
        .create(&prov, "auth-1", submission("mem-1"), Some("k-submit"), t0)
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "received"));
    assert_eq!(rec.owners.owner_org_id, PLAN);
    let due = rec.due_at.expect("an open request has a due time");
    assert!(due > t0);
    // The access comes from the plan's ECM enrollment, not from the submission.
    assert!(app.store().has_access("org-ecm-a", "mem-1").await.unwrap());

    let rev = reviewer();
    let rec = app
        .change(
            &rev,
            "auth-1",
            PendAuthorization {
                information_needed: checked("information_needed", "care plan").unwrap(),
            }
            .expecting(Some(1)),
            None,
            ts("2026-11-03T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(
        (rec.version, rec.status.as_str()),
        (2, "pended-for-information")
    );

    let t_deny = ts("2026-11-04T17:00:00Z");
    let rec = app
        .change(
            &rev,
            "auth-1",
            DecideAuthorization {
                cs_limit_exception: None,
                decision: DecisionInput::Deny {
                    reason: "POF 1a criteria not documented".into(),
                },
                notice_of_action: Some(Notice {
                    recipient: Recipient::Member,
                    purpose: NoticePurpose::NoticeOfAction,
                    channel: Channel::Mail,
                    content: "NOA template 12".into(),
                    sent_at: t_deny,
                    actor: ActorId::new("u-reviewer"),
                }),
            }
            .expecting(Some(2)),
            None,
            t_deny,
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (3, "denied"));
    assert_eq!(rec.due_at, None, "a decided request leaves the queue");
    let decision = rec.state.decision.as_ref().unwrap();
    assert_eq!(
        decision.reason.as_deref(),
        Some("POF 1a criteria not documented")
    );

    let rec = app
        .change(
            &coordinator(),
            "auth-1",
            FileAppeal {
                appeal_id: checked("appeal_id", "appeal-1").unwrap(),
            }
            .expecting(Some(3)),
            None,
            ts("2026-11-10T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(rec.version, 4);
    assert!(rec.state.appeal.is_some());

    let rec = app
        .change(
            &rev,
            "auth-1",
            ResolveAppeal {
                resolution: AppealResolution::Overturned {
                    start: "2026-12-01".parse().unwrap(),
                    through: None,
                    units: None,
                },
                notice: None,
            }
            .expecting(Some(4)),
            None,
            ts("2026-11-20T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (5, "approved"));
    assert!(rec.state.approved_after_appeal());

    // One stored event per change, in version order, with the domain events inside.
    let events = app
        .store()
        .events_for("authorization", "auth-1")
        .await
        .unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "received",
            "pended-for-information",
            "decided",
            "appeal-filed",
            "appeal-resolved"
        ]
    );
    assert_eq!(
        events[2].body["events"].as_array().unwrap().len(),
        2,
        "decided + notice"
    );

    // Reading it back is audited; every change was audited.
    let read = app
        .get::<AuthorizationAggregate>(&prov, "auth-1", ts("2026-11-21T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(read, rec);
    let actions: Vec<String> = audit_lines(app.store(), "authorization", "auth-1")
        .await
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "submit-authorization",
            "pend-authorization",
            "decide-authorization",
            "file-appeal",
            "resolve-appeal",
            "read"
        ]
    );
}

/// received → eligibility reviewed → assigned → declined → assigned again → accepted → closed.
/// The referring entity (cbo-1, which the referral names as referrer) refers a member of the plan.
pub async fn referral_flow_to_closure<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    hpsm_member(&app, "mem-2").await;
    let refr = referrer("cbo-1");
    let coord = coordinator();
    let t = |h: u32| ts(&format!("2026-11-02T{h:02}:00:00Z"));
    let rec = app
        .create(&refr, "ref-1", referral("mem-2"), Some("k-ref"), t(10))
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "received"));
    assert_eq!(rec.owners.referrer_org_id.as_deref(), Some("cbo-1"));

    app.change(
        &coord,
        "ref-1",
        ReviewReferralEligibility {
            eligible: true,
            determination_id: None,
        },
        None,
        t(11),
    )
    .await
    .unwrap();
    assert!(!app.store().has_access("org-ecm-b", "mem-2").await.unwrap());
    let assign = |org: &str| AssignReferral {
        provider_org_id: checked("provider_org_id", org).unwrap(),
    };
    app.change(&coord, "ref-1", assign("org-ecm-b"), None, t(12))
        .await
        .unwrap();
    assert!(app.store().has_access("org-ecm-b", "mem-2").await.unwrap());

    let rec = app
        .change(
            &provider("org-ecm-b"),
            "ref-1",
            DeclineReferral {
                reason: "caseload full".into(),
            },
            None,
            t(13),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "declined-by-provider");
    app.change(&coord, "ref-1", assign("org-ecm-c"), None, t(14))
        .await
        .unwrap();
    // The provider that declined is no longer the assignee.
    let err = app
        .change(
            &provider("org-ecm-b"),
            "ref-1",
            AcceptReferral {},
            None,
            t(15),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let rec = app
        .change(
            &provider("org-ecm-c"),
            "ref-1",
            AcceptReferral {},
            None,
            t(15),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "accepted-by-provider");
    let rec = app
        .change(
            &coord,
            "ref-1",
            CloseReferral {
                reason: "member-declined".into(),
                note: None,
            }
            .expecting(Some(rec.version)),
            None,
            t(16),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (7, "closed"));
    let closure = rec.state.closure.as_ref().unwrap();
    assert_eq!(closure.reason, "member-declined");
    assert_eq!(
        app.store()
            .events_for("referral", "ref-1")
            .await
            .unwrap()
            .len(),
        7
    );
    // The referrer reads its own referral.
    let read = app
        .get::<ReferralAggregate>(&refr, "ref-1", t(17))
        .await
        .unwrap();
    assert_eq!(read.status, "closed");
}
