//! Products as spreadsheet rows, for `minisite import` and `minisite export`: one product per
//! row under a header row naming the fields (docs/spreadsheets.md).

pub mod columns;
pub mod files;
pub mod rows;
pub mod yaml_out;

use crate::error::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a sheet, placed as a spreadsheet shows it: sheet, 1-based row, column header
/// and letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    pub sheet: String,
    /// 1-based, as the spreadsheet numbers rows; `None` for the file as a whole.
    pub row: Option<usize>,
    /// The column's header and letter (`moq`, `C`).
    pub column: Option<(String, String)>,
    pub message: String,
    /// What to write instead.
    pub help: String,
}

impl SheetProblem {
    pub fn new(sheet: &str, row: Option<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        SheetProblem {
            sheet: sheet.to_string(),
            row,
            column: None,
            message: message.into(),
            help: help.into(),
        }
    }

    /// Places it in a column by its header and 0-based index.
    pub fn in_column(mut self, header: &str, index: usize) -> Self {
        self.column = Some((header.to_string(), columns::letter(index)));
        self
    }

    /// As the site's other problems are reported: the sheet's file, then the place and message.
    pub fn into_diagnostic(self, file: &Path) -> Diagnostic {
        Diagnostic::new(file, self.to_string()).help(self.help)
    }
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sheet {}", self.sheet)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some((h, l)) = &self.column {
            write!(f, ", column {h} ({l})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems of one sheet file, sorted by row then column, as one site error.
pub fn to_error(file: &Path, mut problems: Vec<SheetProblem>) -> crate::Error {
    problems.sort_by_key(|p| (p.row, p.column.as_ref().map(|c| (c.1.len(), c.1.clone()))));
    crate::Error::Site(problems.into_iter().map(|p| p.into_diagnostic(file)).collect())
}

/// The kinds of sheet file, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format, crate::Error> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            _ => Err(crate::Error::Usage(format!(
                "{}: minisite reads and writes .xlsx and .csv sheets; save the sheet as one of those (Excel: File → Save As → Excel Workbook or CSV UTF-8)",
                path.display()
            ))),
        }
    }
}

/// The file a new product's row is written to.
pub fn new_product_file(slug: &str) -> PathBuf {
    Path::new("products").join(format!("{slug}.yaml"))
}
