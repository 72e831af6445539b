//! Parquet input: the Tuva input layer allows CSV or Parquet. A Parquet file (recognized by its
//! `PAR1` magic bytes, whatever its name) is first written out as a CSV file with the same
//! columns in the same row order, and the run then reads that CSV: one reader, one set of
//! derivations and row checks for both formats. Line numbers in the errors file are then
//! `row number + 1` (the header is line 1), exactly as for the CSV export of the same table.
//!
//! Values: strings as they are; DATE as `YYYY-MM-DD`; integers and decimals in decimal notation
//! (so a revenue code stored as an integer, `450`, arrives without its leading zero — the
//! derivations accept 3-digit revenue codes); timestamps as RFC 3339; null as an empty field.
//! Compression: uncompressed or Snappy (DuckDB's and Spark's default). Other codecs are refused
//! with a message naming the file.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::IdentifyError;

/// Whether `path` starts with Parquet's magic bytes.
pub fn is_parquet(path: &Path) -> Result<bool, IdentifyError> {
    let mut magic = [0u8; 4];
    let mut file = File::open(path).map_err(|e| io_err(path, e))?;
    match file.read_exact(&mut magic) {
        Ok(()) => Ok(&magic == b"PAR1"),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(io_err(path, e)),
    }
}

/// Writes the Parquet file `src` as CSV to `dst` (header = the top-level column names). Returns
/// the number of rows.
pub fn to_csv(src: &Path, dst: &Path) -> Result<u64, IdentifyError> {
    let bad = |reason: String| IdentifyError::BadHeader {
        file: src.display().to_string(),
        reason,
    };
    let file = File::open(src).map_err(|e| io_err(src, e))?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| bad(format!("not readable as Parquet: {e}")))?;
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dst).map_err(|e| io_err(dst, e))?);
    let mut line = Vec::with_capacity(1024);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        push_text(&mut line, name);
    }
    line.push(b'\n');
    out.write_all(&line).map_err(|e| io_err(dst, e))?;
    let rows = reader
        .get_row_iter(None)
        .map_err(|e| bad(format!("cannot read rows: {e}")))?;
    let mut n = 0u64;
    for row in rows {
        let row = row.map_err(|e| {
            bad(format!(
                "row {}: {e} (careloop reads uncompressed and Snappy Parquet)",
                n + 1
            ))
        })?;
        line.clear();
        for (i, (_, field)) in row.get_column_iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            push_field(&mut line, field);
        }
        line.push(b'\n');
        out.write_all(&line).map_err(|e| io_err(dst, e))?;
        n += 1;
    }
    out.flush().map_err(|e| io_err(dst, e))?;
    Ok(n)
}

fn push_field(line: &mut Vec<u8>, field: &Field) {
    match field {
        Field::Null => {}
        Field::Str(s) => push_text(line, s),
        Field::Bytes(b) => push_text(line, &String::from_utf8_lossy(b.data())),
        Field::Date(days) => {
            let date = jiff::civil::date(1970, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(*days)))
                .map(|d| d.to_string())
                .unwrap_or_default();
            push_text(line, &date);
        }
        Field::Bool(b) => push_text(line, if *b { "true" } else { "false" }),
        Field::Byte(v) => push_text(line, &v.to_string()),
        Field::Short(v) => push_text(line, &v.to_string()),
        Field::Int(v) => push_text(line, &v.to_string()),
        Field::Long(v) => push_text(line, &v.to_string()),
        Field::UByte(v) => push_text(line, &v.to_string()),
        Field::UShort(v) => push_text(line, &v.to_string()),
        Field::UInt(v) => push_text(line, &v.to_string()),
        Field::ULong(v) => push_text(line, &v.to_string()),
        Field::Float(v) => push_text(line, &v.to_string()),
        Field::Double(v) => push_text(line, &v.to_string()),
        Field::TimestampMillis(ms) => push_text(
            line,
            &jiff::Timestamp::from_millisecond(*ms)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ),
        Field::TimestampMicros(us) => push_text(
            line,
            &jiff::Timestamp::from_microsecond(*us)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ),
        // Decimals, nested groups, lists and maps: their display form (no careloop column
        // that the derivations read is of these types in the Tuva input layer).
        other => push_text(line, &other.to_string()),
    }
}

/// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
fn push_text(line: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        line.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(text.as_bytes());
    }
}

fn io_err(path: &Path, source: std::io::Error) -> IdentifyError {
    IdentifyError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut line = Vec::new();
        push_text(&mut line, "a,b");
        line.push(b'|');
        push_text(&mut line, "say \"hi\"");
        line.push(b'|');
        push_text(&mut line, "plain");
        assert_eq!(
            String::from_utf8_lossy(&line),
            "\"a,b\"|\"say \"\"hi\"\"\"|plain"
        );
    }

    #[test]
    fn dates_are_days_since_1970() {
        let mut line = Vec::new();
        push_field(&mut line, &Field::Date(20_414));
        assert_eq!(String::from_utf8_lossy(&line), "2025-11-22");
    }
}
