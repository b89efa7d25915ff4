//! The rules table as a file: read a council's CSV with errors that name the file, line and
//! column; write a table back in the canonical form of `fixtures/rules/england.csv`.
//!
//! The field-level reading lives in the pure `rules` module (`rules::parse_table`), because
//! the built-in England table is parsed there from the same embedded file; this module is the
//! edge that knows about file names and writes through the `csv` crate, whose quoting the
//! reader accepts (a round trip is tested).

use crate::rules::{parse_table, RulesTable, COLUMNS};
use std::fmt;

/// One problem in a rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesFileProblem {
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line (the header is line 1).
    pub line: usize,
    /// The column, when one is to blame.
    pub column: Option<String>,
    /// What is wrong and, where it helps, what is expected.
    pub reason: String,
}

impl fmt::Display for RulesFileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => {
                write!(f, "{}, line {}, column {column}: {}", self.file, self.line, self.reason)
            }
            None => write!(f, "{}, line {}: {}", self.file, self.line, self.reason),
        }
    }
}

/// Every problem found in a rules file; nothing is loaded when there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the rules table:\n{}", .problems.len(), list(.problems))]
pub struct RulesFileError {
    /// The problems, in file order.
    pub problems: Vec<RulesFileProblem>,
}

fn list(problems: &[RulesFileProblem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// Reads a rules table from the text of `file` (the name is used only in errors).
pub fn read_rules(file: &str, text: &str) -> Result<RulesTable, RulesFileError> {
    parse_table(text).map_err(|problems| RulesFileError {
        problems: problems
            .into_iter()
            .map(|p| RulesFileProblem {
                file: file.to_owned(),
                line: p.line,
                column: p.column,
                reason: p.reason,
            })
            .collect(),
    })
}

/// Writes a table as CSV: the header, then one row per rule in table order, fields quoted only
/// where needed, `\n` line ends.
pub fn write_rules(table: &RulesTable) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    writer.write_record(COLUMNS).expect("write to memory");
    for rule in table.rules() {
        let interval = rule.interval.to_string();
        writer
            .write_record([
                rule.plan.code(),
                rule.phase.code(),
                &interval,
                rule.unit.code(),
                rule.start_day.code(),
                rule.bank_holidays.code(),
                rule.seen_alone.code(),
                &rule.source,
            ])
            .expect("write to memory");
    }
    let bytes = writer.into_inner().expect("flush to memory");
    String::from_utf8(bytes).expect("codes and sources are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ENGLAND_CSV;

    #[test]
    fn england_file_is_in_canonical_form() {
        assert_eq!(write_rules(&RulesTable::england()), ENGLAND_CSV);
    }

    #[test]
    fn can_round_trip_awkward_sources() {
        let text = ENGLAND_CSV.replace(
            "Local policy: every 20 working days",
            "\"Local \"\"policy\"\", line one\nline two\"",
        );
        let table = read_rules("rules.csv", &text).unwrap();
        let cin = table.rules().iter().find(|r| r.plan.code() == "CIN").unwrap();
        assert_eq!(cin.source, "Local \"policy\", line one\nline two");
        assert_eq!(read_rules("again.csv", &write_rules(&table)).unwrap(), table);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let text = ENGLAND_CSV.replace("CP,default,10,", "CP,default,ten,");
        let err = read_rules("medway-rules.csv", &text).unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert_eq!(
            err.problems[0].to_string(),
            "medway-rules.csv, line 14, column interval: \"ten\" is not a whole number"
        );
    }
}
