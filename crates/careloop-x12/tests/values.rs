//! Money and dates read as X12 writes them (R decimals, CCYYMMDD).

use careloop_x12::{Cents, Date};

#[test]
fn money_reads_and_writes_x12_decimals() {
    for (text, cents, back) in [
        ("100", 10000, "100"),
        ("40.5", 4050, "40.5"),
        ("40.50", 4050, "40.5"),
        ("-12.34", -1234, "-12.34"),
        (".05", 5, "0.05"),
    ] {
        assert_eq!(Cents::parse(text), Some(Cents(cents)), "{text}");
        assert_eq!(Cents(cents).to_string(), back);
    }
    for bad in ["", "-", "1.234", "1e3", "12a", "1.2.3", "."] {
        assert_eq!(Cents::parse(bad), None, "{bad}");
    }
}

#[test]
fn dates_exist_in_their_month() {
    assert!(Date::parse("20240229").is_some());
    assert!(Date::parse("20230229").is_none());
    assert!(Date::parse("19000229").is_none());
    assert!(Date::parse("20240431").is_none());
    assert!(Date::parse("2024013").is_none());
    assert_eq!(
        Date::parse("20061003").map(|d| d.yymmdd()),
        Some("061003".into())
    );
}
