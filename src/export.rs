//! `minisite export SITE SHEET`: the catalogue as one row per product, in catalogue order
//! (drafts last), in the columns `minisite import` reads back to the same files.

use crate::catalog::{Catalog, ProductData};
use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::sheet::columns::{Column, Field, Key, TierPart};
use crate::sheet::files::{self, Kind, Table};
use crate::sheet::rows;
use std::collections::HashMap;
use std::path::Path;

/// Writes the sheet; returns how many products it holds.
pub fn export(site_dir: &Path, sheet_path: &Path) -> Result<usize> {
    // Canonical, as the catalogue's checks that photos are inside the site expect.
    let site_dir = &site_dir.canonicalize().map_err(|e| Error::io(site_dir, e))?;
    crate::sheet::Format::of(sheet_path)?;
    let config = SiteConfig::from_file(site_dir).map_err(Error::Site)?;
    let catalog = Catalog::load(site_dir, &config).map_err(Error::Site)?;
    let products: Vec<&ProductData> = catalog
        .products
        .iter()
        .chain(&catalog.drafts)
        .map(|p| &p.data)
        .collect();
    let (table, kinds) = table(&products);
    files::write(sheet_path, &table, &kinds, &help())?;
    Ok(products.len())
}

/// The products as a table, with how each column's cells are written.
pub fn table(products: &[&ProductData]) -> (Table, Vec<Kind>) {
    let order = rows::specs_by_label(products);
    let spec_pos: HashMap<String, usize> = order
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, l)| (l.clone(), i + 1))
        .collect();
    let all: Vec<Vec<(Column, String)>> = products.iter().map(|p| rows::cells(p, order.is_some())).collect();
    let mut columns: Vec<Column> = Vec::new();
    for c in all.iter().flatten().map(|(c, _)| c) {
        if !columns.contains(c) {
            columns.push(c.clone());
        }
    }
    // Every product has a SKU and a name; a sheet of none still shows where they go.
    for f in [Field::Name, Field::Sku] {
        let c = Column::new(Key::Field(f), None);
        if !columns.contains(&c) {
            columns.insert(0, c);
        }
    }
    columns.sort_by_key(|c| rows::rank(c, &spec_pos));
    let at: HashMap<&Column, usize> = columns.iter().enumerate().map(|(i, c)| (c, i)).collect();
    let rows = all
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![String::new(); columns.len()];
            for (c, v) in cells {
                row[at[c]] = v.clone();
            }
            (i + 2, row)
        })
        .collect();
    let kinds = columns.iter().map(kind).collect();
    let table = Table {
        sheet: files::SHEET.into(),
        header: columns.iter().map(Column::header).collect(),
        header_row: 1,
        rows,
    };
    (table, kinds)
}

fn kind(c: &Column) -> Kind {
    let number = match &c.key {
        Key::Tier(_, TierPart::MinQty | TierPart::MaxQty | TierPart::Price) => true,
        Key::Field(f) => matches!(
            f,
            Field::Moq | Field::SampleDays | Field::BulkDays | Field::SampleFee | Field::UnitsPerCarton
        ),
        _ => false,
    };
    if number {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// The Help sheet: what each column holds (docs/spreadsheets.md says more).
fn help() -> Vec<(String, String)> {
    [
        (
            "Column",
            "What to write (one product per row; docs/spreadsheets.md has the details)",
        ),
        (
            "sku",
            "The product's code; a row updates the product file with this SKU",
        ),
        (
            "name, slug, category, summary, description",
            "Texts as in the product file; the description may have several lines",
        ),
        ("featured, draft, oem, odm, samples", "yes or no"),
        (
            "photo1, photo1_alt, photo1_credit, photo1_license, photo1_focus",
            "The first photo's file and texts; photo2… for more",
        ),
        (
            "spec:LABEL",
            "The value of the spec with this label, e.g. spec:Material",
        ),
        (
            "spec1_label, spec1_value",
            "Specs by position, used when labels cannot be columns",
        ),
        (
            "moq, moq_unit",
            "Minimum order quantity (a whole number) and its unit (pieces when empty)",
        ),
        (
            "tier1_min_qty, tier1_max_qty, tier1_price",
            "A price tier; tier2… for more; leave max_qty empty on the last",
        ),
        (
            "currency, incoterm, hs_code",
            "Codes, kept as text: 6403.90 stays 6403.90",
        ),
        ("sample_days, bulk_days", "Lead times in days"),
        ("sample_fee, sample_note", "The sample fee (a number) and a note"),
        (
            "units_per_carton, carton_size, carton_weight, packaging_note",
            "Packaging",
        ),
        ("customization, payment_terms", "One entry per line (Alt+Enter)"),
        ("tags, certifications", "Separated by commas, or one per line"),
        (
            "name@de, summary@de, description@de, photo1_alt@de, …",
            "A translation into the language after @",
        ),
        (
            "spec:LABEL@de, label:LABEL@de",
            "A spec's translated value and translated label",
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}
