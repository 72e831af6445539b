//! The synthetic vocabulary (names, languages, places) and the example member facts the demo
//! members are drawn from. Every name is obviously synthetic.

pub(crate) const GIVEN: [&str; 16] = [
    "Alex", "Bianca", "Carlos", "Dana", "Eun-ji", "Farah", "Gabriel", "Hoa", "Imani", "Jorge",
    "Kai", "Lupe", "Minh", "Nadia", "Omar", "Priya",
];
pub(crate) const FAMILY: [&str; 12] = [
    "Example",
    "Sample",
    "Placeholder",
    "Testcase",
    "Fixture",
    "Mockton",
    "Demoson",
    "Synthwell",
    "Fakeley",
    "Dummond",
    "Prototype",
    "Specimen",
];
pub(crate) const LANGUAGES: [&str; 6] = ["en", "es", "zh-Hant", "vi", "tl", "ru"];
pub(crate) const PLACES: [&str; 20] = [
    "Bayside",
    "Cedar",
    "Harbor",
    "Juniper",
    "Lakeview",
    "Mesa",
    "Oakridge",
    "Pinecrest",
    "Redwood",
    "Riverbend",
    "Sierra",
    "Sunrise",
    "Valley",
    "Willow",
    "Coastline",
    "Foothill",
    "Meadow",
    "Granite",
    "Orchard",
    "Summit",
];

/// The example facts (examples/members/*.json) the members are drawn from, with the claimed POF.
pub(crate) const TEMPLATES: [(&str, &str, Option<&str>); 13] = [
    (
        "pof-1a-adult",
        include_str!("../../../examples/members/pof-1a-adult.json"),
        Some("1a"),
    ),
    (
        "pof-1b-child",
        include_str!("../../../examples/members/pof-1b-child.json"),
        Some("1b"),
    ),
    (
        "pof-2-adult",
        include_str!("../../../examples/members/pof-2-adult.json"),
        Some("2"),
    ),
    (
        "pof-2-child",
        include_str!("../../../examples/members/pof-2-child.json"),
        Some("2"),
    ),
    (
        "pof-3-adult",
        include_str!("../../../examples/members/pof-3-adult.json"),
        Some("3"),
    ),
    (
        "pof-4-adult",
        include_str!("../../../examples/members/pof-4-adult.json"),
        Some("4"),
    ),
    (
        "pof-5-adult",
        include_str!("../../../examples/members/pof-5-adult.json"),
        Some("5"),
    ),
    (
        "pof-6-adult",
        include_str!("../../../examples/members/pof-6-adult.json"),
        Some("6"),
    ),
    (
        "pof-7-child",
        include_str!("../../../examples/members/pof-7-child.json"),
        Some("7"),
    ),
    (
        "pof-8-child",
        include_str!("../../../examples/members/pof-8-child.json"),
        Some("8"),
    ),
    (
        "pof-9-adult",
        include_str!("../../../examples/members/pof-9-adult.json"),
        Some("9"),
    ),
    (
        "hpsm-dsnp",
        include_str!("../../../examples/members/hpsm-dsnp.json"),
        None,
    ),
    (
        "undetermined",
        include_str!("../../../examples/members/undetermined.json"),
        None,
    ),
];

pub(crate) const EXCLUSIONS: [&str; 5] = ["hospice", "pace", "ccm", "cct", "waiver-1915c"];
