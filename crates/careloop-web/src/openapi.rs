//! The OpenAPI 3.1 document, built in code: the paths table from each route module's
//! `operations()`, the component schemas from schemars (JSON Schema 2020-12, refs under
//! `#/components/schemas`). Served at `/api/openapi.json`; `/api/docs` renders it.

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use schemars::Schema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::extract::json_response;
use crate::problem::Problem;
use crate::routes;

/// One query-string parameter.
pub(crate) struct QueryParam {
    name: &'static str,
    ty: &'static str,
    description: &'static str,
}

impl QueryParam {
    pub(crate) fn new(name: &'static str, ty: &'static str, description: &'static str) -> Self {
        QueryParam {
            name,
            ty,
            description,
        }
    }
}

/// One operation of the paths table.
pub(crate) struct Op {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    tag: &'static str,
    request: Option<Schema>,
    response: Schema,
    status: u16,
    query: Vec<QueryParam>,
}

impl Op {
    pub(crate) fn get(
        id: &'static str,
        path: &'static str,
        summary: &'static str,
        tag: &'static str,
        response: Schema,
    ) -> Self {
        Op {
            method: "get",
            path,
            id,
            summary,
            tag,
            request: None,
            response,
            status: 200,
            query: Vec::new(),
        }
    }

    pub(crate) fn post(
        id: &'static str,
        path: &'static str,
        summary: &'static str,
        tag: &'static str,
        request: Schema,
        response: Schema,
    ) -> Self {
        Op {
            method: "post",
            request: Some(request),
            ..Op::get(id, path, summary, tag, response)
        }
    }

    /// Answers 201 with a Location header.
    pub(crate) fn created(mut self) -> Self {
        self.status = 201;
        self
    }

    pub(crate) fn query(mut self, params: Vec<QueryParam>) -> Self {
        self.query = params;
        self
    }

    fn to_json(&self) -> Value {
        let mut params = Vec::new();
        for name in self.path_params() {
            params.push(json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" }
            }));
        }
        for q in &self.query {
            params.push(json!({
                "name": q.name, "in": "query", "required": false,
                "description": q.description, "schema": { "type": q.ty }
            }));
        }
        if self.method == "post" {
            params.push(json!({ "$ref": "#/components/parameters/IdempotencyKey" }));
            if self.path.contains("{id}") {
                params.push(json!({ "$ref": "#/components/parameters/IfMatch" }));
            }
        }
        let mut success_headers = Map::new();
        if self.response_is_record() {
            success_headers.insert(
                "ETag".into(),
                json!({ "description": "the record version, e.g. \"3\"", "schema": { "type": "string" } }),
            );
        }
        if self.status == 201 {
            success_headers.insert(
                "Location".into(),
                json!({ "description": "the new record's URL", "schema": { "type": "string" } }),
            );
        }
        let mut responses = Map::new();
        responses.insert(
            self.status.to_string(),
            json!({
                "description": if self.status == 201 { "created (also on an idempotent replay)" } else { "OK" },
                "headers": success_headers,
                "content": { "application/json": { "schema": self.response } }
            }),
        );
        let errors: &[&str] = if self.method == "post" {
            &[
                "400", "401", "403", "404", "409", "413", "415", "422", "503",
            ]
        } else {
            &["401", "403", "404", "422", "503"]
        };
        for code in errors {
            responses.insert(
                (*code).to_owned(),
                json!({ "$ref": "#/components/responses/Problem" }),
            );
        }
        let mut op = json!({
            "operationId": self.id,
            "summary": self.summary,
            "tags": [self.tag],
            "security": [{ "bearer": [] }],
            "parameters": params,
            "responses": responses,
        });
        if let (Some(request), Some(obj)) = (&self.request, op.as_object_mut()) {
            obj.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": { "application/json": { "schema": request } }
                }),
            );
        }
        op
    }

    /// The `{name}` segments of the path template.
    fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|segment| {
            segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
        })
    }

    fn response_is_record(&self) -> bool {
        self.response
            .as_object()
            .and_then(|o| o.get("$ref"))
            .and_then(Value::as_str)
            .is_some_and(|r| r.contains("Record"))
    }
}

fn ops_endpoint(summary: &str, content_type: &str) -> Value {
    json!({
        "get": {
            "summary": summary,
            "tags": ["operations"],
            "security": [],
            "responses": { "200": { "description": "OK", "content": { content_type: {} } } }
        }
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut g: SchemaGenerator = settings.into_generator();
    let mut ops = routes::authorizations::operations(&mut g);
    ops.extend(routes::referrals::operations(&mut g));
    // api2: referral extras, work queues, audit log, organizations and users.
    ops.extend(routes::referrals::extra_operations(&mut g));
    ops.extend(routes::queues::operations(&mut g));
    ops.extend(routes::audit::operations(&mut g));
    ops.extend(routes::organizations::operations(&mut g));
    ops.extend(routes::users::operations(&mut g));
    ops.extend(routes::tokens::operations(&mut g));
    ops.extend(routes::members::operations(&mut g));
    ops.extend(routes::ecm::operations(&mut g));
    let problem = g.subschema_for::<Problem>();

    let mut paths = Map::new();
    for op in &ops {
        let entry = paths
            .entry(op.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(op.method.to_owned(), op.to_json());
        }
    }
    paths.insert(
        "/healthz".into(),
        ops_endpoint("Liveness: the process is up", "application/json"),
    );
    paths.insert(
        "/readyz".into(),
        ops_endpoint("Readiness: the database answers", "application/json"),
    );
    paths.insert(
        "/metrics".into(),
        ops_endpoint("Prometheus metrics", "text/plain"),
    );
    let schemas = g.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "careloop API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "CalAIM ECM and Community Supports: authorizations, closed-loop referrals, work queues, the audit log, organizations and users. See docs/api.md."
        },
        "servers": [{ "url": "/" }],
        "tags": [
            { "name": "authorizations" }, { "name": "referrals" }, { "name": "work-queues" },
            { "name": "members" }, { "name": "ecm-enrollments" }, { "name": "audit" },
            { "name": "identity" }, { "name": "operations" }
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "an API token (careloop token create)" }
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "retrying with the same key returns the original status and body; the same key with another body is 422",
                    "schema": { "type": "string", "maxLength": 255 }
                },
                "IfMatch": {
                    "name": "If-Match", "in": "header", "required": false,
                    "description": "the record version the change expects, as an entity tag (\"3\"); 409 when it moved on",
                    "schema": { "type": "string" }
                }
            },
            "responses": {
                "Problem": {
                    "description": "an RFC 9457 problem",
                    "content": { "application/problem+json": { "schema": problem } }
                }
            }
        }
    })
}

pub(crate) async fn openapi_json() -> Response {
    json_response(StatusCode::OK, &document())
}

const DOCS_HTML: &str = include_str!("docs.html");

pub(crate) async fn docs_page() -> Response {
    (
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        Html(DOCS_HTML),
    )
        .into_response()
}
