//! The engine-independent pieces of the store's operations: batch validation, timestamp
//! decoding and the shape of the multi-row INSERTs. The operations themselves are
//! [`crate::adapter::SqlStore`]'s, written once for both engines.

use jiff::Timestamp;

use crate::batch::WriteBatch;
use crate::error::StoreError;

/// Epoch milliseconds read from `table.column` as a timestamp.
pub(crate) fn timestamp(
    ms: i64,
    table: &'static str,
    column: &'static str,
) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::corrupt(table, column, e))
}

/// Rejects batches the schema would reject anyway, naming the field instead of a SQL error.
pub(crate) fn validate(batch: &WriteBatch) -> Result<(), StoreError> {
    if batch.actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "must not be empty"));
    }
    for w in &batch.aggregates {
        if w.kind.is_empty() || w.id.is_empty() {
            return Err(StoreError::invalid(
                "aggregate.kind/id",
                "must not be empty",
            ));
        }
        if w.expected_version < 0 || w.expected_version == i64::MAX {
            return Err(StoreError::invalid(
                "aggregate.expected_version",
                format!(
                    "{} for {} {} is not a version",
                    w.expected_version, w.kind, w.id
                ),
            ));
        }
    }
    for e in &batch.events {
        if e.version < 1 {
            return Err(StoreError::invalid(
                "event.version",
                format!(
                    "{} for {} {} must be >= 1",
                    e.version, e.kind, e.aggregate_id
                ),
            ));
        }
    }
    if let Some(idem) = &batch.idempotency {
        if idem.key.is_empty() {
            return Err(StoreError::invalid("idempotency.key", "must not be empty"));
        }
        if !(100..=599).contains(&idem.status_code) {
            return Err(StoreError::invalid(
                "idempotency.status_code",
                format!("{} is not an HTTP status", idem.status_code),
            ));
        }
    }
    Ok(())
}

/// Rows per multi-row INSERT for `remaining` rows (audit lines; a group commit's rows of each
/// table): the largest power of two up to 64, so only 7 statement shapes exist per table (each
/// engine caches prepared statements by text) and a statement has at most 768 parameters, well
/// under both engines' limits.
pub(crate) fn audit_chunk(remaining: usize) -> usize {
    match remaining {
        0 => 0,
        n if n >= 64 => 64,
        n => 1 << (usize::BITS - 1 - n.leading_zeros()),
    }
}

/// `($1, …, $cols), ($cols+1, …), …` for `rows` rows of `cols` parameters.
pub(crate) fn values_sql(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::{audit_chunk, values_sql};

    #[test]
    fn values_sql_numbers_parameters_row_by_row() {
        assert_eq!(values_sql(1, 1), "($1)");
        assert_eq!(values_sql(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_sql(0, 3), "");
    }

    #[test]
    fn audit_chunks_are_powers_of_two_up_to_64_and_cover_everything() {
        assert_eq!(audit_chunk(0), 0);
        assert_eq!(audit_chunk(1), 1);
        assert_eq!(audit_chunk(3), 2);
        assert_eq!(audit_chunk(50), 32);
        assert_eq!(audit_chunk(64), 64);
        assert_eq!(audit_chunk(1000), 64);
        for total in 0..300 {
            let (mut left, mut shapes) = (total, std::collections::BTreeSet::new());
            while left > 0 {
                let n = audit_chunk(left);
                assert!(n >= 1 && n <= left && n.is_power_of_two() && n <= 64);
                shapes.insert(n);
                left -= n;
            }
            assert!(shapes.len() <= 7);
        }
    }
}
