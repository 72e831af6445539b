//! A record resource declared once: its base path, its OpenAPI tag and its record type, then one
//! row per operation — the create, a list or work queue, the read, each change on the record
//! (`routes::change`), another read under the record. The same rows give the axum routes
//! ([`Resource::router`]) and the OpenAPI operations ([`Resource::operations`]), so a path, an
//! operation id and a summary are each written in one place.

use axum::Router;
use axum::extract::{Extension, State};
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};
use careloop_app::{Actor, Aggregate, Change, Create, Versioned};
use schemars::generate::SchemaGenerator;
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::operation::{Op, QueryParam};
use crate::routes::change::change;
use crate::routes::record::{created, read};

/// Where the API is nested (`crate::router`); operation paths carry it, axum routes do not.
const API_PREFIX: &str = "/api/v1";

/// The schema of a type, written into the generator's definitions when first asked for.
type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// What an operation answers with.
enum Answer {
    /// The new record: 201 with its Location.
    Created,
    /// The record (200).
    Record,
    /// Another body (200).
    Other(SchemaOf),
}

/// One operation: its route and its OpenAPI description.
struct Row {
    /// The full path, e.g. `/api/v1/authorizations/{id}/pend`.
    path: String,
    op_id: String,
    summary: &'static str,
    handler: MethodRouter<AppState>,
    /// The JSON body of a `POST`; `None` for a `GET`.
    request: Option<SchemaOf>,
    answer: Answer,
    query: Vec<QueryParam>,
}

/// A resource's operations, in the order of the OpenAPI document.
pub(crate) struct Resource {
    base: &'static str,
    tag: &'static str,
    record: SchemaOf,
    rows: Vec<Row>,
}

/// The operation id of the change `C`: its type name in lower camel case
/// (`PendAuthorization` → `pendAuthorization`).
fn change_op_id<C: JsonSchema>() -> String {
    let name = C::schema_name();
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Resource {
    /// The resource at `base` (e.g. `/api/v1/authorizations`) whose records are `R`.
    pub(crate) fn new<R: JsonSchema>(base: &'static str, tag: &'static str) -> Self {
        Resource {
            base,
            tag,
            record: schema_of::<R>,
            rows: Vec::new(),
        }
    }

    fn row(
        mut self,
        path: String,
        op_id: String,
        summary: &'static str,
        handler: MethodRouter<AppState>,
        request: Option<SchemaOf>,
        answer: Answer,
    ) -> Self {
        self.rows.push(Row {
            path,
            op_id,
            summary,
            handler,
            request,
            answer,
            query: Vec::new(),
        });
        self
    }

    fn record_path(&self, segment: &str) -> String {
        format!("{}/{{id}}/{segment}", self.base)
    }

    /// `POST base` with the body `C`, the app's create input: `App::create` under a new id,
    /// answering 201 with the record and its Location (`routes::record::created`).
    pub(crate) fn create<C>(self, op_id: &'static str, summary: &'static str) -> Self
    where
        C: Create + JsonSchema + DeserializeOwned + Send + 'static,
    {
        let base = self.base;
        let handler = move |State(st): State<AppState>,
                            Extension(actor): Extension<Actor>,
                            IdempotencyKey(key): IdempotencyKey,
                            ApiJson(body): ApiJson<C>| async move {
            created(&st, &actor, key, body, base).await
        };
        let request = Some(schema_of::<C> as SchemaOf);
        let path = base.to_owned();
        self.row(
            path,
            op_id.into(),
            summary,
            post(handler),
            request,
            Answer::Created,
        )
    }

    /// `GET base + suffix` answering a page `P` (a list or a work queue) read from `query`.
    pub(crate) fn list<P: JsonSchema, T: 'static>(
        self,
        suffix: &str,
        handler: impl Handler<T, AppState>,
        op_id: &'static str,
        summary: &'static str,
        query: Vec<QueryParam>,
    ) -> Self {
        let path = format!("{}{suffix}", self.base);
        let answer = Answer::Other(schema_of::<P>);
        let mut this = self.row(path, op_id.into(), summary, get(handler), None, answer);
        if let Some(row) = this.rows.last_mut() {
            row.query = query;
        }
        this
    }

    /// `GET base/{id}`: one record of the aggregate `A` (`routes::record::read`).
    pub(crate) fn read<A: Aggregate + 'static>(
        self,
        op_id: &'static str,
        summary: &'static str,
    ) -> Self {
        let path = format!("{}/{{id}}", self.base);
        let handler = get(read::<A>);
        self.row(path, op_id.into(), summary, handler, None, Answer::Record)
    }

    /// `GET base/{id}/segment`: something about one record other than the record, `A`.
    pub(crate) fn read_about<A: JsonSchema, T: 'static>(
        self,
        segment: &str,
        handler: impl Handler<T, AppState>,
        op_id: &'static str,
        summary: &'static str,
    ) -> Self {
        let path = self.record_path(segment);
        let answer = Answer::Other(schema_of::<A>);
        self.row(path, op_id.into(), summary, get(handler), None, answer)
    }

    /// `POST base/{id}/segment` with the body `B`, answering `A` (200): a write about one record
    /// that is not a workflow change (e.g. a provider's own capacity on its organization).
    pub(crate) fn post_about<B: JsonSchema, A: JsonSchema, T: 'static>(
        self,
        segment: &str,
        handler: impl Handler<T, AppState>,
        op_id: &'static str,
        summary: &'static str,
    ) -> Self {
        let path = self.record_path(segment);
        let request = Some(schema_of::<B> as SchemaOf);
        let answer = Answer::Other(schema_of::<A>);
        self.row(path, op_id.into(), summary, post(handler), request, answer)
    }

    /// `POST base/{id}/segment` runs the app's change `C` on the record (its body is `C`'s
    /// fields and the optional `expected_version`: `Versioned<C>`; its answer the changed
    /// record); the operation id is `C`'s name in lower camel case.
    pub(crate) fn change<C>(self, segment: &str, summary: &'static str) -> Self
    where
        C: Change + DeserializeOwned + JsonSchema + 'static,
    {
        self.change_named::<C>(change_op_id::<C>(), segment, summary)
    }

    /// [`Resource::change`] under an operation id that is not `C`'s name.
    pub(crate) fn change_named<C>(
        self,
        op_id: impl Into<String>,
        segment: &str,
        summary: &'static str,
    ) -> Self
    where
        C: Change + DeserializeOwned + JsonSchema + 'static,
    {
        let path = self.record_path(segment);
        let request = Some(schema_of::<Versioned<C>> as SchemaOf);
        let handler = post(change::<C>);
        self.row(
            path,
            op_id.into(),
            summary,
            handler,
            request,
            Answer::Record,
        )
    }

    /// The axum routes (paths below [`API_PREFIX`]); two rows on one path share its route.
    pub(crate) fn router(self) -> Router<AppState> {
        self.rows.into_iter().fold(Router::new(), |router, row| {
            let path = row.path.strip_prefix(API_PREFIX).unwrap_or(&row.path);
            router.route(path, row.handler)
        })
    }

    /// The OpenAPI operations, under the resource's tag.
    pub(crate) fn operations(self, g: &mut SchemaGenerator) -> Vec<Op> {
        let record = (self.record)(g);
        self.rows
            .into_iter()
            .map(|row| {
                let response = match row.answer {
                    Answer::Created | Answer::Record => record.clone(),
                    Answer::Other(schema) => schema(g),
                };
                let op = match row.request {
                    Some(request) => {
                        let request = request(g);
                        Op::post(
                            row.op_id,
                            row.path,
                            row.summary,
                            self.tag,
                            request,
                            response,
                        )
                    }
                    None => Op::get(row.op_id, row.path, row.summary, self.tag, response),
                };
                match row.answer {
                    Answer::Created => op.created(),
                    Answer::Record | Answer::Other(_) => op,
                }
                .query(row.query)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use careloop_app::authorization::{PendAuthorization, ReceiveAuthorizationInformation};

    use super::*;

    #[test]
    fn a_change_is_named_after_its_input_type() {
        assert_eq!(change_op_id::<PendAuthorization>(), "pendAuthorization");
        assert_eq!(
            change_op_id::<ReceiveAuthorizationInformation>(),
            "receiveAuthorizationInformation"
        );
    }
}
