//! The argument groups several commands share: how data is read
//! (`--format-in`, `--delimiter`, ...), the run's date and the evaluation
//! budget, with the parsers that check their values before a command runs.

use clap::ValueEnum;

use crate::data;

/// Data formats for `--format-in`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FormatIn {
    /// A JSON array of objects.
    Json,
    /// One JSON object per line (.ndjson, .jsonl).
    Ndjson,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

impl From<FormatIn> for data::Format {
    fn from(f: FormatIn) -> Self {
        match f {
            FormatIn::Json => data::Format::Json,
            FormatIn::Ndjson => data::Format::Ndjson,
            FormatIn::Csv => data::Format::Csv,
            FormatIn::Tsv => data::Format::Tsv,
        }
    }
}

/// How delimited text and workbooks are read (run, check, explain, diff).
#[derive(clap::Args)]
pub(crate) struct ReadArgs {
    /// The cell delimiter of CSV or text data, one character (`,` `;` `|`, `tab` or `\t`) [default: sniffed from the first lines].
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    pub(crate) delimiter: Option<u8>,
    /// Numbers are written with a decimal comma (`4,2` is 4.2, `12.400` is 12400), in cells and in number().
    #[arg(long)]
    pub(crate) decimal_comma: bool,
    /// The sheet of a workbook (.xlsx, .xls, .ods) to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
}

/// `--delimiter C`: one ASCII character, or `tab`.
pub(crate) fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "`{s}` is not one character: give `,`, `;`, `|` or `tab`"
        )),
    }
}

/// The run's date of `run`, `explain`, `diff` and `test`.
#[derive(clap::Args)]
pub(crate) struct RunDate {
    /// The run's date, that `days_since` counts to, as YYYY-MM-DD [default: today in UTC]; an example's own `today "YYYY-MM-DD"` still wins for that example.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub(crate) today: Option<crate::jiff::civil::Date>,
}

/// `--today YYYY-MM-DD`.
pub(crate) fn parse_today(s: &str) -> Result<crate::jiff::civil::Date, String> {
    crate::eval::dates::read_day(s.trim()).ok_or_else(|| {
        format!("`{s}` is not a date: write the year, month and day as YYYY-MM-DD, e.g. 2026-12-02")
    })
}

/// The evaluation budget of `run`, `explain` and `diff`.
#[derive(clap::Args)]
pub(crate) struct MaxSteps {
    /// Steps one creator's evaluation may take before that creator is `error` (README, "Limits"); a step is one expression evaluated, and `in`, `matches` and functions also count the elements and bytes they scan. Raise it for rules that nest lambdas over long lists on purpose.
    #[arg(long, value_name = "N", default_value_t = crate::eval::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_steps: u64,
}

/// `--threads N` of `run`, `explain` and `diff` (`check --data` has its own,
/// which needs `--data`).
#[derive(clap::Args)]
pub(crate) struct Threads {
    /// Threads that decode and evaluate records, 1 to 256, at most one per core; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long = "threads", value_name = "N", value_parser = super::run::parse_threads)]
    pub(crate) asked: Option<usize>,
}

impl Threads {
    /// How many threads to run on.
    pub(crate) fn count(&self) -> usize {
        super::run::threads(self.asked)
    }
}

/// `--top N`: a shortlist length, by the rule `limit N` follows.
pub(crate) fn shortlist_arg(s: &str) -> Result<usize, String> {
    let n: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    crate::check::shortlist_length(n).map_err(|e| e.to_string())
}
