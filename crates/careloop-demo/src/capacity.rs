//! Provider capacity (issue #14 item 12): every demo provider records its capacity in its county
//! through the app's `record_capacity`, so the provider directory and the referral form have
//! something to show: accepting, waitlist and full in turn, and every fourth one stale (recorded
//! 45 days ago, past the pack's 30-day window).

use careloop_app::{AppError, OrgKind};
use careloop_domain::CsId;
use careloop_domain::capacity::{Capacity, CapacityStatus};
use careloop_domain::workflow::Program;
use careloop_store::Store;

use crate::cast::{Cast, Loader};
use crate::plus_days;

pub(crate) async fn record<S: Store>(loader: &Loader<'_, S>, cast: &Cast) -> Result<(), AppError> {
    let today = loader.now.to_zoned(loader.tz.clone()).date();
    for (i, p) in cast.providers.iter().enumerate() {
        let services = match p.kind {
            OrgKind::EcmProvider => vec![Program::Ecm],
            _ => {
                let other = CsId::ALL
                    .get(1 + i % (CsId::ALL.len() - 1))
                    .copied()
                    .unwrap_or(CsId::Respite);
                vec![
                    Program::Cs(CsId::HousingTransitionNavigation),
                    Program::Cs(other),
                ]
            }
        };
        for (j, service) in services.into_iter().enumerate() {
            let n = i + j;
            let status = match n % 3 {
                0 => CapacityStatus::Accepting,
                1 => CapacityStatus::Waitlist,
                _ => CapacityStatus::Full,
            };
            let days_ago = if n % 4 == 3 { 45 } else { (n % 7) as i64 };
            let note = (status == CapacityStatus::Waitlist)
                .then(|| format!("waitlist about {} weeks (synthetic)", 1 + n % 4));
            let input = Capacity {
                service,
                county: p.county.clone(),
                status,
                as_of: plus_days(today, -days_ago)?,
                note,
            };
            loader
                .app
                .record_capacity(&p.care_manager, &p.org_id, input, None, None, loader.now)
                .await?;
        }
    }
    Ok(())
}
