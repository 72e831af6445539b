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

/// Parses a JSON body, naming where it went wrong. A whole number written with a fraction or an
/// exponent (`5.0`, `1e3`) is an integer, as JSON Schema says, and reads as one.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| from_json_error(".", e))?;
    whole_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        from_json_error(&path, e.into_inner())
    })
}

/// 2^63 and 2^64 as floats: whole floats below them convert to i64 / u64 exactly.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// A whole float within the i64 or u64 range as that integer.
fn whole(f: f64) -> Option<serde_json::Number> {
    if !f.is_finite() || f.fract() != 0.0 {
        None
    } else if (-TWO_63..TWO_63).contains(&f) {
        #[allow(clippy::cast_possible_truncation)]
        Some((f as i64).into())
    } else if (0.0..TWO_64).contains(&f) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some((f as u64).into())
    } else {
        None
    }
}

fn whole_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(i) = n.as_f64().and_then(whole) {
                *n = i;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(whole_floats_to_integers),
        _ => {}
    }
}

/// A whole number in a query string: `5`, or a whole `5.0` / `5e0` (JSON Schema integers).
fn whole_query_number(s: &str) -> Option<i128> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i128>() {
        return Some(i);
    }
    let f: f64 = s.parse().ok()?;
    match whole(f)? {
        n if n.is_i64() => n.as_i64().map(i128::from),
        n => n.as_u64().map(i128::from),
    }
}

fn query_whole<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i128>,
{
    use serde::Deserialize;
    let Some(s) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    whole_query_number(&s)
        .and_then(|v| T::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("expected a whole number, got {s:?}")))
}

/// `#[serde(deserialize_with)]` for an optional `u32` query parameter.
pub(crate) fn whole_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    query_whole(d)
}

/// `#[serde(deserialize_with)]` for an optional `i64` query parameter.
pub(crate) fn whole_i64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    query_whole(d)
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
                Ok(s) if idempotency_key_ok(s) => Ok(IdempotencyKey(Some(s.to_owned()))),
                _ => Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "malformed-request",
                    "Malformed request",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters (inner spaces allowed)",
                )
                .with_field("Idempotency-Key")),
            },
        }
    }
}

/// What [`crate::operation::IDEMPOTENCY_KEY_PATTERN`] allows: 1 to 255 of `' '..='~'`, not starting
/// or ending with a space.
fn idempotency_key_ok(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=crate::operation::IDEMPOTENCY_KEY_MAX).contains(&b.len())
        && b.iter().all(|c| (b' '..=b'~').contains(c))
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
}

/// A record version as [`crate::operation::IF_MATCH_PATTERN`] allows it: `"3"`, `W/"3"`, `3` or
/// `W/3`, at most 18 digits.
fn if_match_version(s: &str) -> Option<i64> {
    let s = s.strip_prefix("W/").unwrap_or(s);
    let digits = match s.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"')?,
        None => s,
    };
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The optional `If-Match: "<version>"` header (a weak `W/` prefix or bare number is accepted).
pub(crate) struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Some(v) = parts.headers.get("if-match") else {
            return Ok(IfMatch(None));
        };
        let parsed = v.to_str().ok().map(str::trim).and_then(if_match_version);
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
        // One of the two is not the record's version: a failed precondition, like a stale one.
        (Some(h), Some(b)) if h != b => Err(Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "Version conflict",
            format!("expected_version {b} disagrees with If-Match \"{h}\""),
        )
        .with_field("expected_version")),
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

/// A list's or a work queue's query string read into `T`; one that does not fit `T` (an unknown
/// parameter, a malformed number) is a 422 naming `query`.
pub(crate) struct QueryString<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryString<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state)
                .await
                .map_err(|e| Problem::invalid("query", e.body_text()))?;
        Ok(QueryString(value))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_read_as_integers_and_fractions_do_not() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct B {
            v: i64,
            u: u32,
            n: Vec<i64>,
        }
        let b: B = parse(br#"{"v": -1575.0, "u": 5e0, "n": [1.0, 2]}"#).unwrap();
        assert_eq!(
            b,
            B {
                v: -1575,
                u: 5,
                n: vec![1, 2]
            }
        );
        assert!(parse::<B>(br#"{"v": 1.5, "u": 5, "n": []}"#).is_err());
        assert!(parse::<B>(br#"{"v": 1e300, "u": 5, "n": []}"#).is_err());
        assert!(parse::<B>(br#"{"v": 1, "u": 4294967296.0, "n": []}"#).is_err());
    }

    #[test]
    fn query_numbers_are_whole_numbers_in_any_json_spelling() {
        for (s, v) in [("5", 5), ("5.0", 5), (" 7 ", 7), ("1e2", 100), ("-0.0", 0)] {
            assert_eq!(whole_query_number(s), Some(v), "{s}");
        }
        for s in ["5.5", "", "x", "inf", "NaN", "1e400"] {
            assert_eq!(whole_query_number(s), None, "{s}");
        }
    }

    #[test]
    fn if_match_and_idempotency_key_read_exactly_what_the_document_allows() {
        for (s, v) in [
            ("\"3\"", 3),
            ("W/\"3\"", 3),
            ("3", 3),
            ("W/3", 3),
            ("\"000\"", 0),
        ] {
            assert_eq!(if_match_version(s), Some(v), "{s}");
        }
        for s in [
            "",
            "\"\"",
            "\"3",
            "+3",
            "\"-1\"",
            "seven",
            "1234567890123456789",
            "\"3\" ",
        ] {
            assert_eq!(if_match_version(s), None, "{s}");
        }
        assert!(idempotency_key_ok("k"));
        assert!(idempotency_key_ok("a b~!"));
        assert!(idempotency_key_ok(&"k".repeat(255)));
        for s in ["", " k", "k ", "\tk", &"k".repeat(256)] {
            assert!(!idempotency_key_ok(s), "{s:?}");
        }
    }
}
