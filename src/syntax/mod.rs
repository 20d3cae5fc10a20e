//! From source text to the [`crate::ast`] tree. pest's types never leave
//! this module: each grammar rule has one function here that turns its pairs
//! into AST nodes, and syntax errors are reworded in [`errors`].

mod errors;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

mod grammar {
    //! The parser pest derives from `grammar/rules.pest`.
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/rules.pest"]
    pub struct RulesParser;
}
use grammar::{Rule, RulesParser};

/// Deepest nesting of brackets and operators the parser accepts; deeper
/// input gets a diagnostic instead of exhausting the stack.
pub const MAX_NESTING: usize = 100;

/// Deepest expression tree accepted (a long chain `a + a + ... + a` nests
/// one level per operator); evaluation recurses this deep at most, counting
/// the lets and signals an expression reads (see `check`).
pub const MAX_DEPTH: usize = 500;

/// Largest rules file accepted, in bytes. A ruleset is criteria, not data:
/// the sample files are under 16 KiB, and 1 MiB still holds a list of some
/// 50,000 handles. The parser takes about a second and 60 MB per MiB, so a
/// bound keeps a runaway file (a data export passed as the rules) from
/// taking minutes and gigabytes before it is refused.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Stack for parsing, checking and compiling: pest and the tree walks
/// recurse as deep as the input nests (bounded by the limits above), and a
/// debug build needs several MiB at the limits. Committed lazily.
const DEEP_STACK: usize = 256 << 20;
const DEEP_THREAD: &str = "influence-eval-deep-stack";

/// Runs `f` on a thread with [`DEEP_STACK`] bytes of stack (inline when
/// already on one), so that no caller's stack size matters.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if std::thread::current().name() == Some(DEEP_THREAD) {
        return f();
    }
    // `f` is taken by whichever runs it: the thread, or this one when no
    // thread can be had (the limits still keep a release build safe)
    let slot = std::sync::Mutex::new(Some(f));
    let take = || {
        slot.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("run once")
    };
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name(DEEP_THREAD.into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || take()())
        {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => take()(),
        }
    })
}

/// The result of parsing: a tree when the file's structure could be read,
/// and the errors found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The tree; `None` when the file's structure could not be read.
    pub file: Option<RulesFile>,
    /// Every syntax error. With a tree, they are local (an invalid escape, a
    /// number too large, a chained comparison) and the tree can still be
    /// checked, so that all of a file's errors are reported in one pass.
    pub errors: Vec<RuleDiagnostic>,
}

/// Parses a whole rules file; any syntax error is an `Err`.
pub fn parse(src: &str) -> Result<RulesFile, Vec<RuleDiagnostic>> {
    let parsed = parse_recovering(src);
    match parsed.file {
        Some(file) if parsed.errors.is_empty() => Ok(file),
        _ => Err(parsed.errors),
    }
}

/// Parses a whole rules file, recovering what it can. When the structure
/// cannot be read, every later declaration is parsed on its own to find
/// their errors too.
///
/// pest's recursive descent needs a deep stack for nested input, so the
/// parse runs on a thread with 256 MiB of (lazily committed) stack.
pub fn parse_recovering(src: &str) -> Parsed {
    on_deep_stack(|| parse_here(src))
}

fn parse_here(src: &str) -> Parsed {
    let fatal = |errors| Parsed { file: None, errors };
    if src.len() > MAX_SOURCE_BYTES {
        return fatal(vec![too_large(src.len())]);
    }
    pest::set_error_detail(true);
    if let Some(d) = nesting_error(src) {
        return fatal(vec![d]);
    }
    match RulesParser::parse(Rule::file, src) {
        Ok(mut pairs) => {
            let file = pairs.next().expect("the file rule always yields one pair");
            let mut b = Builder {
                src,
                errors: Vec::new(),
                base: 0,
            };
            let decls = file
                .into_inner()
                .filter(|p| p.as_rule() != Rule::EOI)
                .map(|p| b.decl(p, 0))
                .collect();
            let file = RulesFile { decls };
            if let Some(d) = too_deep(&file) {
                // later stages recurse over the tree: stop here
                b.errors.push(d);
                return fatal(b.errors);
            }
            Parsed {
                file: Some(file),
                errors: b.errors,
            }
        }
        Err(e) => {
            let first = errors::from_pest(src, &e, 0);
            let mut all = vec![first];
            let failed_at = all[0].span.start;
            let starts = decl_starts(src);
            for (i, &start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(src.len());
                if end <= failed_at {
                    continue;
                }
                if start <= failed_at {
                    continue; // the chunk holding the first error
                }
                let chunk = &src[start..end];
                if let Err(e) = RulesParser::parse(Rule::single_decl, chunk) {
                    all.push(errors::from_pest(src, &e, start));
                }
            }
            fatal(all)
        }
    }
}

/// The diagnostic for a source of `len` bytes, over [`MAX_SOURCE_BYTES`].
pub fn too_large(len: usize) -> RuleDiagnostic {
    RuleDiagnostic::error(
        "influence::too-large",
        Span::new(0, 0),
        format!(
            "the rules file is {}, more than the {} a rules file may hold",
            human_size(len as u64),
            human_size(MAX_SOURCE_BYTES as u64)
        ),
        "the file starts here",
    )
    .with_help("a rules file holds criteria, not data: check that this is the rules file and not a data export; keep long lists (of handles, say) in the creator data and test a field there")
}

/// `1.5 MiB`, `100.0 MiB`, `12 bytes`.
pub fn human_size(n: u64) -> String {
    match n {
        0..1024 => format!("{n} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        1_048_576..1_073_741_824 => format!("{:.1} MiB", n as f64 / 1_048_576.0),
        _ => format!("{:.1} GiB", n as f64 / 1_073_741_824.0),
    }
}

/// Byte offsets where a line begins with a declaration keyword: the places
/// where parsing can start again after an error.
fn decl_starts(src: &str) -> Vec<usize> {
    const KEYWORDS: [&str; 8] = [
        "ruleset", "let", "require", "signal", "tier", "rank", "limit", "example",
    ];
    let mut out = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for kw in KEYWORDS {
            if let Some(rest) = trimmed.strip_prefix(kw) {
                if rest.starts_with([' ', '\t']) {
                    out.push(offset + indent);
                }
            }
        }
        offset += line.len();
    }
    out
}

/// Rejects input nested deeper than [`MAX_NESTING`] before pest recurses
/// into it: open brackets, and runs of prefix operators (`not not -x`),
/// counted outside strings and comments.
fn nesting_error(src: &str) -> Option<RuleDiagnostic> {
    let bytes = src.as_bytes();
    let mut depth: usize = 0;
    let mut run: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                run = 0;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                run += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'-' => run += 1,
            _ if b.is_ascii_whitespace() => {}
            _ if is_ident_byte(b) => {
                while i + 1 < bytes.len() && is_ident_byte(bytes[i + 1]) {
                    i += 1;
                }
                if &src[start..=i] == "not" {
                    run += 1;
                } else {
                    run = 0;
                }
            }
            _ => run = 0,
        }
        if depth > MAX_NESTING || run > MAX_NESTING {
            let end = (start + 1).min(src.len());
            return Some(
                RuleDiagnostic::error(
                    "influence::too-deep",
                    Span::new(start, end),
                    format!("expression nested more than {MAX_NESTING} levels deep"),
                    "nesting gets too deep here",
                )
                .with_help("split the expression into `let` declarations"),
            );
        }
        i += 1;
    }
    None
}

/// The first expression whose tree is deeper than [`MAX_DEPTH`].
fn too_deep(file: &RulesFile) -> Option<RuleDiagnostic> {
    fn depth(e: &Expr) -> usize {
        1 + e.children().into_iter().map(depth).max().unwrap_or(0)
    }
    let exprs = file.decls.iter().flat_map(|d| match &d.kind {
        DeclKind::Let(l) => vec![&l.value],
        DeclKind::Require(r) => vec![&r.condition],
        DeclKind::Signal(s) => vec![&s.value],
        DeclKind::Tier(t) => t.condition.iter().collect(),
        DeclKind::Rank(r) => vec![&r.key],
        DeclKind::Example(ex) => vec![&ex.creator],
        _ => vec![],
    });
    for e in exprs {
        if depth(e) > MAX_DEPTH {
            return Some(
                RuleDiagnostic::error(
                    "influence::too-deep",
                    e.span,
                    format!("expression nested more than {MAX_DEPTH} levels deep"),
                    "this expression is too deep",
                )
                .with_help("split the expression into `let` declarations"),
            );
        }
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Turns pairs into AST nodes, collecting errors found on the way (bad
/// escapes, numbers too large, chained comparisons).
struct Builder<'s> {
    src: &'s str,
    errors: Vec<RuleDiagnostic>,
    base: usize,
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

    fn decl(&mut self, p: Pair<Rule>, base: usize) -> Decl {
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
            Rule::require_decl => {
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
            Rule::signal_decl => {
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
            Rule::tier_decl => {
                let name = self.ident(inner.next().expect("name"));
                let rest = inner.next().expect("when or otherwise");
                let condition = match rest.as_rule() {
                    Rule::tier_when => Some(self.expr(rest.into_inner().nth(1).expect("cond"))),
                    _ => None,
                };
                DeclKind::Tier(Tier { name, condition })
            }
            Rule::rank_decl => {
                inner.next(); // `by`
                let key = self.expr(inner.next().expect("key"));
                let order = inner.next().map(|o| match o.as_str() {
                    "asc" => Order::Asc,
                    _ => Order::Desc,
                });
                DeclKind::Rank(Rank { key, order })
            }
            Rule::limit_decl => DeclKind::Limit(self.number(inner.next().expect("n"))),
            Rule::example_decl => {
                let name = self.string(inner.next().expect("name"));
                let creator_block = inner.next().expect("creator");
                let creator = self.expr_from(creator_block.into_inner().nth(1).expect("obj"));
                let expects = inner.map(|p| self.expect(p)).collect();
                DeclKind::Example(Example {
                    name,
                    creator,
                    expects,
                })
            }
            r => unreachable!("declaration {r:?}"),
        };
        Decl { kind, span }
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
        match p.as_rule() {
            Rule::expr => self.expr_from(p.into_inner().next().expect("inner")),
            Rule::or_expr | Rule::and_expr => {
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
            Rule::not_expr => {
                let mut inner = p.into_inner();
                let first = inner.next().expect("operand");
                if first.as_rule() == Rule::not_op {
                    let operand = self.expr_from(inner.next().expect("operand"));
                    Expr {
                        kind: ExprKind::Not(operand.boxed()),
                        span,
                    }
                } else {
                    self.expr_from(first)
                }
            }
            Rule::cmp_expr => {
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
                let tail_rule = tail.as_rule();
                let mut t = tail.into_inner();
                let kind = match tail_rule {
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
                };
                Expr { kind, span }
            }
            Rule::coalesce | Rule::sum | Rule::product => {
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
            Rule::unary => {
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
            Rule::postfix => {
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
            Rule::number => Expr {
                kind: ExprKind::Number(self.number(p)),
                span,
            },
            Rule::string => Expr {
                kind: ExprKind::String(self.string(p).value),
                span,
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(p.as_str() == "true"),
                span,
            },
            Rule::list => Expr {
                kind: ExprKind::List(p.into_inner().map(|e| self.expr_from(e)).collect()),
                span,
            },
            Rule::object => {
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
                Expr {
                    kind: ExprKind::Object(entries),
                    span,
                }
            }
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|p| p.as_rule() == Rule::expr);
                let c = self.expr_from(parts.next().expect("cond"));
                let a = self.expr_from(parts.next().expect("then"));
                let b = self.expr_from(parts.next().expect("else"));
                Expr {
                    kind: ExprKind::If(c.boxed(), a.boxed(), b.boxed()),
                    span,
                }
            }
            Rule::call => {
                let mut inner = p.into_inner();
                let name = self.ident(inner.next().expect("name"));
                let args = inner.map(|a| self.expr_from(a)).collect();
                Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                }
            }
            Rule::lambda => {
                let mut inner = p.into_inner();
                let param = self.ident(inner.next().expect("param"));
                let body = self.expr_from(inner.next().expect("body"));
                Expr {
                    kind: ExprKind::Lambda(param, body.boxed()),
                    span,
                }
            }
            Rule::ident => Expr {
                kind: ExprKind::Name(self.ident(p)),
                span,
            },
            Rule::paren => {
                let inner = self.expr_from(p.into_inner().next().expect("inner"));
                Expr {
                    kind: ExprKind::Paren(inner.boxed()),
                    span,
                }
            }
            r => unreachable!("expression rule {r:?}"),
        }
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
fn shorten(raw: &str) -> String {
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

#[cfg(test)]
mod tests;
