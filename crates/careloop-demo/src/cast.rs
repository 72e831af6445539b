//! The organizations and their people (the cast every scenario draws its actors from), and the
//! loader: the app, the demo's `now` and time zone, and the log-ins made so far.

use careloop_app::{Actor, App, AppError, NewUser, OrgKind, Organization, Role};
use careloop_domain::workflow::referral::ReferralSource;
use careloop_store::Store;
use careloop_synth::Rng;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::names::PLACES;
use crate::{DemoLogin, bad_now, invalid, pick, plus_days};

pub(crate) struct PlanOrg {
    pub(crate) org_id: String,
    pub(crate) plan_id: String,
    pub(crate) counties: Vec<String>,
    pub(crate) reviewer: Actor,
    pub(crate) coordinator: Actor,
}

pub(crate) struct ProviderOrg {
    pub(crate) org_id: String,
    pub(crate) kind: OrgKind,
    pub(crate) county: String,
    pub(crate) care_manager: Actor,
}

pub(crate) struct Referring {
    pub(crate) org_id: String,
    pub(crate) name: String,
    pub(crate) source: ReferralSource,
    pub(crate) actor: Actor,
}

pub(crate) struct Cast {
    pub(crate) plans: Vec<PlanOrg>,
    pub(crate) providers: Vec<ProviderOrg>,
    pub(crate) referring: Vec<Referring>,
}

impl Cast {
    /// A provider of `kind` serving `county` (any of that kind when none does).
    pub(crate) fn provider(
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
            return pick(rng, &local).copied();
        }
        let any: Vec<&ProviderOrg> = self.providers.iter().filter(|p| p.kind == kind).collect();
        pick(rng, &any).copied()
    }

    /// A second provider of `kind` in `county`, other than `not` when there is one.
    pub(crate) fn other_provider(
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
            pick(rng, &others).copied()
        }
    }
}

pub(crate) struct Loader<'a, S: Store> {
    pub(crate) app: &'a App<S>,
    pub(crate) now: Timestamp,
    /// The policy pack's time zone (dates and noons are local).
    pub(crate) tz: TimeZone,
    password: String,
    pub(crate) logins: Vec<DemoLogin>,
    pub(crate) organizations: usize,
}

impl<'a, S: Store> Loader<'a, S> {
    pub(crate) fn new(app: &'a App<S>, now: Timestamp, password: String) -> Result<Self, AppError> {
        let tz = TimeZone::get(&app.pack().clocks.time_zone.value)
            .map_err(|e| invalid("time_zone", e.to_string()))?;
        Ok(Loader {
            app,
            now,
            tz,
            password,
            logins: Vec::new(),
            organizations: 0,
        })
    }

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

    pub(crate) fn hours_ago(&self, hours: i64) -> Result<Timestamp, AppError> {
        self.now
            .checked_sub(SignedDuration::from_hours(hours))
            .map_err(bad_now)
    }

    pub(crate) fn today(&self) -> Date {
        self.now.to_zoned(self.tz.clone()).date()
    }

    pub(crate) fn days_from_today(&self, days: i64) -> Result<Date, AppError> {
        plus_days(self.today(), days)
    }

    /// Noon (local) on `date`.
    pub(crate) fn noon(&self, date: Date) -> Result<Timestamp, AppError> {
        date.at(12, 0, 0, 0)
            .to_zoned(self.tz.clone())
            .map(|z| z.timestamp())
            .map_err(bad_now)
    }

    pub(crate) async fn cast(&mut self) -> Result<Cast, AppError> {
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
            return Err(invalid("demo", "no plan serves a county today"));
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
