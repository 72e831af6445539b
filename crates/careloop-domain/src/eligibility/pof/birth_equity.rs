//! POF 9, Birth Equity (CALAIM.md §2.2 [4][8]), and the pregnant-or-postpartum test it shares
//! with POF 3 and POF 4.

use super::{Variant, Variants, criteria};
use crate::cite::Citation;
use crate::eligibility::ctx::{Ctx, Finding};
use crate::eligibility::facts::IndicatorKind;
use crate::eligibility::trace::Trace;

/// Pregnant on as_of, OR postpartum: delivered within the postpartum window (12 months,
/// `ecm.toml [birth_equity]`) ending on as_of. A delivery exactly 12 months before as_of counts.
pub(crate) fn pregnant_or_postpartum(ctx: &Ctx<'_>, prefix: &str, citation: Citation) -> Trace {
    let pp = &ctx.policy.birth_equity.postpartum_window_months;
    let window = ctx.months_window(pp.value);
    Trace::any_of(
        format!("{prefix}.pregnant_or_postpartum"),
        format!("Pregnant, or postpartum through {} months", pp.value),
        citation.clone(),
        vec![
            ctx.fact(
                &format!("{prefix}.pregnant"),
                "Pregnant on as_of",
                IndicatorKind::Pregnancy,
                citation,
            ),
            postpartum(ctx, window.from)
                .trace(
                    &format!("{prefix}.postpartum"),
                    &format!("Delivery within the last {} months", pp.value),
                    pp.citation(),
                )
                .with_window(window),
        ],
    )
}

/// Postpartum: `start` of a `postpartum` indicator is the delivery date.
fn postpartum(ctx: &Ctx<'_>, from: jiff::civil::Date) -> Finding {
    ctx.indicator_started_since(IndicatorKind::Postpartum, from)
}

/// POF 9: pregnant or postpartum (12 months) AND in a group subject to racial or ethnic
/// disparities. Same criteria for adults and youth.
pub(crate) fn pof_9(ctx: &Ctx<'_>) -> Variants {
    let c = ctx.policy.populations.pof_9.citation();
    let branch = |variant: &str| {
        let prefix = format!("pof9.{variant}");
        vec![
            pregnant_or_postpartum(ctx, &prefix, c.clone()),
            ctx.fact(
                &format!("{prefix}.disparity_group"),
                "In a racial or ethnic group subject to disparities",
                IndicatorKind::RacialEthnicDisparityGroup,
                c.clone(),
            ),
        ]
    };
    Variants {
        adult: criteria(ctx, Variant::Adult, || branch("adult")),
        child: criteria(ctx, Variant::ChildYouth, || branch("child")),
    }
}
