//! The checks that make member facts untrue or unusable ([`MemberFacts::problems`]): dates that
//! cannot be, spans that end before they start, unknown plans, strings and lists past their rule.
//! Kept beside `facts.rs` (the format) so each file stays readable.

use super::facts::{
    FactsError, MAX_AGE_YEARS, MAX_ENROLLMENTS, MAX_EVENTS, MAX_INDICATORS, MemberFacts,
};
use jiff::civil::Date;

fn text_problem(
    problems: &mut Vec<FactsError>,
    field: impl FnOnce() -> String,
    result: Result<(), crate::text::TextError>,
) {
    if let Err(source) = result {
        problems.push(FactsError::Text {
            field: field(),
            source,
        });
    }
}

fn span_problem(
    problems: &mut Vec<FactsError>,
    field: impl FnOnce() -> String,
    start: Date,
    end: Option<Date>,
) {
    if let Some(end) = end
        && end < start
    {
        problems.push(FactsError::EndBeforeStart {
            field: field(),
            start,
            end,
        });
    }
}

/// The enrollment `span` (index `i`) running past the last day its plan served the span's county
/// (any county when the span names none): the span up to `as_of` (or its end) must lie within
/// the plan's service. `None` while the plan's service there is open-ended.
fn past_plan_end(
    plan: &crate::policy::PlanOverlay,
    span: &super::facts::EnrollmentSpan,
    as_of: Date,
    i: usize,
) -> Option<FactsError> {
    let last_day = plan.last_day(span.county.as_deref())?;
    let through = span.end.map_or(as_of, |e| e.min(as_of)).max(span.start);
    (through > last_day).then(|| FactsError::PlanEnded {
        field: format!("enrollments[{i}]"),
        plan: plan.id.clone(),
        last_day,
        through,
    })
}

impl MemberFacts {
    /// Every problem that makes these facts untrue or unusable on `as_of` under `pack`, each
    /// naming its field: a birth date after `as_of` (or more than 130 years before it); a span
    /// (enrollment, indicator, utilization data period) that ends before it starts; an
    /// enrollment in a plan the pack does not know; a string or list past its rule
    /// (`member_id`, `plan`, ids: [`crate::text::check_id`]; county, line of business, state,
    /// detail: [`crate::text::check_line`]; at most [`MAX_ENROLLMENTS`], [`MAX_INDICATORS`],
    /// [`MAX_EVENTS`]). Future indicator dates are allowed: a scheduled release from
    /// incarceration is dated ahead (see [`Indicator::start`]).
    pub fn problems(&self, as_of: Date, pack: &crate::policy::PolicyPack) -> Vec<FactsError> {
        use crate::text::{check_id, check_items, check_line};
        let mut problems = Vec::new();
        if let Some(id) = &self.member_id {
            text_problem(&mut problems, || "member_id".into(), check_id(id));
        }
        if let Some(birth) = self.birth_date {
            if birth > as_of {
                problems.push(FactsError::BirthDateAfterAsOf {
                    birth_date: birth,
                    as_of,
                });
            } else if as_of
                .checked_sub(jiff::Span::new().years(MAX_AGE_YEARS))
                .is_ok_and(|oldest| birth < oldest)
            {
                problems.push(FactsError::BirthDateTooEarly {
                    birth_date: birth,
                    as_of,
                });
            }
        }
        text_problem(
            &mut problems,
            || "enrollments".into(),
            check_items(self.enrollments.len(), MAX_ENROLLMENTS),
        );
        for (i, span) in self.enrollments.iter().enumerate().take(MAX_ENROLLMENTS) {
            match check_id(&span.plan) {
                Err(source) => problems.push(FactsError::Text {
                    field: format!("enrollments[{i}].plan"),
                    source,
                }),
                Ok(()) => match pack.known_plan(&span.plan) {
                    Err(source) => problems.push(FactsError::UnknownPlan {
                        field: format!("enrollments[{i}].plan"),
                        source,
                    }),
                    Ok(plan) => {
                        if let Some(problem) = past_plan_end(plan, span, as_of, i) {
                            problems.push(problem);
                        }
                    }
                },
            }
            if let Some(county) = &span.county {
                text_problem(
                    &mut problems,
                    || format!("enrollments[{i}].county"),
                    check_line(county),
                );
            }
            text_problem(
                &mut problems,
                || format!("enrollments[{i}].line_of_business"),
                check_line(&span.line_of_business),
            );
            span_problem(
                &mut problems,
                || format!("enrollments[{i}].end"),
                span.start,
                span.end,
            );
        }
        text_problem(
            &mut problems,
            || "indicators".into(),
            check_items(self.indicators.len(), MAX_INDICATORS),
        );
        for (i, ind) in self.indicators.iter().enumerate().take(MAX_INDICATORS) {
            if let Some(id) = &ind.id {
                text_problem(
                    &mut problems,
                    || format!("indicators[{i}].id"),
                    check_id(id),
                );
            }
            if let Some(detail) = &ind.detail {
                text_problem(
                    &mut problems,
                    || format!("indicators[{i}].detail"),
                    check_line(detail),
                );
            }
            if let Some(state) = &ind.state {
                text_problem(
                    &mut problems,
                    || format!("indicators[{i}].state"),
                    check_line(state),
                );
            }
            span_problem(
                &mut problems,
                || format!("indicators[{i}].end"),
                ind.start,
                ind.end,
            );
        }
        if let Some(u) = &self.utilization {
            if let (Some(from), Some(through)) = (u.data_from, u.data_through) {
                span_problem(
                    &mut problems,
                    || "utilization.data_through".into(),
                    from,
                    Some(through),
                );
            }
            text_problem(
                &mut problems,
                || "utilization.events".into(),
                check_items(u.events.len(), MAX_EVENTS),
            );
            for (i, e) in u.events.iter().enumerate().take(MAX_EVENTS) {
                text_problem(
                    &mut problems,
                    || format!("utilization.events[{i}].id"),
                    check_id(&e.id),
                );
            }
        }
        problems
    }

    /// The first of [`MemberFacts::problems`], if any.
    pub fn check(&self, as_of: Date, pack: &crate::policy::PolicyPack) -> Result<(), FactsError> {
        match self.problems(as_of, pack).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }
}
