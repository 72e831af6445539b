//! The pieces of the OpenAPI document a route module declares: each operation ([`Op`]), its
//! query parameters ([`QueryParam`]) and the header patterns the extractors check. A leaf module:
//! route modules and the extractors import it, and `openapi.rs` assembles the document from the
//! routes' `operations()`, so no import runs back from the routes to the document.

use schemars::Schema;
use serde_json::{Map, Value, json};

use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT};
/// A queue cursor `<RFC 3339 UTC time>~<record id>` exactly as the server parses it (the days stop
/// at 28 so that every value the pattern allows is a real date).
pub(crate) const TIME_CURSOR_PATTERN: &str = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z~.+$";

/// An `If-Match` value as the server reads it: a record version (at most 18 digits), quoted as an
/// entity tag (`"3"`, optionally weak `W/"3"`) or bare (`3`).
pub(crate) const IF_MATCH_PATTERN: &str = "^(W/)?(\"[0-9]{1,18}\"|[0-9]{1,18})$";

/// An `Idempotency-Key`: visible ASCII (inner spaces allowed), 1 to 255 characters.
pub(crate) const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([ -~]*[!-~])?$";
pub(crate) const IDEMPOTENCY_KEY_MAX: usize = 255;

/// One query-string parameter.
pub(crate) struct QueryParam {
    name: &'static str,
    schema: Value,
    description: &'static str,
}

impl QueryParam {
    pub(crate) fn new(name: &'static str, ty: &'static str, description: &'static str) -> Self {
        QueryParam::with_schema(name, json!({ "type": ty }), description)
    }

    pub(crate) fn with_schema(
        name: &'static str,
        schema: Value,
        description: &'static str,
    ) -> Self {
        QueryParam {
            name,
            schema,
            description,
        }
    }

    /// `limit`: the page size (a whole number; `5.0` is read as 5).
    pub(crate) fn limit() -> Self {
        QueryParam::with_schema(
            "limit",
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT }),
            "page size, 1..=500 (default 50)",
        )
    }

    /// `limit` of a list that was unpaged before it had one (organizations, users): the default
    /// is the largest page, so a client that reads one page gets what it got before (up to 500).
    pub(crate) fn whole_list_limit() -> Self {
        QueryParam::with_schema(
            "limit",
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": MAX_LIMIT }),
            "page size, 1..=500 (default 500)",
        )
    }

    /// `after`: a list's `next` cursor (the last id of the previous page).
    pub(crate) fn id_cursor() -> Self {
        QueryParam::new("after", "string", "the `next` cursor of the previous page")
    }

    /// `after`: a queue's `next` cursor (`<time>~<id>`).
    pub(crate) fn time_cursor() -> Self {
        QueryParam::with_schema(
            "after",
            json!({ "type": "string", "pattern": TIME_CURSOR_PATTERN }),
            "the `next` cursor of the previous page",
        )
    }

    /// A free-text filter: 1 to 200 characters, not only white space.
    pub(crate) fn filter(name: &'static str, description: &'static str) -> Self {
        QueryParam::with_schema(
            name,
            json!({ "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" }),
            description,
        )
    }
}

/// Every error status the server may answer on an `/api/v1` operation (each a [`Problem`]):
/// 400 malformed body or header, 401 no or bad token, 403 role, 404 unknown or hidden record,
/// 409 version conflict, 413 body too large, 414 URI too long, 415 body not JSON, 422 invalid
/// field or refused by a rule, 431 headers too large, 503 timeout or storage unavailable.
const ERROR_STATUSES: &[&str] = &[
    "400", "401", "403", "404", "409", "413", "414", "415", "422", "431", "503",
];

/// The range of each integer `format` schemars writes; the server's serde refuses values outside
/// it, so the document says so (`minimum`/`maximum`) wherever the schema does not already.
fn integer_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        "uint" => (0, u64::MAX.into()),
        "int" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

fn is_integer_schema(obj: &Map<String, Value>) -> bool {
    match obj.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// Adds the `minimum`/`maximum` implied by each integer schema's `format`, everywhere in `value`.
pub(crate) fn bound_integers(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            if is_integer_schema(obj)
                && let Some((lo, hi)) = obj
                    .get("format")
                    .and_then(Value::as_str)
                    .and_then(integer_range)
            {
                let tighter = |current: Option<&Value>, bound: i128, lower: bool| match current
                    .and_then(Value::as_f64)
                {
                    Some(c) if (lower && c >= bound as f64) || (!lower && c <= bound as f64) => {
                        None
                    }
                    _ => Some(bound),
                };
                if let Some(lo) = tighter(obj.get("minimum"), lo, true) {
                    obj.insert("minimum".into(), json_int(lo));
                }
                if let Some(hi) = tighter(obj.get("maximum"), hi, false) {
                    obj.insert("maximum".into(), json_int(hi));
                }
            }
            for v in obj.values_mut() {
                bound_integers(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

fn json_int(v: i128) -> Value {
    if let Ok(i) = i64::try_from(v) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(v) {
        Value::from(u)
    } else {
        Value::Null
    }
}

/// One operation of the paths table.
pub(crate) struct Op {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    id: String,
    summary: &'static str,
    tag: &'static str,
    request: Option<Schema>,
    response: Schema,
    status: u16,
    query: Vec<QueryParam>,
}

impl Op {
    pub(crate) fn get(
        id: impl Into<String>,
        path: impl Into<String>,
        summary: &'static str,
        tag: &'static str,
        response: Schema,
    ) -> Self {
        Op {
            method: "get",
            path: path.into(),
            id: id.into(),
            summary,
            tag,
            request: None,
            response,
            status: 200,
            query: Vec::new(),
        }
    }

    pub(crate) fn post(
        id: impl Into<String>,
        path: impl Into<String>,
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

    pub(crate) fn to_json(&self) -> Value {
        let mut params = Vec::new();
        for name in self.path_params() {
            params.push(json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" }
            }));
        }
        for q in &self.query {
            params.push(json!({
                "name": q.name, "in": "query", "required": false,
                "description": q.description, "schema": q.schema
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
        for code in ERROR_STATUSES {
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
    fn path_params(&self) -> impl Iterator<Item = &str> {
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
