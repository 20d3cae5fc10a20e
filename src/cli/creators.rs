//! `run --all --format json`: the report with every verdict, written as
//! it goes. Each verdict is spooled as the engine hands it on (its rank
//! left open), and only the rank keys of the accepted creators are held;
//! once the run is done the report's head is written, then the spooled
//! `creators` with their ranks. The bytes are those of the report held
//! whole and serialised at once, in a memory that does not grow with the
//! number of creators.

use std::io::Write;
use std::process::ExitCode;

use crate::report::rows::RowSet;
use crate::report::stream::{LineFormat, LineSpec, LineSpool};
use crate::run::summary::Summary;
use crate::{Ruleset, RunOptions};

use super::run::RunArgs;
use super::run::{copy_out, engine, input, through, warn};
use super::{output_name, spool, write_failed, Output, Reporter};

/// Writes the report of `--all --format json` to `out`. Returns the
/// number of creators in error.
pub(super) fn write(
    rules: &Ruleset,
    a: &RunArgs,
    options: &RunOptions,
    mut out: Output,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let spool_failed =
        |e: &std::io::Error| spool::failed(a.output.as_deref(), "cannot write", e, rep);
    let file = spool::open(a.output.as_deref(), rep)?;
    let mut spool = LineSpool::new(LineFormat::Creators, rules.program(), &[], file)
        .map_err(|e| spool_failed(&e))?;
    let input = input(a);
    // the report keeps its counts and shortlist, the spool every verdict
    let mut sink = Summary::new(rules, options, false);
    let mut failed = None;
    // each element is made here, not on the worker threads as ndjson's
    // lines are: the report needs every verdict too, and a batch in flight
    // holding both its verdicts and their elements would pass 64 MiB
    let spec = LineSpec::new(LineFormat::Creators, rules.program(), &[], RowSet::All);
    let mut maker = spec.maker();
    let run = engine(rules, &input, options, a);
    let finished = through(run, &input, "screening", rep, &mut |mut e| {
        let added = match maker.make(&mut e.verdict, Vec::new()) {
            Some(made) => made.and_then(|line| spool.add_rendered(line)),
            None => Ok(()),
        };
        if let Err(err) = added {
            failed = Some(err);
            return false;
        }
        sink.add(e);
        true
    });
    if let Some(e) = failed {
        return Err(spool_failed(&e));
    }
    let report = sink.finish(&finished?);
    let mut head = serde_json::to_string_pretty(&report).expect("a report always serialises");
    // the report without `creators`, its last field, ends with "\n}"
    head.truncate(head.len() - 2);
    head.push_str(",\n  \"creators\": [");
    let to = output_name(a.output.as_deref());
    let fail = |e: std::io::Error| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS);
    out.write_all(head.as_bytes()).map_err(fail)?;
    if report.evaluated > 0 {
        out.write_all(b"\n").map_err(fail)?;
        copy_out(spool.finish(&mut out).map(Ok), a, rep)?;
        out.write_all(b"\n  ]").map_err(fail)?;
    } else {
        out.write_all(b"]").map_err(fail)?;
    }
    out.write_all(b"\n}\n")
        .and_then(|()| out.finish())
        .map_err(fail)?;
    warn(&report.warnings, a, rep);
    Ok(report.errors)
}
