//! Tokenizer and envelope rules, each broken once; every error names segment, element, rule.

use careloop_x12::{Rule, Separators, check_envelope, tokenize};

const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260315*1200*^*00501*000000017*0*T*:~";

fn file(body: &str) -> String {
    format!("{ISA}\nGS*HC*S*R*20260315*1200*5*X*005010X222A1~\n{body}GE*1*5~\nIEA*1*000000017~\n")
}

const SET: &str = "ST*837*0001*005010X222A1~\nBHT*0019*00*1*20260315*1200*CH~\nSE*3*0001~\n";

#[test]
fn separators_come_from_the_isa() {
    let text = file(SET);
    let s = tokenize(text.as_bytes()).unwrap();
    assert_eq!(s.separators, Separators::default());
    let other = file(SET)
        .replace('*', "|")
        .replace(':', ">")
        .replace('~', "\n");
    let t = tokenize(other.as_bytes()).unwrap();
    assert_eq!(t.separators.element, '|');
    assert_eq!(t.separators.component, '>');
    assert_eq!(t.separators.segment, '\n');
    assert_eq!(t.list.len(), s.list.len());
    assert_eq!(t.list[3].element(4), "20260315");
    check_envelope(&t).unwrap();
}

#[test]
fn bom_crlf_and_indentation_are_tolerated() {
    let text = format!("\u{feff}  {}", file(SET).replace("~\n", "~\r\n    "));
    let s = tokenize(text.as_bytes()).unwrap();
    assert_eq!(
        s.list.iter().map(|x| x.id()).collect::<Vec<_>>(),
        ["ISA", "GS", "ST", "BHT", "SE", "GE", "IEA"]
    );
    check_envelope(&s).unwrap();
}

#[test]
fn a_short_isa_names_the_element() {
    let text = file(SET).replacen("SENDER         ", "SENDER", 1);
    let e = tokenize(text.as_bytes()).unwrap_err();
    assert_eq!(
        (e.rule, e.position.segment, e.position.element),
        (Rule::IsaFixedWidth, 1, Some(7))
    );
    assert_eq!(
        e.to_string(),
        "segment 1 (ISA) element ISA07: isa-fixed-width: element separator expected before ISA07 at character 51"
    );
}

#[test]
fn not_an_interchange() {
    assert_eq!(tokenize(b"GS*HC~").unwrap_err().rule, Rule::IsaMissing);
    assert_eq!(tokenize(b"").unwrap_err().rule, Rule::IsaMissing);
    assert_eq!(tokenize(&[0xff, 0xfe]).unwrap_err().rule, Rule::Encoding);
    let text = format!("{}GARBAGE", file(SET));
    assert_eq!(
        tokenize(text.as_bytes()).unwrap_err().rule,
        Rule::Unterminated
    );
}

fn first_error(text: &str) -> (Rule, usize, String, Option<usize>) {
    let s = tokenize(text.as_bytes()).unwrap();
    let errors = check_envelope(&s).unwrap_err();
    let e = &errors[0];
    (
        e.rule,
        e.position.segment,
        e.position.segment_id.clone(),
        e.position.element,
    )
}

#[test]
fn envelope_rules_each_name_segment_and_element() {
    // (what is broken, file, rule, segment ordinal, segment id, element)
    let cases = [
        (
            "SE01 count",
            file(&SET.replace("SE*3", "SE*4")),
            Rule::Count,
            5,
            "SE",
            Some(1),
        ),
        (
            "SE02 control",
            file(&SET.replace("SE*3*0001", "SE*3*0002")),
            Rule::ControlNumber,
            5,
            "SE",
            Some(2),
        ),
        (
            "GE01 count",
            file(SET).replace("GE*1*5", "GE*2*5"),
            Rule::Count,
            6,
            "GE",
            Some(1),
        ),
        (
            "GE02 control",
            file(SET).replace("GE*1*5", "GE*1*6"),
            Rule::ControlNumber,
            6,
            "GE",
            Some(2),
        ),
        (
            "IEA01 count",
            file(SET).replace("IEA*1*", "IEA*3*"),
            Rule::Count,
            7,
            "IEA",
            Some(1),
        ),
        (
            "IEA02 control",
            file(SET).replace("IEA*1*000000017", "IEA*1*000000018"),
            Rule::ControlNumber,
            7,
            "IEA",
            Some(2),
        ),
        (
            "SE01 not a number",
            file(&SET.replace("SE*3", "SE*X")),
            Rule::Value,
            5,
            "SE",
            Some(1),
        ),
        (
            "segment outside ST",
            file(&format!("BHT*0019~\n{SET}")),
            Rule::EnvelopeOrder,
            3,
            "BHT",
            None,
        ),
        (
            "missing IEA",
            file(SET).replace("IEA*1*000000017~\n", ""),
            Rule::TrailerMissing,
            6,
            "GE",
            None,
        ),
        (
            "missing SE",
            file(&SET.replace("SE*3*0001~\n", "")),
            Rule::EnvelopeOrder,
            5,
            "GE",
            None,
        ),
        (
            "after IEA",
            format!("{}GS*HC~\n", file(SET)),
            Rule::EnvelopeOrder,
            8,
            "GS",
            None,
        ),
    ];
    for (what, text, rule, segment, id, element) in cases {
        assert_eq!(
            first_error(&text),
            (rule, segment, id.to_owned(), element),
            "{what}"
        );
    }
}
