//! Embedded static assets: htmx, the style sheet and the countdown script. Served with a long
//! cache lifetime keyed by the crate version in the URL query (`?v=`), never from a CDN.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// htmx 4.0.1 (`htmx.org` on the npm registry, `npm pack htmx.org@4.0.1`, file
/// `package/dist/htmx.min.js`, sha256 a0abb04f2f45a1f89d1d4844023245537e5e6014c87b144553e0607b4cc32130),
/// licence BSD Zero-Clause (0BSD), by Big Sky Software.
const HTMX: &[u8] = include_bytes!("../assets/htmx.min.js");
const CSS: &[u8] = include_bytes!("../assets/app.css");
const JS: &[u8] = include_bytes!("../assets/app.js");

pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
