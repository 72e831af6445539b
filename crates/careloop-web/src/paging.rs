//! Paging shared by every list and work queue: the `limit` parameter (default and bounds, also
//! written into the OpenAPI document) and the `after` cursor of the queues ordered by due time.

use careloop_store::QueueCursor;

use crate::problem::Problem;

/// `limit` when the query string has none.
pub(crate) const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit` accepted.
pub(crate) const MAX_LIMIT: u32 = 500;

/// The page size asked for: `DEFAULT_LIMIT` when absent, refused outside 1..=`MAX_LIMIT`.
pub(crate) fn limit(asked: Option<u32>) -> Result<u32, Problem> {
    limit_or(asked, DEFAULT_LIMIT)
}

/// The page size asked for: `default` when absent, refused outside 1..=`MAX_LIMIT` (lists that
/// were unpaged before, organizations and users, default to `MAX_LIMIT`:
/// `QueryParam::whole_list_limit`).
pub(crate) fn limit_or(asked: Option<u32>, default: u32) -> Result<u32, Problem> {
    let limit = asked.unwrap_or(default);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Problem::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(limit)
}

/// A boolean query parameter: absent, `false` or `0` is false; present empty, `true` or `1` true.
pub(crate) fn flag(field: &str, value: Option<&str>) -> Result<bool, Problem> {
    match value.map(str::trim) {
        None | Some("false" | "0") => Ok(false),
        Some("" | "true" | "1") => Ok(true),
        Some(_) => Err(Problem::invalid(field, "expected true or false")),
    }
}

/// `after` is `<due_at>~<id>` as returned in `next`.
pub(crate) fn encode_cursor(c: &QueueCursor) -> String {
    format!("{}~{}", c.due_at, c.id)
}

/// The `after` of a queue ordered by due time, when the query string has one.
pub(crate) fn after(asked: Option<&str>) -> Result<Option<QueueCursor>, Problem> {
    asked.map(decode_cursor).transpose()
}

/// Reads an `after` written by [`encode_cursor`].
pub(crate) fn decode_cursor(s: &str) -> Result<QueueCursor, Problem> {
    let bad = || Problem::invalid("after", "not a cursor returned as `next` by this queue");
    let (due, id) = s.split_once('~').ok_or_else(bad)?;
    let due_at = due.parse().map_err(|_| bad())?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(QueueCursor {
        due_at,
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = QueueCursor {
            due_at: "2026-11-02T17:00:00Z".parse().unwrap_or_default(),
            id: "a~b".into(),
        };
        let back = decode_cursor(&encode_cursor(&c)).ok();
        assert_eq!(back, Some(c));
        for bad in ["", "x~y", "2026-11-02T17:00:00Z~", "no-tilde"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limit_defaults_and_is_bounded() {
        assert_eq!(limit(None).ok(), Some(DEFAULT_LIMIT));
        assert_eq!(limit(Some(MAX_LIMIT)).ok(), Some(MAX_LIMIT));
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(MAX_LIMIT + 1)).is_err());
        assert_eq!(limit_or(None, MAX_LIMIT).ok(), Some(MAX_LIMIT));
        assert!(limit_or(Some(0), MAX_LIMIT).is_err());
    }
}
