//! Request extractors shared by the routes: JSON bodies with precise errors, the
//! Idempotency-Key and If-Match headers, and the record response with its ETag.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, ETAG, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use careloop_app::Record;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::problem::Problem;

/// A JSON request body. An empty body reads as `{}`; otherwise the Content-Type must be
/// `application/json` (or `…+json`): 415. Not JSON: 400 naming line and column. Wrong shape or
/// an unknown field: 422 naming the field path.
pub(crate) struct ApiJson<T>(pub T);

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(v) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = v.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let json = is_json(request.headers().get(CONTENT_TYPE));
        let bytes = Bytes::from_request(request, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::too_large()
            } else {
                Problem::malformed(format!("the request body could not be read: {r}"))
            }
        })?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else if json {
            &bytes
        } else {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as application/json",
            )
            .with_field("Content-Type"));
        };
        parse(bytes).map(ApiJson)
    }
}

/// Parses a JSON body, naming where it went wrong.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        from_json_error(&path, e.into_inner())
    })?;
    de.end().map_err(|e| from_json_error(".", e))?;
    Ok(value)
}

fn from_json_error(path: &str, e: serde_json::Error) -> Problem {
    match e.classify() {
        Category::Data => {
            let message = e.to_string();
            // serde names an unknown field in the message only; put it in the path.
            let unknown = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next());
            let field = match (path, unknown) {
                (".", Some(name)) => name.to_owned(),
                (".", None) => "body".to_owned(),
                (p, Some(name)) if !p.ends_with(name) => format!("{p}.{name}"),
                (p, _) => p.to_owned(),
            };
            Problem::invalid(field, message)
        }
        Category::Syntax | Category::Eof | Category::Io => Problem::malformed(format!(
            "the body is not valid JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        )),
    }
}

/// The optional `Idempotency-Key` header.
pub(crate) struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(s) if s.len() <= 255 => Ok(IdempotencyKey(Some(s.to_owned()))),
                _ => Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "malformed-request",
                    "Malformed request",
                    "Idempotency-Key must be visible ASCII, at most 255 characters",
                )
                .with_field("Idempotency-Key")),
            },
        }
    }
}

/// The optional `If-Match: "<version>"` header (a weak `W/` prefix or bare number is accepted).
pub(crate) struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Some(v) = parts.headers.get("if-match") else {
            return Ok(IfMatch(None));
        };
        let parsed = v.to_str().ok().and_then(|s| {
            let s = s.trim();
            let s = s.strip_prefix("W/").unwrap_or(s);
            let s = s
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(s);
            s.parse::<i64>().ok().filter(|v| *v >= 0)
        });
        match parsed {
            Some(version) => Ok(IfMatch(Some(version))),
            None => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-request",
                "Malformed request",
                "If-Match must be a record version as an entity tag, e.g. \"3\"",
            )
            .with_field("If-Match")),
        }
    }
}

/// The version to expect: the If-Match header, or `expected_version` in the body; both must agree.
pub(crate) fn expected_version(
    header: Option<i64>,
    body: Option<i64>,
) -> Result<Option<i64>, Problem> {
    match (header, body) {
        (Some(h), Some(b)) if h != b => Err(Problem::invalid(
            "expected_version",
            format!("expected_version {b} disagrees with If-Match \"{h}\""),
        )),
        (Some(h), _) => Ok(Some(h)),
        (None, b) => Ok(b),
    }
}

/// A record answer: JSON body, `ETag: "<version>"`, and `Location` for a created one.
pub(crate) fn record_response<S: Serialize>(
    status: StatusCode,
    record: &Record<S>,
    location: Option<String>,
) -> Response {
    let body = match serde_json::to_vec(record) {
        Ok(b) => b,
        Err(e) => return Problem::internal(format!("serializing a record: {e}")).into_response(),
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", record.version)) {
        headers.insert(ETAG, v);
    }
    if let Some(loc) = location
        && let Ok(v) = HeaderValue::from_str(&loc)
    {
        headers.insert(LOCATION, v);
    }
    response
}

/// A plain JSON answer.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(e) => Problem::internal(format!("serializing a response: {e}")).into_response(),
    }
}

/// The record id in the path (`/authorizations/{id}` and the like). An id that breaks the id
/// rule (1..=100 characters of `A-Z a-z 0-9 . _ : -`, not starting with `.`;
/// `careloop_domain::text::check_id`) cannot name a record, so it is answered 404 Not Found,
/// exactly as an id that names no record the caller may see (no existence leak, and no
/// 900 kB or `../` id reaches the use case, the audit log or a query).
pub(crate) struct RecordId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let not_found = || {
            Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "no record has this id (ids are 1 to 100 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-')",
            )
        };
        let axum::extract::Path(id) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| not_found())?;
        careloop_domain::text::check_id(&id).map_err(|_| not_found())?;
        Ok(RecordId(id))
    }
}
