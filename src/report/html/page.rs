//! The whole page, section by section.

use std::fmt::Write;

use super::{esc, fixed, svg, table, Page, ROW_CAP};
use crate::language::human::count;

/// The page may fetch nothing (no network, even if some text slipped
/// through unescaped): only its own inline style and scripts run.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";
/// The page's style: plain, black on white, and a print style.
const STYLE: &str = include_str!("style.css");
/// Collects script errors into the page (`data-errors` on `<html>`), so a
/// test reading the DOM sees them; first in `<head>`, before anything
/// else can fail.
const ERRORS: &str = include_str!("errors.js");
/// Sorts the rows table; the only thing that needs JavaScript.
const SORT: &str = include_str!("sort.js");

/// The page for `p`, as one HTML document.
pub fn render(p: &Page) -> String {
    let r = p.report;
    let title = match &p.rules.name {
        Some(n) => format!("Screening report: {n}"),
        None => format!("Screening report: {}", p.rules.file),
    };
    let mut out = String::with_capacity(64 * 1024 + p.rows.len().min(ROW_CAP) * 400);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"influence-eval {}\">\
         <title>{}</title><script>{ERRORS}</script><style>{STYLE}</style></head><body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"files\">Rules <code>{}</code> · data <code>{}</code></p></header>\n<main>\n",
        esc(&title),
        esc(&p.rules.file),
        esc(p.data_file)
    );
    counts(&mut out, p);
    funnel(&mut out, p);
    scores(&mut out, p);
    rows(&mut out, p);
    if let Some(team) = &r.team {
        super::team::section(&mut out, team);
    }
    near_misses(&mut out, p);
    warnings(&mut out, p);
    let _ = writeln!(
        out,
        "<section id=\"rules\"><h2>The rules</h2><p class=\"note\">{}</p>\
         <pre id=\"rules-text\"><code>{}</code></pre></section>",
        esc(&p.rules.file),
        esc(&p.rules.text)
    );
    let _ = write!(
        out,
        "</main>\n<footer>Made by influence-eval {} from <code>{}</code> and <code>{}</code>; \
         {} creators screened.</footer>\n<script>{SORT}</script></body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&p.rules.file),
        esc(p.data_file),
        count(r.evaluated)
    );
    out
}

/// The counts: a number per status, each with an id for readers and tests.
fn counts(out: &mut String, p: &Page) {
    let r = p.report;
    out.push_str("<section id=\"counts\"><h2>Counts</h2><dl class=\"counts\">");
    let mut item = |id: &str, name: &str, n: usize| {
        let _ = write!(
            out,
            "<div><dt>{name}</dt><dd id=\"count-{id}\">{}</dd></div>",
            count(n)
        );
    };
    item("evaluated", "evaluated", r.evaluated);
    item("accepted", "accepted", r.accepted);
    item("review", "review", r.review);
    item("rejected", "rejected", r.rejected);
    item("errors", "errors", r.errors);
    if r.skipped > 0 {
        item("skipped", "empty rows skipped", r.skipped);
    }
    item("shortlisted", "shortlisted", r.shortlist.len());
    out.push_str("</dl></section>\n");
}

/// The funnel chart, and its numbers as a table (with how many fail each
/// requirement on its own).
fn funnel(out: &mut String, p: &Page) {
    let r = p.report;
    let screened = r.evaluated - r.errors;
    let _ = write!(
        out,
        "<section id=\"funnel\"><h2>Funnel</h2><p class=\"note\">Requirements in file order: \
         each removes the creators it is the first to reject. Creators in error ({}) are left out.</p>{}",
        count(r.errors),
        svg::funnel(&r.funnel, screened)
    );
    if r.funnel.is_empty() {
        out.push_str("<p>The rules have no requirement.</p></section>\n");
        return;
    }
    out.push_str(
        "<div class=\"scroll\"><table class=\"data\" id=\"funnel-table\"><thead><tr>\
         <th scope=\"col\">requirement</th><th scope=\"col\" class=\"num\">removed</th>\
         <th scope=\"col\" class=\"num\">remaining</th>\
         <th scope=\"col\" class=\"num\">fail it (counted alone)</th></tr></thead><tbody>",
    );
    for s in &r.funnel {
        let alone = r
            .failures
            .get(&s.rule)
            .and_then(serde_json::Value::as_u64)
            .map_or_else(String::new, |n| count(n as usize));
        let _ = write!(
            out,
            "<tr data-rule=\"{}\"><th scope=\"row\">{}</th><td class=\"num removed\">{}</td>\
             <td class=\"num remaining\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&s.rule),
            esc(&s.rule),
            count(s.removed),
            count(s.remaining),
            alone
        );
    }
    out.push_str("</tbody></table></div></section>\n");
}

/// The score histogram with the tier cut-offs, and the tiers: their
/// counts, conditions and score ranges.
fn scores(out: &mut String, p: &Page) {
    let r = p.report;
    let tiers = &p.rules.tiers;
    let with_cutoff = tiers.iter().filter(|t| t.cutoff.is_some()).count();
    let note = if tiers.is_empty() {
        "The rules have no tiers."
    } else if with_cutoff == tiers.iter().filter(|t| t.condition.is_some()).count() {
        "Dashed lines: the tiers' score cut-offs."
    } else if with_cutoff > 0 {
        "Dashed lines: the cut-offs of the tiers whose condition is a score threshold; \
         the others are conditions on more than the score: their score ranges are below."
    } else {
        "The tiers are conditions on more than the score: their score ranges are below."
    };
    let _ = writeln!(
        out,
        "<section id=\"scores\"><h2>Scores of the accepted creators</h2>\
         <p class=\"note\">All {} accepted creators, in bins of 0.05. {note}</p>{}</section>",
        count(r.accepted),
        svg::histogram(&r.scores, tiers)
    );
    if tiers.is_empty() && r.scores.untiered.count == 0 {
        return;
    }
    out.push_str("<section id=\"tiers\"><h2>Tiers</h2>");
    if !tiers.is_empty() {
        out.push_str(&svg::tier_spread(&r.scores, tiers));
    }
    out.push_str(
        "<div class=\"scroll\"><table class=\"data\" id=\"tier-table\"><thead><tr>\
         <th scope=\"col\">tier</th><th scope=\"col\">condition</th>\
         <th scope=\"col\" class=\"num\">creators</th><th scope=\"col\" class=\"num\">share</th>\
         <th scope=\"col\">scores</th></tr></thead><tbody>",
    );
    let accepted: usize = r.scores.bins.iter().sum();
    let share = |n: usize| {
        if accepted == 0 {
            String::new()
        } else {
            format!("{}%", fixed(n as f64 / accepted as f64 * 100.0, 1, true))
        }
    };
    let range = |s: &crate::report::TierSpread| match s.range {
        Some((lo, hi)) => format!("{} to {}", fixed(lo, 4, false), fixed(hi, 4, false)),
        None => String::new(),
    };
    let untiered = (r.scores.untiered.count > 0).then_some(("(no tier)", None, &r.scores.untiered));
    let listed = tiers
        .iter()
        .zip(&r.scores.tiers)
        .map(|(t, s)| {
            (
                t.name.as_str(),
                Some(t.condition.as_deref().unwrap_or("otherwise")),
                s,
            )
        })
        .chain(untiered);
    for (name, condition, s) in listed {
        let _ = write!(
            out,
            "<tr data-tier=\"{}\"><th scope=\"row\">{}</th><td><code>{}</code></td>\
             <td class=\"num count\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(name),
            esc(name),
            esc(condition.unwrap_or("")),
            count(s.count),
            share(s.count),
            range(s)
        );
    }
    out.push_str("</tbody></table></div></section>\n");
}

/// The rows table, with a note when rows were left out.
fn rows(out: &mut String, p: &Page) {
    let shown = p.rows.len().min(ROW_CAP);
    let _ = write!(
        out,
        "<section id=\"table\"><h2>{} ({})</h2>",
        esc(p.rows_title),
        count(p.total_rows.max(shown))
    );
    if p.total_rows > shown {
        let _ = write!(
            out,
            "<p class=\"cap\" id=\"row-cap\">The table shows the first {} of {} rows: a page holds \
             at most {} (--format csv or xlsx with the same --rows has them all).</p>",
            count(shown),
            count(p.total_rows),
            count(ROW_CAP)
        );
    }
    if shown == 0 {
        out.push_str("<p>No rows.</p></section>\n");
        return;
    }
    out.push_str(
        "<p class=\"note js-only\" id=\"sort-hint\" hidden>Click a column heading to sort by it; \
         click again to reverse.</p>",
    );
    table::rows_table(out, p.rows, &p.rules.signals);
    out.push_str("</section>\n");
}

fn near_misses(out: &mut String, p: &Page) {
    out.push_str(
        "<section id=\"near\"><h2>Near misses</h2><p class=\"note\">Rejected by one requirement \
         only, nearest to passing first (the gap relative to the bound, then the score), with \
         what would make each pass.</p>",
    );
    match &p.report.near_misses {
        None => out.push_str("<p>Not listed: run with --near-misses N.</p>"),
        Some(n) if n.is_empty() => {
            out.push_str("<p>No creator was rejected by exactly one requirement.</p>")
        }
        Some(n) => table::near_misses(out, n),
    }
    out.push_str("</section>\n");
}

fn warnings(out: &mut String, p: &Page) {
    out.push_str("<section id=\"warnings\"><h2>Warnings</h2>");
    if p.report.warnings.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str("<ul>");
        for w in &p.report.warnings {
            let _ = write!(out, "<li>{}</li>", esc(w));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}
