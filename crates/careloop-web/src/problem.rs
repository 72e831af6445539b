//! RFC 9457 problem details: every 4xx/5xx answer is `application/problem+json`
//! `{type, title, status, detail, field?, errors?}`. 5xx details never carry internals; those are
//! logged with the request id.

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use careloop_app::AppError;
use schemars::JsonSchema;
use serde::Serialize;

use crate::BODY_LIMIT_BYTES;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem with one field of the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldProblem {
    /// The field's path in the request (`service`, `decision.reason`, `If-Match`).
    pub field: String,
    pub detail: String,
}

/// An error answer (RFC 9457).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Problem {
    /// `urn:careloop:problem:<slug>`; the slugs are listed in docs/api.md.
    #[serde(rename = "type", serialize_with = "type_uri")]
    #[schemars(with = "String")]
    pub slug: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The request field the problem is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Each field problem, when the problem is about fields of the request (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldProblem>,
    /// Not sent in the body: the 401 challenge and the internal cause of a 5xx.
    #[serde(skip)]
    #[schemars(skip)]
    extra: Option<Box<Extra>>,
}

#[derive(Clone, Debug, Default)]
struct Extra {
    www_authenticate: Option<String>,
    /// What went wrong inside (5xx only): logged with the request id, never sent.
    internal: Option<String>,
}

fn type_uri<S: serde::Serializer>(slug: &&'static str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("urn:careloop:problem:{slug}"))
}

/// The internal cause of a 5xx, carried to the logging middleware in the response extensions.
#[derive(Clone, Debug)]
pub(crate) struct InternalError(pub String);

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            slug,
            title,
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            errors: Vec::new(),
            extra: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.errors.push(FieldProblem {
            field: field.clone(),
            detail: self.detail.clone(),
        });
        self.field = Some(field);
        self
    }

    pub(crate) fn unauthenticated(detail: &str, error: Option<&str>) -> Self {
        let mut p = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            detail,
        );
        p.extra.get_or_insert_default().www_authenticate = Some(match error {
            Some(e) => format!("Bearer realm=\"careloop\", error=\"{e}\""),
            None => "Bearer realm=\"careloop\"".to_owned(),
        });
        p
    }

    /// 400: the body is not JSON (names line and column).
    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "Malformed request",
            detail,
        )
    }

    /// 422: well-formed but wrong for this operation, naming the field.
    pub(crate) fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Invalid request",
            detail,
        )
        .with_field(field)
    }

    pub(crate) fn too_large() -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "Request body too large",
            format!("the request body exceeds the limit of {BODY_LIMIT_BYTES} bytes"),
        )
    }

    /// A 5xx whose cause is logged, not sent.
    pub(crate) fn internal(internal: String) -> Self {
        let mut p = Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed; the request id is in the X-Request-Id header",
        );
        p.extra.get_or_insert_default().internal = Some(internal);
        p
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = e.to_string();
        match &e {
            // The request is well formed, the record's state does not allow it: a conflict with
            // the current state of the resource (RFC 9110 §15.5.10), not an invalid request.
            AppError::Invalid {
                field: "transition",
                ..
            } => Problem::new(
                StatusCode::CONFLICT,
                "invalid-transition",
                "Illegal transition",
                detail,
            )
            .with_field("transition"),
            AppError::Invalid { field, .. } => Problem::invalid(*field, detail),
            AppError::IdempotencyMismatch { .. } => Problem::new(
                status,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                detail,
            )
            .with_field("Idempotency-Key"),
            AppError::Conflict { .. } => {
                Problem::new(status, "conflict", "Version conflict", detail).with_field("If-Match")
            }
            AppError::NotFound { .. } => Problem::new(status, "not-found", "Not found", detail),
            AppError::Forbidden { .. } => Problem::new(status, "forbidden", "Forbidden", detail),
            AppError::Store(source) => {
                let mut p = Problem::new(
                    status,
                    "unavailable",
                    "Service unavailable",
                    "storage is unavailable; retry the request (with the same Idempotency-Key)",
                );
                p.extra.get_or_insert_default().internal = Some(format!("{e}: {source:?}"));
                p
            }
            #[allow(unreachable_patterns)]
            _ if status.is_server_error() => Problem::internal(format!("{e:?}")),
            #[allow(unreachable_patterns)]
            _ => Problem::new(
                status,
                status_slug(status),
                status.canonical_reason().unwrap_or("Error"),
                detail,
            ),
        }
    }
}

pub(crate) fn status_slug(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "malformed-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "body-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        422 => "invalid",
        431 => "headers-too-large",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "error",
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        let extra = self.extra.map(|e| *e).unwrap_or_default();
        if let Some(challenge) = &extra.www_authenticate
            && let Ok(v) = HeaderValue::from_str(challenge)
        {
            headers.insert(WWW_AUTHENTICATE, v);
        }
        if let Some(internal) = extra.internal {
            response.extensions_mut().insert(InternalError(internal));
        }
        response
    }
}

/// Fallback: no such route.
pub(crate) async fn no_route(method: Method) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("no route for {method} at this path (see /api/docs)"),
    )
}

/// Fallback: the path exists, the method does not.
pub(crate) async fn method_not_allowed(method: Method) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("{method} is not allowed on this path (see the Allow header)"),
    )
}

/// Turns any other error answer (body limit, timeout, ...) into problem+json, keeping headers.
pub(crate) async fn problemify(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let problem = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::too_large(),
        StatusCode::SERVICE_UNAVAILABLE => Problem::new(
            status,
            "unavailable",
            "Service unavailable",
            "the request did not finish in time; retry it (with the same Idempotency-Key)",
        ),
        s if s.is_server_error() => Problem::internal(format!("unexpected {s} from a layer")),
        s => Problem::new(
            s,
            status_slug(s),
            s.canonical_reason().unwrap_or("Error"),
            s.canonical_reason().unwrap_or("Error").to_owned(),
        ),
    };
    let fresh = problem.into_response();
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (name, value) in &fresh_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    parts.extensions.extend(fresh_parts.extensions);
    Response::from_parts(parts, body)
}
