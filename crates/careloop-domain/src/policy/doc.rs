//! `docs/policy.md`, generated from the pack (issue #14): each plan, its county spans and its
//! offerings with their citations, its invoice rules, and the statewide mandates. A test compares
//! the committed file with [`render`] (set `CARELOOP_UPDATE_POLICY_DOC=1` to rewrite it).

use super::PolicyPack;
use super::plan::PlanOverlay;
use crate::cite::Cited;
use jiff::civil::Date;
use std::fmt::Write as _;

/// The text of docs/policy.md for `pack`.
pub fn render(pack: &PolicyPack) -> String {
    let mut out = String::new();
    let _ = write_doc(&mut out, pack);
    out
}

fn span(from: Date, through: Option<Date>) -> String {
    match through {
        Some(t) => format!("{from} – {t}"),
        None => format!("{from} – (open)"),
    }
}

fn flag(unconfirmed: bool) -> &'static str {
    if unconfirmed { " **UNCONFIRMED**" } else { "" }
}

/// Table cells may not hold a bare `|` or a line break.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn cited<T: std::fmt::Debug>(c: &Cited<T>) -> String {
    let mut s = format!("{:?} — {}{}", c.value, cell(&c.source), flag(c.unconfirmed));
    if let Some(n) = &c.note {
        let _ = write!(s, " ({})", cell(n));
    }
    s
}

fn write_doc(out: &mut String, pack: &PolicyPack) -> std::fmt::Result {
    writeln!(out, "# Policy pack: plans, counties and offerings")?;
    writeln!(out)?;
    writeln!(
        out,
        "Generated from the embedded policy pack {} (`crates/careloop-domain/policy/`) by",
        pack.version()
    )?;
    writeln!(
        out,
        "`careloop_domain::policy::doc::render`; do not edit by hand. Regenerate with\n`CARELOOP_UPDATE_POLICY_DOC=1 cargo test -p careloop-domain --test policy_plans`.\nA test fails when this file is stale. How the pack works: docs/policy-pack.md."
    )?;
    writeln!(out)?;
    writeln!(out, "## Statewide")?;
    writeln!(out)?;
    let p = &pack.program;
    writeln!(
        out,
        "- CS election interval, months: {}",
        cited(&p.cs_election_interval_months)
    )?;
    writeln!(
        out,
        "- CS election months (changes take effect on the 1st): {}",
        cited(&p.cs_election_months)
    )?;
    writeln!(
        out,
        "- Provider capacity counts as current for, days: {}",
        cited(&p.capacity_stale_after_days)
    )?;
    for m in &p.cs_mandates {
        writeln!(
            out,
            "- Mandate: every plan offers `{}` in every county it serves from {} — {}{}",
            m.cs,
            m.effective_from,
            cell(&m.source),
            flag(m.unconfirmed)
        )?;
    }
    for plan in &pack.plans {
        write_plan(out, plan)?;
    }
    Ok(())
}

fn write_plan(out: &mut String, plan: &PlanOverlay) -> std::fmt::Result {
    writeln!(out)?;
    writeln!(out, "## {} (`{}`)", plan.name, plan.id)?;
    writeln!(out)?;
    writeln!(out, "Source: {}", plan.source)?;
    writeln!(out)?;
    writeln!(out, "| County | Span | Source |")?;
    writeln!(out, "|---|---|---|")?;
    for c in &plan.counties {
        writeln!(
            out,
            "| {} | {} | {}{} |",
            c.county,
            span(c.effective_from, c.effective_through),
            cell(&c.source),
            flag(c.unconfirmed)
        )?;
    }
    writeln!(out)?;
    if plan.offerings.is_empty() {
        writeln!(
            out,
            "No plan-elected Community Support is listed (no public source read names them); statewide mandates apply."
        )?;
    } else {
        writeln!(out, "| Community Support | Counties | Span | Source |")?;
        writeln!(out, "|---|---|---|---|")?;
        for o in &plan.offerings {
            let counties = if o.counties.is_empty() {
                "all plan counties".to_string()
            } else {
                o.counties.join(", ")
            };
            writeln!(
                out,
                "| `{}` | {} | {} | {}{} |",
                o.cs,
                counties,
                span(o.effective_from, o.effective_through),
                cell(&o.source),
                flag(o.unconfirmed)
            )?;
        }
    }
    writeln!(out)?;
    match &plan.invoice {
        None => writeln!(out, "Invoice rules: not stated.")?,
        Some(inv) => {
            writeln!(out, "Invoice rules:")?;
            writeln!(out)?;
            writeln!(
                out,
                "- timely filing, days: {}",
                cited(&inv.timely_filing_days)
            )?;
            writeln!(
                out,
                "- resubmission, days: {}",
                cited(&inv.resubmission_days)
            )?;
            if let Some(pw) = &inv.pathway {
                writeln!(out, "- accepted when: {}", cited(&pw.accepted_when))?;
                if let Some(v) = &pw.template {
                    writeln!(out, "- template: {}", cited(v))?;
                }
                if let Some(v) = &pw.required_fields {
                    writeln!(out, "- required fields: {}", cited(v))?;
                }
                if let Some(v) = &pw.send_to {
                    writeln!(out, "- sent to: {}", cited(v))?;
                }
                if let Some(v) = &pw.resubmission_grounds {
                    writeln!(out, "- resubmission grounds: {}", cited(v))?;
                }
            }
        }
    }
    Ok(())
}
