//! Response headers every answer carries, and problem+json bodies for the errors hyper answers
//! itself.
//!
//! Every answer gets `X-Content-Type-Options: nosniff` and, unless the handler chose otherwise,
//! `Cache-Control: no-store`: API answers carry PHI (names, CINs, birth dates, addresses), and no
//! browser or proxy cache may keep them.
//!
//! A request hyper cannot read (a URI longer than 65,534 bytes: 414; headers beyond its buffer:
//! 431; not HTTP: 400) is answered by hyper before any middleware runs, with an empty body.
//! [`ProblemListener`] wraps each connection so that such an answer leaves with an RFC 9457 body
//! like every other error.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::problem::{PROBLEM_JSON, Problem};

/// Adds `X-Content-Type-Options: nosniff` and (when absent) `Cache-Control: no-store`.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A TCP listener whose connections give hyper's own error answers a problem+json body.
pub struct ProblemListener(pub TcpListener);

impl axum::serve::Listener for ProblemListener {
    type Io = ProblemIo<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (ProblemIo::new(io), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection that rewrites an error head hyper wrote with an empty body (`content-length: 0`,
/// no content type) into the same status with a problem+json body.
pub struct ProblemIo<T> {
    inner: T,
    /// A rewritten answer being written: the bytes, how many are written, the length to report.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<T> ProblemIo<T> {
    pub fn new(inner: T) -> Self {
        ProblemIo {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match with_problem_body(buf) {
                Some(rewritten) => this.pending = Some((rewritten, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        loop {
            let Some((bytes, written, reported)) = this.pending.as_mut() else {
                return Poll::Ready(Ok(0));
            };
            let rest = bytes.get(*written..).unwrap_or_default();
            if rest.is_empty() {
                let n = *reported;
                this.pending = None;
                return Poll::Ready(Ok(n));
            }
            match Pin::new(&mut this.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => {
                    this.pending = None;
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => {
                    this.pending = None;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// Not vectored: hyper then hands over a response head in one buffer.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// If `buf` is exactly a bodiless HTTP/1.x 4xx/5xx head (what hyper writes for a request it
/// could not read), the same answer with a problem+json body.
pub(crate) fn with_problem_body(buf: &[u8]) -> Option<Vec<u8>> {
    // Cheap byte checks first: this runs on every write of every connection.
    let status_class = buf.get(9).copied();
    let error_head = buf.starts_with(b"HTTP/1.")
        && matches!(status_class, Some(b'4' | b'5'))
        && buf.ends_with(b"\r\n\r\n");
    if !error_head || buf.len() > 1024 {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    let rest = head
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| head.strip_prefix("HTTP/1.0 "))?;
    if !head.ends_with("\r\n\r\n") || head.matches("\r\n\r\n").count() != 1 {
        return None;
    }
    let code: u16 = rest.get(..3)?.parse().ok()?;
    let status = StatusCode::from_u16(code).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    let empty = "\r\ncontent-length: 0\r\n";
    if lower.contains("\r\ncontent-type:") || !lower.contains(empty) {
        return None;
    }
    let problem = match status {
        StatusCode::URI_TOO_LONG => Problem::new(
            status,
            "uri-too-long",
            "URI too long",
            "the request target (path and query) is longer than the server reads",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Problem::new(
            status,
            "headers-too-large",
            "Request header fields too large",
            "the request headers are larger than the server reads",
        ),
        StatusCode::BAD_REQUEST => Problem::new(
            status,
            "malformed-request",
            "Malformed request",
            "the request could not be read as HTTP",
        ),
        s => Problem::new(
            s,
            crate::problem::status_slug(s),
            s.canonical_reason().unwrap_or("Error"),
            s.canonical_reason().unwrap_or("Error").to_owned(),
        ),
    };
    let body = serde_json::to_vec(&problem).ok()?;
    let at = lower.find(empty)? + 2;
    let mut out = Vec::with_capacity(buf.len() + body.len() + 128);
    out.extend_from_slice(buf.get(..at)?);
    out.extend_from_slice(
        format!(
            "content-type: {PROBLEM_JSON}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\ncontent-length: {}\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(buf.get(at + empty.len() - 2..)?);
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_bodiless_error_head_gets_a_problem_body() {
        let head = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 13:31:05 GMT\r\n\r\n";
        let out = String::from_utf8(with_problem_body(head).unwrap_or_default()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\nconnection: close\r\n"));
        assert!(head.contains("content-type: application/problem+json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(head.contains("date: "));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["status"], 414);
        assert_eq!(v["type"], "urn:careloop:problem:uri-too-long");
    }

    #[test]
    fn other_writes_pass_unchanged() {
        for buf in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/problem+json\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/problem+json\r\ncontent-length: 0\r\n\r\n",
            b"{\"type\":\"HTTP/1.1 414 \"}",
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\nHTTP/1.1 414 x\r\n\r\n",
        ] {
            assert!(with_problem_body(buf).is_none(), "{}", String::from_utf8_lossy(buf));
        }
    }
}
