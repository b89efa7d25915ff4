//! What can be wrong with an import, said so that an officer can fix the file: each error names
//! the file, the row (as a spreadsheet numbers it: the header is row 1), the column and the reason.

use std::fmt;

/// The class of an import error; its [`ErrorCode::as_str`] is listed in docs/csv-format.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorCode {
    /// A required file is not in the folder (or the upload).
    MissingFile,
    /// A file could not be read, or is not CSV (bad quoting, not UTF-8).
    Unreadable,
    /// A required column is not in the header.
    MissingColumn,
    /// A row has more or fewer fields than the header.
    WrongFieldCount,
    /// A required value is empty.
    MissingValue,
    /// A date (or date and time) that does not parse or does not exist.
    BadDate,
    /// A time or a time window that does not parse, or closes before it opens.
    BadTime,
    /// A number, yes/no, or code that does not parse.
    BadValue,
    /// A latitude/longitude out of range, or a polygon that is not one.
    BadLocation,
    /// A reference to a pod, worker, hub, locality or car that the files do not define.
    UnknownReference,
    /// The same id twice in one file.
    DuplicateId,
    /// A hub, or a child not marked out of area, outside every locality.
    OutsideLocalities,
    /// A negative or impossible battery figure (charge above capacity, negative kWh).
    BadBattery,
}

impl ErrorCode {
    /// The stable code written in reports and documented in docs/csv-format.md.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingFile => "missing_file",
            ErrorCode::Unreadable => "unreadable",
            ErrorCode::MissingColumn => "missing_column",
            ErrorCode::WrongFieldCount => "wrong_field_count",
            ErrorCode::MissingValue => "missing_value",
            ErrorCode::BadDate => "bad_date",
            ErrorCode::BadTime => "bad_time",
            ErrorCode::BadValue => "bad_value",
            ErrorCode::BadLocation => "bad_location",
            ErrorCode::UnknownReference => "unknown_reference",
            ErrorCode::DuplicateId => "duplicate_id",
            ErrorCode::OutsideLocalities => "outside_localities",
            ErrorCode::BadBattery => "bad_battery",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with one field (or row, or file) of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The file, e.g. `children.csv`.
    pub file: String,
    /// The row as a spreadsheet numbers it (header = 1, first data row = 2); 0 for the whole file.
    pub row: usize,
    /// The column (its canonical name); empty when the error is about the whole row or file.
    pub column: String,
    /// The class of error.
    pub code: ErrorCode,
    /// What is wrong and what was expected, e.g. "bad date '2026-13-01' (expected YYYY-MM-DD)".
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.row > 0 {
            write!(f, " row {}", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Every error found in an import. Nothing is loaded when there is any.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", list(.errors))]
pub struct ImportErrors {
    /// The errors, file by file in load order, rows in file order.
    pub errors: Vec<ImportError>,
}

fn list(errors: &[ImportError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

impl ImportErrors {
    /// The errors of one file.
    pub fn in_file<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a ImportError> + 'a {
        self.errors.iter().filter(move |e| e.file == file)
    }
}
