//! Bulk registration (issue #15 item 2, `App::import_members`): each member through the create
//! path, the list in one transaction; a second import of the same data changes nothing; one
//! member's refusal does not stop the others; a member registered with other data is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::member_import::{ImportMember, import_key};

fn member(id: &str, county: &str) -> ImportMember {
    let mut registration = registration(id, example_facts("pof-1a-adult"));
    registration.county = county.to_owned();
    ImportMember {
        member_id: id.to_owned(),
        registration,
    }
}

/// (member events, member audit lines written by the importing coordinator).
async fn written<S: Store>(app: &App<S>) -> (usize, usize) {
    // Per record (`events_for`): on PostgreSQL the event log holds back events while any
    // transaction of the server is older, e.g. another suite's.
    let mut events = 0;
    for n in 1..=6 {
        let id = format!("SYN-IMP-{n}");
        events += app.store().events_for("member", &id).await.unwrap().len();
    }
    let audit = app
        .store()
        .audit(&AuditFilter {
            org_id: Some(PLAN.into()),
            limit: 10_000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|l| l.action == "register-member")
        .count();
    (events, audit)
}

pub async fn import_members_is_idempotent_and_refuses_per_member<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let now = ts("2026-11-23T18:00:00Z");
    // Alameda is not served by hpsm: that member alone is refused.
    let list = vec![
        member("SYN-IMP-1", "San Mateo"),
        member("SYN-IMP-2", "Alameda"),
        member("SYN-IMP-3", "San Mateo"),
    ];
    let first = app
        .import_members(&coordinator(), list.clone(), now)
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    let one = first[0].as_ref().unwrap();
    assert!(!one.replayed);
    assert_eq!(
        (one.record.version, one.record.status.as_str()),
        (1, "active")
    );
    assert!(
        one.record.state.determination.is_some(),
        "the engine decided"
    );
    match &first[1] {
        Err(AppError::Invalid { field, .. }) => assert_eq!(*field, "county"),
        other => panic!("expected the county refused, got {other:?}"),
    }
    assert!(!first[2].as_ref().unwrap().replayed);
    // The same record as a lone create would store, with its event and audit line.
    let read = app
        .get::<MemberAggregate>(&coordinator(), "SYN-IMP-1", now)
        .await
        .unwrap();
    assert_eq!(read.state, one.record.state);
    assert_eq!(read.owners.owner_org_id, PLAN);
    assert_eq!(written(&app).await, (2, 2));

    // Again, later: nothing is written; the stored records are replayed.
    let later = ts("2026-11-24T18:00:00Z");
    let second = app
        .import_members(&coordinator(), list.clone(), later)
        .await
        .unwrap();
    let replayed = second[0].as_ref().unwrap();
    assert!(replayed.replayed);
    assert_eq!(replayed.record, one.record);
    assert!(second[2].as_ref().unwrap().replayed);
    assert!(second[1].is_err());
    assert_eq!(written(&app).await, (2, 2));

    // A member already registered with other data: refused, not a second record.
    let mut changed = member("SYN-IMP-1", "San Mateo");
    changed.registration.cin = Some("SYN00000099A".into());
    assert_ne!(import_key(&changed).unwrap(), import_key(&list[0]).unwrap());
    let third = app
        .import_members(
            &coordinator(),
            vec![changed, member("SYN-IMP-4", "San Mateo")],
            later,
        )
        .await
        .unwrap();
    assert!(
        matches!(third[0], Err(AppError::Conflict { .. })),
        "{:?}",
        third[0]
    );
    assert!(!third[1].as_ref().unwrap().replayed);
    assert_eq!(written(&app).await, (3, 3));

    // A user whose roles do not register members: every member refused, nothing written.
    let refused = app
        .import_members(&reviewer(), vec![member("SYN-IMP-5", "San Mateo")], later)
        .await
        .unwrap();
    assert!(matches!(refused[0], Err(AppError::Forbidden { .. })));
    let provider_refused = app
        .import_members(
            &provider("org-ecm-a"),
            vec![member("SYN-IMP-6", "San Mateo")],
            later,
        )
        .await
        .unwrap();
    assert!(provider_refused[0].is_err());
    assert_eq!(written(&app).await, (3, 3));
}
