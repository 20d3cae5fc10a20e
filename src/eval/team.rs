//! The per-creator values a `select` reads (docs/language.md, "Choosing a
//! team"): each constraint's value for an accepted creator, evaluated like a
//! signal once the creator is placed. A creator whose value is missing or
//! of the wrong kind cannot join the team; why is kept, not an error.

use super::Frame;
use crate::compile::{Program, TeamLimitKind};
use crate::language::value::Value;

/// One constraint's value for one creator.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamValue {
    /// A budget's number.
    Amount(f64),
    /// A group's value, as text (`"US"`, `3`, `true`).
    Group(String),
    /// Not usable: why (`` `fee` is missing ``), in words.
    Unusable(String),
}

impl Program {
    /// The value of each `select` constraint for a creator being placed;
    /// empty without `select`.
    pub(super) fn team_values<'a>(&'a self, frame: &mut Frame<'a>) -> Vec<TeamValue> {
        let Some(team) = &self.select else {
            return Vec::new();
        };
        team.constraints
            .iter()
            .map(|c| {
                let what = self.text(c.value.span);
                let budget = matches!(c.kind, TeamLimitKind::Budget { .. });
                match frame.eval(&c.value) {
                    Err(e) => TeamValue::Unusable(format!("`{what}`: {}", e.message())),
                    Ok(Value::Missing(_)) => TeamValue::Unusable(format!("`{what}` is missing")),
                    Ok(Value::Number(n)) if budget && n.is_finite() => TeamValue::Amount(n),
                    Ok(v) if budget => {
                        TeamValue::Unusable(format!("`{what}` is {v}, not a number to sum"))
                    }
                    Ok(Value::Number(n)) => TeamValue::Group(n.to_string()),
                    Ok(Value::Bool(b)) => TeamValue::Group(b.to_string()),
                    Ok(Value::Str(s)) => TeamValue::Group(s.into_owned()),
                    Ok(v @ Value::Date(_)) => TeamValue::Group(v.to_string()),
                    Ok(v) => {
                        TeamValue::Unusable(format!("`{what}` is {v}, not one value to group by"))
                    }
                }
            })
            .collect()
    }
}
