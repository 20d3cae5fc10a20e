//! The page's Team section, with `select`: how the team was chosen (the
//! counts, total score, status and gap), each constraint's value for the
//! team and what it costs, the notes and the creators who could not join:
//! the facts of the json's `team` object.

use std::fmt::Write;

use super::esc;
use crate::language::human::{count, score, thousands};
use crate::report::team::{ConstraintReport, TeamReport};

/// The Team section for `team`.
pub fn section(out: &mut String, team: &TeamReport) {
    let _ = write!(
        out,
        "<section id=\"team\"><h2>Team</h2><p class=\"note\">Chosen by <code>select</code>: the \
         shortlist is the team, in rank order, with the largest total score the constraints \
         allow.</p><dl class=\"counts\" id=\"team-facts\">"
    );
    let mut fact = |id: &str, name: &str, value: String| {
        let _ = write!(
            out,
            "<div><dt>{name}</dt><dd id=\"team-{id}\">{}</dd></div>",
            esc(&value)
        );
    };
    fact("asked", "asked", count(team.size));
    fact("chosen", "chosen", count(team.chosen));
    fact("total", "total score", score(team.total_score));
    fact("status", "status", team.status.to_string());
    if let (Some(bound), Some(gap)) = (team.bound, team.gap) {
        fact("bound", "bound", score(bound));
        fact("gap", "gap", score(gap));
    }
    fact("eligible", "eligible", count(team.eligible));
    fact("ineligible", "ineligible", count(team.ineligible));
    fact("considered", "considered", count(team.considered));
    out.push_str("</dl>");
    out.push_str(
        "<div class=\"scroll\"><table class=\"data\" id=\"team-constraints\"><thead><tr>\
         <th>constraint</th><th>value for the team</th><th>binding</th>\
         <th class=\"num\">total without it</th><th class=\"num\">cost</th></tr></thead><tbody>",
    );
    for c in &team.constraints {
        constraint(out, c);
    }
    out.push_str("</tbody></table></div>");
    list(out, "team-notes", "Notes", &team.notes);
    let shown: Vec<String> = team
        .ineligible_creators
        .iter()
        .map(|i| format!("{}: {}", i.id, i.reason))
        .collect();
    list(out, "team-left-out", "Could not join", &shown);
    out.push_str("</section>\n");
}

/// One constraint's row.
fn constraint(out: &mut String, c: &ConstraintReport) {
    let value = match (c.used, c.cap) {
        (Some(used), Some(cap)) => format!("{} of {}", thousands(used), thousands(cap)),
        _ => c
            .groups
            .iter()
            .map(|g| format!("{} {}", g.value, g.count))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let number = |x: Option<f64>| x.map_or_else(|| "not solved".to_string(), score);
    let _ = write!(
        out,
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td></tr>",
        esc(&c.constraint),
        esc(&value),
        if c.binding { "binding" } else { "not binding" },
        number(c.total_without),
        number(c.cost)
    );
}

/// A titled list, left out when empty.
fn list(out: &mut String, id: &str, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "<h3>{title}</h3><ul id=\"{id}\">");
    for i in items {
        let _ = write!(out, "<li>{}</li>", esc(i));
    }
    out.push_str("</ul>");
}
