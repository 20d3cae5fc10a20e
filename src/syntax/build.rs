//! Pairs to AST nodes: one method per grammar rule, collecting the errors
//! that leave the tree whole (an invalid escape, a number too large, a
//! chained comparison) so that checking can still run over it.

use pest::iterators::{Pair, Pairs};

use super::grammar::Rule;
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

/// Turns pairs into AST nodes, collecting errors found on the way (bad
/// escapes, numbers too large, chained comparisons).
pub(super) struct Builder<'s> {
    pub src: &'s str,
    pub errors: Vec<RuleDiagnostic>,
    pub base: usize,
}

impl Builder<'_> {
    /// The pair's span, without the whitespace and comments pest leaves at
    /// the end of a rule whose last part is optional.
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let start = s.start() + self.base;
        let end = trim_end(self.src, start, s.end() + self.base);
        Span::new(start, end)
    }

    pub fn decl(&mut self, p: Pair<Rule>, base: usize) -> Decl {
        self.base = base;
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        inner.next(); // the keyword
        let kind = match rule {
            Rule::ruleset_decl => DeclKind::Ruleset(self.string(inner.next().expect("name"))),
            Rule::let_decl => DeclKind::Let(Let {
                name: self.ident(inner.next().expect("name")),
                value: self.expr(inner.next().expect("value")),
            }),
            Rule::require_decl => self.require(inner),
            Rule::signal_decl => self.signal(inner),
            Rule::tier_decl => {
                let name = self.ident(inner.next().expect("name"));
                let rest = inner.next().expect("when or otherwise");
                let condition = match rest.as_rule() {
                    Rule::tier_when => Some(self.expr(rest.into_inner().nth(1).expect("cond"))),
                    _ => None,
                };
                DeclKind::Tier(Tier { name, condition })
            }
            Rule::rank_decl => self.rank(inner),
            Rule::limit_decl => DeclKind::Limit(self.number(inner.next().expect("n"))),
            Rule::select_decl => self.select(inner),
            Rule::example_decl => self.example(inner),
            r => unreachable!("declaration {r:?}"),
        };
        Decl { kind, span }
    }

    /// `require name: condition [else "message"] [when missing mode]`.
    fn require(&mut self, mut inner: Pairs<Rule>) -> DeclKind {
        let name = self.ident(inner.next().expect("name"));
        let condition = self.expr(inner.next().expect("condition"));
        let mut message = None;
        let mut when_missing = None;
        for p in inner {
            match p.as_rule() {
                Rule::else_clause => {
                    message = Some(self.string(p.into_inner().nth(1).expect("message")))
                }
                Rule::missing_clause => {
                    let span = self.span(&p);
                    let mode = p.into_inner().nth(2).expect("mode");
                    let mode = match mode.as_str() {
                        "pass" => WhenMissing::Pass,
                        "review" => WhenMissing::Review,
                        _ => WhenMissing::Fail,
                    };
                    when_missing = Some((mode, span));
                }
                r => unreachable!("require clause {r:?}"),
            }
        }
        DeclKind::Require(Require {
            name,
            condition,
            message,
            when_missing,
        })
    }

    /// `signal name [weight w] = value`.
    fn signal(&mut self, mut inner: Pairs<Rule>) -> DeclKind {
        let name = self.ident(inner.next().expect("name"));
        let mut next = inner.next().expect("weight or value");
        let mut weight = None;
        if next.as_rule() == Rule::weight_clause {
            weight = Some(self.number(next.into_inner().nth(1).expect("weight")));
            next = inner.next().expect("value");
        }
        DeclKind::Signal(Signal {
            name,
            weight,
            value: self.expr(next),
        })
    }

    /// `rank by key [asc|desc], then ...`.
    fn rank(&mut self, mut inner: Pairs<Rule>) -> DeclKind {
        inner.next(); // `by`
        let mut keys = inner.map(|k| {
            let mut parts = k.into_inner();
            let key = self.expr(parts.next().expect("key"));
            let order = parts.next().map(|o| match o.as_str() {
                "asc" => Order::Asc,
                _ => Order::Desc,
            });
            RankBy { key, order }
        });
        let first = keys.next().expect("the grammar needs one key");
        DeclKind::Rank(Rank {
            key: first.key,
            order: first.order,
            then: keys.collect(),
        })
    }

    /// `select n` then `budget sum(value) <= cap` and `per group at most|least k`.
    fn select(&mut self, mut inner: Pairs<Rule>) -> DeclKind {
        let count = self.number(inner.next().expect("count"));
        let constraints = inner
            .map(|clause| {
                let span = self.span(&clause);
                let budget = clause.as_rule() == Rule::budget_clause;
                let mut parts = clause.into_inner();
                parts.next(); // `budget` or `per`
                let value = parts.next().expect("value");
                let value = match value.as_rule() {
                    Rule::team_sum => self.expr(value.into_inner().nth(1).expect("summed")),
                    _ => self.expr_from(value),
                };
                let kind = if budget {
                    let cap = self.number(parts.next().expect("cap"));
                    TeamConstraintKind::Budget { value, cap }
                } else {
                    parts.next(); // `at`
                    let bound = match parts.next().expect("most or least").as_str() {
                        "most" => GroupBound::AtMost,
                        _ => GroupBound::AtLeast,
                    };
                    let count = self.number(parts.next().expect("k"));
                    TeamConstraintKind::Per {
                        group: value,
                        bound,
                        count,
                    }
                };
                TeamConstraint { kind, span }
            })
            .collect();
        DeclKind::Select(Select { count, constraints })
    }

    /// `example "name" { creator ... expect ... }`.
    fn example(&mut self, mut inner: Pairs<Rule>) -> DeclKind {
        let name = self.string(inner.next().expect("name"));
        let creator_block = inner.next().expect("creator");
        let creator = self.expr_from(creator_block.into_inner().nth(1).expect("obj"));
        let mut expects = Vec::new();
        let mut today = Vec::new();
        let mut population = Vec::new();
        let mut population_span = None;
        for p in inner {
            if p.as_rule() == Rule::population_block {
                population_span = Some(self.span(&p));
                for block in p.into_inner().skip(1) {
                    population.push(self.expr_from(block.into_inner().nth(1).expect("obj")));
                }
            } else if p.as_rule() == Rule::today_clause {
                today.push(self.string(p.into_inner().nth(1).expect("date")));
            } else {
                expects.push(self.expect(p));
            }
        }
        DeclKind::Example(Example {
            name,
            creator,
            population,
            population_span,
            expects,
            today,
        })
    }

    fn expect(&mut self, p: Pair<Rule>) -> Expect {
        let span = self.span(&p);
        let body = p.into_inner().nth(1).expect("expectation");
        let rule = body.as_rule();
        let mut inner = body.into_inner();
        inner.next(); // keyword
        let kind = match rule {
            Rule::expect_accepted => ExpectKind::Accepted,
            Rule::expect_review => ExpectKind::Review,
            Rule::expect_rejected => ExpectKind::Rejected(
                inner
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| self.ident(p))
                    .collect(),
            ),
            Rule::expect_tier => ExpectKind::Tier(self.ident(inner.next().expect("tier"))),
            Rule::expect_score => {
                let op = cmp_op(inner.next().expect("op").as_str());
                ExpectKind::Score(op, self.number(inner.next().expect("number")))
            }
            Rule::expect_signal => {
                let name = self.ident(inner.next().expect("name"));
                let op = cmp_op(inner.next().expect("op").as_str());
                ExpectKind::Signal(name, op, self.number(inner.next().expect("number")))
            }
            r => unreachable!("expectation {r:?}"),
        };
        Expect { kind, span }
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn string(&mut self, p: Pair<Rule>) -> StringLit {
        let span = self.span(&p);
        let mut value = String::new();
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::raw_text => value.push_str(part.as_str()),
                _ => {
                    let esc = part.as_str();
                    let esc_span = self.span(&part);
                    match unescape(esc) {
                        Ok(c) => value.push(c),
                        Err(why) => self.errors.push(
                            RuleDiagnostic::error(
                                "influence::escape",
                                esc_span,
                                format!("invalid escape `{esc}` in a string"),
                                why,
                            )
                            .with_help(
                                "the escapes are \\\" \\\\ \\n \\t and \\u{...}; write \\\\ for a backslash",
                            ),
                        ),
                    }
                }
            }
        }
        StringLit { value, span }
    }

    fn number(&mut self, p: Pair<Rule>) -> NumberLit {
        let span = self.span(&p);
        let raw = p.as_str().to_string();
        let (negative, body) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw.as_str()),
        };
        // scale by changing the decimal exponent, so that `70%` is exactly 0.7
        let (digits, exponent) = match body.chars().last() {
            Some('k') => (&body[..body.len() - 1], 3),
            Some('M') => (&body[..body.len() - 1], 6),
            Some('%') => (&body[..body.len() - 1], -2),
            _ => (body, 0),
        };
        let clean: String = digits.chars().filter(|&c| c != '_').collect();
        let mut value = format!("{clean}e{exponent}")
            .parse::<f64>()
            .unwrap_or(f64::INFINITY);
        if negative {
            value = -value;
        }
        if !value.is_finite() {
            self.errors.push(
                RuleDiagnostic::error(
                    "influence::number",
                    span,
                    format!("the number `{}` is too large", shorten(&raw)),
                    "does not fit a 64-bit float",
                )
                .with_help("numbers must be below about 1.8e308"),
            );
            // large and positive: checking goes on without follow-on errors
            value = f64::MAX;
        }
        NumberLit { value, raw, span }
    }

    fn expr(&mut self, p: Pair<Rule>) -> Expr {
        self.expr_from(p)
    }

    /// Builds an expression from any expression-level pair.
    fn expr_from(&mut self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::expr => return self.expr_from(p.into_inner().next().expect("inner")),
            Rule::or_expr | Rule::and_expr => return self.logical(p),
            Rule::not_expr => return self.not_expr(p, span),
            Rule::cmp_expr => return self.comparison(p, span),
            Rule::coalesce | Rule::sum | Rule::product => return self.chain(p),
            Rule::unary => return self.unary(p),
            Rule::postfix => return self.postfix(p),
            Rule::number => ExprKind::Number(self.number(p)),
            Rule::string => ExprKind::String(self.string(p).value),
            Rule::boolean => ExprKind::Bool(p.as_str() == "true"),
            Rule::missing_lit => ExprKind::Missing,
            Rule::list => ExprKind::List(p.into_inner().map(|e| self.expr_from(e)).collect()),
            Rule::object => self.object(p),
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|p| p.as_rule() == Rule::expr);
                let c = self.expr_from(parts.next().expect("cond"));
                let a = self.expr_from(parts.next().expect("then"));
                let b = self.expr_from(parts.next().expect("else"));
                ExprKind::If(c.boxed(), a.boxed(), b.boxed())
            }
            Rule::call => {
                let mut inner = p.into_inner();
                let name = self.ident(inner.next().expect("name"));
                ExprKind::Call(name, inner.map(|a| self.expr_from(a)).collect())
            }
            Rule::lambda => {
                let mut inner = p.into_inner();
                let param = self.ident(inner.next().expect("param"));
                let body = self.expr_from(inner.next().expect("body"));
                ExprKind::Lambda(param, body.boxed())
            }
            Rule::ident => ExprKind::Name(self.ident(p)),
            Rule::paren => {
                let inner = self.expr_from(p.into_inner().next().expect("inner"));
                ExprKind::Paren(inner.boxed())
            }
            r => unreachable!("expression rule {r:?}"),
        };
        Expr { kind, span }
    }

    /// `a or b or c`, `a and b`: folded to the left.
    fn logical(&mut self, p: Pair<Rule>) -> Expr {
        let is_or = p.as_rule() == Rule::or_expr;
        let mut inner = p.into_inner();
        let mut acc = self.expr_from(inner.next().expect("operand"));
        while let Some(_kw) = inner.next() {
            let rhs = self.expr_from(inner.next().expect("operand"));
            let span = acc.span.to(rhs.span);
            let kind = if is_or {
                ExprKind::Or(acc.boxed(), rhs.boxed())
            } else {
                ExprKind::And(acc.boxed(), rhs.boxed())
            };
            acc = Expr { kind, span };
        }
        acc
    }

    fn not_expr(&mut self, p: Pair<Rule>, span: Span) -> Expr {
        let mut inner = p.into_inner();
        let first = inner.next().expect("operand");
        if first.as_rule() != Rule::not_op {
            return self.expr_from(first);
        }
        let operand = self.expr_from(inner.next().expect("operand"));
        Expr {
            kind: ExprKind::Not(operand.boxed()),
            span,
        }
    }

    /// An operand and at most one comparison tail; a second tail is
    /// reported (comparisons do not chain) and dropped.
    fn comparison(&mut self, p: Pair<Rule>, span: Span) -> Expr {
        let mut inner = p.into_inner();
        let lhs = self.expr_from(inner.next().expect("operand"));
        let Some(tail) = inner.next() else {
            return lhs;
        };
        if let Some(chained) = inner.next() {
            let cspan = self.span(&chained);
            self.errors.push(
                RuleDiagnostic::error(
                    "influence::chained-comparison",
                    cspan,
                    "comparisons do not chain",
                    "a second comparison follows the first",
                )
                .with_help("join two comparisons with `and`, or use `x between lo and hi`"),
            );
        }
        Expr {
            kind: self.comparison_tail(lhs, tail),
            span,
        }
    }

    fn comparison_tail(&mut self, lhs: Expr, tail: Pair<Rule>) -> ExprKind {
        let tail_rule = tail.as_rule();
        let mut t = tail.into_inner();
        match tail_rule {
            Rule::between_tail => {
                t.next();
                let lo = self.expr_from(t.next().expect("lo"));
                t.next();
                let hi = self.expr_from(t.next().expect("hi"));
                ExprKind::Between(lhs.boxed(), lo.boxed(), hi.boxed())
            }
            Rule::not_in_tail | Rule::in_tail => {
                let list = self.expr_from(t.last().expect("list"));
                ExprKind::In {
                    item: lhs.boxed(),
                    list: list.boxed(),
                    negated: tail_rule == Rule::not_in_tail,
                }
            }
            Rule::contains_tail => {
                let rhs = self.expr_from(t.nth(1).expect("rhs"));
                ExprKind::Contains(lhs.boxed(), rhs.boxed())
            }
            Rule::matches_tail => {
                let rhs = self.expr_from(t.nth(1).expect("rhs"));
                ExprKind::Matches(lhs.boxed(), rhs.boxed())
            }
            _ => {
                let op = cmp_op(t.next().expect("op").as_str());
                let rhs = self.expr_from(t.next().expect("rhs"));
                ExprKind::Compare(op, lhs.boxed(), rhs.boxed())
            }
        }
    }

    /// `a ?? b`, `a + b - c`, `a * b / c`: folded to the left.
    fn chain(&mut self, p: Pair<Rule>) -> Expr {
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        let mut acc = self.expr_from(inner.next().expect("operand"));
        loop {
            let op = if rule == Rule::coalesce {
                None
            } else {
                match inner.next() {
                    Some(op) => Some(match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    }),
                    None => break,
                }
            };
            let Some(rhs) = inner.next() else { break };
            let rhs = self.expr_from(rhs);
            let span = acc.span.to(rhs.span);
            let kind = match op {
                None => ExprKind::Coalesce(acc.boxed(), rhs.boxed()),
                Some(op) => ExprKind::Arith(op, acc.boxed(), rhs.boxed()),
            };
            acc = Expr { kind, span };
        }
        acc
    }

    fn unary(&mut self, p: Pair<Rule>) -> Expr {
        let mut inner: Vec<Pair<Rule>> = p.into_inner().collect();
        let operand = inner.pop().expect("operand");
        let mut acc = self.expr_from(operand);
        for neg in inner.into_iter().rev() {
            let span = self.span(&neg).to(acc.span);
            acc = Expr {
                kind: ExprKind::Neg(acc.boxed()),
                span,
            };
        }
        acc
    }

    /// A primary and its `.field` and `[index]` suffixes.
    fn postfix(&mut self, p: Pair<Rule>) -> Expr {
        let mut inner = p.into_inner();
        let mut acc = self.expr_from(inner.next().expect("primary"));
        for suffix in inner {
            let sspan = self.span(&suffix);
            let span = acc.span.to(sspan);
            let kind = match suffix.as_rule() {
                Rule::dot_field => ExprKind::Field(
                    acc.boxed(),
                    self.ident(suffix.into_inner().next().expect("name")),
                ),
                _ => {
                    let index = self.expr_from(suffix.into_inner().next().expect("index"));
                    ExprKind::Index(acc.boxed(), index.boxed())
                }
            };
            acc = Expr { kind, span };
        }
        acc
    }

    fn object(&mut self, p: Pair<Rule>) -> ExprKind {
        let entries = p
            .into_inner()
            .map(|entry| {
                let mut kv = entry.into_inner();
                let key = kv.next().expect("key");
                let key = if key.as_rule() == Rule::string {
                    let s = self.string(key);
                    Ident {
                        name: s.value,
                        span: s.span,
                    }
                } else {
                    self.ident(key)
                };
                (key, self.expr_from(kv.next().expect("value")))
            })
            .collect();
        ExprKind::Object(entries)
    }
}

/// The end of `src[start..end]` once trailing whitespace and comments are cut.
fn trim_end(src: &str, start: usize, end: usize) -> usize {
    let mut text = &src[start..end];
    loop {
        let trimmed = text.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&trimmed[line_start..]) {
            Some(i) => text = &trimmed[..line_start + i],
            None => return start + trimmed.len(),
        }
    }
}

/// Where a `#` comment starts in one line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

fn cmp_op(s: &str) -> CmpOp {
    CmpOp::parse(s).expect("the grammar only admits comparison operators")
}

/// At most 24 characters of a long literal, for messages.
pub(crate) fn shorten(raw: &str) -> String {
    if raw.chars().count() <= 24 {
        raw.to_string()
    } else {
        format!("{}…", raw.chars().take(24).collect::<String>())
    }
}

/// The character an escape stands for, or why it is invalid.
fn unescape(esc: &str) -> Result<char, String> {
    match esc {
        "\\\"" => Ok('"'),
        "\\\\" => Ok('\\'),
        "\\n" => Ok('\n'),
        "\\t" => Ok('\t'),
        _ => {
            if let Some(hex) = esc.strip_prefix("\\u{").and_then(|s| s.strip_suffix('}')) {
                let code = u32::from_str_radix(hex, 16)
                    .map_err(|_| format!("`{hex}` is not a hexadecimal number"))?;
                char::from_u32(code).ok_or_else(|| format!("U+{code:X} is not a character"))
            } else {
                Err("unknown escape".to_string())
            }
        }
    }
}
