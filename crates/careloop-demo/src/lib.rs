//! careloop-demo: the synthetic demo data set (issue #3 §5, `careloop serve --demo`,
//! `careloop demo load`): the three plan organizations of the embedded policy pack, ~20 ECM and
//! CS provider organizations across their counties, four referring entities, a user (and API
//! token) for every role, and members with referrals, authorization requests and ECM enrollments
//! in every status.
//!
//! Why its own crate: demo data is not a use case, so it does not live in careloop-app; and it
//! writes through the async `App` use cases, so it does not live in careloop-synth either (that
//! crate stays a pure file generator with no careloop dependency). It draws from careloop-synth's
//! SplitMix64 generator ([`careloop_synth::Rng`]) and uses only careloop-app's public API.
//!
//! Everything is written through the use cases on [`App`] (the one write path: every record gets
//! its events, grants and audit lines), by the demo users' actors, at times derived from `now`
//! (requests "received" in the past are submitted with an earlier `now`, so some are at risk and
//! some overdue at `now`). The data set is deterministic for a given seed, member count and `now`
//! (API tokens are random). All names, ids and addresses are obviously synthetic. docs/demo.md
//! describes the data set.
//!
//! The modules, by concern: `names` (the synthetic vocabulary and example facts),
//! `scenarios` (what happens to the n-th member), `cast` (organizations, users and the loader's
//! clock), `members` (registering a member), and one workflow driver each for referrals,
//! authorization requests and ECM enrollments (`referral`, `authorization`, `ecm`).
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod authorization;
mod capacity;
mod cast;
mod ecm;
mod members;
mod names;
mod referral;
mod scenarios;

use careloop_app::{App, AppError, Role};
use careloop_store::Store;
use careloop_synth::Rng;
use futures_util::TryStreamExt as _;
use jiff::civil::Date;
use jiff::{SignedDuration, Span, Timestamp};

use cast::Loader;
use scenarios::Scenario;

/// The shared password of every demo user (synthetic; printed by `careloop serve --demo`).
pub const DEMO_PASSWORD: &str = "careloop-demo-password";

/// What to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of members (default 2,000).
    pub members: usize,
    /// PRNG seed: the same seed, count and `now` give the same data set.
    pub seed: u64,
    /// The demo users' password (at least 12 characters).
    pub password: String,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            members: 2000,
            seed: 2026,
            password: DEMO_PASSWORD.to_owned(),
        }
    }
}

/// One demo log-in: a user, its role and organization, and an API token made for it.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub org_id: String,
    pub org_name: String,
    /// Plaintext API token (shown once).
    pub token: String,
}

impl std::fmt::Debug for DemoLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoLogin")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

/// What was loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    pub organizations: usize,
    pub logins: Vec<DemoLogin>,
    pub password: String,
    pub members: usize,
    pub referrals: usize,
    pub authorizations: usize,
    pub ecm_enrollments: usize,
}

/// Members whose scenarios are driven at the same time (as many as the store's group commit
/// puts in one transaction).
const SCENARIOS_AT_ONCE: usize = 64;

/// Loads the demo data set into `app`'s (fresh, migrated) store. See the crate docs.
pub async fn load_demo<S: Store>(
    app: &App<S>,
    options: DemoOptions,
    now: Timestamp,
) -> Result<DemoSummary, AppError> {
    let mut loader = Loader::new(app, now, options.password.clone())?;
    let cast = loader.cast().await?;
    capacity::record(&loader, &cast).await?;
    let mut rng = Rng::new(options.seed);
    let mut summary = DemoSummary {
        organizations: 0,
        logins: Vec::new(),
        password: options.password.clone(),
        members: 0,
        referrals: 0,
        authorizations: 0,
        ecm_enrollments: 0,
    };
    // Every member is drawn and registered first (in bulk: one transaction per batch), then
    // each member's scenario is driven, in member order.
    let drafts = (0..options.members)
        .map(|n| members::draft(&cast, scenarios::for_member(n), n, &mut rng))
        .collect::<Result<Vec<_>, _>>()?;
    let registered = members::register_all(&loader, &cast, drafts).await?;
    // Then each member's scenario is driven, SCENARIOS_AT_ONCE members side by side: their
    // changes go through the one write path (`App::create` / `App::change`, every access and
    // reference check) and the store's group commit puts the changes waiting at the same time
    // in one transaction (one durable flush) instead of one each. Each member's scenario draws
    // from its own generator, seeded from the data set's generator in member order, so the
    // data set stays deterministic whatever order the scenarios finish in.
    let seeds: Vec<u64> = registered.iter().map(|_| rng.next_u64()).collect();
    for (n, _) in registered.iter().enumerate() {
        summary.members += 1;
        match scenarios::for_member(n) {
            Scenario::Nothing | Scenario::Hospice => {}
            Scenario::Referral(_) => summary.referrals += 1,
            Scenario::Auth(_) => summary.authorizations += 1,
            Scenario::Ecm(_) => summary.ecm_enrollments += 1,
        }
    }
    let (loader_ref, cast_ref) = (&loader, &cast);
    futures_util::stream::iter(registered.iter().zip(seeds).enumerate().map(Ok))
        .try_for_each_concurrent(SCENARIOS_AT_ONCE, |(n, (member, seed))| async move {
            let mut rng = Rng::new(seed);
            let (l, c) = (loader_ref, cast_ref);
            match scenarios::for_member(n) {
                Scenario::Nothing | Scenario::Hospice => Ok(()),
                Scenario::Referral(step) => referral::drive(l, c, member, step, n, &mut rng).await,
                Scenario::Auth(step) => authorization::drive(l, c, member, step, n, &mut rng).await,
                Scenario::Ecm(step) => ecm::drive(l, c, member, step, n, &mut rng).await,
            }
        })
        .await?;
    summary.organizations = loader.organizations;
    summary.logins = loader.logins;
    Ok(summary)
}

/// The refusal for demo input that cannot be loaded (careloop-app's `Invalid`).
fn invalid(field: &'static str, problem: impl Into<String>) -> AppError {
    AppError::Invalid {
        field,
        problem: problem.into(),
    }
}

/// A date or time computed from `now` that does not exist (out of range).
fn bad_now(e: impl std::fmt::Display) -> AppError {
    invalid("now", e.to_string())
}

/// `date` plus `days` (negative: before).
fn plus_days(date: Date, days: i64) -> Result<Date, AppError> {
    date.checked_add(Span::new().days(days)).map_err(bad_now)
}

/// `at` plus `hours` (negative: before).
fn plus_hours(at: Timestamp, hours: i64) -> Result<Timestamp, AppError> {
    at.checked_add(SignedDuration::from_hours(hours))
        .map_err(bad_now)
}

// The draws. The generator is careloop-synth's SplitMix64 `Rng`; the demo reduces its numbers
// by remainder (not synth's multiply-shift `below`), as it did before it moved out of
// careloop-app. Since members are registered in bulk (issue #15) every member's draws come
// before the scenarios' draws, so a seed gives another (still deterministic) data set than it
// did before.

/// Uniform in `lo..=hi` (`lo`, without a draw, when `hi <= lo`).
fn range(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    let width = hi.abs_diff(lo).saturating_add(1);
    lo.saturating_add_unsigned(rng.next_u64() % width)
}

/// Uniform in `0..len` (0, without a draw, when `len` is 0).
fn index(rng: &mut Rng, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    usize::try_from(rng.next_u64() % (len as u64)).unwrap_or(0)
}

/// One element of `items` (an error, not a panic, when `items` is empty).
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Result<&'a T, AppError> {
    items
        .get(index(rng, items.len()))
        .ok_or_else(|| invalid("demo", "nothing to pick from"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The draws of the generator careloop-app's demo had (`Rng(seed)`, remainder reduction):
    /// a seed loads the same data set as before the move (values computed independently).
    #[test]
    fn draws_match_the_data_set_before_the_move() {
        let mut rng = Rng::new(2026);
        let picks: Vec<usize> = (0..8).map(|_| index(&mut rng, 16)).collect();
        assert_eq!(picks, [3, 13, 14, 2, 9, 3, 14, 13]);
        let mut rng = Rng::new(2026);
        let numbers: Vec<i64> = (0..4).map(|_| range(&mut rng, 100, 9999)).collect();
        assert_eq!(numbers, [8651, 1701, 234, 5086]);
    }

    #[test]
    fn empty_and_single_value_draws_take_nothing_from_the_stream() {
        let (mut a, mut b) = (Rng::new(5), Rng::new(5));
        assert_eq!(range(&mut a, 7, 7), 7);
        assert_eq!(index(&mut a, 0), 0);
        assert!(pick::<u8>(&mut a, &[]).is_err());
        assert_eq!(a.next_u64(), b.next_u64());
        assert_eq!(*pick(&mut a, &["only"]).unwrap(), "only");
    }
}
