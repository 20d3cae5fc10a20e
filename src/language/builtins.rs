//! The built-in functions as the language defines them: names, how they
//! are called, arities, what each argument must be and what they return.
//! The checker reads this table; the evaluator (`eval/functions.rs`)
//! computes them.

use super::Kind;

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `len(s | list | object)`
    Len,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `trim(s)`
    Trim,
    /// `min(a, b, ...)` or `min(list)`
    Min,
    /// `max(a, b, ...)` or `max(list)`
    Max,
    /// `clamp(x, lo, hi)`
    Clamp,
    /// `abs(x)`
    Abs,
    /// `round(x [, digits])`
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `sqrt(x)`
    Sqrt,
    /// `log10(x)`
    Log10,
    /// `ln(x)`
    Ln,
    /// `has(path)`
    Has,
    /// `number(s)`
    Number,
    /// `overlap(a, b)`
    Overlap,
    /// `sum(list)`
    Sum,
    /// `avg(list)`
    Avg,
    /// `any(xs, x => ...)`
    Any,
    /// `all(xs, x => ...)`
    All,
    /// `count(xs, x => ...)`
    Count,
    /// `map(xs, x => ...)`
    Map,
    /// `filter(xs, x => ...)`
    Filter,
    /// `first(xs, x => ...)`
    First,
    /// `median(list)` or `median(xs, x => ...)`
    Median,
    // text, yes/no and dates (convert.rs)
    /// `split(s, sep)`
    Split,
    /// `starts_with(s, prefix)`
    StartsWith,
    /// `ends_with(s, suffix)`
    EndsWith,
    /// `replace(s, from, to)`
    Replace,
    /// `bool(x)`
    Bool,
    /// `date(x)`
    Date,
    /// `days_since(x)`
    DaysSince,
    // the run's population (cohort.rs)
    /// `percentile(x [, group])`
    Percentile,
    /// `cohort_median(x [, group])`
    CohortMedian,
    /// `cohort_size([group])`
    CohortSize,
    /// `band(x, [bounds])`
    Band,
}

/// What a function's argument must be, for the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Anything.
    Any,
    /// One kind.
    Is(Kind),
    /// A string, list or object (`len`).
    Sized,
    /// A field path such as `audience.female_share`.
    Path,
    /// `x => ...`
    Lambda,
}

/// Result type of a function as far as the checker can tell.
pub type Returns = Option<Kind>;

impl Builtin {
    /// Every function, with its name.
    pub const ALL: [(&'static str, Builtin); 37] = [
        ("len", Builtin::Len),
        ("lower", Builtin::Lower),
        ("upper", Builtin::Upper),
        ("trim", Builtin::Trim),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("clamp", Builtin::Clamp),
        ("abs", Builtin::Abs),
        ("round", Builtin::Round),
        ("floor", Builtin::Floor),
        ("ceil", Builtin::Ceil),
        ("sqrt", Builtin::Sqrt),
        ("log10", Builtin::Log10),
        ("ln", Builtin::Ln),
        ("has", Builtin::Has),
        ("number", Builtin::Number),
        ("overlap", Builtin::Overlap),
        ("sum", Builtin::Sum),
        ("avg", Builtin::Avg),
        ("any", Builtin::Any),
        ("all", Builtin::All),
        ("count", Builtin::Count),
        ("map", Builtin::Map),
        ("filter", Builtin::Filter),
        ("first", Builtin::First),
        ("median", Builtin::Median),
        ("split", Builtin::Split),
        ("starts_with", Builtin::StartsWith),
        ("ends_with", Builtin::EndsWith),
        ("replace", Builtin::Replace),
        ("bool", Builtin::Bool),
        ("date", Builtin::Date),
        ("days_since", Builtin::DaysSince),
        ("percentile", Builtin::Percentile),
        ("cohort_median", Builtin::CohortMedian),
        ("cohort_size", Builtin::CohortSize),
        ("band", Builtin::Band),
    ];

    /// Looks a function up by name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .expect("every builtin is listed in ALL")
    }

    /// How it is called, for help text.
    pub fn usage(self) -> &'static str {
        match self {
            Builtin::Len => "len(text or list)",
            Builtin::Lower => "lower(text)",
            Builtin::Upper => "upper(text)",
            Builtin::Trim => "trim(text)",
            Builtin::Min => "min(a, b, ...), min(list) or min(list, x => number)",
            Builtin::Max => "max(a, b, ...), max(list) or max(list, x => number)",
            Builtin::Clamp => "clamp(x, lo, hi)",
            Builtin::Abs => "abs(x)",
            Builtin::Round => "round(x) or round(x, digits)",
            Builtin::Floor => "floor(x)",
            Builtin::Ceil => "ceil(x)",
            Builtin::Sqrt => "sqrt(x)",
            Builtin::Log10 => "log10(x)",
            Builtin::Ln => "ln(x)",
            Builtin::Has => "has(field)",
            Builtin::Number => "number(text) or number(text, \",\")",
            Builtin::Overlap => "overlap(list, list)",
            Builtin::Sum => "sum(list) or sum(list, x => number)",
            Builtin::Avg => "avg(list) or avg(list, x => number)",
            Builtin::Any => "any(list, x => condition)",
            Builtin::All => "all(list, x => condition)",
            Builtin::Count => "count(list, x => condition)",
            Builtin::Map => "map(list, x => value)",
            Builtin::Filter => "filter(list, x => condition)",
            Builtin::First => "first(list, x => condition)",
            Builtin::Median => "median(list) or median(list, x => number)",
            Builtin::Split => "split(text, \",\")",
            Builtin::StartsWith => "starts_with(text, prefix)",
            Builtin::EndsWith => "ends_with(text, suffix)",
            Builtin::Replace => "replace(text, from, to)",
            Builtin::Bool => "bool(text)",
            Builtin::Date => "date(text)",
            Builtin::DaysSince => "days_since(date)",
            Builtin::Percentile => "percentile(x) or percentile(x, group)",
            Builtin::CohortMedian => "cohort_median(x) or cohort_median(x, group)",
            Builtin::CohortSize => "cohort_size() or cohort_size(group)",
            Builtin::Band => "band(x, [1k, 10k, 50k])",
        }
    }

    /// What it gives, one sentence as docs/language.md's table of
    /// functions says it (the language server's hover and completion).
    pub fn doc(self) -> &'static str {
        use Builtin::*;
        match self {
            Len => "The number of characters of a string, elements of a list or keys of an object.",
            Lower => "The string in lower case (Unicode).",
            Upper => "The string in upper case (Unicode: `upper(\"straße\")` is `\"STRASSE\"`).",
            Trim => "The string without leading and trailing whitespace.",
            Min => "The smallest of two or more numbers, of a list's elements, or of what the lambda gives for each element; missing for `[]`.",
            Max => "The largest of two or more numbers, of a list's elements, or of what the lambda gives for each element; missing for `[]`.",
            Clamp => "`x` limited to [lo, hi].",
            Abs => "The absolute value.",
            Round => "Rounded half away from zero, to `digits` places after the point (negative: tens, hundreds).",
            Floor => "Rounded down.",
            Ceil => "Rounded up.",
            Sqrt => "The square root; missing for x < 0.",
            Log10 => "The logarithm base 10; missing for x <= 0.",
            Ln => "The natural logarithm; missing for x <= 0.",
            Has => "`true` if the field holds a value, else `false`; never missing.",
            Number => "The number a human-written string means (`\"8,421\"`, `\"3.3m\"`, `\"1.39%\"`); a number as is; missing for text it cannot read. A second argument gives the decimal mark.",
            Overlap => "How many distinct elements of the first list also appear in the second.",
            Sum => "The total of a list's numbers, or of what the lambda gives; `sum([])` is 0.",
            Avg => "The mean of a list's numbers, or of what the lambda gives; missing for `[]`.",
            Any => "True if the condition is true for some element.",
            All => "True if the condition is true for every element.",
            Count => "How many elements make the condition true.",
            Map => "The list of what the lambda gives for each element, in order.",
            Filter => "The elements, in order, for which the condition is true.",
            First => "The first element for which the condition is true; missing when there is none.",
            Median => "The middle value once sorted (the mean of the two middle ones for an even count); missing for `[]`.",
            Split => "The parts of the text between occurrences of the separator, each trimmed, empty parts dropped.",
            StartsWith => "True when the text begins with the prefix (case-sensitive).",
            EndsWith => "True when the text ends with the suffix (case-sensitive).",
            Replace => "The text with every occurrence of `from` replaced by `to`, left to right.",
            Bool => "A yes/no word read as true/false (`\"Yes\"`, `\"n\"`, `\"✓\"`); missing for empty text.",
            Date => "A date, from ISO text (`\"2026-11-03\"`, a date-time) or Unix seconds.",
            DaysSince => "Whole calendar days from the date to the run's date (`--today`, else today in UTC).",
            Percentile => "SQL's `percent_rank()`: how many creators of the cohort (the run's undamaged creators with `x` present, and the same `group`) have a smaller `x`, over the cohort's size less one; 0 for a cohort of one.",
            CohortMedian => "The median of `x` over the cohort (the run's undamaged creators with `x` present, and the same `group`).",
            CohortSize => "How many of the run's undamaged creators have the same `group` (all of them without one).",
            Band => "The label of the band `x` falls in: `\"<1k\"`, `\"1k-10k\"`, `\">=50k\"` (each band holds its lower bound).",
        }
    }

    /// Smallest and largest number of arguments (`None`: no limit).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Builtin::Min | Builtin::Max => (1, None),
            Builtin::Clamp => (3, Some(3)),
            Builtin::Round => (1, Some(2)),
            Builtin::Overlap | Builtin::Any | Builtin::All | Builtin::Count => (2, Some(2)),
            Builtin::Map | Builtin::Filter | Builtin::First => (2, Some(2)),
            Builtin::Sum | Builtin::Avg | Builtin::Median => (1, Some(2)),
            Builtin::Number => (1, Some(2)),
            Builtin::Split | Builtin::StartsWith | Builtin::EndsWith => (2, Some(2)),
            Builtin::Replace => (3, Some(3)),
            Builtin::Percentile | Builtin::CohortMedian => (1, Some(2)),
            Builtin::CohortSize => (0, Some(1)),
            Builtin::Band => (2, Some(2)),
            _ => (1, Some(1)),
        }
    }

    /// What argument `i` must be.
    pub fn param(self, i: usize) -> Param {
        use Builtin::*;
        match (self, i) {
            (Len, _) => Param::Sized,
            (Lower | Upper | Trim, _) => Param::Is(Kind::String),
            (Min | Max, _) => Param::Any,
            (Has, _) => Param::Path,
            (Number, 0) => Param::Any,
            // constant_args.rs says what the mark must be
            (Number, _) => Param::Any,
            (Overlap, _) => Param::Is(Kind::List),
            (Split | StartsWith | EndsWith | Replace, _) => Param::Is(Kind::String),
            (Bool | Date | DaysSince, _) => Param::Any,
            (Percentile | CohortMedian, 0) => Param::Is(Kind::Number),
            (Percentile | CohortMedian | CohortSize, _) => Param::Any,
            (Band, 0) => Param::Is(Kind::Number),
            (Band, _) => Param::Is(Kind::List),
            (Any | All | Count | Map | Filter | First | Sum | Avg | Median, 0) => {
                Param::Is(Kind::List)
            }
            (Any | All | Count | Map | Filter | First | Sum | Avg | Median, _) => Param::Lambda,
            _ => Param::Is(Kind::Number),
        }
    }

    /// The functions whose last argument may be (or must be) `x => ...`,
    /// in the order the docs list them.
    pub const TAKE_LAMBDA: [Builtin; 11] = [
        Builtin::Any,
        Builtin::All,
        Builtin::Count,
        Builtin::Map,
        Builtin::Filter,
        Builtin::First,
        Builtin::Sum,
        Builtin::Avg,
        Builtin::Min,
        Builtin::Max,
        Builtin::Median,
    ];

    /// True for the functions whose value depends on the run's other
    /// creators (the cohort functions): a ruleset calling one reads its
    /// data twice.
    pub fn is_cohort(self) -> bool {
        matches!(
            self,
            Builtin::Percentile | Builtin::CohortMedian | Builtin::CohortSize
        )
    }

    /// What it returns.
    pub fn returns(self) -> Returns {
        use Builtin::*;
        Some(match self {
            Lower | Upper | Trim => Kind::String,
            Has | Any | All => Kind::Bool,
            Map | Filter => Kind::List,
            // an element, of whatever kind the list holds
            First => return None,
            Split => Kind::List,
            StartsWith | EndsWith | Bool => Kind::Bool,
            Replace | Band => Kind::String,
            Date => Kind::Date,
            _ => Kind::Number,
        })
    }
}
