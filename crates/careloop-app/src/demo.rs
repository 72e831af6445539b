//! The synthetic demo data set (issue #3 §5, `careloop serve --demo`): the three plan
//! organizations of the embedded policy pack, ~20 ECM and CS provider organizations across their
//! counties, four referring entities, a user (and API token) for every role, and members with
//! referrals, authorization requests and ECM enrollments in every status.
//!
//! Everything is written through the use cases on [`App`] (the one write path: every record gets
//! its events, grants and audit lines), by the demo users' actors, at times derived from `now`
//! (requests "received" in the past are submitted with an earlier `now`, so some are at risk and
//! some overdue at `now`). The data set is deterministic for a given seed, member count and `now`
//! (a small splitmix64 generator; API tokens are random). All names, ids and addresses are
//! obviously synthetic. docs/demo.md describes the data set.

use careloop_domain::CsId;
use careloop_domain::clock::ClockKind;
use careloop_domain::policy::offerings;
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{DecisionInput, Requested, Service};
use careloop_domain::workflow::ecm::{ContactMode, CoreService, GoalStatus, StaffType};
use careloop_domain::workflow::member::Demographics;
use careloop_domain::workflow::referral::{ReferralSource, Referrer};
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::Store;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::Value;

use crate::actor::{Actor, OrgKind, Role};
use crate::app::App;
use crate::authorization::{
    DecideAuthorization, ExtendAuthorization, FileAppeal, PendAuthorization, ResolveAppeal,
    SubmitAuthorization,
};
use crate::ecm::{
    AddCareTeamMember, DiscontinueEcm, EnrollEcm, OpenEcmEnrollment, RecordAssessment,
    RecordCarePlanGoal, RecordCoreServiceActivity, RecordOutreachAttempt,
};
use crate::error::AppError;
use crate::identity::{NewUser, Organization};
use crate::member::RegisterMember;
use crate::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReviewReferralEligibility, StartReferralServices,
};

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

// ---------------------------------------------------------------------------------------------
// A tiny deterministic generator (splitmix64).

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let width = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.next() % width)
    }

    fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            return 0;
        }
        usize::try_from(self.next() % (len as u64)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Result<&'a T, AppError> {
        let i = self.index(items.len());
        items
            .get(i)
            .ok_or_else(|| AppError::invalid("demo", "nothing to pick from"))
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic vocabulary.

const GIVEN: [&str; 16] = [
    "Alex", "Bianca", "Carlos", "Dana", "Eun-ji", "Farah", "Gabriel", "Hoa", "Imani", "Jorge",
    "Kai", "Lupe", "Minh", "Nadia", "Omar", "Priya",
];
const FAMILY: [&str; 12] = [
    "Example",
    "Sample",
    "Placeholder",
    "Testcase",
    "Fixture",
    "Mockton",
    "Demoson",
    "Synthwell",
    "Fakeley",
    "Dummond",
    "Prototype",
    "Specimen",
];
const LANGUAGES: [&str; 6] = ["en", "es", "zh-Hant", "vi", "tl", "ru"];
const PLACES: [&str; 20] = [
    "Bayside",
    "Cedar",
    "Harbor",
    "Juniper",
    "Lakeview",
    "Mesa",
    "Oakridge",
    "Pinecrest",
    "Redwood",
    "Riverbend",
    "Sierra",
    "Sunrise",
    "Valley",
    "Willow",
    "Coastline",
    "Foothill",
    "Meadow",
    "Granite",
    "Orchard",
    "Summit",
];

/// The example facts (examples/members/*.json) the members are drawn from, with the claimed POF.
const TEMPLATES: [(&str, &str, Option<&str>); 13] = [
    (
        "pof-1a-adult",
        include_str!("../../../examples/members/pof-1a-adult.json"),
        Some("1a"),
    ),
    (
        "pof-1b-child",
        include_str!("../../../examples/members/pof-1b-child.json"),
        Some("1b"),
    ),
    (
        "pof-2-adult",
        include_str!("../../../examples/members/pof-2-adult.json"),
        Some("2"),
    ),
    (
        "pof-2-child",
        include_str!("../../../examples/members/pof-2-child.json"),
        Some("2"),
    ),
    (
        "pof-3-adult",
        include_str!("../../../examples/members/pof-3-adult.json"),
        Some("3"),
    ),
    (
        "pof-4-adult",
        include_str!("../../../examples/members/pof-4-adult.json"),
        Some("4"),
    ),
    (
        "pof-5-adult",
        include_str!("../../../examples/members/pof-5-adult.json"),
        Some("5"),
    ),
    (
        "pof-6-adult",
        include_str!("../../../examples/members/pof-6-adult.json"),
        Some("6"),
    ),
    (
        "pof-7-child",
        include_str!("../../../examples/members/pof-7-child.json"),
        Some("7"),
    ),
    (
        "pof-8-child",
        include_str!("../../../examples/members/pof-8-child.json"),
        Some("8"),
    ),
    (
        "pof-9-adult",
        include_str!("../../../examples/members/pof-9-adult.json"),
        Some("9"),
    ),
    (
        "hpsm-dsnp",
        include_str!("../../../examples/members/hpsm-dsnp.json"),
        None,
    ),
    (
        "undetermined",
        include_str!("../../../examples/members/undetermined.json"),
        None,
    ),
];

const EXCLUSIONS: [&str; 5] = ["hospice", "pace", "ccm", "cct", "waiver-1915c"];

/// What happens to a member after registration. The list is cycled through by member index, so
/// even a small data set holds every status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    Nothing,
    /// Registered with hospice present: excluded from ECM.
    Hospice,
    Referral(RefStep),
    Auth(AuthStep),
    Ecm(EcmStep),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RefStep {
    Received,
    Reviewed,
    NotEligible,
    Assigned,
    Accepted,
    Declined,
    Authorized,
    NotAuthorized,
    ServicesStarted,
    ClosedServicesReceived,
    ClosedMemberDeclined,
    ClosedUnableToReach,
    ClosedNotEligible,
    ClosedNotAuthorized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthStep {
    OnTrack,
    AtRisk,
    Overdue,
    Pended,
    Extended,
    Approved,
    ApprovedAsModified,
    Denied,
    AppealFiled,
    AppealUpheld,
    AppealOverturned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EcmStep {
    Outreach,
    Enrolled,
    ReauthorizationDue,
    Discontinued,
}

const SCENARIOS: [Scenario; 40] = [
    Scenario::Referral(RefStep::Received),
    Scenario::Auth(AuthStep::OnTrack),
    Scenario::Ecm(EcmStep::Outreach),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Reviewed),
    Scenario::Auth(AuthStep::AtRisk),
    Scenario::Ecm(EcmStep::Enrolled),
    Scenario::Hospice,
    Scenario::Referral(RefStep::NotEligible),
    Scenario::Auth(AuthStep::Overdue),
    Scenario::Ecm(EcmStep::ReauthorizationDue),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Assigned),
    Scenario::Auth(AuthStep::Pended),
    Scenario::Ecm(EcmStep::Discontinued),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Accepted),
    Scenario::Auth(AuthStep::Extended),
    Scenario::Ecm(EcmStep::Enrolled),
    Scenario::Referral(RefStep::Declined),
    Scenario::Auth(AuthStep::Approved),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Authorized),
    Scenario::Auth(AuthStep::ApprovedAsModified),
    Scenario::Referral(RefStep::NotAuthorized),
    Scenario::Auth(AuthStep::Denied),
    Scenario::Nothing,
    Scenario::Referral(RefStep::ServicesStarted),
    Scenario::Auth(AuthStep::AppealFiled),
    Scenario::Referral(RefStep::ClosedServicesReceived),
    Scenario::Auth(AuthStep::AppealUpheld),
    Scenario::Nothing,
    Scenario::Referral(RefStep::ClosedMemberDeclined),
    Scenario::Auth(AuthStep::AppealOverturned),
    Scenario::Referral(RefStep::ClosedUnableToReach),
    Scenario::Auth(AuthStep::OnTrack),
    Scenario::Referral(RefStep::ClosedNotEligible),
    Scenario::Auth(AuthStep::AtRisk),
    Scenario::Referral(RefStep::ClosedNotAuthorized),
    Scenario::Auth(AuthStep::Overdue),
];

// ---------------------------------------------------------------------------------------------
// The organizations and their people.

struct PlanOrg {
    org_id: String,
    plan_id: String,
    counties: Vec<String>,
    reviewer: Actor,
    coordinator: Actor,
}

struct ProviderOrg {
    org_id: String,
    kind: OrgKind,
    county: String,
    care_manager: Actor,
}

struct Referring {
    org_id: String,
    name: String,
    source: ReferralSource,
    actor: Actor,
}

struct Cast {
    plans: Vec<PlanOrg>,
    providers: Vec<ProviderOrg>,
    referring: Vec<Referring>,
}

impl Cast {
    /// A provider of `kind` serving `county` (any of that kind when none does).
    fn provider(
        &self,
        kind: OrgKind,
        county: &str,
        rng: &mut Rng,
    ) -> Result<&ProviderOrg, AppError> {
        let local: Vec<&ProviderOrg> = self
            .providers
            .iter()
            .filter(|p| p.kind == kind && p.county == county)
            .collect();
        if !local.is_empty() {
            return rng.pick(&local).copied();
        }
        let any: Vec<&ProviderOrg> = self.providers.iter().filter(|p| p.kind == kind).collect();
        rng.pick(&any).copied()
    }

    /// A second provider of `kind` in `county`, other than `not` when there is one.
    fn other_provider(
        &self,
        kind: OrgKind,
        county: &str,
        not: &str,
        rng: &mut Rng,
    ) -> Result<&ProviderOrg, AppError> {
        let others: Vec<&ProviderOrg> = self
            .providers
            .iter()
            .filter(|p| p.kind == kind && p.county == county && p.org_id != not)
            .collect();
        if others.is_empty() {
            self.provider(kind, county, rng)
        } else {
            rng.pick(&others).copied()
        }
    }
}

struct Loader<'a, S: Store> {
    app: &'a App<S>,
    now: Timestamp,
    tz: TimeZone,
    password: String,
    logins: Vec<DemoLogin>,
    organizations: usize,
}

impl<S: Store> Loader<'_, S> {
    async fn org(&mut self, org: Organization) -> Result<Organization, AppError> {
        let t = self.hours_ago(24 * 400)?;
        let org = self.app.bootstrap_organization(org, t).await?;
        self.organizations += 1;
        Ok(org)
    }

    /// Creates a user with one role and an API token for it; returns its actor.
    async fn user(
        &mut self,
        username: &str,
        org: &Organization,
        role: Role,
    ) -> Result<Actor, AppError> {
        let t = self.hours_ago(24 * 400)?;
        self.app
            .add_user(
                NewUser {
                    username: username.to_owned(),
                    display_name: Some(format!("Demo {username} (synthetic)")),
                    org_id: org.id.clone(),
                    roles: vec![role],
                    password: self.password.clone(),
                },
                t,
            )
            .await?;
        let token = self.app.create_token(username, "demo", self.now).await?;
        self.logins.push(DemoLogin {
            username: username.to_owned(),
            role,
            org_id: org.id.clone(),
            org_name: org.name.clone(),
            token: token.token,
        });
        Actor::new(username, org.id.clone(), org.kind, vec![role])
    }

    fn hours_ago(&self, hours: i64) -> Result<Timestamp, AppError> {
        self.now
            .checked_sub(SignedDuration::from_hours(hours))
            .map_err(|e| AppError::invalid("now", e.to_string()))
    }

    fn today(&self) -> Date {
        self.now.to_zoned(self.tz.clone()).date()
    }

    fn days_from_today(&self, days: i64) -> Result<Date, AppError> {
        self.today()
            .checked_add(Span::new().days(days))
            .map_err(|e| AppError::invalid("now", e.to_string()))
    }

    /// Noon (local) on `date`.
    fn noon(&self, date: Date) -> Result<Timestamp, AppError> {
        date.at(12, 0, 0, 0)
            .to_zoned(self.tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| AppError::invalid("now", e.to_string()))
    }

    async fn cast(&mut self) -> Result<Cast, AppError> {
        let today = self.today();
        let overlays: Vec<(String, String, Vec<String>)> = self
            .app
            .pack()
            .plans
            .iter()
            .map(|p| {
                let counties: Vec<String> = p
                    .counties
                    .iter()
                    .filter(|c| {
                        c.effective_from <= today && c.effective_through.is_none_or(|t| t >= today)
                    })
                    .map(|c| c.county.clone())
                    .collect();
                (p.id.clone(), p.name.clone(), counties)
            })
            .filter(|(_, _, counties)| !counties.is_empty())
            .collect();
        let mut plans = Vec::new();
        let mut all_counties: Vec<String> = Vec::new();
        for (plan_id, name, counties) in overlays {
            let org = self
                .org(Organization {
                    id: format!("org-plan-{plan_id}"),
                    name: format!("{name} (synthetic demo organization)"),
                    kind: OrgKind::Plan,
                    plan: Some(plan_id.clone()),
                    counties: counties.clone(),
                })
                .await?;
            let reviewer = self
                .user(&format!("{plan_id}-reviewer"), &org, Role::PlanUmReviewer)
                .await?;
            let coordinator = self
                .user(
                    &format!("{plan_id}-coordinator"),
                    &org,
                    Role::PlanCareCoordinator,
                )
                .await?;
            self.user(&format!("{plan_id}-admin"), &org, Role::PlanAdmin)
                .await?;
            for c in &counties {
                if !all_counties.contains(c) {
                    all_counties.push(c.clone());
                }
            }
            plans.push(PlanOrg {
                org_id: org.id.clone(),
                plan_id,
                counties,
                reviewer,
                coordinator,
            });
        }
        if all_counties.is_empty() {
            return Err(AppError::invalid("demo", "no plan serves a county today"));
        }

        // 20 providers: 12 ECM and 8 CS, spread over the counties.
        let mut providers = Vec::new();
        let (mut ecm_n, mut cs_n) = (0, 0);
        for (i, place) in PLACES.iter().enumerate() {
            let county = all_counties
                .get(i % all_counties.len())
                .cloned()
                .unwrap_or_default();
            let ecm = i % 5 < 3;
            let (id, name, kind, short) = if ecm {
                ecm_n += 1;
                (
                    format!("org-ecm-{ecm_n:02}"),
                    format!("{place} ECM Partners (synthetic)"),
                    OrgKind::EcmProvider,
                    format!("ecm{ecm_n:02}"),
                )
            } else {
                cs_n += 1;
                (
                    format!("org-cs-{cs_n:02}"),
                    format!("{place} Community Supports (synthetic)"),
                    OrgKind::CsProvider,
                    format!("cs{cs_n:02}"),
                )
            };
            let org = self
                .org(Organization {
                    id,
                    name,
                    kind,
                    plan: None,
                    counties: vec![county.clone()],
                })
                .await?;
            let care_manager = self
                .user(
                    &format!("{short}-care-manager"),
                    &org,
                    Role::ProviderCareManager,
                )
                .await?;
            if (ecm && ecm_n == 1) || (!ecm && cs_n == 1) {
                self.user(&format!("{short}-admin"), &org, Role::ProviderAdmin)
                    .await?;
            }
            providers.push(ProviderOrg {
                org_id: org.id.clone(),
                kind,
                county,
                care_manager,
            });
        }

        let mut referring = Vec::new();
        for (short, name, source) in [
            (
                "clinic",
                "Example Street Community Clinic (synthetic)",
                ReferralSource::Provider,
            ),
            (
                "hospital",
                "Sample General Hospital (synthetic)",
                ReferralSource::Provider,
            ),
            (
                "cbo",
                "Placeholder Neighborhood Services (synthetic CBO)",
                ReferralSource::Cbo,
            ),
            (
                "county",
                "Demo County Social Services (synthetic)",
                ReferralSource::Cbo,
            ),
        ] {
            let org = self
                .org(Organization {
                    id: format!("org-ref-{short}"),
                    name: name.to_owned(),
                    kind: OrgKind::ReferringEntity,
                    plan: None,
                    counties: all_counties.clone(),
                })
                .await?;
            let actor = self
                .user(&format!("{short}-referrer"), &org, Role::Referrer)
                .await?;
            referring.push(Referring {
                org_id: org.id.clone(),
                name: org.name.clone(),
                source,
                actor,
            });
        }
        Ok(Cast {
            plans,
            providers,
            referring,
        })
    }
}

/// The facts of a template for one member: `member_id` set, the enrollment moved to the
/// member's plan and county, the exclusion assessments dated 2024-01-01 (so ECM enrollments
/// starting in the past year are checked against them); `hospice` makes hospice present.
fn member_facts(
    text: &str,
    member_id: &str,
    plan: &str,
    county: &str,
    hospice: bool,
) -> Result<careloop_domain::eligibility::MemberFacts, AppError> {
    let bad = |e: serde_json::Error| AppError::invalid("demo facts", e.to_string());
    let mut facts: Value = serde_json::from_str(text).map_err(bad)?;
    if let Some(obj) = facts.as_object_mut() {
        obj.insert("member_id".into(), Value::from(member_id));
    }
    if let Some(enrollments) = facts.get_mut("enrollments").and_then(Value::as_array_mut) {
        for e in enrollments.iter_mut().filter_map(Value::as_object_mut) {
            e.insert("plan".into(), Value::from(plan));
            e.insert("county".into(), Value::from(county));
        }
    }
    if let Some(indicators) = facts.get_mut("indicators").and_then(Value::as_array_mut) {
        for i in indicators.iter_mut().filter_map(Value::as_object_mut) {
            let kind = i.get("kind").and_then(Value::as_str).unwrap_or_default();
            if EXCLUSIONS.contains(&kind) {
                let kind = kind.to_owned();
                i.insert("start".into(), Value::from("2024-01-01"));
                if hospice && kind == "hospice" {
                    i.remove("status");
                }
            }
        }
    }
    serde_json::from_value(facts).map_err(bad)
}

struct Member<'c> {
    id: String,
    plan: &'c PlanOrg,
    county: String,
    claimed_pof: Option<&'static str>,
    /// The member's stored eligibility determination (the plan's review cites it).
    determination_id: Option<String>,
}

/// Loads the demo data set into `app`'s (fresh, migrated) store. See the module docs.
pub async fn load_demo<S: Store>(
    app: &App<S>,
    options: DemoOptions,
    now: Timestamp,
) -> Result<DemoSummary, AppError> {
    let tz = TimeZone::get(&app.pack().clocks.time_zone.value)
        .map_err(|e| AppError::invalid("time_zone", e.to_string()))?;
    let mut loader = Loader {
        app,
        now,
        tz,
        password: options.password.clone(),
        logins: Vec::new(),
        organizations: 0,
    };
    let cast = loader.cast().await?;
    let mut rng = Rng(options.seed);
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
        let scenario = SCENARIOS
            .get(n % SCENARIOS.len())
            .copied()
            .unwrap_or(Scenario::Nothing);
        let plan = cast
            .plans
            .get(n % cast.plans.len().max(1))
            .ok_or_else(|| AppError::invalid("demo", "no plans"))?;
        let county = rng.pick(&plan.counties)?.clone();
        // ECM enrollments need every exclusion assessed: those members follow POF 1a.
        let template = match scenario {
            Scenario::Ecm(_) | Scenario::Hospice => TEMPLATES.first(),
            _ => TEMPLATES.get(rng.index(TEMPLATES.len())),
        }
        .ok_or_else(|| AppError::invalid("demo", "no templates"))?;
        let member = Member {
            id: format!("SYN-{:06}", n + 1),
            plan,
            county,
            claimed_pof: template.2,
            determination_id: None,
        };
        let facts = member_facts(
            template.1,
            &member.id,
            &plan.plan_id,
            &member.county,
            scenario == Scenario::Hospice,
        )?;
        let given = rng.pick(&GIVEN)?;
        let family = rng.pick(&FAMILY)?;
        let place = rng.pick(&PLACES)?;
        let line = |s: String| {
            careloop_domain::text::Line::new(s)
                .map_err(|e| AppError::invalid("demographics", e.to_string()))
        };
        let demographics = Demographics {
            given_name: Some(line((*given).to_owned())?),
            family_name: Some(line(format!("{family}-Synthetic"))?),
            sex: None,
            preferred_language: Some(line((*rng.pick(&LANGUAGES)?).to_owned())?),
            phone: Some(line(format!("555-01{:02}", rng.range(0, 99)))?),
            address_lines: vec![
                line(format!("{} {place} Example Way", rng.range(100, 9999)))?,
                line(format!("Demo City ({} County), CA 00000", member.county))?,
            ],
        };
        let registered_at = loader.hours_ago(rng.range(24 * 30, 24 * 60))?;
        let registered = app
            .register_member(
                &plan.coordinator,
                RegisterMember {
                    member_id: member.id.clone(),
                    plan: Some(plan.plan_id.clone()),
                    county: Some(member.county.clone()),
                    demographics,
                    cin: Some(format!("SYN{:08}X", n + 1)),
                    facts,
                },
                None,
                registered_at,
            )
            .await?;
        let member = Member {
            determination_id: registered
                .state
                .determination
                .map(|d| d.determination.determination_id),
            ..member
        };
        summary.members += 1;
        match scenario {
            Scenario::Nothing | Scenario::Hospice => {}
            Scenario::Referral(step) => {
                referral(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.referrals += 1;
            }
            Scenario::Auth(step) => {
                authorization(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.authorizations += 1;
            }
            Scenario::Ecm(step) => {
                ecm(&loader, &cast, &member, step, n, &mut rng).await?;
                summary.ecm_enrollments += 1;
            }
        }
    }
    summary.organizations = loader.organizations;
    summary.logins = loader.logins;
    Ok(summary)
}

/// The Community Supports demo referrals are for, when the member's plan offers them there.
const DEMO_CS: [CsId; 3] = [
    CsId::HousingTransitionNavigation,
    CsId::MedicallyTailoredMeals,
    CsId::RecuperativeCare,
];

async fn referral<S: Store>(
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
    // One in four referrals is for a Community Support, handled by a CS provider.
    // One in four referrals is for a Community Support the member's plan offers in the member's
    // county today (a referral for one it does not offer is refused, issue #12).
    let offered: Vec<CsId> = offerings(app.pack(), &m.plan.plan_id, &m.county, l.today())
        .map_err(|e| AppError::invalid("demo offerings", e.to_string()))?
        .into_iter()
        .map(|o| o.id)
        .filter(|cs| DEMO_CS.contains(cs))
        .collect();
    let cs = n % 4 == 3 && !offered.is_empty();
    let program = if cs {
        Program::Cs(*rng.pick(&offered)?)
    } else {
        Program::Ecm
    };
    let kind = if cs {
        OrgKind::CsProvider
    } else {
        OrgKind::EcmProvider
    };
    let referring = rng.pick(&cast.referring)?;
    let base = l.hours_ago(rng.range(24 * 3, 24 * 25))?;
    let mut hour = 0;
    let mut at = || -> Result<Timestamp, AppError> {
        hour += 5;
        base.checked_add(SignedDuration::from_hours(hour))
            .map_err(|e| AppError::invalid("now", e.to_string()))
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
    app.create_referral(
        creator,
        CreateReferral {
            referral_id: id.clone(),
            member_id: m.id.clone(),
            plan_org_id: m.plan.org_id.clone(),
            plan_id: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
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
    app.review_referral_eligibility(
        coord,
        &id,
        ReviewReferralEligibility {
            eligible,
            determination_id: m.determination_id.clone(),
            expected_version: None,
        },
        None,
        at()?,
    )
    .await?;
    let close = |reason: &str, note: Option<&str>| CloseReferral {
        reason: reason.to_owned(),
        note: note.map(str::to_owned),
        expected_version: None,
    };
    match step {
        R::Reviewed | R::NotEligible => return Ok(()),
        R::ClosedNotEligible => {
            app.close_referral(coord, &id, close("not-eligible", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let first = cast.provider(kind, &m.county, rng)?;
    let assign = |org: &str| AssignReferral {
        provider_org_id: org.to_owned(),
        expected_version: None,
    };
    app.assign_referral(coord, &id, assign(&first.org_id), None, at()?)
        .await?;
    if creator != coord {
        app.record_referral_notice(
            coord,
            &id,
            RecordReferralNotice {
                recipient: Recipient::Referrer,
                purpose: NoticePurpose::Assignment,
                channel: Channel::Email,
                content: "assignment notice (synthetic template 3)".into(),
                sent_at: None,
                expected_version: None,
            },
            None,
            at()?,
        )
        .await?;
    }
    let provider = match step {
        R::Assigned => return Ok(()),
        R::ClosedUnableToReach => {
            app.close_referral(
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
            app.decline_referral(
                &first.care_manager,
                &id,
                DeclineReferral {
                    reason: "caseload full".into(),
                    expected_version: None,
                },
                None,
                at()?,
            )
            .await?;
            return Ok(());
        }
        // Some accepted referrals were declined by a first provider and reassigned.
        _ if n.is_multiple_of(3) => {
            app.decline_referral(
                &first.care_manager,
                &id,
                DeclineReferral {
                    reason: "no capacity in the member's area".into(),
                    expected_version: None,
                },
                None,
                at()?,
            )
            .await?;
            let second = cast.other_provider(kind, &m.county, &first.org_id, rng)?;
            app.assign_referral(coord, &id, assign(&second.org_id), None, at()?)
                .await?;
            second
        }
        _ => first,
    };
    app.accept_referral(
        &provider.care_manager,
        &id,
        AcceptReferral {
            expected_version: None,
        },
        None,
        at()?,
    )
    .await?;
    match step {
        R::Accepted => return Ok(()),
        R::ClosedMemberDeclined => {
            app.close_referral(coord, &id, close("member-declined", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let authorized = !matches!(step, R::NotAuthorized | R::ClosedNotAuthorized);
    let auth_id = referred_service_authorization(
        l,
        m,
        &provider.care_manager,
        &id,
        program,
        authorized,
        at()?,
        at()?,
    )
    .await?;
    app.record_referral_authorization(
        reviewer,
        &id,
        RecordReferralAuthorization {
            authorized,
            authorization_id: Some(auth_id),
            reason: (!authorized).then(|| "criteria not documented in the referral".to_owned()),
            expected_version: None,
        },
        None,
        at()?,
    )
    .await?;
    match step {
        R::Authorized | R::NotAuthorized => return Ok(()),
        R::ClosedNotAuthorized => {
            app.close_referral(coord, &id, close("not-authorized", None), None, at()?)
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let started_at = at()?;
    app.start_referral_services(
        &provider.care_manager,
        &id,
        StartReferralServices {
            started_on: started_at.to_zoned(l.tz.clone()).date(),
            expected_version: None,
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
        expected_version: None,
    };
    app.record_referral_notice(
        coord,
        &id,
        fax("authorized (synthetic template 5)"),
        None,
        at()?,
    )
    .await?;
    app.record_referral_notice_agreement(
        coord,
        &id,
        RecordReferralNoticeAgreement {
            channel: Channel::Fax,
            documentation: "signed fax agreement (synthetic form 12)".into(),
            expected_version: None,
        },
        None,
        at()?,
    )
    .await?;
    app.record_referral_notice(
        &provider.care_manager,
        &id,
        fax("services started (synthetic template 6)"),
        None,
        at()?,
    )
    .await?;
    if step == R::ClosedServicesReceived {
        app.close_referral(coord, &id, close("services-received", None), None, at()?)
            .await?;
        app.record_referral_notice(
            coord,
            &id,
            RecordReferralNotice {
                recipient: Recipient::Referrer,
                purpose: NoticePurpose::LoopClosure,
                channel: Channel::Portal,
                content: "loop closed: services received (synthetic template 8)".into(),
                sent_at: None,
                expected_version: None,
            },
            None,
            at()?,
        )
        .await?;
    }
    Ok(())
}

/// The accepted provider's authorization request for the referred service and the plan's
/// decision on it (approved, or denied with the notice of action), so the referral's
/// authorization step names a real request. Returns the request id.
#[allow(clippy::too_many_arguments)]
async fn referred_service_authorization<S: Store>(
    l: &Loader<'_, S>,
    m: &Member<'_>,
    provider: &Actor,
    referral_id: &str,
    program: Program,
    approve: bool,
    received: Timestamp,
    decided: Timestamp,
) -> Result<String, AppError> {
    let app = l.app;
    let id = format!("auth-{referral_id}");
    let start = decided.to_zoned(l.tz.clone()).date();
    let (service, through) = match program {
        Program::Ecm => (Service::EcmInitial, None),
        Program::Cs(cs) => (
            Service::Cs(cs),
            Some(
                start
                    .checked_add(Span::new().days(29))
                    .map_err(|e| AppError::invalid("now", e.to_string()))?,
            ),
        ),
    };
    app.submit_authorization(
        provider,
        SubmitAuthorization {
            request_id: id.clone(),
            member_id: m.id.clone(),
            plan_org_id: m.plan.org_id.clone(),
            plan: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
            service,
            kind: ClockKind::NonUrgentPreService,
            requested: Requested {
                start: Some(start),
                through,
                units: None,
            },
        },
        None,
        received,
    )
    .await?;
    let reviewer = &m.plan.reviewer;
    let (decision, notice_of_action) = if approve {
        let decision = DecisionInput::Approve {
            start,
            through,
            units: None,
        };
        (decision, None)
    } else {
        let notice = Notice {
            recipient: Recipient::Member,
            purpose: NoticePurpose::NoticeOfAction,
            channel: Channel::Mail,
            content: "notice of action (synthetic template 12)".to_owned(),
            sent_at: decided,
            actor: ActorId::new(reviewer.user_id.clone()),
        };
        let decision = DecisionInput::Deny {
            reason: "criteria not documented in the referral".into(),
        };
        (decision, Some(notice))
    };
    app.decide_authorization(
        reviewer,
        &id,
        DecideAuthorization {
            cs_limit_exception: None,
            decision,
            notice_of_action,
            expected_version: None,
        },
        None,
        decided,
    )
    .await?;
    Ok(id)
}

async fn authorization<S: Store>(
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
        A::OnTrack => (rng.range(1, 20), ClockKind::NonUrgentPreService),
        // Urgent pre-service: 72 hours; received 55-66 hours ago leaves 6-17 hours (< 24 h).
        A::AtRisk => (rng.range(55, 66), ClockKind::UrgentPreService),
        A::Overdue => {
            if n.is_multiple_of(2) {
                (rng.range(80, 120), ClockKind::UrgentPreService)
            } else {
                (rng.range(24 * 12, 24 * 20), ClockKind::NonUrgentPreService)
            }
        }
        A::Pended => (rng.range(26, 40), ClockKind::NonUrgentPreService),
        A::Extended => (rng.range(30, 48), ClockKind::NonUrgentPreService),
        A::Approved | A::ApprovedAsModified | A::Denied => {
            (rng.range(24 * 10, 24 * 25), ClockKind::NonUrgentPreService)
        }
        A::AppealFiled | A::AppealUpheld | A::AppealOverturned => {
            (rng.range(24 * 40, 24 * 50), ClockKind::NonUrgentPreService)
        }
    };
    let received = l.hours_ago(received_h)?;
    let after = |hours: i64| -> Result<Timestamp, AppError> {
        received
            .checked_add(SignedDuration::from_hours(hours))
            .map_err(|e| AppError::invalid("now", e.to_string()))
    };
    let start = after(24 * 7)?.to_zoned(l.tz.clone()).date();
    // A provider requests authorization only for a member the plan gave it: the plan assigned
    // the member to this ECM provider (outreach) before the initial authorization request.
    app.open_ecm_enrollment(
        &m.plan.coordinator,
        OpenEcmEnrollment {
            enrollment_id: format!("ecm-{:06}", n + 1),
            member_id: m.id.clone(),
            provider_org_id: provider.org_id.clone(),
            plan_id: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
        },
        None,
        after(-24)?,
    )
    .await?;
    app.submit_authorization(
        &provider.care_manager,
        SubmitAuthorization {
            request_id: id.clone(),
            member_id: m.id.clone(),
            plan_org_id: m.plan.org_id.clone(),
            plan: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
            service: Service::EcmInitial,
            kind,
            requested: Requested {
                start: Some(start),
                through: None,
                units: None,
            },
        },
        None,
        received,
    )
    .await?;
    let noa = |at: Timestamp, purpose: NoticePurpose, content: &str| Notice {
        recipient: Recipient::Member,
        purpose,
        channel: if n.is_multiple_of(2) {
            Channel::Mail
        } else {
            Channel::Portal
        },
        content: content.to_owned(),
        sent_at: at,
        actor: ActorId::new(reviewer.user_id.clone()),
    };
    match step {
        A::OnTrack | A::AtRisk | A::Overdue => {}
        A::Pended => {
            app.pend_authorization(
                reviewer,
                &id,
                PendAuthorization {
                    information_needed: "current care plan and assessment".into(),
                    expected_version: None,
                },
                None,
                after(4)?,
            )
            .await?;
        }
        A::Extended => {
            app.extend_authorization(
                reviewer,
                &id,
                ExtendAuthorization {
                    reason: "additional clinical information requested from the provider".into(),
                    expected_version: None,
                },
                None,
                after(6)?,
            )
            .await?;
        }
        A::Approved => {
            app.decide_authorization(
                reviewer,
                &id,
                DecideAuthorization {
                    cs_limit_exception: None,
                    decision: DecisionInput::Approve {
                        start,
                        through: None,
                        units: None,
                    },
                    notice_of_action: None,
                    expected_version: None,
                },
                None,
                after(48)?,
            )
            .await?;
        }
        A::ApprovedAsModified => {
            let at = after(50)?;
            let through = start
                .checked_add(Span::new().months(6))
                .map_err(|e| AppError::invalid("now", e.to_string()))?;
            app.decide_authorization(
                reviewer,
                &id,
                DecideAuthorization {
                    cs_limit_exception: None,
                    decision: DecisionInput::ApproveAsModified {
                        start,
                        through,
                        units: None,
                        reason: "six months approved pending a reassessment".into(),
                    },
                    notice_of_action: Some(noa(
                        at,
                        NoticePurpose::NoticeOfAction,
                        "notice of action (synthetic template 12)",
                    )),
                    expected_version: None,
                },
                None,
                at,
            )
            .await?;
        }
        A::Denied | A::AppealFiled | A::AppealUpheld | A::AppealOverturned => {
            let at = after(60)?;
            app.decide_authorization(
                reviewer,
                &id,
                DecideAuthorization {
                    cs_limit_exception: None,
                    decision: DecisionInput::Deny {
                        reason: "Population of Focus criteria not documented".into(),
                    },
                    notice_of_action: Some(noa(
                        at,
                        NoticePurpose::NoticeOfAction,
                        "notice of action (synthetic template 12)",
                    )),
                    expected_version: None,
                },
                None,
                at,
            )
            .await?;
            if step == A::Denied {
                return Ok(());
            }
            app.file_appeal(
                &m.plan.coordinator,
                &id,
                FileAppeal {
                    appeal_id: format!("appeal-{:06}", n + 1),
                    expected_version: None,
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
            app.resolve_appeal(
                reviewer,
                &id,
                ResolveAppeal {
                    resolution,
                    notice: Some(noa(
                        resolved,
                        NoticePurpose::AppealResolution,
                        "notice of appeal resolution (synthetic template 14)",
                    )),
                    expected_version: None,
                },
                None,
                resolved,
            )
            .await?;
        }
    }
    Ok(())
}

async fn ecm<S: Store>(
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
        E::Outreach => rng.range(3, 20),
        E::Enrolled => -rng.range(30, 200),
        // Due = start + 12 months - 1 day, 3-25 days from today.
        E::ReauthorizationDue => {
            let due = l.days_from_today(rng.range(3, 25))?;
            let start = due
                .checked_add(Span::new().days(1))
                .and_then(|d| d.checked_sub(Span::new().months(12)))
                .map_err(|e| AppError::invalid("now", e.to_string()))?;
            l.today()
                .until(start)
                .map(|s| i64::from(s.get_days()))
                .map_err(|e| AppError::invalid("now", e.to_string()))?
        }
        E::Discontinued => -rng.range(120, 300),
    };
    let start = l.days_from_today(start_days)?;
    let opened_on = if step == E::Outreach {
        l.days_from_today(-rng.range(2, 20))?
    } else {
        start
            .checked_sub(Span::new().days(rng.range(14, 30)))
            .map_err(|e| AppError::invalid("now", e.to_string()))?
    };
    let day = |offset: i64| -> Result<Date, AppError> {
        opened_on
            .checked_add(Span::new().days(offset))
            .map_err(|e| AppError::invalid("now", e.to_string()))
    };
    app.open_ecm_enrollment(
        &m.plan.coordinator,
        OpenEcmEnrollment {
            enrollment_id: id.clone(),
            member_id: m.id.clone(),
            provider_org_id: provider.org_id.clone(),
            plan_id: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
        },
        None,
        l.noon(opened_on)?,
    )
    .await?;
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
        expected_version: None,
    };
    let d1 = day(1)?;
    app.record_outreach_attempt(
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
    app.record_outreach_attempt(
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
    app.submit_authorization(
        cm,
        SubmitAuthorization {
            request_id: auth_id.clone(),
            member_id: m.id.clone(),
            plan_org_id: m.plan.org_id.clone(),
            plan: Some(m.plan.plan_id.clone()),
            county: Some(m.county.clone()),
            service: Service::EcmInitial,
            kind: ClockKind::NonUrgentPreService,
            requested: Requested {
                start: Some(start),
                through: None,
                units: None,
            },
        },
        None,
        l.noon(d3)?,
    )
    .await?;
    let d4 = day(4)?;
    app.decide_authorization(
        &m.plan.reviewer,
        &auth_id,
        DecideAuthorization {
            cs_limit_exception: None,
            decision: DecisionInput::Approve {
                start,
                through: None,
                units: None,
            },
            notice_of_action: None,
            expected_version: None,
        },
        None,
        l.noon(d4)?,
    )
    .await?;
    let d5 = day(5)?;
    app.enroll_ecm(
        cm,
        &id,
        EnrollEcm {
            start,
            authorization_id: auth_id,
            lead_care_manager: format!("lcm-{}", provider.org_id),
            expected_version: None,
        },
        None,
        l.noon(d5)?,
    )
    .await?;
    // Care team, assessment, goals and a few core-service activities after the start.
    let on = |offset: i64| -> Result<Date, AppError> {
        start
            .checked_add(Span::new().days(offset))
            .map_err(|e| AppError::invalid("now", e.to_string()))
    };
    let a2 = on(2)?;
    app.add_care_team_member(
        cm,
        &id,
        AddCareTeamMember {
            person_id: format!("pcp-{:04}", rng.range(1, 300)),
            role: "pcp".into(),
            expected_version: None,
        },
        None,
        l.noon(a2)?,
    )
    .await?;
    let a7 = on(7)?;
    app.record_assessment(
        cm,
        &id,
        RecordAssessment {
            assessment_id: format!("asmt-{id}"),
            started: a2,
            completed: Some(a7),
            expected_version: None,
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
    for (g, text) in goals.iter().enumerate().take(1 + rng.index(goals.len())) {
        app.record_care_plan_goal(
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
                expected_version: None,
            },
            None,
            l.noon(a7)?,
        )
        .await?;
    }
    let activities = 2 + rng.index(4);
    for (k, service) in CoreService::ALL.iter().enumerate().take(activities) {
        let d = on(10 + 3 * i64::try_from(k).unwrap_or(0))?;
        if d > l.today() {
            break;
        }
        app.record_core_service_activity(
            cm,
            &id,
            RecordCoreServiceActivity {
                service: *service,
                date: d,
                description: "synthetic activity note".into(),
                expected_version: None,
            },
            None,
            l.noon(d)?,
        )
        .await?;
    }
    if step == E::Discontinued {
        let on_day = l.days_from_today(-rng.range(1, 60))?;
        let reason = *rng.pick(&[
            "member-declined",
            "graduated",
            "unable-to-reach",
            "lost-coverage",
        ])?;
        app.discontinue_ecm(
            cm,
            &id,
            DiscontinueEcm {
                on: on_day,
                reason: reason.to_owned(),
                note: None,
                expected_version: None,
            },
            None,
            l.noon(on_day)?,
        )
        .await?;
    }
    Ok(())
}
