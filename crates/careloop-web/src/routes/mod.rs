//! One module per resource. Each has `routes()` (the axum routes, state [`crate::AppState`]) and
//! `operations()` (their OpenAPI description). Add a resource: a new file here, then one line in
//! `crate::router` and one in `crate::openapi::document`. A record resource declares its
//! operations once, one [`resource::Resource`] row each, and both functions read them; a change
//! on a record is one `change::<Input>(segment, summary)` row (`routes::change`).

pub(crate) mod audit;
pub(crate) mod authorizations;
pub(crate) mod change;
pub(crate) mod ecm;
pub(crate) mod members;
pub(crate) mod organizations;
pub(crate) mod queues;
pub(crate) mod record;
pub(crate) mod referrals;
pub(crate) mod resource;
pub(crate) mod tokens;
pub(crate) mod users;
