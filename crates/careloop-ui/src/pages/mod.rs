//! The pages: each handler takes the signed-in user, calls `careloop_app::App` use cases with
//! the user's actor and `now` from the shared clock, and renders a template.

pub(crate) mod admin;
pub(crate) mod assessment;
pub(crate) mod audit;
pub(crate) mod command;
pub(crate) mod dashboard;
pub(crate) mod decision;
pub(crate) mod directory;
pub(crate) mod ecm;
pub(crate) mod home;
pub(crate) mod intake;
pub(crate) mod login;
pub(crate) mod members;
pub(crate) mod plan_info;
pub(crate) mod queue;
pub(crate) mod reauthorizations;
pub(crate) mod referral_steps;
pub(crate) mod referrals;

/// An empty form field is "not given".
pub(crate) fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An optional form field checked against its text rule (`careloop_app::checked`): empty is
/// "not given", anything else must pass.
pub(crate) fn given_checked<T>(
    field: &'static str,
    v: &str,
) -> Result<Option<T>, careloop_app::AppError>
where
    T: TryFrom<String, Error = careloop_domain::text::TextError>,
{
    given(&Some(v.to_owned()))
        .map(|v| careloop_app::checked(field, v))
        .transpose()
}
