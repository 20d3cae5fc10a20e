//! `select`: a team size that is a whole number, budgets that are numbers,
//! group bounds that are whole numbers, and constraints that no data could
//! meet (`at least 5` per group with `select 4`; `at most 2` and `at least
//! 3` of the same group).

use super::{shortlist_length, ShortlistError};
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

pub(super) fn check_select(s: &Select, errors: &mut Vec<RuleDiagnostic>) {
    let size = team_size(&s.count, errors);
    // (group as written, bound, k) of each sound `per`
    let mut bounds: Vec<(String, GroupBound, f64, &TeamConstraint)> = Vec::new();
    for c in &s.constraints {
        match &c.kind {
            TeamConstraintKind::Budget { cap, .. } => {
                if !cap.value.is_finite() || cap.value < 0.0 {
                    errors.push(
                        RuleDiagnostic::error(
                            "influence::select",
                            cap.span,
                            format!("a budget of `{}` cannot be met", cap.raw),
                            "must be a number, 0 or more",
                        )
                        .with_help(
                            "write the most the team may cost, e.g. `budget sum(fee) <= 20k`",
                        ),
                    );
                }
            }
            TeamConstraintKind::Per {
                group,
                bound,
                count,
            } => {
                if count.value.is_nan() || count.value < 0.0 || count.value.fract() != 0.0 {
                    errors.push(
                        RuleDiagnostic::error(
                            "influence::select",
                            count.span,
                            format!(
                                "`{} {}` is not a whole number of creators",
                                bound.as_str(),
                                count.raw
                            ),
                            "must be a whole number, 0 or more",
                        )
                        .with_help("write e.g. `per country at most 10`"),
                    );
                    continue;
                }
                if let (Some(n), GroupBound::AtLeast) = (size, bound) {
                    if count.value > n as f64 {
                        errors.push(
                            RuleDiagnostic::error(
                                "influence::select-impossible",
                                c.span,
                                format!(
                                    "no team of {n} can hold at least {} of each group",
                                    count.raw
                                ),
                                format!("needs {} of a group, the team holds {n}", count.raw),
                            )
                            .with_extra(s.count.span, "the team's size")
                            .with_help(format!(
                                "lower the bound to at most {n}, or select more creators"
                            )),
                        );
                    }
                }
                let key = format!("{:?}", group.without_spans());
                bounds.push((key, *bound, count.value, c));
            }
        }
    }
    contradictions(&bounds, errors);
}

/// `select N`: 1 to 1,000,000,000 creators.
fn team_size(n: &NumberLit, errors: &mut Vec<RuleDiagnostic>) -> Option<usize> {
    match shortlist_length(n.value) {
        Ok(n) => Some(n),
        Err(e) => {
            // f64::MAX stands for a number past f64, refused already
            if n.value != f64::MAX || e != ShortlistError::TooLarge {
                errors.push(
                    RuleDiagnostic::error(
                        "influence::select",
                        n.span,
                        format!("`select {}` is not a team size", n.raw),
                        e.to_string(),
                    )
                    .with_help("write the number of creators to pick, e.g. `select 30`"),
                );
            }
            None
        }
    }
}

/// `at most K` and `at least K'` of the same group with K < K'.
fn contradictions(
    bounds: &[(String, GroupBound, f64, &TeamConstraint)],
    errors: &mut Vec<RuleDiagnostic>,
) {
    for (g, b, most, c) in bounds {
        if *b != GroupBound::AtMost {
            continue;
        }
        let clash = bounds
            .iter()
            .find(|(h, b2, least, _)| h == g && *b2 == GroupBound::AtLeast && least > most);
        if let Some((_, _, least, d)) = clash {
            errors.push(
                RuleDiagnostic::error(
                    "influence::select-impossible",
                    d.span,
                    format!("at least {least} and at most {most} of each group cannot both hold"),
                    "needs more than the other bound allows",
                )
                .with_extra(c.span, "the upper bound")
                .with_help("lower the `at least` or raise the `at most`"),
            );
        }
    }
}
