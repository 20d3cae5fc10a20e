//! The top-level fields a run decodes: those the rules read (both
//! rulesets' for `diff`), those an id may come from, and those the
//! `--columns` read; every field when a rule reads the whole `creator`.

use super::Asked;
use crate::data::sparse::FieldFilter;

impl Asked<'_> {
    /// The filter every record of the run is decoded through.
    pub(super) fn field_filter(&self) -> FieldFilter {
        let rulesets = std::iter::once(self.ruleset).chain(self.other);
        if rulesets.clone().any(|r| r.program().reads_whole_record()) {
            return FieldFilter::all();
        }
        let columns = self.options.columns.iter().flat_map(|c| {
            // a dotted name may be one key (`whole`) or a path
            c.whole
                .iter()
                .map(String::as_str)
                .chain(c.path.first().map(String::as_str))
        });
        let rules = rulesets
            .flat_map(|r| r.program().fields.iter().map(|f| f[0].as_str()))
            .chain(columns);
        match self.options.id_field.as_deref() {
            // a dotted path's first key (or the whole, a key holding a dot)
            Some(f) => FieldFilter::only(rules.chain([f, f.split('.').next().unwrap_or(f)])),
            // the id keys are found by `is_id_key`, exactly written or not:
            // a shorter list to scan for every other key
            None => FieldFilter::only(rules).with_id_keys(),
        }
    }
}
