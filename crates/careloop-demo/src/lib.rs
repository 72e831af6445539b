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
mod cast;
mod ecm;
mod members;
mod names;
mod referral;
mod scenarios;

use careloop_app::{App, AppError, Role};
use careloop_store::Store;
use careloop_synth::Rng;
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

/// Loads the demo data set into `app`'s (fresh, migrated) store. See the crate docs.
pub async fn load_demo<S: Store>(
    app: &App<S>,
    options: DemoOptions,
    now: Timestamp,
) -> Result<DemoSummary, AppError> {
    let mut loader = Loader::new(app, now, options.password.clone())?;
    let cast = loader.cast().await?;
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
    for n in 0..options.members {
        let scenario = scenarios::for_member(n);
        let member = members::register(&loader, &cast, scenario, n, &mut rng).await?;
        summary.members += 1;
        match scenario {
            Scenario::Nothing | Scenario::Hospice => {}
            Scenario::Referral(step) => {
                referral::drive(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.referrals += 1;
            }
            Scenario::Auth(step) => {
                authorization::drive(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.authorizations += 1;
            }
            Scenario::Ecm(step) => {
                ecm::drive(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.ecm_enrollments += 1;
            }
        }
    }
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

/// One element of `items`, drawn from `rng` (an error, not a panic, when `items` is empty).
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Result<&'a T, AppError> {
    rng.choose(items)
        .ok_or_else(|| invalid("demo", "nothing to pick from"))
}

/// A count drawn uniformly from `lo..=hi`.
fn count(rng: &mut Rng, lo: usize, hi: usize) -> usize {
    let hi = i64::try_from(hi).unwrap_or(i64::MAX);
    let lo = i64::try_from(lo).unwrap_or(hi);
    usize::try_from(rng.range(lo, hi)).unwrap_or(0)
}
