//! Dashboard (issue #4): server-rendered SVG charts, each with its numbers in a table, from the
//! app's `dashboard_facts` (records the user's organization may see). Bucketing by week, age and
//! county happens here; it is presentation, not a rule.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::ToSpan;
use jiff::civil::Date;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::{status_words, zone};
use crate::layout::{Area, Nav, render};
use crate::web::Authed;

/// Weeks shown in the decisions chart.
const WEEKS: i64 = 8;

/// One horizontal bar, laid out.
pub(crate) struct HBar {
    pub label: String,
    pub value: usize,
    pub y: i64,
    pub text_y: i64,
    pub width: i64,
    pub value_x: i64,
}

/// A horizontal bar chart, laid out for a 640-wide SVG.
pub(crate) struct HChart {
    pub height: i64,
    pub bars: Vec<HBar>,
}

const LABEL_W: i64 = 220;
const PLOT_W: i64 = 360;
const ROW_H: i64 = 28;

fn hchart(items: Vec<(String, usize)>) -> HChart {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let bars = items
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = i64::try_from(i).unwrap_or(0) * ROW_H + 8;
            let width =
                i64::try_from(value).unwrap_or(0) * PLOT_W / i64::try_from(max).unwrap_or(1);
            HBar {
                label,
                value,
                y,
                text_y: y + 15,
                width,
                value_x: LABEL_W + width + 6,
            }
        })
        .collect::<Vec<_>>();
    HChart {
        height: i64::try_from(bars.len()).unwrap_or(0) * ROW_H + 16,
        bars,
    }
}

/// One week's column: decisions on time (bottom) and late (top).
pub(crate) struct WeekColumn {
    pub label: String,
    pub on_time: usize,
    pub late: usize,
    pub x: i64,
    pub label_x: i64,
    pub on_time_y: i64,
    pub on_time_h: i64,
    pub late_y: i64,
    pub late_h: i64,
}

const COL_W: i64 = 48;
const COL_GAP: i64 = 26;
const PLOT_H: i64 = 180;
const BASE_Y: i64 = 200;

fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

pub(crate) struct AgeRow {
    pub status: String,
    pub under_7: usize,
    pub from_7_to_30: usize,
    pub over_30: usize,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub(crate) struct DashboardPage {
    pub nav: Option<Nav>,
    pub weeks: Vec<WeekColumn>,
    pub decided_total: usize,
    pub referrals: HChart,
    pub referral_ages: Vec<AgeRow>,
    pub referrals_total: usize,
    pub pofs: HChart,
    pub enrolled_total: usize,
    pub cs_counties: Vec<String>,
    pub cs_rows: Vec<(String, Vec<usize>, usize)>,
    /// Record kinds counted from the first `MAX_RECORDS_PER_KIND` records only.
    pub capped: Vec<String>,
    pub cap: usize,
}

pub(crate) async fn dashboard(State(state): State<UiState>, authed: Authed) -> Response {
    let nav = Nav::new(&authed.0, Area::Dashboard);
    let app = &state.web.app;
    let now = state.now();
    let facts = match app.dashboard_facts(authed.actor(), now).await {
        Ok(f) => f,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let tz = zone(&app.pack().clocks.time_zone.value);
    let this_week = monday_of(now.to_zoned(tz.clone()).date());

    // Decisions on time vs late, by the local week of the decision.
    let mut weeks: Vec<(Date, usize, usize)> = (0..WEEKS)
        .rev()
        .filter_map(|w| this_week.checked_sub((w * 7).days()).ok())
        .map(|d| (d, 0, 0))
        .collect();
    for d in &facts.decisions {
        let week = monday_of(d.decided_at.to_zoned(tz.clone()).date());
        if let Some(slot) = weeks.iter_mut().find(|(w, _, _)| *w == week) {
            if d.on_time {
                slot.1 += 1;
            } else {
                slot.2 += 1;
            }
        }
    }
    let decided_total = weeks.iter().map(|(_, a, b)| a + b).sum();
    let max = weeks
        .iter()
        .map(|(_, a, b)| a + b)
        .max()
        .unwrap_or(0)
        .max(1);
    let max = i64::try_from(max).unwrap_or(1);
    let weeks = weeks
        .into_iter()
        .enumerate()
        .map(|(i, (week, on_time, late))| {
            let x = 40 + i64::try_from(i).unwrap_or(0) * (COL_W + COL_GAP);
            let on_time_h = i64::try_from(on_time).unwrap_or(0) * PLOT_H / max;
            let late_h = i64::try_from(late).unwrap_or(0) * PLOT_H / max;
            WeekColumn {
                label: week.strftime("%b %-d").to_string(),
                on_time,
                late,
                x,
                label_x: x + COL_W / 2,
                on_time_y: BASE_Y - on_time_h,
                on_time_h,
                late_y: BASE_Y - on_time_h - late_h,
                late_h,
            }
        })
        .collect();

    // Open referrals by status, and by how long they have waited.
    let mut by_status: BTreeMap<String, AgeRow> = BTreeMap::new();
    for r in &facts.open_referrals {
        let days = now.duration_since(r.since).as_hours() / 24;
        let row = by_status.entry(r.status.clone()).or_insert_with(|| AgeRow {
            status: status_words(&r.status),
            under_7: 0,
            from_7_to_30: 0,
            over_30: 0,
        });
        match days {
            d if d < 7 => row.under_7 += 1,
            d if d <= 30 => row.from_7_to_30 += 1,
            _ => row.over_30 += 1,
        }
    }
    let referral_ages: Vec<AgeRow> = by_status.into_values().collect();
    let referrals = hchart(
        referral_ages
            .iter()
            .map(|r| (r.status.clone(), r.under_7 + r.from_7_to_30 + r.over_30))
            .collect(),
    );

    // ECM enrollment by Population of Focus (a member may meet several).
    let mut pof_counts: BTreeMap<String, usize> = BTreeMap::new();
    for pofs in &facts.ecm_enrolled_pofs {
        if pofs.is_empty() {
            *pof_counts.entry("no POF stored".to_owned()).or_default() += 1;
        }
        for p in pofs {
            *pof_counts.entry(format!("POF {p}")).or_default() += 1;
        }
    }
    let pofs = hchart(pof_counts.into_iter().collect());

    // CS authorization requests by service and county.
    let mut counties: Vec<String> = facts
        .cs_authorizations
        .iter()
        .map(|c| c.county.clone().unwrap_or_else(|| "(none)".to_owned()))
        .collect();
    counties.sort();
    counties.dedup();
    let mut services: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for c in &facts.cs_authorizations {
        let county = c.county.clone().unwrap_or_else(|| "(none)".to_owned());
        let row = services
            .entry(c.cs.as_str().replace('-', " "))
            .or_insert_with(|| vec![0; counties.len()]);
        if let Some(i) = counties.iter().position(|x| *x == county)
            && let Some(n) = row.get_mut(i)
        {
            *n += 1;
        }
    }
    let cs_rows = services
        .into_iter()
        .map(|(s, v)| {
            let total = v.iter().sum();
            (s, v, total)
        })
        .collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            nav: Some(nav),
            weeks,
            decided_total,
            referrals_total: facts.open_referrals.len(),
            referrals,
            referral_ages,
            enrolled_total: facts.ecm_enrolled_pofs.len(),
            pofs,
            cs_counties: counties,
            cs_rows,
            capped: facts.capped.clone(),
            cap: careloop_app::dashboard::MAX_RECORDS_PER_KIND,
        },
    )
}
