//! The report's charts, written as SVG text: the funnel, the score
//! histogram and the score range of each tier. Each chart is readable in
//! black and white (a hatch pattern, not a colour, tells removed from
//! remaining; every bar has its number written beside it) and to a screen
//! reader (`role="img"`, a `<title>` and a `<desc>` that say the numbers,
//! and a `<title>` on each bar for a pointer hovering it).

use std::fmt::Write;

use super::{esc, fixed, Cutoff, TierInfo};
use crate::language::human::count;
use crate::report::{FunnelStep, ScoreSpread, TierSpread, SCORE_BINS};

/// The charts' width in SVG units; the page scales them to fit.
const WIDTH: f64 = 760.0;
/// Where bars start, after the labels.
const BARS_X: f64 = 190.0;
/// The longest bar.
const BARS_W: f64 = 400.0;
/// One bar's row.
const ROW_H: f64 = 26.0;
/// Label text longer than this is cut (the full name is in its `<title>`).
const LABEL_CHARS: usize = 26;

/// `s` cut to `LABEL_CHARS` characters, with an ellipsis when cut.
fn label(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The opening tag of a chart, with its accessible name and description.
fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// A diagonal hatch: "removed" in black and white.
fn hatch(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<defs><pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2.5\"/>\
         </pattern></defs>"
    );
}

/// A length in SVG units, to two places (no float noise in the file).
fn u(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The funnel: from the creators screened (errors left out), each
/// requirement's bar shows who remains (solid) and who it removed
/// (hatched), out of everyone screened.
pub fn funnel(steps: &[FunnelStep], screened: usize) -> String {
    let rows = steps.len() + 1;
    let height = 40.0 + rows as f64 * ROW_H + 10.0;
    let mut out = String::new();
    open(
        &mut out,
        "funnel-chart",
        height,
        "Funnel: creators removed by each requirement, in file order",
        &funnel_desc(steps, screened),
    );
    hatch(&mut out, "funnel-hatch");
    // the legend: what solid and hatched mean
    let _ = write!(
        out,
        "<g class=\"legend\" aria-hidden=\"true\">\
         <rect x=\"{BARS_X}\" y=\"6\" width=\"14\" height=\"14\" class=\"solid\"/>\
         <text x=\"{}\" y=\"18\">remaining</text>\
         <rect x=\"{}\" y=\"6\" width=\"14\" height=\"14\" fill=\"url(#funnel-hatch)\" class=\"outline\"/>\
         <text x=\"{}\" y=\"18\">removed by this requirement</text></g>",
        BARS_X + 20.0,
        BARS_X + 110.0,
        BARS_X + 130.0
    );
    let mut bars = FunnelBars {
        screened,
        y: 34.0,
        first: true,
    };
    bars.row(&mut out, "screened", 0, screened);
    for s in steps {
        bars.row(&mut out, &s.rule, s.removed, s.remaining);
    }
    out.push_str("</svg>");
    out
}

/// The funnel in words, for screen readers.
fn funnel_desc(steps: &[FunnelStep], screened: usize) -> String {
    let mut desc = format!("{} creators screened (errors left out).", count(screened));
    for s in steps {
        let _ = write!(
            desc,
            " {}: removed {}, {} remain.",
            s.rule,
            count(s.removed),
            count(s.remaining)
        );
    }
    if steps.is_empty() {
        desc.push_str(" The rules have no requirement: nobody is removed.");
    }
    desc
}

/// The funnel's rows, drawn top down: bars scaled to the creators screened.
struct FunnelBars {
    screened: usize,
    /// The top of the next row.
    y: f64,
    /// The next row is the first: everyone screened, nothing removed.
    first: bool,
}

impl FunnelBars {
    /// `n` creators as a bar width.
    fn scale(&self, n: usize) -> f64 {
        if self.screened == 0 {
            0.0
        } else {
            n as f64 / self.screened as f64 * BARS_W
        }
    }

    /// One row: what remains solid, what this requirement removed hatched
    /// beside it; the first row (nothing removed) is everyone screened.
    fn row(&mut self, out: &mut String, name: &str, removed: usize, remaining: usize) {
        let (first, y) = (self.first, self.y);
        let text = if first {
            format!("{} screened", count(remaining))
        } else {
            format!("−{} → {} remain", count(removed), count(remaining))
        };
        let title = if first {
            format!("{}: {} creators", name, count(remaining))
        } else {
            format!(
                "{}: removed {}, {} remain",
                name,
                count(removed),
                count(remaining)
            )
        };
        let kept_w = self.scale(remaining);
        let removed_w = self.scale(removed);
        let _ = write!(
            out,
            "<g class=\"step\"><title>{}</title>\
             <text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"solid\" x=\"{BARS_X}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            esc(&title),
            u(BARS_X - 8.0),
            u(y + 13.0),
            esc(&label(name)),
            u(y),
            u(kept_w),
            u(ROW_H - 8.0)
        );
        if removed > 0 {
            let _ = write!(
                out,
                "<rect class=\"outline\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                 fill=\"url(#funnel-hatch)\"/>",
                u(BARS_X + kept_w),
                u(y),
                u(removed_w),
                u(ROW_H - 8.0)
            );
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>",
            u(BARS_X + kept_w + removed_w + 6.0),
            u(y + 13.0),
            esc(&text)
        );
        self.y += ROW_H;
        self.first = false;
    }
}

/// The plot area of the score charts: x from 0 to 1.
const PLOT_X0: f64 = 60.0;
const PLOT_X1: f64 = 740.0;

fn score_x(s: f64) -> f64 {
    PLOT_X0 + s.clamp(0.0, 1.0) * (PLOT_X1 - PLOT_X0)
}

/// The 0..1 axis with a tick every 0.1, at `y`.
fn score_axis(out: &mut String, y: f64) {
    let _ = write!(
        out,
        "<g class=\"axis\" aria-hidden=\"true\"><line x1=\"{PLOT_X0}\" y1=\"{}\" x2=\"{PLOT_X1}\" y2=\"{}\"/>",
        u(y),
        u(y)
    );
    for i in 0..=10 {
        let x = score_x(f64::from(i) / 10.0);
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            u(x),
            u(y),
            u(x),
            u(y + 4.0),
            u(x),
            u(y + 16.0),
            if i == 10 {
                "1".to_string()
            } else {
                format!("{}", f64::from(i) / 10.0)
            }
        );
    }
    out.push_str("</g>");
}

/// What a cut-off line says: `silver ≥ 0.5`.
fn cutoff_text(name: &str, c: &Cutoff) -> String {
    format!("{name} {} {}", c.op_text(), fixed(c.score, 4, true))
}

/// The scores of the accepted creators as a histogram of
/// [`SCORE_BINS`] bins, with a dashed line at each tier's cut-off (for
/// the tiers whose condition is a plain `score` threshold).
pub fn histogram(spread: &ScoreSpread, tiers: &[TierInfo]) -> String {
    let accepted: usize = spread.bins.iter().sum();
    let cutoffs: Vec<(&str, &Cutoff)> = tiers
        .iter()
        .filter_map(|t| t.cutoff.as_ref().map(|c| (t.name.as_str(), c)))
        .collect();
    // a line above the plot for each cut-off's label
    let top = 24.0 + cutoffs.len() as f64 * 14.0;
    let plot = Plot {
        top,
        base: top + PLOT_H,
    };
    let height = plot.base + 40.0;
    let mut out = String::new();
    open(
        &mut out,
        "score-chart",
        height,
        "Score distribution of the accepted creators",
        &histogram_desc(spread, &cutoffs),
    );
    bins(&mut out, spread, &plot);
    if accepted == 0 {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no accepted creator</text>",
            u((PLOT_X0 + PLOT_X1) / 2.0),
            u(plot.top + PLOT_H / 2.0)
        );
    }
    cutoff_lines(&mut out, &cutoffs, &plot);
    score_axis(&mut out, plot.base);
    let _ = write!(
        out,
        "<text class=\"axis-name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" aria-hidden=\"true\">score</text></svg>",
        u((PLOT_X0 + PLOT_X1) / 2.0),
        u(height - 4.0)
    );
    out
}

/// The histogram's plot height.
const PLOT_H: f64 = 160.0;

/// The width of one bin on the score scale (0 to 1).
const BIN: f64 = 1.0 / SCORE_BINS as f64;

/// Where the histogram's plot stands: its top and its base line.
struct Plot {
    top: f64,
    base: f64,
}

/// The histogram in words, for screen readers.
fn histogram_desc(spread: &ScoreSpread, cutoffs: &[(&str, &Cutoff)]) -> String {
    let accepted: usize = spread.bins.iter().sum();
    let mut desc = format!("Scores of {} accepted creators.", count(accepted));
    for (i, &n) in spread.bins.iter().enumerate().filter(|(_, &n)| n > 0) {
        let _ = write!(
            desc,
            " {} to {}: {}.",
            fixed(i as f64 * BIN, 2, true),
            fixed((i + 1) as f64 * BIN, 2, true),
            count(n)
        );
    }
    for (name, c) in cutoffs {
        let _ = write!(desc, " Cut-off {}.", cutoff_text(name, c));
    }
    desc
}

/// The y axis (0 and the tallest bin) and a bar for each bin holding
/// creators, its count above it.
fn bins(out: &mut String, spread: &ScoreSpread, plot: &Plot) {
    let most = spread.bins.iter().copied().max().unwrap_or(0);
    let _ = write!(
        out,
        "<g class=\"axis\" aria-hidden=\"true\"><line x1=\"{PLOT_X0}\" y1=\"{}\" x2=\"{PLOT_X0}\" y2=\"{}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\
         <text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">creators</text></g>",
        u(plot.top),
        u(plot.base),
        u(PLOT_X0 - 6.0),
        u(plot.top + 4.0),
        count(most),
        u(PLOT_X0 - 6.0),
        u(plot.base),
        u(plot.top + PLOT_H / 2.0),
        u(plot.top + PLOT_H / 2.0)
    );
    let bin_w = (PLOT_X1 - PLOT_X0) / SCORE_BINS as f64;
    for (i, &n) in spread.bins.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let h = n as f64 / most as f64 * PLOT_H;
        let x = PLOT_X0 + i as f64 * bin_w;
        let _ = write!(
            out,
            "<g class=\"bin\"><title>{}: {} creator{}</title>\
             <rect class=\"solid\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
             <text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            esc(&format!(
                "score {} to {}",
                fixed(i as f64 * BIN, 2, true),
                fixed((i + 1) as f64 * BIN, 2, true)
            )),
            count(n),
            if n == 1 { "" } else { "s" },
            u(x + 1.0),
            u(plot.base - h),
            u(bin_w - 2.0),
            u(h),
            u(x + bin_w / 2.0),
            u(plot.base - h - 3.0),
            count(n)
        );
    }
}

/// A vertical line at each tier's cut-off, its label stacked above the plot.
fn cutoff_lines(out: &mut String, cutoffs: &[(&str, &Cutoff)], plot: &Plot) {
    for (k, (name, c)) in cutoffs.iter().enumerate() {
        let x = score_x(c.score);
        let text = cutoff_text(name, c);
        // labels are stacked above the plot, one line each, so that
        // cut-offs close together stay readable
        let label_y = 16.0 + k as f64 * 14.0;
        let (anchor, dx) = if x > (PLOT_X0 + PLOT_X1) / 2.0 {
            ("end", -4.0)
        } else {
            ("start", 4.0)
        };
        let _ = write!(
            out,
            "<g class=\"cutoff\"><title>tier cut-off: {}</title>\
             <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            esc(&text),
            u(x),
            u(label_y - 10.0),
            u(x),
            u(plot.base),
            u(x + dx),
            u(label_y),
            esc(&text)
        );
    }
}

/// Each tier's lowest to highest score among the accepted creators, on
/// the 0..1 axis: where tiers are conditions other than a score threshold,
/// this is how their scores compare.
pub fn tier_spread(spread: &ScoreSpread, tiers: &[TierInfo]) -> String {
    let mut rows: Vec<(String, &TierSpread)> = tiers
        .iter()
        .zip(&spread.tiers)
        .map(|(t, s)| (t.name.clone(), s))
        .collect();
    if spread.untiered.count > 0 {
        rows.push(("(no tier)".to_string(), &spread.untiered));
    }
    let top = 10.0;
    let base = top + rows.len() as f64 * ROW_H + 6.0;
    let height = base + 24.0;
    let mut desc = String::from("Score range of each tier's accepted creators.");
    for (name, s) in &rows {
        let _ = write!(desc, " {name}: {}.", range_text(s));
    }
    let mut out = String::new();
    open(
        &mut out,
        "tier-chart",
        height,
        "Score range per tier",
        &desc,
    );
    for (i, (name, s)) in rows.iter().enumerate() {
        let y = top + i as f64 * ROW_H + ROW_H / 2.0;
        let _ = write!(
            out,
            "<g class=\"tier\"><title>{}</title>\
             <text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            esc(&format!("{name}: {}", range_text(s))),
            u(PLOT_X0 - 8.0),
            u(y + 4.0),
            esc(&label(name))
        );
        if let Some((lo, hi)) = s.range {
            let (x0, x1) = (score_x(lo), score_x(hi));
            let _ = write!(
                out,
                "<line class=\"range\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
                 <rect class=\"solid\" x=\"{}\" y=\"{}\" width=\"6\" height=\"12\"/>\
                 <rect class=\"solid\" x=\"{}\" y=\"{}\" width=\"6\" height=\"12\"/>",
                u(x0),
                u(y),
                u(x1),
                u(y),
                u(x0 - 3.0),
                u(y - 6.0),
                u(x1 - 3.0),
                u(y - 6.0)
            );
        }
        let text_x = s.range.map_or(PLOT_X0, |(_, hi)| score_x(hi) + 8.0);
        // a label past the right edge goes left of the range instead
        let (x, anchor) = match s.range {
            Some((lo, _)) if text_x > PLOT_X1 - 150.0 => (score_x(lo) - 8.0, "end"),
            _ => (text_x, "start"),
        };
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            u(x),
            u(y + 4.0),
            esc(&range_text(s))
        );
    }
    score_axis(&mut out, base);
    out.push_str("</svg>");
    out
}

/// `3 creators, 0.5123 to 0.7001`, or `no creator`.
pub fn range_text(s: &TierSpread) -> String {
    match s.range {
        None => "no creator".to_string(),
        Some((lo, hi)) => format!(
            "{} creator{}, {} to {}",
            count(s.count),
            if s.count == 1 { "" } else { "s" },
            fixed(lo, 4, false),
            fixed(hi, 4, false)
        ),
    }
}
