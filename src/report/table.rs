//! The terminal table: the shortlist, the funnel, the counts and warnings,
//! in plain text that reads the same with or without colour.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::Report;

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
}

impl Table {
    fn new(header: &[(&str, Align)]) -> Self {
        Table {
            header: header.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    fn render(&self, out: &mut String, indent: &str) {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|(h, _)| h.width()).collect();
        for r in &self.rows {
            for (i, cell) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
            let mut s = String::from(indent);
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = widths[i].saturating_sub(cell.width());
                if self.header[i].1 == Align::Right {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&mut self.header.iter().map(|(h, _)| h.as_str()), out);
        for r in &self.rows {
            line(&mut r.iter().map(String::as_str), out);
        }
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
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"))
}

/// A signal's clamped value, with the raw value beside it when clamping
/// changed it: `1.000 (2.5)`; `-` when missing.
fn signal_cell(s: &crate::eval::SignalValue) -> String {
    match (s.raw, s.clamped()) {
        (Some(raw), Some(c)) if raw != c => {
            format!(
                "{c:.3} ({})",
                crate::eval::value::fmt_number((raw * 1000.0).round() / 1000.0)
            )
        }
        (_, c) => fixed(c),
    }
}

/// Renders a report as the terminal table.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = report.ruleset.as_deref().unwrap_or("influence-eval");
    let _ = writeln!(
        out,
        "{title}: {} creators, {} accepted, {} review, {} rejected, {} errors",
        report.evaluated, report.accepted, report.review, report.rejected, report.errors
    );
    out.push('\n');

    if report.shortlist.is_empty() {
        out.push_str("Shortlist: no creator was accepted\n");
    } else {
        let _ = writeln!(
            out,
            "Shortlist ({} of {} accepted)",
            report.shortlist.len(),
            report.accepted
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
        for e in &report.shortlist {
            let mut row = vec![
                e.rank.to_string(),
                truncate(&e.id, 28),
                format!("{:.3}", e.score),
                e.tier.clone().unwrap_or_else(|| "-".into()),
            ];
            row.extend(e.signals.0.iter().map(signal_cell));
            t.rows.push(row);
        }
        t.render(&mut out, "  ");
    }
    out.push('\n');

    out.push_str("Funnel (requirements in file order)\n");
    let mut t = Table::new(&[
        ("requirement", Align::Left),
        ("removed", Align::Right),
        ("remaining", Align::Right),
        ("failed overall", Align::Right),
    ]);
    t.rows.push(vec![
        "(creators without errors)".into(),
        String::new(),
        (report.evaluated - report.errors).to_string(),
        String::new(),
    ]);
    for step in &report.funnel {
        let overall = report
            .failures
            .get(&step.rule)
            .map(|v| v.to_string())
            .unwrap_or_default();
        t.rows.push(vec![
            step.rule.clone(),
            step.removed.to_string(),
            step.remaining.to_string(),
            overall,
        ]);
    }
    t.render(&mut out, "  ");
    out.push('\n');

    let _ = writeln!(
        out,
        "accepted {}  review {}  rejected {}  errors {}  (of {} evaluated)",
        report.accepted, report.review, report.rejected, report.errors, report.evaluated
    );

    if let Some(all) = &report.creators {
        out.push('\n');
        out.push_str("All creators (input order)\n");
        let mut t = Table::new(&[
            ("id", Align::Left),
            ("status", Align::Left),
            ("rank", Align::Right),
            ("score", Align::Right),
            ("tier", Align::Left),
            ("why", Align::Left),
        ]);
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
                v.rank.map(|r| r.to_string()).unwrap_or_default(),
                fixed(v.score),
                v.tier.clone().unwrap_or_default(),
                why,
            ]);
        }
        t.render(&mut out, "  ");
    }

    if !report.warnings.is_empty() {
        out.push('\n');
        out.push_str("Warnings\n");
        for w in &report.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
    }
    out
}
