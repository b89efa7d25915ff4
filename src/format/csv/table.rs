//! One CSV file as a table of named columns, and a row reader that parses fields and collects
//! every error instead of stopping at the first.
//!
//! Headers are matched loosely (case, spaces, hyphens, a byte-order mark) and through aliases, so
//! a council's Ofsted Annex A export ("Allocated worker", "Date last seen") reads as is.

use super::errors::{ErrorCode, ImportError};
use crate::domain::{Location, TimeOfDay, TimeSpan};
use chrono::{NaiveDate, NaiveDateTime};
use csv::StringRecord;
use std::collections::BTreeMap;

/// A column a file may have: its canonical name, whether it must be present, and other names
/// that mean the same.
pub struct Column {
    /// The name Rounds writes.
    pub name: &'static str,
    /// Whether the file is rejected without it.
    pub required: bool,
    /// Other header names accepted for it (already normalised: lower case, underscores).
    pub aliases: &'static [&'static str],
}

/// A required column.
pub const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, required: true, aliases }
}

/// An optional column.
pub const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, required: false, aliases }
}

/// A parsed file: where each canonical column is, and the data rows with their row numbers.
pub struct Table {
    /// The file name.
    pub file: &'static str,
    index: BTreeMap<&'static str, usize>,
    /// (row number as a spreadsheet shows it, the fields).
    pub rows: Vec<(usize, StringRecord)>,
}

/// Lower case, trimmed, spaces and hyphens as underscores, no byte-order mark.
fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Reads `bytes` as a CSV file with a header; `None` (with errors pushed) when the file cannot
/// be read or lacks a required column. Rows with the wrong number of fields are reported and
/// left out.
pub fn read(
    file: &'static str,
    bytes: &[u8],
    columns: &[Column],
    errors: &mut Vec<ImportError>,
) -> Option<Table> {
    let error = |row, column: &str, code, reason: String| ImportError {
        file: file.to_owned(),
        row,
        column: column.to_owned(),
        code,
        reason,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            errors.push(error(
                1,
                "",
                ErrorCode::Unreadable,
                format!("cannot read the header: {e}"),
            ));
            return None;
        }
    };
    let mut index = BTreeMap::new();
    for (position, header) in headers.iter().enumerate() {
        let header = normalise(header);
        let found =
            columns.iter().find(|c| c.name == header || c.aliases.contains(&header.as_str()));
        if let Some(column) = found {
            index.entry(column.name).or_insert(position);
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .filter(|c| c.required && !index.contains_key(c.name))
        .map(|c| c.name)
        .collect();
    for name in &missing {
        errors.push(error(
            1,
            name,
            ErrorCode::MissingColumn,
            format!(
                "missing required column '{name}' (header: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    if !missing.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        match record {
            Ok(record) if record.len() == headers.len() => rows.push((row, record)),
            Ok(record)
                if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) => {}
            Ok(record) => errors.push(error(
                row,
                "",
                ErrorCode::WrongFieldCount,
                format!(
                    "wrong number of fields: {} (the header has {})",
                    record.len(),
                    headers.len()
                ),
            )),
            Err(e) => {
                errors.push(error(
                    row,
                    "",
                    ErrorCode::Unreadable,
                    format!("cannot read the row: {e}"),
                ));
                break;
            }
        }
    }
    Some(Table { file, index, rows })
}

/// One row being parsed: field access by canonical column name, errors collected.
pub struct Row<'t> {
    file: &'static str,
    /// The row number as a spreadsheet shows it.
    pub row: usize,
    index: &'t BTreeMap<&'static str, usize>,
    record: &'t StringRecord,
    /// Errors found in this row so far.
    pub errors: Vec<ImportError>,
}

impl Table {
    /// Each data row, ready to parse.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(row, record)| Row {
            file: self.file,
            row: *row,
            index: &self.index,
            record,
            errors: Vec::new(),
        })
    }
}

impl Row<'_> {
    /// The trimmed text of a column ("" when empty or the column is absent).
    pub fn text(&self, column: &str) -> &str {
        self.index.get(column).and_then(|&i| self.record.get(i)).map_or("", str::trim)
    }

    /// Records an error about `column`.
    pub fn fail(&mut self, column: &str, code: ErrorCode, reason: String) {
        self.errors.push(ImportError {
            file: self.file.to_owned(),
            row: self.row,
            column: column.to_owned(),
            code,
            reason,
        });
    }

    /// Whether no error has been found in this row.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// A value that must be present.
    pub fn required(&mut self, column: &str) -> Option<String> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            self.fail(column, ErrorCode::MissingValue, "missing value".into());
            return None;
        }
        Some(text)
    }

    /// An optional text: `None` when empty.
    pub fn optional(&self, column: &str) -> Option<String> {
        let text = self.text(column);
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// An optional date, `YYYY-MM-DD` (or `DD/MM/YYYY` as UK spreadsheets export it).
    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"));
        match parsed {
            Ok(date) => Some(date),
            Err(_) => {
                self.fail(
                    column,
                    ErrorCode::BadDate,
                    format!("bad date '{text}' (expected YYYY-MM-DD)"),
                );
                None
            }
        }
    }

    /// A date that must be present.
    pub fn required_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.text(column).is_empty() {
            self.fail(
                column,
                ErrorCode::MissingValue,
                "missing value (expected YYYY-MM-DD)".into(),
            );
            return None;
        }
        self.date(column)
    }

    /// A date and time that must be present, `YYYY-MM-DD HH:MM` (a `T` also accepted).
    pub fn required_datetime(&mut self, column: &str) -> Option<NaiveDateTime> {
        let text = self.text(column).to_owned();
        let parsed = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok());
        if parsed.is_none() {
            self.fail(
                column,
                ErrorCode::BadDate,
                format!("bad date and time '{text}' (expected YYYY-MM-DD HH:MM)"),
            );
        }
        parsed
    }

    /// An optional time of day, `HH:MM`.
    pub fn time(&mut self, column: &str) -> Option<TimeOfDay> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return None;
        }
        let parsed = TimeOfDay::parse(&text);
        if parsed.is_none() {
            self.fail(column, ErrorCode::BadTime, format!("bad time '{text}' (expected HH:MM)"));
        }
        parsed
    }

    /// Time windows `HH:MM-HH:MM` separated by `;`; empty is `None`.
    pub fn windows(&mut self, column: &str) -> Option<Vec<TimeSpan>> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return None;
        }
        let mut spans = Vec::new();
        for part in text.split(';') {
            match parse_span(part) {
                Some(span) => spans.push(span),
                None => {
                    self.fail(
                        column,
                        ErrorCode::BadTime,
                        format!(
                            "bad time window '{}' (expected HH:MM-HH:MM, opening before closing)",
                            part.trim()
                        ),
                    );
                    return None;
                }
            }
        }
        Some(spans)
    }

    /// A number that must be present.
    pub fn number(&mut self, column: &str) -> Option<f64> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            self.fail(column, ErrorCode::MissingValue, "missing value (expected a number)".into());
            return None;
        }
        self.optional_number(column)
    }

    /// An optional number.
    pub fn optional_number(&mut self, column: &str) -> Option<f64> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Some(value),
            _ => {
                self.fail(column, ErrorCode::BadValue, format!("bad number '{text}'"));
                None
            }
        }
    }

    /// An optional whole number, `default` when empty.
    pub fn count(&mut self, column: &str, default: u32) -> Option<u32> {
        let text = self.text(column).to_owned();
        if text.is_empty() {
            return Some(default);
        }
        let parsed = text.parse::<u32>().ok();
        if parsed.is_none() {
            self.fail(column, ErrorCode::BadValue, format!("bad whole number '{text}'"));
        }
        parsed
    }

    /// Yes or no (`yes/no`, `y/n`, `true/false`, `1/0`); empty is `default`.
    pub fn flag(&mut self, column: &str, default: bool) -> bool {
        let text = self.text(column).to_lowercase();
        match text.as_str() {
            "" => default,
            "yes" | "y" | "true" | "1" => true,
            "no" | "n" | "false" | "0" => false,
            _ => {
                self.fail(
                    column,
                    ErrorCode::BadValue,
                    format!("bad yes/no value '{text}' (expected yes or no)"),
                );
                default
            }
        }
    }

    /// A location from two columns, both required.
    pub fn location(&mut self, lat: &str, lon: &str) -> Option<Location> {
        let (la, lo) = (self.number(lat), self.number(lon));
        let (la, lo) = (la?, lo?);
        let location = Location::new(la, lo);
        if location.is_none() {
            self.fail(lat, ErrorCode::BadLocation, format!("bad location ({la}, {lo})"));
        }
        location
    }

    /// A location from two optional columns: both empty is `None`.
    pub fn optional_location(&mut self, lat: &str, lon: &str) -> Option<Location> {
        if self.text(lat).is_empty() && self.text(lon).is_empty() {
            return None;
        }
        self.location(lat, lon)
    }
}

/// `HH:MM-HH:MM`, opening no later than closing.
pub fn parse_span(text: &str) -> Option<TimeSpan> {
    let (start, end) = text.trim().split_once('-')?;
    TimeSpan::new(TimeOfDay::parse(start)?, TimeOfDay::parse(end)?)
}
