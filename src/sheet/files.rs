//! Sheet files as tables of text: .xlsx through calamine and rust_xlsxwriter, .csv through the
//! csv crate. Cells are read as the text the seller sees, so a code typed as a number keeps
//! its zeros (`00123`, `6403.90`).

use super::{Format, SheetProblem};
use crate::error::{Diagnostic, Error};
use calamine::{Data, Reader, Xlsx};
use std::path::Path;

/// The sheet import reads (when a workbook has it) and export writes.
pub const SHEET: &str = "Products";

/// A sheet's text: its header row, then its other rows with their 1-based row numbers.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub sheet: String,
    pub header: Vec<String>,
    /// The header's 1-based row number.
    pub header_row: usize,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads the sheet; problems in its cells (a formula error) come back with the table.
pub fn read(path: &Path) -> Result<(Table, Vec<SheetProblem>), Error> {
    match Format::of(path)? {
        Format::Xlsx => read_xlsx(path),
        Format::Csv => read_csv(path).map(|t| (t, Vec::new())),
    }
}

fn cannot_read(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Site(vec![Diagnostic::new(path, format!("cannot read the sheet: {e}"))
        .help("check that the file is an Excel workbook (.xlsx) that Excel can open, not protected by a password")])
}

fn read_xlsx(path: &Path) -> Result<(Table, Vec<SheetProblem>), Error> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).map_err(|e| cannot_read(path, e))?;
    let names = wb.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(SHEET))
        .or(names.first())
        .cloned()
        .ok_or_else(|| cannot_read(path, "the workbook has no sheet"))?;
    let range = wb.worksheet_range(&sheet).map_err(|e| cannot_read(path, e))?;
    let styles = wb.worksheet_style(&sheet).map_err(|e| cannot_read(path, e))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let r = top + i as u32;
        // Leading empty columns count, so that column letters match the spreadsheet's.
        let mut texts = vec![String::new(); left as usize];
        for (j, cell) in cells.iter().enumerate() {
            let c = left + j as u32;
            let format = styles
                .get((r, c))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.as_str());
            texts.push(match cell {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(n) => shown(*n as f64, format),
                Data::Float(v) => shown(*v, format),
                Data::DateTime(d) => date_text(d),
                Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
                Data::Error(e) => {
                    problems.push(
                        SheetProblem::new(
                            &sheet,
                            Some(r as usize + 1),
                            format!("the cell shows the error {e}"),
                            "fix the formula, or type the value",
                        )
                        .in_column(&super::columns::letter(c as usize), c as usize),
                    );
                    String::new()
                }
            });
        }
        rows.push((r as usize + 1, texts));
    }
    let mut rows = rows.into_iter();
    let (header_row, header) = rows.next().unwrap_or((1, Vec::new()));
    let table = Table {
        sheet,
        header,
        header_row,
        rows: rows.collect(),
    };
    Ok((table, problems))
}

/// A date cell as ISO text (`2025-03-31`, with the time when it has one), not Excel's day count.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return super::yaml_out::number(d.as_f64());
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    match (h, mi, s) {
        (0, 0, 0) => format!("{y:04}-{mo:02}-{day:02}"),
        _ => format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}"),
    }
}

/// A number as its cell shows it, for the simple formats codes are given (`00000`, `0.00`,
/// `#.##`); any other format shows the number as short as it is exact.
pub fn shown(v: f64, format: Option<&str>) -> String {
    let code = format.unwrap_or("General").split(';').next().unwrap_or("");
    let simple = !code.is_empty() && code.chars().all(|c| matches!(c, '0' | '#' | '.'));
    if !simple || code.matches('.').count() > 1 {
        return super::yaml_out::number(v);
    }
    let (int, frac) = code.split_once('.').unwrap_or((code, ""));
    let zeros = int.matches('0').count();
    let min_dec = frac.matches('0').count();
    let max_dec = frac.len();
    let mut s = format!("{v:.max_dec$}");
    if max_dec > min_dec && s.contains('.') {
        let keep = s.find('.').unwrap_or(0) + 1 + min_dec;
        while s.len() > keep && s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let digits = s.find('.').unwrap_or(s.len()) - usize::from(s.starts_with('-'));
    if digits < zeros {
        let at = usize::from(s.starts_with('-'));
        s.insert_str(at, &"0".repeat(zeros - digits));
    }
    s
}

fn read_csv(path: &Path) -> Result<Table, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    // Excel's "CSV UTF-8" starts with a byte-order mark; text_from_bytes drops it.
    let text = crate::yaml::text_from_bytes(bytes, path)?;
    let first = text.lines().next().unwrap_or("");
    // Excel in much of Europe separates with semicolons.
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Error::Site(vec![Diagnostic::new(path, format!("cannot read the sheet: {e}"))
                .at(line.max(1), 1)
                .help("save the sheet again as CSV UTF-8")])
        })?;
        // The record's number, as a spreadsheet opening the file numbers its rows (a cell
        // with line breaks makes lines and rows differ).
        rows.push((rows.len() + 1, rec.iter().map(str::to_string).collect::<Vec<_>>()));
    }
    let sheet = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut rows = rows.into_iter();
    let (header_row, header) = rows.next().unwrap_or((1, Vec::new()));
    Ok(Table {
        sheet,
        header,
        header_row,
        rows: rows.collect(),
    })
}

/// How export writes a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text cells, so that Excel never turns a code into a number.
    Text,
    Number,
}

/// Writes `table` to `path`; in a workbook, a Help sheet follows with `help`'s lines.
pub fn write(path: &Path, table: &Table, kinds: &[Kind], help: &[(String, String)]) -> Result<(), Error> {
    match Format::of(path)? {
        Format::Xlsx => write_xlsx(path, table, kinds, help).map_err(|e| {
            Error::Site(vec![Diagnostic::new(
                path,
                format!("cannot write the workbook: {e}"),
            )
            .help("check that the folder exists and the file is not open in Excel")])
        }),
        Format::Csv => write_csv(path, table),
    }
}

fn write_xlsx(
    path: &Path,
    table: &Table,
    kinds: &[Kind],
    help: &[(String, String)],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Style, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let bold = Style::new().set_bold();
    let wrap = Style::new().set_text_wrap().set_align(FormatAlign::Top);
    let top = Style::new().set_align(FormatAlign::Top);
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    for (c, h) in table.header.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, h, &bold)?;
        let widest = table
            .rows
            .iter()
            .filter_map(|(_, r)| r.get(c as usize))
            .flat_map(|t| t.lines())
            .chain(std::iter::once(h.as_str()))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(8);
        ws.set_column_width(c, (widest as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    for (i, (_, row)) in table.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let c16 = c as u16;
            let number = text
                .parse::<f64>()
                .ok()
                .filter(|_| kinds.get(c) == Some(&Kind::Number));
            match number {
                Some(v) => ws.write_number_with_format(r, c16, v, &top)?,
                None if text.contains('\n') => ws.write_string_with_format(r, c16, text, &wrap)?,
                None => ws.write_string_with_format(r, c16, text, &top)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let hs = wb.add_worksheet();
    hs.set_name("Help")?;
    hs.set_column_width(0, 28)?;
    hs.set_column_width(1, 100)?;
    for (i, (col, what)) in help.iter().enumerate() {
        let style = if i == 0 { &bold } else { &top };
        hs.write_string_with_format(i as u32, 0, col, style)?;
        hs.write_string_with_format(i as u32, 1, what, style)?;
    }
    wb.save(path)
}

fn write_csv(path: &Path, table: &Table) -> Result<(), Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let rows = std::iter::once(&table.header).chain(table.rows.iter().map(|(_, r)| r));
        for r in rows {
            w.write_record(r).map_err(|e| Error::io(path, e.into()))?;
        }
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    std::fs::write(path, out).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::{date_text, shown};
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn dates_read_as_the_day_not_a_day_count() {
        let day = ExcelDateTime::new(45747.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&day), "2025-03-31");
        let noon = ExcelDateTime::new(45747.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&noon), "2025-03-31 12:00:00");
    }

    #[test]
    fn numbers_show_as_their_format_shows_them() {
        assert_eq!(shown(123.0, Some("00000")), "00123");
        assert_eq!(shown(6403.9, Some("0.00")), "6403.90");
        assert_eq!(shown(6403.9, Some("General")), "6403.9");
        assert_eq!(shown(6403.9, None), "6403.9");
        assert_eq!(shown(2.5, Some("#.##")), "2.5");
        assert_eq!(shown(42.0, Some("0")), "42");
        assert_eq!(shown(0.5, Some("0%")), "0.5");
    }
}
