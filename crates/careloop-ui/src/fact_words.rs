//! The eligibility engine's fact keys in plain words (issue #16 item 5): what a care manager
//! reads, and collects, instead of `birth_date`, `enrollments.county` or
//! `indicators.smhs-criteria-met`. Presentation only: the keys and what they decide stay the
//! engine's (careloop-domain `eligibility`); a key without words here is shown with its
//! punctuation turned into spaces, never dropped.

/// Words for an indicator kind (`IndicatorKind::as_str`).
fn indicator(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "homelessness" => "Is the member homeless (which DHCS condition)?",
        "couch-surfing" => {
            "Is the member staying with others after losing housing or for money reasons?"
        }
        "temporary-lodging" => {
            "Is the member living in a motel, hotel, trailer park, campground or shelter?"
        }
        "living-with-dependent-children" => {
            "Do children or youth the member supports live with them?"
        }
        "at-risk-of-homelessness" => "Is the member at risk of homelessness?",
        "housed-after-homelessness" => "Was the member homeless before, and housed since when?",
        "ces-prioritized" => "Is the member prioritized by the local Coordinated Entry System?",
        "complex-need" => {
            "Does the member have a complex physical, behavioral or developmental need they cannot manage alone?"
        }
        "smhs-criteria-met" => {
            "Does the member meet criteria for, or receive, Specialty Mental Health Services?"
        }
        "dmc-criteria-met" => {
            "Does the member meet criteria for, or receive, Drug Medi-Cal (DMC or DMC-ODS)?"
        }
        "complex-social-risk-factor" => {
            "Does the member have a complex social risk factor affecting health?"
        }
        "pregnancy" => "Is the member pregnant?",
        "postpartum" => "Did the member give birth recently (delivery date)?",
        "high-risk-overdose-suicide-institutionalization" => {
            "Is the member at high risk of overdose, suicide or institutionalization?"
        }
        "reliance-on-crisis-services" => {
            "Does the member rely on crisis or urgent services as the main source of care?"
        }
        "ltc-qualifying-factors" => "Does the member meet long-term care qualifying factors?",
        "lower-acuity-skilled-nursing-need" => "Does the member need lower-acuity skilled nursing?",
        "complex-social-environmental-factor" => {
            "Does the member have a complex social or environmental factor (help with daily activities, food, housing, living alone)?"
        }
        "adl-iadl-needs" => "Does the member need help with daily activities (ADLs/IADLs)?",
        "able-to-live-in-community" => "Can the member live safely in the community with support?",
        "nursing-facility-stay" => "Has the member stayed in a nursing facility (dates)?",
        "interest-in-leaving-nf" => "Does the member want to leave the nursing facility?",
        "likely-candidate" => {
            "Is the member a likely candidate to move out of the nursing facility?"
        }
        "decision-making-capacity" => {
            "Can the member make their own decisions (or has a representative)?"
        }
        "caregiver-or-ihss-support" => "Does the member have a caregiver or IHSS support?",
        "adl-iadl-manageable-in-community" => {
            "Can the member's daily-activity needs be met in the community?"
        }
        "nf-level-of-care" => "Does the member meet nursing facility level of care?",
        "willing-to-live-in-alf" => "Is the member willing to live in an assisted living facility?",
        "can-live-safely-in-alf" => "Can the member live safely in an assisted living facility?",
        "ccs" => "Is the child enrolled in California Children's Services (CCS)?",
        "ccs-wcm" => "Is the child enrolled in CCS Whole Child Model?",
        "foster-care" => "Is (or was) the member in foster care (dates)?",
        "adoption-assistance" => "Does the member receive adoption assistance?",
        "family-maintenance" => "Is the member's family in child welfare family maintenance?",
        "ghpp" => "Is the member in the Genetically Handicapped Persons Program?",
        "pediatric-palliative-care-waiver" => {
            "Is the child in the pediatric palliative care waiver?"
        }
        "release-from-incarceration" => {
            "Was (or will) the member be released from incarceration (date)?"
        }
        "mental-illness" => "Does the member have a mental illness diagnosis?",
        "substance-use-disorder" => "Does the member have a substance use disorder diagnosis?",
        "chronic-condition" => "Does the member have a chronic condition?",
        "traumatic-brain-injury" => "Does the member have a traumatic brain injury?",
        "hiv-aids" => "Does the member have HIV/AIDS?",
        "racial-ethnic-disparity-group" => {
            "Is the member in a racial or ethnic group with documented birth disparities?"
        }
        "waiver-1915c" => "Is the member in a 1915(c) HCBS waiver (HCBA, ALW, MSSP and others)?",
        "hospice" => "Is the member in hospice?",
        "pace" => "Is the member in PACE?",
        "ccm" => "Is the member in the plan's Complex Care Management?",
        "cct" => "Is the member in California Community Transitions?",
        "legacy-wpc" => "Was the member in Whole Person Care?",
        "legacy-hhp" => "Was the member in the Health Homes Program?",
        "legacy-mssp" => "Was the member in MSSP before ECM?",
        "engaged-with-care-manager" => "Is the member already working with a care manager?",
        "willing-to-receive-cs" => "Is the member willing to receive Community Supports?",
        "transitioning-population" => {
            "Is the member leaving an institution, incarceration, child welfare, interim housing or recuperative care, or unsheltered?"
        }
        "housing-support-plan" => "Does the member have a housing support plan?",
        "serious-health-condition" => "Does the member have a serious health condition?",
        "institutional-discharge" => {
            "Was the member recently discharged from a hospital, psychiatric, SUD treatment or correctional setting?"
        }
        "high-medical-or-behavioral-need" => {
            "Does the member have a high medical or behavioral need?"
        }
        "needs-recuperative-care" => {
            "Is the member too ill to recover at home but not ill enough for a hospital?"
        }
        "caregiver-dependent" => {
            "Does the member depend on a caregiver to stay out of institutional care?"
        }
        "at-risk-of-institutionalization" => {
            "Is the member at risk of hospitalization or nursing facility placement?"
        }
        "ihss-approved" => "Is the member approved for IHSS?",
        "diet-sensitive-chronic-condition" => {
            "Does the member have a chronic condition a diet affects?"
        }
        "found-intoxicated" => "Was the member found intoxicated?",
        "intellectual-developmental-disability" => {
            "Does the member have an intellectual or developmental disability?"
        }
        "functional-deficits-without-support" => {
            "Does the member have functional deficits and no adequate support?"
        }
        "poorly-controlled-asthma" => {
            "Is the member's asthma poorly controlled (ED visits, asthma control test, provider's recommendation)?"
        }
        _ => return None,
    })
}

/// A fact key of the engine (a missing fact, an evidence kind) in plain words.
pub(crate) fn fact_words(key: &str) -> String {
    let known = match key {
        "birth_date" => Some("Birth date"),
        "as_of" => Some("The day eligibility is checked for"),
        "enrollments" => Some("Medi-Cal plan enrollment (plan and start date)"),
        "enrollments.county" => Some("County of the Medi-Cal plan enrollment"),
        "utilization.events" => Some("Emergency visits and hospital stays in the look-back period"),
        "utilization.data_through" => Some("How recent the emergency and hospital data is"),
        "ecm.legacy_enrollment" => {
            Some("Was the member in Whole Person Care or Health Homes before ECM?")
        }
        _ => None,
    };
    if let Some(w) = known {
        return w.to_owned();
    }
    let bare = key
        .strip_prefix("indicators.")
        .or_else(|| key.strip_prefix("exclusion."))
        .unwrap_or(key);
    let first = bare.split('.').next().unwrap_or(bare);
    if let Some(w) = indicator(first).or_else(|| indicator(&first.replace('_', "-"))) {
        // A sub-fact (e.g. `indicators.homelessness.housing_loss_date`) names its part too.
        return match bare.split_once('.') {
            Some((_, part)) => format!("{w} ({})", part.replace(['_', '-', '.'], " ")),
            None => w.to_owned(),
        };
    }
    let words = bare.replace(['_', '-', '.'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A criterion's description with the engine's own words for its inputs made plain ("Age on
/// as_of" → "Age on the day checked").
pub(crate) fn plain(description: &str) -> String {
    description
        .replace("on as_of", "on the day checked")
        .replace("as_of", "the day checked")
        .replace("birth_date", "birth date")
}

/// The missing facts as a short checklist: plain words, each once, in the engine's order.
pub(crate) fn checklist(keys: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in keys {
        let w = fact_words(k);
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_words() {
        assert_eq!(fact_words("birth_date"), "Birth date");
        assert_eq!(
            fact_words("indicators.smhs-criteria-met"),
            "Does the member meet criteria for, or receive, Specialty Mental Health Services?"
        );
        assert_eq!(
            fact_words("indicators.homelessness.housing_loss_date"),
            "Is the member homeless (which DHCS condition)? (housing loss date)"
        );
        assert_eq!(fact_words("exclusion.hospice"), "Is the member in hospice?");
        assert_eq!(fact_words("something_new.part"), "Something new part");
        assert!(!fact_words("enrollments.county").contains('_'));
        assert_eq!(
            plain("Age on as_of selects the adult (21+) criteria"),
            "Age on the day checked selects the adult (21+) criteria"
        );
    }

    #[test]
    fn every_indicator_kind_has_words() {
        use careloop_domain::eligibility::IndicatorKind;
        let without: Vec<&str> = IndicatorKind::ALL
            .iter()
            .map(|k| k.as_str())
            .filter(|k| indicator(k).is_none())
            .collect();
        assert!(
            without.is_empty(),
            "indicator kinds without words: {without:?}"
        );
    }

    #[test]
    fn a_checklist_names_each_fact_once() {
        let keys = vec![
            "birth_date".to_owned(),
            "indicators.pregnancy".to_owned(),
            "birth_date".to_owned(),
        ];
        assert_eq!(
            checklist(&keys),
            vec![
                "Birth date".to_owned(),
                "Is the member pregnant?".to_owned()
            ]
        );
    }
}
