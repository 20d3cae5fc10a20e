//! The terminal table: the shortlist, the near misses, the funnel, the
//! counts and warnings, in plain text that reads the same with or without
//! colour. Given a width, wide tables shrink their id or text column, then
//! hide signal columns from the right, and say so.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::Report;
use crate::eval::value::printable;
use crate::eval::Status;
use crate::explain::distance::describe;
use crate::explain::paint::Paint;
use crate::language::human;

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// A plain text table with a header row.
struct Table {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
    /// The column that may be cut short to fit, and its least width.
    shrink: Option<(usize, usize)>,
    /// Columns from this one on may be hidden, from the right, to fit.
    droppable: Option<usize>,
    /// The column that holds a status, coloured by it.
    status: Option<usize>,
}

impl Table {
    fn new(header: &[(&str, Align)]) -> Self {
        Table {
            header: header.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
            shrink: None,
            droppable: None,
            status: None,
        }
    }

    /// Natural widths, then fitted to `width`: returns the widths of the
    /// columns shown (hidden ones are cut off the end).
    fn fit(&self, indent: usize, width: Option<usize>) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|(h, _)| h.width()).collect();
        for r in &self.rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(printable(cell).width());
            }
        }
        let Some(max) = width else {
            return widths;
        };
        let total = |w: &[usize]| indent + w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        if let Some((col, least)) = self.shrink {
            let over = total(&widths).saturating_sub(max);
            let least = least.max(self.header[col].0.width()).min(widths[col]);
            widths[col] -= over.min(widths[col] - least);
        }
        while total(&widths) > max && self.droppable.is_some_and(|d| widths.len() > d) {
            widths.pop();
        }
        widths
    }

    /// Renders the table; returns how many columns were hidden to fit.
    fn render(&self, out: &mut String, indent: &str, width: Option<usize>, paint: Paint) -> usize {
        let widths = self.fit(indent.len(), width);
        let line = |cells: &[String], header: bool, out: &mut String| {
            let mut s = String::from(indent);
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let cell = cells.get(i).map_or("", String::as_str);
                let cell = truncate(&printable(cell), *w);
                let pad = " ".repeat(w.saturating_sub(cell.width()));
                let shown = if header {
                    paint.bold(&cell)
                } else if self.status == Some(i) {
                    match Status::parse(&cell) {
                        Some(st) => paint.status(st),
                        None => cell.clone(),
                    }
                } else if cell == "-" {
                    paint.dim(&cell)
                } else {
                    cell.clone()
                };
                if self.header[i].1 == Align::Right {
                    s.push_str(&pad);
                    s.push_str(&shown);
                } else {
                    s.push_str(&shown);
                    s.push_str(&pad);
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        let header: Vec<String> = self.header.iter().map(|(h, _)| h.clone()).collect();
        line(&header, true, out);
        for r in &self.rows {
            line(r, false, out);
        }
        self.header.len() - widths.len()
    }
}

/// Shortens text to `max` columns, ending in `…`.
fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + c.to_string().width() >= max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn fixed(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), human::score)
}

/// A signal's clamped value, with the raw value beside it when clamping
/// changed it: `1.000 (2.5)`; `-` when missing.
fn signal_cell(s: &crate::eval::SignalValue) -> String {
    match (s.raw, s.clamped()) {
        (Some(raw), Some(c)) if raw != c => {
            format!(
                "{} ({})",
                human::score(c),
                human::thousands((raw * 1000.0).round() / 1000.0)
            )
        }
        (_, c) => fixed(c),
    }
}

/// Renders a report as the terminal table, without colour, at any width.
pub fn render(report: &Report) -> String {
    render_styled(report, Paint::PLAIN, None)
}

/// Renders a report as the terminal table, coloured or not, fitted to
/// `width` columns when given.
pub fn render_styled(report: &Report, paint: Paint, width: Option<usize>) -> String {
    let mut out = String::new();
    title(&mut out, report, paint, width);
    match &report.team {
        Some(team) => team_section(&mut out, report, team, paint, width),
        None => shortlist(&mut out, report, paint, width),
    }
    near_misses(&mut out, report, paint, width);
    funnel(&mut out, report, paint, width);
    totals(&mut out, report, paint);
    all_creators(&mut out, report, paint, width);
    footer(&mut out, report, paint);
    out
}

/// The ruleset's name (and date, for rules that count days) with the counts.
fn title(out: &mut String, report: &Report, paint: Paint, width: Option<usize>) {
    let title = report.ruleset.as_deref().unwrap_or("influence-eval");
    // the date matters only to rules that count days
    let title = if report.dated {
        format!("{title} (as of {})", report.today)
    } else {
        title.to_string()
    };
    let title = title.as_str();
    let counts = format!(
        "{} creators, {} accepted, {} review, {} rejected, {} errors",
        human::count(report.evaluated),
        human::count(report.accepted),
        human::count(report.review),
        human::count(report.rejected),
        human::count(report.errors)
    );
    // on a narrow terminal the counts go under the title
    let sep = match width {
        Some(w) if title.width() + 2 + counts.len() > w => "\n  ",
        _ => ": ",
    };
    let _ = writeln!(out, "{}{sep}{counts}", paint.bold(&printable(title)));
    out.push('\n');
}

/// With `select`: the team (as the shortlist), then how it was chosen and
/// each constraint's value and cost.
fn team_section(
    out: &mut String,
    report: &Report,
    team: &super::team::TeamReport,
    paint: Paint,
    width: Option<usize>,
) {
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "Team: {} chosen of {} asked, from {} eligible of {} accepted",
            human::count(team.chosen),
            human::count(team.size),
            human::count(team.eligible),
            human::count(report.accepted)
        ))
    );
    if !report.shortlist.is_empty() {
        shortlist(out, report, paint, width);
    }
    let gap = match (team.bound, team.gap) {
        (Some(b), Some(g)) => format!(
            ", at most {} possible (gap {})",
            human::score(b),
            human::score(g)
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  total score {}, {}{gap} ({} creators considered)",
        human::score(team.total_score),
        team.status,
        human::count(team.considered),
    );
    let wide = team
        .constraints
        .iter()
        .map(|c| c.constraint.width())
        .max()
        .unwrap_or(0);
    for c in &team.constraints {
        let value = match (c.used, c.cap) {
            (Some(u), Some(cap)) => format!("{} of {}", human::thousands(u), human::thousands(cap)),
            _ => c
                .groups
                .iter()
                .map(|g| format!("{} {}", printable(&g.value), g.count))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let cost = match (c.binding, c.cost, c.total_without) {
            (true, Some(cost), Some(w)) => format!(
                "  binding: costs {} ({} without it)",
                human::score(cost),
                human::score(w)
            ),
            (false, Some(_), _) => "  not binding".to_string(),
            _ => String::new(),
        };
        let pad = wide - c.constraint.width();
        let _ = writeln!(out, "  {}{} {value}{cost}", c.constraint, " ".repeat(pad));
    }
    for n in &team.notes {
        let _ = writeln!(out, "  {}", paint.dim(&format!("note: {n}")));
    }
    for i in &team.ineligible_creators {
        let _ = writeln!(
            out,
            "  {}",
            paint.dim(&format!("ineligible: {}: {}", printable(&i.id), i.reason))
        );
    }
}

/// The ranked shortlist, signal columns hidden from the right to fit.
fn shortlist(out: &mut String, report: &Report, paint: Paint, width: Option<usize>) {
    if report.shortlist.is_empty() {
        out.push_str("Shortlist: no creator was accepted\n");
    } else {
        let _ = writeln!(
            out,
            "{}",
            paint.bold(&format!(
                "Shortlist ({} of {} accepted)",
                human::count(report.shortlist.len()),
                human::count(report.accepted)
            ))
        );
        let signal_names: Vec<String> = report.shortlist[0]
            .signals
            .0
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let mut header: Vec<(&str, Align)> = vec![
            ("rank", Align::Right),
            ("id", Align::Left),
            ("score", Align::Right),
            ("tier", Align::Left),
        ];
        header.extend(signal_names.iter().map(|n| (n.as_str(), Align::Right)));
        let mut t = Table::new(&header);
        t.shrink = Some((1, 12));
        t.droppable = Some(4);
        for e in &report.shortlist {
            let mut row = vec![
                human::count(e.rank),
                truncate(&e.id, 28),
                human::score(e.score),
                e.tier.clone().unwrap_or_else(|| "-".into()),
            ];
            row.extend(e.signals.0.iter().map(signal_cell));
            t.rows.push(row);
        }
        let hidden = t.render(out, "  ", width, paint);
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  {}",
                paint.dim(&format!(
                    "({hidden} signal column{} hidden to fit; --format json has all)",
                    if hidden == 1 { "" } else { "s" }
                ))
            );
        }
    }
}

/// With `--near-misses N`: who one requirement kept out, and what would let them in.
fn near_misses(out: &mut String, report: &Report, paint: Paint, width: Option<usize>) {
    if let Some(near) = &report.near_misses {
        out.push('\n');
        let _ = writeln!(
            out,
            "{}",
            paint.bold("Near misses (rejected by one requirement only, nearest first)")
        );
        if near.is_empty() {
            out.push_str("  no creator was rejected by exactly one requirement\n");
        } else {
            let mut t = Table::new(&[
                ("id", Align::Left),
                ("score", Align::Right),
                ("requirement", Align::Left),
                ("to pass", Align::Left),
            ]);
            t.shrink = Some((3, 16));
            for n in near {
                let to_pass = if n.distance.is_empty() {
                    n.reason.clone()
                } else {
                    describe(&n.distance)
                };
                t.rows.push(vec![
                    truncate(&n.id, 28),
                    human::score(n.score),
                    n.rule.clone(),
                    to_pass,
                ]);
            }
            t.render(out, "  ", width, paint);
        }
    }
    out.push('\n');
}

/// Each requirement in file order: how many it removed, how many remain.
fn funnel(out: &mut String, report: &Report, paint: Paint, width: Option<usize>) {
    let _ = writeln!(out, "{}", paint.bold("Funnel (requirements in file order)"));
    let mut t = Table::new(&[
        ("requirement", Align::Left),
        ("removed", Align::Right),
        ("remaining", Align::Right),
        ("failed overall", Align::Right),
    ]);
    t.shrink = Some((0, 12));
    t.rows.push(vec![
        "(creators without errors)".into(),
        String::new(),
        human::count(report.evaluated - report.errors),
        String::new(),
    ]);
    for step in &report.funnel {
        let overall = report
            .failures
            .get(&step.rule)
            .and_then(|v| v.as_u64())
            .map(|n| human::count(n as usize))
            .unwrap_or_default();
        t.rows.push(vec![
            step.rule.clone(),
            human::count(step.removed),
            human::count(step.remaining),
            overall,
        ]);
    }
    t.render(out, "  ", width, paint);
    out.push('\n');
}

/// The count of each status, and the empty rows skipped.
fn totals(out: &mut String, report: &Report, paint: Paint) {
    let _ = writeln!(
        out,
        "{} {}  {} {}  {} {}  {} {}  (of {} evaluated)",
        paint.status(Status::Accepted),
        human::count(report.accepted),
        paint.status(Status::Review),
        human::count(report.review),
        paint.status(Status::Rejected),
        human::count(report.rejected),
        paint.error("errors"),
        human::count(report.errors),
        human::count(report.evaluated)
    );
    if report.skipped > 0 {
        let lines: Vec<String> = report
            .skipped_lines
            .iter()
            .take(10)
            .map(|l| l.to_string())
            .collect();
        let more = if report.skipped > lines.len() {
            ", ..."
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "skipped {} empty row{} (line{} {}{more})",
            human::count(report.skipped),
            if report.skipped == 1 { "" } else { "s" },
            if lines.len() == 1 { "" } else { "s" },
            lines.join(", ")
        );
    }
}

/// With `--all`: every verdict in input order.
fn all_creators(out: &mut String, report: &Report, paint: Paint, width: Option<usize>) {
    if let Some(all) = &report.creators {
        out.push('\n');
        let _ = writeln!(out, "{}", paint.bold("All creators (input order)"));
        let mut t = Table::new(&[
            ("id", Align::Left),
            ("status", Align::Left),
            ("rank", Align::Right),
            ("score", Align::Right),
            ("tier", Align::Left),
            ("why", Align::Left),
        ]);
        t.shrink = Some((5, 16));
        t.status = Some(1);
        for v in all {
            let why = v
                .failed
                .iter()
                .map(|f| format!("{}: {}", f.rule, f.reason))
                .collect::<Vec<_>>()
                .join("; ");
            t.rows.push(vec![
                truncate(&v.id, 28),
                v.status.as_str().to_string(),
                v.rank.map(human::count).unwrap_or_default(),
                fixed(v.score),
                v.tier.clone().unwrap_or_default(),
                why,
            ]);
        }
        t.render(out, "  ", width, paint);
    }
}

/// Where the ids came from, and the run's warnings.
fn footer(out: &mut String, report: &Report, paint: Paint) {
    if let Some(f) = &report.id_field {
        let _ = writeln!(out, "\nIds from `{f}`.");
    }
    if !report.warnings.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", paint.bold("Warnings"));
        for w in &report.warnings {
            let _ = writeln!(out, "  {}: {}", paint.warn("warning"), printable(w));
        }
    }
}
