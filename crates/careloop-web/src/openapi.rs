//! The OpenAPI 3.1 document, built in code: the paths table from each route module's
//! `operations()`, the component schemas from schemars (JSON Schema 2020-12, refs under
//! `#/components/schemas`). Served at `/api/openapi.json`; `/api/docs` renders it.

use axum::http::StatusCode;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::extract::json_response;
use crate::operation::{
    IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN, bound_integers,
};
use crate::problem::Problem;
use crate::routes;
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
            .entry(op.path.clone())
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
    let mut doc = json!({
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
            { "name": "identity" }, { "name": "directory" }, { "name": "operations" }
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
                    "schema": {
                        "type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX,
                        "pattern": IDEMPOTENCY_KEY_PATTERN
                    }
                },
                "IfMatch": {
                    "name": "If-Match", "in": "header", "required": false,
                    "description": "the record version the change expects, as an entity tag (\"3\", also W/\"3\" or 3); 409 when it moved on",
                    "schema": { "type": "string", "pattern": IF_MATCH_PATTERN }
                }
            },
            "responses": {
                "Problem": {
                    "description": "an RFC 9457 problem",
                    "content": { "application/problem+json": { "schema": problem } }
                }
            }
        }
    });
    bound_integers(&mut doc);
    doc
}

pub(crate) async fn openapi_json() -> Response {
    json_response(StatusCode::OK, &document())
}

const DOCS_HTML: &str = include_str!("docs.html");
const DOCS_JS: &str = include_str!("docs.js");
const DOCS_CSS: &str = include_str!("docs.css");

/// The docs page's Content-Security-Policy: its script and style are files of this origin (no
/// inline code), it fetches only `/api/openapi.json`, and it cannot be framed.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(crate) async fn docs_page() -> Response {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, DOCS_CSP),
        ],
        Html(DOCS_HTML),
    )
        .into_response()
}

pub(crate) async fn docs_js() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], DOCS_JS).into_response()
}

pub(crate) async fn docs_css() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], DOCS_CSS).into_response()
}
