//! `split(x, SEP)` with a constant separator, planned as an operand of its
//! own ([`Operand::Split`]): the separator's finder built once, not for
//! every record, and the call run with no argument evaluated by the
//! general evaluator. The CSV benchmark's `let niche_list = split(niches,
//! ";")` is worked out on every record.

use super::{Needle, Operand, Planner};
use crate::compile::{Node, Op};
use crate::language::value::Value;

impl Planner {
    /// The operand of `split(args)` (node `n`): [`Operand::Split`] for a
    /// constant separator that is not empty (an empty one is an error, the
    /// general evaluator's to give).
    pub(super) fn split(&self, n: &Node, args: &[Node], depth: u32) -> Option<Operand> {
        match args {
            [x, Node {
                op: Op::Const(Value::Str(sep)),
                ..
            }] if !sep.is_empty() => Some(Operand::Split {
                x: Box::new(self.operand(x, depth)?),
                sep: Box::new(Needle::new(sep)),
            }),
            _ if self.pure(n) => Some(Operand::Eval(Box::new(n.clone()))),
            _ => None,
        }
    }
}
