//! The canonical layout of a rules file (`influence-eval fmt`): one
//! declaration per line, normalised spacing, the names of consecutive
//! `let`s, `require`s, `signal`s and `tier`s aligned, literals kept as
//! written, blank lines kept (at most one), comments kept where they were.
//! A line over [`WIDTH`] columns breaks before each top-level `and`/`or`.
//!
//! Formatting never changes what a file means: parsing the output gives the
//! same tree as parsing the input (spans aside), and formatting formatted
//! text gives the same text. Comments inside a multi-line declaration (not
//! an example) move to just before it.

mod comments;

use comments::{has_blank_line, same_line, Comment};

use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

/// Lines longer than this are broken where the layout allows.
pub const WIDTH: usize = 100;

/// Formats rules source. Fails with the syntax errors of a file that does
/// not parse (a file need not pass the checker to be formatted).
pub fn format_source(src: &str) -> Result<String, Vec<RuleDiagnostic>> {
    let file = crate::syntax::parse(src)?;
    Ok(Formatter {
        src,
        comments: comments::find(src),
    }
    .file(&file))
}

struct Formatter<'s> {
    src: &'s str,
    comments: Vec<Comment>,
}

/// A top-level item in source order.
enum Item<'f> {
    Comment(usize),
    Decl(&'f Decl, Option<usize>),
}

/// The declarations whose names line up when they follow each other.
/// For each item, the spaces after its name and the column of its trailing
/// comment: runs of same-kind declarations, unbroken by a blank line and
/// each fitting on one line (`flat`), align their names and comments.
fn alignment(
    items: &[(Item, usize, usize)],
    blank: &[bool],
    flat: &[Option<String>],
) -> (Vec<usize>, Vec<usize>) {
    let mut pad = vec![0usize; items.len()];
    let mut comment_col = vec![0usize; items.len()];
    let mut i = 0;
    while i < items.len() {
        let Item::Decl(d, _) = &items[i].0 else {
            i += 1;
            continue;
        };
        let kind = align_kind(d);
        let mut j = i + 1;
        while kind.is_some() && j < items.len() && !blank[j] {
            match &items[j].0 {
                Item::Decl(e, _) if align_kind(e) == kind && fits(&flat[j]) && fits(&flat[i]) => {
                    j += 1
                }
                _ => break,
            }
        }
        let widest = (i..j)
            .filter_map(|k| match &items[k].0 {
                Item::Decl(e, _) => Some(name_of(e).chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let mut col = 0;
        for k in i..j {
            if let Item::Decl(e, _) = &items[k].0 {
                pad[k] = if j - i > 1 {
                    widest - name_of(e).chars().count()
                } else {
                    0
                };
                col = col.max(flat[k].as_ref().map_or(0, |l| l.chars().count()) + pad[k]);
            }
        }
        for c in &mut comment_col[i..j] {
            *c = col + 2;
        }
        i = j;
    }
    (pad, comment_col)
}

fn align_kind(d: &Decl) -> Option<u8> {
    match d.kind {
        DeclKind::Let(_) => Some(0),
        DeclKind::Require(_) => Some(1),
        DeclKind::Signal(_) => Some(2),
        DeclKind::Tier(_) => Some(3),
        _ => None,
    }
}

fn name_of(d: &Decl) -> &str {
    match &d.kind {
        DeclKind::Let(l) => &l.name.name,
        DeclKind::Require(r) => &r.name.name,
        DeclKind::Signal(s) => &s.name.name,
        DeclKind::Tier(t) => &t.name.name,
        _ => "",
    }
}

impl<'s> Formatter<'s> {
    fn text(&self, span: Span) -> &'s str {
        &self.src[span.start..span.end]
    }

    fn comment(&self, i: usize) -> &'s str {
        self.comments[i].text(self.src)
    }

    /// Items in order, with their start and end offsets in the source.
    fn items<'f>(&self, file: &'f RulesFile) -> Vec<(Item<'f>, usize, usize)> {
        let mut items = Vec::new();
        let mut next_comment = 0;
        for d in &file.decls {
            // own-line comments before the declaration
            while next_comment < self.comments.len()
                && self.comments[next_comment].start < d.span.start
            {
                let c = &self.comments[next_comment];
                items.push((Item::Comment(next_comment), c.start, c.end));
                next_comment += 1;
            }
            // comments inside a declaration (other than an example's) move before it
            let is_example = matches!(d.kind, DeclKind::Example(_));
            while next_comment < self.comments.len()
                && self.comments[next_comment].start < d.span.end
            {
                if !is_example {
                    let c = &self.comments[next_comment];
                    items.push((Item::Comment(next_comment), d.span.start, d.span.start));
                    let _ = c;
                }
                next_comment += 1;
            }
            // a comment after the end, on the same line, trails it
            let trailing = self
                .comments
                .get(next_comment)
                .filter(|c| same_line(self.src, d.span.end, c.start))
                .map(|_| next_comment);
            let end = match trailing {
                Some(i) => {
                    next_comment += 1;
                    self.comments[i].end
                }
                None => d.span.end,
            };
            items.push((Item::Decl(d, trailing), d.span.start, end));
        }
        for i in next_comment..self.comments.len() {
            items.push((
                Item::Comment(i),
                self.comments[i].start,
                self.comments[i].end,
            ));
        }
        items
    }

    fn file(&self, file: &RulesFile) -> String {
        let items = self.items(file);
        // blank line before each item, as in the source
        let blank: Vec<bool> = (0..items.len())
            .map(|i| i > 0 && has_blank_line(self.src, items[i - 1].2, items[i].1))
            .collect();
        // alignment groups: runs of same-kind declarations that fit on one line
        let flat: Vec<Option<String>> = items
            .iter()
            .map(|(it, _, _)| match it {
                Item::Decl(d, _) => Some(self.decl_flat(d, 0)),
                Item::Comment(_) => None,
            })
            .collect();
        let (pad, comment_col) = alignment(&items, &blank, &flat);

        let mut out = String::new();
        for (k, (item, _, _)) in items.iter().enumerate() {
            if blank[k] {
                out.push('\n');
            }
            match item {
                Item::Comment(c) => {
                    out.push_str(self.comment(*c));
                    out.push('\n');
                }
                Item::Decl(d, trailing) => {
                    let text = self.decl(d, pad[k]);
                    out.push_str(&text);
                    if let Some(c) = trailing {
                        let last = text.rsplit('\n').next().unwrap_or("").chars().count();
                        let col = if text.contains('\n') {
                            last + 2
                        } else {
                            comment_col[k].max(last + 2)
                        };
                        out.push_str(&" ".repeat(col - last));
                        out.push_str(self.comment(*c));
                    }
                    out.push('\n');
                }
            }
        }
        out
    }

    /// A declaration on one line, with `pad` spaces after its name.
    fn decl_flat(&self, d: &Decl, pad: usize) -> String {
        let sp = " ".repeat(pad);
        match &d.kind {
            DeclKind::Ruleset(name) => format!("ruleset {}", self.text(name.span)),
            DeclKind::Let(l) => format!("let {}{sp} = {}", l.name.name, self.expr(&l.value)),
            DeclKind::Require(r) => format!(
                "require {}:{sp} {}{}",
                r.name.name,
                self.expr(&r.condition),
                self.clauses(r)
            ),
            DeclKind::Signal(s) => format!(
                "signal {}{sp} {}= {}",
                s.name.name,
                self.weight(s),
                self.expr(&s.value)
            ),
            DeclKind::Tier(t) => match &t.condition {
                Some(c) => format!("tier {}{sp} when {}", t.name.name, self.expr(c)),
                None => format!("tier {}{sp} otherwise", t.name.name),
            },
            DeclKind::Rank(r) => {
                let order = |o: Option<Order>| match o {
                    Some(Order::Asc) => " asc",
                    Some(Order::Desc) => " desc",
                    None => "",
                };
                let mut keys = vec![format!("{}{}", self.expr(&r.key), order(r.order))];
                keys.extend(
                    r.then
                        .iter()
                        .map(|k| format!("{}{}", self.expr(&k.key), order(k.order))),
                );
                format!("rank by {}", keys.join(", "))
            }
            DeclKind::Limit(n) => format!("limit {}", n.raw),
            DeclKind::Select(s) => self.select(s),
            DeclKind::Example(ex) => self.example(ex, d.span.end),
        }
    }

    /// A declaration laid out: on one line when it fits, else broken.
    fn decl(&self, d: &Decl, pad: usize) -> String {
        let line = self.decl_flat(d, pad);
        if line.chars().count() <= WIDTH || line.contains('\n') {
            return line;
        }
        let sp = " ".repeat(pad);
        match &d.kind {
            DeclKind::Let(l) => format!("let {}{sp} = {}", l.name.name, self.broken(&l.value)),
            DeclKind::Require(r) => {
                let clauses = self.clauses(r);
                let clauses = if clauses.is_empty() {
                    String::new()
                } else {
                    format!("\n {clauses}")
                };
                format!(
                    "require {}:{sp} {}{clauses}",
                    r.name.name,
                    self.broken(&r.condition)
                )
            }
            DeclKind::Signal(s) => format!(
                "signal {}{sp} {}= {}",
                s.name.name,
                self.weight(s),
                self.broken(&s.value)
            ),
            DeclKind::Tier(Tier {
                name,
                condition: Some(c),
            }) => format!("tier {}{sp} when {}", name.name, self.broken(c)),
            _ => line,
        }
    }

    /// `select N`, then each constraint on a line of its own, indented.
    fn select(&self, s: &Select) -> String {
        let mut out = format!("select {}", s.count.raw);
        for c in &s.constraints {
            let line = match &c.kind {
                TeamConstraintKind::Budget { value, cap } => {
                    format!("budget sum({}) <= {}", self.expr(value), cap.raw)
                }
                TeamConstraintKind::Per {
                    group,
                    bound,
                    count,
                } => format!("per {} {} {}", self.expr(group), bound.as_str(), count.raw),
            };
            out.push_str("\n  ");
            out.push_str(&line);
        }
        out
    }

    fn weight(&self, s: &Signal) -> String {
        s.weight
            .as_ref()
            .map_or(String::new(), |w| format!("weight {} ", w.raw))
    }

    fn clauses(&self, r: &Require) -> String {
        let mut out = String::new();
        if let Some(m) = &r.message {
            out.push_str(&format!(" else {}", self.text(m.span)));
        }
        if let Some((mode, _)) = r.when_missing {
            let mode = match mode {
                WhenMissing::Fail => "fail",
                WhenMissing::Pass => "pass",
                WhenMissing::Review => "review",
            };
            out.push_str(&format!(" when missing {mode}"));
        }
        out
    }

    /// An expression broken before each top-level `or`, `and`, `+`/`-`, or
    /// before the `else` of an `if`; continuation lines are indented four.
    fn broken(&self, e: &Expr) -> String {
        let mut parts: Vec<(&str, &Expr)> = Vec::new();
        match &e.kind {
            ExprKind::Or(..) => flatten(e, &mut parts, &|k| {
                matches!(k, ExprKind::Or(..)).then_some("or")
            }),
            ExprKind::And(..) => flatten(e, &mut parts, &|k| {
                matches!(k, ExprKind::And(..)).then_some("and")
            }),
            ExprKind::Arith(ArithOp::Add | ArithOp::Sub, ..) => {
                flatten(e, &mut parts, &|k| match k {
                    ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), ..) => Some(op.as_str()),
                    _ => None,
                })
            }
            ExprKind::If(c, a, b) => {
                return format!(
                    "if {} then {}\n    else {}",
                    self.expr(c),
                    self.expr(a),
                    self.expr(b)
                )
            }
            _ => return self.expr(e),
        }
        let mut out = self.expr(parts[0].1);
        for (op, p) in &parts[1..] {
            out.push_str(&format!("\n    {op} {}", self.expr(p)));
        }
        out
    }

    /// An example's `population { ... }` block, if written, with each
    /// comment inside it on a line of its own at its top; returns where
    /// the block ends.
    fn population(
        &self,
        ex: &Example,
        creator_end: usize,
        inside: &[&Comment],
        out: &mut String,
    ) -> Option<usize> {
        let span = ex.population_span?;
        for c in inside
            .iter()
            .filter(|c| c.own_line && c.start > creator_end && c.start < span.start)
        {
            out.push_str(&format!("  {}\n", c.text(self.src)));
        }
        out.push_str("  population {\n");
        for c in inside
            .iter()
            .filter(|c| c.start > span.start && c.start < span.end)
        {
            out.push_str(&format!("    {}\n", c.text(self.src)));
        }
        for creator in &ex.population {
            let flat = format!("    creator {}", self.expr(creator));
            if flat.chars().count() <= WIDTH {
                out.push_str(&flat);
                out.push('\n');
                continue;
            }
            out.push_str("    creator {\n");
            if let ExprKind::Object(entries) = &creator.kind {
                for (k, v) in entries {
                    out.push_str(&format!("      {}: {},\n", self.key(k), self.expr(v)));
                }
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
        Some(span.end)
    }

    /// An example block; `end` is the offset just past its closing brace.
    fn example(&self, ex: &Example, end: usize) -> String {
        let inside: Vec<&Comment> = self
            .comments
            .iter()
            .filter(|c| c.start > ex.name.span.end && c.start < end)
            .collect();
        let mut out = format!("example {} {{\n", self.text(ex.name.span));
        // comments up to the end of the creator object go before it
        let creator_end = ex.creator.span.end;
        for c in inside.iter().filter(|c| c.start < creator_end) {
            out.push_str(&format!("  {}\n", c.text(self.src)));
        }
        let flat = format!("  creator {}", self.expr(&ex.creator));
        if flat.chars().count() <= WIDTH {
            out.push_str(&flat);
        } else {
            out.push_str("  creator {\n");
            if let ExprKind::Object(entries) = &ex.creator.kind {
                for (k, v) in entries {
                    out.push_str(&format!("    {}: {},\n", self.key(k), self.expr(v)));
                }
            }
            out.push_str("  }");
        }
        let trailing_of = |end: usize| {
            inside
                .iter()
                .find(|c| !c.own_line && same_line(self.src, end, c.start))
        };
        if let Some(c) = trailing_of(creator_end) {
            out.push_str(&format!("  {}", c.text(self.src)));
        }
        out.push('\n');
        let creator_end = self
            .population(ex, creator_end, &inside, &mut out)
            .unwrap_or(creator_end);
        for t in &ex.today {
            out.push_str(&format!("  today {}\n", self.text(t.span)));
        }
        for (i, e) in ex.expects.iter().enumerate() {
            let prev_end = if i == 0 {
                creator_end
            } else {
                ex.expects[i - 1].span.end
            };
            for c in inside
                .iter()
                .filter(|c| c.own_line && c.start > prev_end && c.start < e.span.start)
            {
                out.push_str(&format!("  {}\n", c.text(self.src)));
            }
            out.push_str(&format!("  {}", self.expect(e)));
            if let Some(c) = trailing_of(e.span.end) {
                out.push_str(&format!("  {}", c.text(self.src)));
            }
            out.push('\n');
        }
        let last = ex.expects.last().map_or(creator_end, |e| e.span.end);
        for c in inside.iter().filter(|c| c.own_line && c.start > last) {
            out.push_str(&format!("  {}\n", c.text(self.src)));
        }
        out.push('}');
        out
    }

    fn expect(&self, e: &Expect) -> String {
        match &e.kind {
            ExpectKind::Accepted => "expect accepted".into(),
            ExpectKind::Review => "expect review".into(),
            ExpectKind::Rejected(names) if names.is_empty() => "expect rejected".into(),
            ExpectKind::Rejected(names) => {
                let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
                format!("expect rejected by {}", names.join(", "))
            }
            ExpectKind::Tier(t) => format!("expect tier {}", t.name),
            ExpectKind::Score(op, n) => format!("expect score {} {}", op.as_str(), n.raw),
            ExpectKind::Signal(s, op, n) => {
                format!("expect signal {} {} {}", s.name, op.as_str(), n.raw)
            }
        }
    }

    /// An object key as written: a name or a quoted string.
    fn key(&self, k: &Ident) -> &'s str {
        self.text(k.span)
    }

    /// An expression on one line with normalised spacing.
    fn expr(&self, e: &Expr) -> String {
        use ExprKind::*;
        let join = |xs: &[Expr]| {
            xs.iter()
                .map(|x| self.expr(x))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &e.kind {
            Number(n) => n.raw.clone(),
            String(_) => self.text(e.span).to_string(),
            Bool(b) => b.to_string(),
            Missing => "missing".into(),
            List(xs) => format!("[{}]", join(xs)),
            Object(entries) if entries.is_empty() => "{}".into(),
            Object(entries) => {
                let parts: Vec<std::string::String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.expr(v)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            Name(n) => n.name.clone(),
            Field(b, k) => format!("{}.{}", self.expr(b), k.name),
            Index(b, i) => format!("{}[{}]", self.expr(b), self.expr(i)),
            Call(f, args) => format!("{}({})", f.name, join(args)),
            Lambda(p, b) => format!("{} => {}", p.name, self.expr(b)),
            Not(x) => format!("not {}", self.expr(x)),
            Neg(x) => format!("-{}", self.expr(x)),
            And(a, b) => format!("{} and {}", self.expr(a), self.expr(b)),
            Or(a, b) => format!("{} or {}", self.expr(a), self.expr(b)),
            Arith(op, a, b) => format!("{} {} {}", self.expr(a), op.as_str(), self.expr(b)),
            Coalesce(a, b) => format!("{} ?? {}", self.expr(a), self.expr(b)),
            Compare(op, a, b) => format!("{} {} {}", self.expr(a), op.as_str(), self.expr(b)),
            Between(x, lo, hi) => format!(
                "{} between {} and {}",
                self.expr(x),
                self.expr(lo),
                self.expr(hi)
            ),
            In {
                item,
                list,
                negated,
            } => {
                let op = if *negated { "not in" } else { "in" };
                format!("{} {op} {}", self.expr(item), self.expr(list))
            }
            Contains(a, b) => format!("{} contains {}", self.expr(a), self.expr(b)),
            Matches(a, b) => format!("{} matches {}", self.expr(a), self.expr(b)),
            If(c, a, b) => format!(
                "if {} then {} else {}",
                self.expr(c),
                self.expr(a),
                self.expr(b)
            ),
            Paren(x) => format!("({})", self.expr(x)),
        }
    }
}

/// The operands of a left-leaning chain of one kind of operator at the top
/// of a tree, each with the operator before it (`op_of` names it).
fn flatten<'e>(
    e: &'e Expr,
    out: &mut Vec<(&'static str, &'e Expr)>,
    op_of: &dyn Fn(&ExprKind) -> Option<&'static str>,
) {
    let (a, b) = match &e.kind {
        ExprKind::Or(a, b) | ExprKind::And(a, b) | ExprKind::Arith(_, a, b)
            if op_of(&e.kind).is_some() =>
        {
            (a, b)
        }
        _ => {
            out.push(("", e));
            return;
        }
    };
    let op = op_of(&e.kind).expect("checked above");
    flatten(a, out, op_of);
    out.push((op, b));
}

fn fits(line: &Option<String>) -> bool {
    line.as_ref()
        .is_some_and(|l| l.chars().count() <= WIDTH && !l.contains('\n'))
}

#[cfg(test)]
mod tests;
