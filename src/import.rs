//! `minisite import SHEET SITE`: a sheet's rows → `products/*.yaml`, all or nothing.
//!
//! A row updates the file of the product with its SKU. A file whose product the row leaves
//! as it was (the same data once parsed) is not touched, so what a person wrote by hand there
//! (comments, layout) stays; a file the row changes is rewritten in the canonical layout of
//! [`crate::sheet::yaml_out`]. A new SKU gets `products/<slug>.yaml`, never another product's file.

use crate::catalog::ProductData;
use crate::config::SiteConfig;
use crate::error::{Diagnostic, Error, Result};
use crate::sheet::columns::{Column, Field, Key};
use crate::sheet::files::{self, Table};
use crate::sheet::rows::{self, Cell};
use crate::sheet::{new_product_file, to_error, yaml_out, SheetProblem};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub unchanged: usize,
    pub updated: usize,
    pub new: usize,
    /// Products of the site that no row names: left as they are.
    pub not_in_sheet: usize,
}

/// A product file as it is on disk.
struct Existing {
    rel: PathBuf,
    data: serde_json::Value,
}

/// A row read and checked, with the file it goes to.
struct Planned {
    row: usize,
    rel: PathBuf,
    yaml: String,
    change: Change,
}

#[derive(PartialEq)]
enum Change {
    Unchanged,
    Updated,
    New,
}

pub fn import(sheet_path: &Path, site_dir: &Path) -> Result<ImportReport> {
    // Canonical, as the catalogue's checks that photos are inside the site expect.
    let site_dir = &site_dir.canonicalize().map_err(|e| Error::io(site_dir, e))?;
    let config = SiteConfig::from_file(site_dir).map_err(Error::Site)?;
    let (table, mut problems) = files::read(sheet_path)?;
    let columns = header(&table, &mut problems);
    let existing = existing_products(site_dir)?;
    let mut targets = Targets {
        site_dir,
        by_sku: existing.iter().map(|(sku, e)| (sku.as_str(), e)).collect(),
        by_file: existing
            .iter()
            .map(|(sku, e)| (e.rel.as_path(), sku.as_str()))
            .collect(),
        new_files: HashMap::new(),
    };

    let sku_col = columns
        .iter()
        .position(|c| matches!(c, Some(c) if c.key == Key::Field(Field::Sku) && c.lang.is_none()));
    let (products, row_problems) = read_rows(&table, &columns);
    problems.extend(row_problems);
    let mut plans: Vec<Planned> = Vec::new();
    let mut seen_sku: HashMap<String, usize> = HashMap::new();
    for (row, data) in products {
        let row = &row;
        let at = |msg: String, help: &str| {
            let p = SheetProblem::new(&table.sheet, Some(*row), msg, help);
            match sku_col {
                Some(i) => p.in_column(&table.header[i], i),
                None => p,
            }
        };
        if let Some(first) = seen_sku.insert(data.sku.0.clone(), *row) {
            problems.push(at(
                format!("SKU {} is also in row {first}", data.sku),
                "give each product one row; delete one of the two rows or correct its SKU",
            ));
            continue;
        }
        let (rel, change) = match targets.place(&data, *row) {
            Ok(t) => t,
            Err((msg, help)) => {
                problems.push(at(msg, help));
                continue;
            }
        };
        let yaml = yaml_out::product_yaml(&data);
        if let Err(diags) = crate::catalog::parse_product(site_dir, &rel, &yaml, &config) {
            problems.extend(diags.into_iter().map(|d| site_problem(&table, &columns, *row, d)));
            continue;
        }
        plans.push(Planned {
            row: *row,
            rel,
            yaml,
            change,
        });
    }
    if !problems.is_empty() {
        return Err(to_error(sheet_path, problems));
    }
    write_all(site_dir, &plans)?;
    let count = |c: Change| plans.iter().filter(|p| p.change == c).count();
    Ok(ImportReport {
        unchanged: count(Change::Unchanged),
        updated: count(Change::Updated),
        new: count(Change::New),
        not_in_sheet: existing.len().saturating_sub(plans.len() - count(Change::New)),
    })
}

/// Where rows' products go: the file of the product with their SKU, or a new one.
struct Targets<'a> {
    site_dir: &'a Path,
    by_sku: HashMap<&'a str, &'a Existing>,
    by_file: HashMap<&'a Path, &'a str>,
    /// New files so far, with the row that makes each.
    new_files: HashMap<PathBuf, usize>,
}

impl Targets<'_> {
    /// The file `data`'s row goes to and what the import does to it; or what is wrong and what to do.
    fn place(
        &mut self,
        data: &ProductData,
        row: usize,
    ) -> std::result::Result<(PathBuf, Change), (String, &'static str)> {
        if let Some(e) = self.by_sku.get(data.sku.0.as_str()) {
            let same = comparable(data) == e.data;
            return Ok((
                e.rel.clone(),
                if same { Change::Unchanged } else { Change::Updated },
            ));
        }
        let slug = slug::slugify(data.slug.as_deref().unwrap_or(&data.name));
        let rel = new_product_file(&slug);
        if let Some(other) = self.by_file.get(rel.as_path()) {
            return Err((
                format!(
                    "{} is the file of product {other}, not of {}",
                    rel.display(),
                    data.sku
                ),
                "give this product another slug (column slug), or correct its SKU if it is that product",
            ));
        }
        if self.site_dir.join(&rel).exists() {
            return Err((
                format!(
                    "{} already exists and is not a product file minisite can read",
                    rel.display()
                ),
                "give this product another slug (column slug), or move that file away",
            ));
        }
        if let Some(first) = self.new_files.insert(rel.clone(), row) {
            return Err((
                format!("row {first} makes the same file, {}", rel.display()),
                "give one of the two products another slug (column slug)",
            ));
        }
        Ok((rel, Change::New))
    }
}

/// Every row's product, or the problems of the rows that have them; empty rows are skipped.
pub fn read_rows(
    table: &Table,
    columns: &[Option<Column>],
) -> (Vec<(usize, ProductData)>, Vec<SheetProblem>) {
    let mut products = Vec::new();
    let mut problems = Vec::new();
    for (row, texts) in &table.rows {
        if texts.iter().all(|t| t.trim().is_empty()) {
            continue;
        }
        let cells: Vec<Cell> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let column = c.as_ref()?;
                Some(Cell {
                    index: i,
                    header: table.header.get(i).map_or("", String::as_str),
                    column,
                    text: texts.get(i).map_or("", String::as_str),
                })
            })
            .collect();
        match rows::product(&table.sheet, *row, &cells) {
            Ok(d) => products.push((*row, d)),
            Err(p) => problems.extend(p),
        }
    }
    (products, problems)
}

/// The header row's columns; an unknown or repeated header is a problem (its cells are not read).
pub fn header(table: &Table, problems: &mut Vec<SheetProblem>) -> Vec<Option<Column>> {
    let mut seen: HashMap<Column, usize> = HashMap::new();
    let mut out = Vec::new();
    let widest = table
        .rows
        .iter()
        .map(|(_, r)| r.len())
        .max()
        .unwrap_or(0)
        .max(table.header.len());
    for i in 0..widest {
        let h = table.header.get(i).map_or("", String::as_str);
        let at = |msg: String, help: &str| {
            SheetProblem::new(&table.sheet, Some(table.header_row), msg, help).in_column(h, i)
        };
        if h.trim().is_empty() {
            let used = table
                .rows
                .iter()
                .find(|(_, r)| r.get(i).is_some_and(|t| !t.trim().is_empty()));
            if let Some((row, _)) = used {
                problems.push(at(
                    format!("the column has no header, but row {row} has text in it"),
                    "name the column in the header row (see docs/spreadsheets.md), or empty it",
                ));
            }
            out.push(None);
            continue;
        }
        match Column::parse(h) {
            Ok(c) => {
                if let Some(first) = seen.insert(c.clone(), i) {
                    problems.push(at(
                        format!(
                            "a second `{h}` column (the first is {})",
                            crate::sheet::columns::letter(first)
                        ),
                        "keep one column of each name",
                    ));
                    out.push(None);
                } else {
                    out.push(Some(c));
                }
            }
            Err(msg) => {
                problems.push(at(msg, "rename the column, or delete it"));
                out.push(None);
            }
        }
    }
    out
}

/// The data compared to tell an unchanged product: what parsing gives, translations keyed
/// by their codes' canonical spelling (as the sheet's headers are read).
fn comparable(data: &ProductData) -> serde_json::Value {
    let mut d = data.clone();
    d.translations = std::mem::take(&mut d.translations)
        .into_iter()
        .map(|(code, t)| (crate::translations::canonical_language(&code).unwrap_or(code), t))
        .collect();
    serde_json::to_value(&d).unwrap_or_default()
}

/// The site's product files by SKU, as parsed; a file that cannot be parsed stops the import.
fn existing_products(site_dir: &Path) -> Result<Vec<(String, Existing)>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let dir = site_dir.join("products");
    for e in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(std::result::Result::ok)
    {
        let name = e.file_name().to_string_lossy();
        if !e.file_type().is_file()
            || name.starts_with('.')
            || !(name.ends_with(".yaml") || name.ends_with(".yml"))
        {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(site_dir).map(Path::to_path_buf) else {
            continue;
        };
        let parsed =
            crate::yaml::read_text(e.path(), &rel).and_then(|t| crate::yaml::parse::<ProductData>(&t, &rel));
        match parsed {
            Ok(data) => out.push((
                data.sku.0.clone(),
                Existing {
                    rel,
                    data: comparable(&data),
                },
            )),
            Err(d) => problems
                .push(d.help("fix this product file first: the import must know which SKU each file holds")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Site(problems));
    }
    out.sort_by(|a, b| a.1.rel.cmp(&b.1.rel));
    Ok(out)
}

/// A problem the catalogue's own checks found in a row's product, placed on the row and, when
/// the field has one, its column.
fn site_problem(table: &Table, columns: &[Option<Column>], row: usize, d: Diagnostic) -> SheetProblem {
    let field = d.field.clone().unwrap_or_default();
    let header = column_of(&field);
    let message = match &d.field {
        Some(f) if header.is_none() => format!("{f}: {}", d.message),
        _ => d.message.clone(),
    };
    let p = SheetProblem::new(&table.sheet, Some(row), message, d.help.unwrap_or_default());
    let index = header.and_then(|h| {
        columns
            .iter()
            .position(|c| c.as_ref().is_some_and(|c| c.lang.is_none() && c.header() == h))
    });
    match index {
        Some(i) => p.in_column(&table.header[i], i),
        None => p,
    }
}

/// The column a product field's problem is in: `photos[0]` → photo1, `price_tiers[1].unit_price` → tier2_price.
fn column_of(field: &str) -> Option<String> {
    let index = |s: &str| -> Option<(usize, String)> {
        let (n, rest) = s.strip_prefix('[')?.split_once(']')?;
        Some((
            n.parse::<usize>().ok()? + 1,
            rest.trim_start_matches('.').to_string(),
        ))
    };
    if let Some(rest) = field.strip_prefix("photos") {
        return index(rest).map(|(n, _)| format!("photo{n}"));
    }
    if let Some(rest) = field.strip_prefix("price_tiers") {
        let (n, part) = index(rest)?;
        return Some(format!(
            "tier{n}_{}",
            if part == "unit_price" { "price" } else { &part }
        ));
    }
    match field {
        "samples.fee" => Some("sample_fee".into()),
        f if !f.contains(['.', '[']) && !f.is_empty() => Some(f.to_string()),
        _ => None,
    }
}

/// Writes every changed or new file, or none: each is written beside its place first, then
/// all are moved into place.
fn write_all(site_dir: &Path, plans: &[Planned]) -> Result<()> {
    let dir = site_dir.join("products");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut staged = Vec::new();
    for p in plans.iter().filter(|p| p.change != Change::Unchanged) {
        let target = site_dir.join(&p.rel);
        let parent = target.parent().unwrap_or(&dir);
        let mut tmp = tempfile::Builder::new()
            .prefix(".import-")
            .tempfile_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        std::io::Write::write_all(&mut tmp, p.yaml.as_bytes()).map_err(|e| Error::io(tmp.path(), e))?;
        staged.push((tmp, target, p.row));
    }
    for (tmp, target, _) in staged {
        tmp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
    }
    Ok(())
}
