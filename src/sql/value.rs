//! An expression as SQL: its value, the kind the value has when that is
//! known before any record is read, and the condition under which the
//! interpreter would stop on a value of the wrong kind (docs/language.md,
//! section 12). Missing is SQL NULL; a JSON `null` is made NULL where a
//! JSON value is read.

use super::dialect::{Dialect, JsonKind};

/// A constant scalar, as a constant list holds it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Num(f64),
    Str(String),
    Bool(bool),
}

/// The kind of an expression's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// A DOUBLE, NULL when missing.
    Num,
    /// Text, NULL when missing.
    Str,
    /// A boolean (an integer 0/1 in SQLite), NULL when missing.
    Bool,
    /// A JSON value of any kind, known only per record; NULL when missing.
    Json,
    /// A constant list of scalars, known before any record is read.
    Consts(Vec<Lit>),
    /// Always missing.
    Missing,
}

/// One translated expression.
#[derive(Clone, Debug)]
pub(crate) struct Sql {
    pub kind: Kind,
    /// The value; for [`Kind::Consts`], unused.
    pub val: String,
    /// When true, the interpreter stops on a wrong-kind value here; never NULL.
    pub err: Option<String>,
    /// SQLite's `lower`, which folds ASCII letters only: the same as the
    /// interpreter's where the result is compared with ASCII text.
    pub ascii_folded: bool,
}

impl Sql {
    pub fn new(kind: Kind, val: String) -> Sql {
        Sql {
            kind,
            val,
            err: None,
            ascii_folded: false,
        }
    }

    pub fn with_err(mut self, err: Option<String>) -> Sql {
        self.err = either(self.err.take(), err);
        self
    }
}

/// `a OR b` over optional error conditions.
pub(crate) fn either(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => Some(format!("({a} OR {b})")),
    }
}

/// The error `e`, counted only when `cond` holds (is true, not NULL).
pub(crate) fn when(cond: &str, e: Option<String>) -> Option<String> {
    e.map(|e| format!("(COALESCE({cond}, FALSE) AND {e})"))
}

/// The value as the kind `want` needs it (a number, text or boolean), and
/// the error of a value of another kind (not counting `x.err`): missing
/// passes as NULL.
pub(crate) fn want(d: Dialect, x: &Sql, want: JsonKind) -> (String, Option<String>) {
    let same = matches!(
        (&x.kind, want),
        (Kind::Num, JsonKind::Number)
            | (Kind::Str, JsonKind::String)
            | (Kind::Bool, JsonKind::Bool)
    );
    if same {
        return (x.val.clone(), None);
    }
    match &x.kind {
        Kind::Missing => ("NULL".into(), None),
        Kind::Json => {
            let v = &x.val;
            let test = d.is_kind(v, want);
            let read = match want {
                JsonKind::Number => d.json_number(v),
                JsonKind::String => d.json_text(v),
                JsonKind::Bool => d.json_bool(v),
                _ => v.clone(),
            };
            let val = format!("CASE WHEN {test} THEN {read} END");
            let err = format!("({v} IS NOT NULL AND NOT ({test}))");
            (val, Some(err))
        }
        Kind::Consts(_) => ("NULL".into(), Some("TRUE".into())),
        _ => {
            let err = format!("({} IS NOT NULL)", x.val);
            ("NULL".into(), Some(err))
        }
    }
}

/// The value as JSON, for an expression whose branches differ in kind;
/// `None` for a constant list.
pub(crate) fn as_json(d: Dialect, x: &Sql) -> Option<String> {
    Some(match &x.kind {
        Kind::Json => x.val.clone(),
        Kind::Missing => "NULL".into(),
        Kind::Bool => d.to_json(&x.val, true),
        // PostgreSQL cannot type `to_jsonb('')`: a text literal is `unknown`
        Kind::Str if d == Dialect::Postgres => {
            d.to_json(&format!("CAST({} AS {})", x.val, d.text_type()), false)
        }
        Kind::Num | Kind::Str => d.to_json(&x.val, false),
        Kind::Consts(_) => return None,
    })
}

/// The SQL of a constant scalar, with its kind.
pub(crate) fn lit(d: Dialect, l: &Lit) -> String {
    match l {
        Lit::Num(n) => d.number(*n),
        Lit::Str(s) => d.string(s),
        Lit::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
    }
}
