//! POF 1a and 1b: individuals experiencing homelessness (CALAIM.md §2.2, §2.3 [6][4]).

use super::{Variant, Variants, criteria, negated, no_criteria};
use crate::eligibility::ctx::Ctx;
use crate::eligibility::facts::IndicatorKind;
use crate::eligibility::homeless::homeless;
use crate::eligibility::trace::Trace;

/// 1a, adults 21+ without dependent children/youth living with them: homeless AND ≥1 complex
/// physical, behavioral or developmental need they cannot self-manage.
pub(crate) fn pof_1a(ctx: &Ctx<'_>) -> Variants {
    let name = &ctx.policy.populations.pof_1a;
    let c = name.citation();
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
        homeless(ctx, "pof1a.adult"),
        ctx.fact(
            "pof1a.adult.complex_need",
            "At least one complex physical, behavioral or developmental need the member cannot self-manage",
            IndicatorKind::ComplexNeed,
            c.clone(),
        ),
        negated(ctx.fact(
            "pof1a.adult.without_dependent_children",
            "No dependent children/youth living with the member (families are POF 1b)",
            IndicatorKind::LivingWithDependentChildren,
            c,
        )),
    ]
    });
    let child = no_criteria(
        ctx,
        Variant::ChildYouth,
        "1a",
        "children/youth are POF 1b",
        name,
    );
    Variants { adult, child }
}

/// 1b, homeless families and unaccompanied children/youth: homeless under the modified HUD
/// definition OR couch surfing after losing housing OR living in motels, hotels, trailer parks,
/// campgrounds or shelters. Adults qualify as a family (dependent children living with them).
/// "Housing insecurity" (HPSM's wording, seed 003) is read as exactly these conditions
/// (`homelessness.pof_1b_housing_insecurity`); `at-risk-of-homelessness` alone does not count.
pub(crate) fn pof_1b(ctx: &Ctx<'_>) -> Variants {
    let c = ctx.policy.populations.pof_1b.citation();
    let insecurity = &ctx.policy.homelessness.pof_1b_housing_insecurity;
    let housing = |variant: &str| {
        let prefix = format!("pof1b.{variant}");
        Trace::any_of(
            format!("{prefix}.homeless_or_unstably_housed"),
            insecurity.value.clone(),
            insecurity.citation(),
            vec![
                homeless(ctx, &prefix),
                ctx.fact(
                    &format!("{prefix}.couch_surfing"),
                    "Sharing others' housing due to loss of housing or economic hardship",
                    IndicatorKind::CouchSurfing,
                    c.clone(),
                ),
                ctx.fact(
                    &format!("{prefix}.temporary_lodging"),
                    "Living in a motel, hotel, trailer park, campground or shelter",
                    IndicatorKind::TemporaryLodging,
                    c.clone(),
                ),
            ],
        )
    };
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
            ctx.fact(
                "pof1b.adult.family_with_dependent_children",
                "Dependent children/youth live with the member (a homeless family)",
                IndicatorKind::LivingWithDependentChildren,
                c.clone(),
            ),
            housing("adult"),
        ]
    });
    let child = criteria(ctx, Variant::ChildYouth, || vec![housing("child")]);
    Variants { adult, child }
}
