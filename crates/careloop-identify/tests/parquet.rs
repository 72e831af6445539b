//! Parquet input (the Tuva input layer allows CSV or Parquet): the same synthetic tables as CSV
//! and as Parquet (snappy; a DATE column wherever every value is a date, text elsewhere) give
//! byte-identical output and errors files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use careloop_domain::PolicyPack;
use careloop_identify::{Config, NoProgress, run};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

fn day_number(text: &str) -> Option<i32> {
    let date: jiff::civil::Date = text.parse().ok()?;
    let days = date.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days();
    Some(days)
}

/// Writes the (quote-free) CSV file `csv` as Parquet at `dst`.
fn csv_to_parquet(csv: &Path, dst: &Path) -> usize {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let names: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let is_date: Vec<bool> = (0..names.len())
        .map(|c| {
            rows.iter().any(|r| !r[c].is_empty())
                && rows
                    .iter()
                    .all(|r| r[c].is_empty() || day_number(r[c]).is_some())
        })
        .collect();
    let fields: String = names
        .iter()
        .zip(&is_date)
        .map(|(n, d)| {
            if *d {
                format!("OPTIONAL INT32 {n} (DATE); ")
            } else {
                format!("OPTIONAL BYTE_ARRAY {n} (UTF8); ")
            }
        })
        .collect();
    let schema = Arc::new(parse_message_type(&format!("message t {{ {fields} }}")).unwrap());
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(File::create(dst).unwrap(), schema, props).unwrap();
    let mut group = writer.next_row_group().unwrap();
    for c in 0..names.len() {
        let mut col = group.next_column().unwrap().unwrap();
        let defs: Vec<i16> = rows.iter().map(|r| i16::from(!r[c].is_empty())).collect();
        if is_date[c] {
            let values: Vec<i32> = rows.iter().filter_map(|r| day_number(r[c])).collect();
            col.typed::<Int32Type>()
                .write_batch(&values, Some(&defs), None)
                .unwrap();
        } else {
            let values: Vec<ByteArray> = rows
                .iter()
                .filter(|r| !r[c].is_empty())
                .map(|r| ByteArray::from(r[c]))
                .collect();
            col.typed::<ByteArrayType>()
                .write_batch(&values, Some(&defs), None)
                .unwrap();
        }
        col.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
    is_date.iter().filter(|d| **d).count()
}

#[test]
fn parquet_inputs_give_the_same_output_as_their_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    let synth = careloop_synth::Config {
        members: 400,
        seed: 9,
        as_of: jiff::civil::date(2026, 11, 22),
        threads: 1,
    };
    careloop_synth::generate(&synth, &csv).unwrap();
    let pq = dir.path().join("pq");
    std::fs::create_dir_all(&pq).unwrap();
    let mut dates = 0;
    for name in ["eligibility", "medical_claim", "member_indicators"] {
        dates += csv_to_parquet(
            &csv.join(format!("{name}.csv")),
            &pq.join(format!("{name}.parquet")),
        );
    }
    assert!(dates > 0, "some columns are written as Parquet DATEs");
    let pack = PolicyPack::embedded().unwrap();
    let as_of = jiff::civil::date(2026, 11, 22);
    let run_on = |base: &Path, ext: &str, out: &str| {
        let cfg = Config::new(
            base.join(format!("eligibility.{ext}")),
            base.join(format!("medical_claim.{ext}")),
            base.join(format!("member_indicators.{ext}")),
            as_of,
            dir.path().join(out),
        );
        run(&cfg, &pack, &NoProgress).unwrap()
    };
    run_on(&csv, "csv", "from-csv.csv");
    run_on(&pq, "parquet", "from-parquet.csv");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let (a, b) = (read("from-csv.csv"), read("from-parquet.csv"));
    assert!(
        a.lines().count() > 10,
        "members meet POFs: {}",
        a.lines().count()
    );
    assert_eq!(a, b, "identify output");
    assert_eq!(
        read("from-csv.csv.errors.csv"),
        read("from-parquet.csv.errors.csv"),
        "errors file"
    );
    // The CSV copies of the Parquet inputs are gone.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("from-parquet.csv."))
        .filter(|n| !n.ends_with(".errors.csv") && !n.ends_with(".summary.json"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
