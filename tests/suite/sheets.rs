//! `minisite import` and `minisite export`: products through a spreadsheet and back.

use crate::common::{self, cli, read};
use minisite::catalog::ProductData;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn example() -> tempfile::TempDir {
    common::copy_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chenab-prints"))
}

/// Every product file's bytes, by name.
fn product_files(site: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(site.join("products"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (PathBuf::from(p.file_name().unwrap()), std::fs::read(&p).unwrap()))
        .collect()
}

fn run_ok(args: &[&str]) -> String {
    let out = cli(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed:\n{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `(stderr, exit code)` of a command that must fail.
fn run_err(args: &[&str]) -> (String, i32) {
    let out = cli(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn parsed(text: &str) -> serde_json::Value {
    let data: ProductData = minisite::yaml::parse(text, Path::new("p.yaml")).unwrap();
    serde_json::to_value(&data).unwrap()
}

/// A product through a one-row sheet: its cells read back, written as YAML.
fn through_row(data: &ProductData) -> (ProductData, String) {
    let (table, _) = minisite::export::table(&[data]);
    let mut problems = Vec::new();
    let columns = minisite::import::header(&table, &mut problems);
    assert_eq!(problems, []);
    let (mut rows, problems) = minisite::import::read_rows(&table, &columns);
    assert_eq!(problems, []);
    let back = rows.remove(0).1;
    let yaml = minisite::sheet::yaml_out::product_yaml(&back);
    (back, yaml)
}

#[test]
fn export_then_import_leaves_the_example_shops_files_byte_identical() {
    let site = example();
    let dir = tempfile::tempdir().unwrap();
    let before = product_files(site.path());
    for name in ["products.xlsx", "products.csv"] {
        let sheet = dir.path().join(name);
        let s = site.path().to_str().unwrap();
        run_ok(&["export", s, sheet.to_str().unwrap()]);
        let out = run_ok(&["import", sheet.to_str().unwrap(), s]);
        assert!(
            out.contains(&format!("{} unchanged, 0 updated, 0 new", before.len())),
            "{name}: {out}"
        );
        assert_eq!(product_files(site.path()), before, "{name}");
    }
}

#[test]
fn files_written_by_import_come_back_byte_identical_through_another_round() {
    let site = example();
    let dir = tempfile::tempdir().unwrap();
    let (s, first, second) = (
        site.path().to_str().unwrap(),
        dir.path().join("first.xlsx"),
        dir.path().join("second.xlsx"),
    );
    let originals = product_files(site.path());
    run_ok(&["export", s, first.to_str().unwrap()]);
    std::fs::remove_dir_all(site.path().join("products")).unwrap();
    let out = run_ok(&["import", first.to_str().unwrap(), s]);
    assert!(
        out.contains(&format!("0 unchanged, 0 updated, {} new", originals.len())),
        "{out}"
    );
    let written = product_files(site.path());
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        originals.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        let original = String::from_utf8(originals[name].clone()).unwrap();
        assert_eq!(
            parsed(std::str::from_utf8(bytes).unwrap()),
            parsed(&original),
            "{name:?}"
        );
    }
    run_ok(&["export", s, second.to_str().unwrap()]);
    std::fs::remove_dir_all(site.path().join("products")).unwrap();
    run_ok(&["import", second.to_str().unwrap(), s]);
    assert_eq!(product_files(site.path()), written);
}

#[test]
fn every_example_product_reads_back_from_its_row_as_the_same_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chenab-prints/products");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let text = read(&e.unwrap().path());
        let data: ProductData = minisite::yaml::parse(&text, Path::new("p.yaml")).unwrap();
        let (back, yaml) = through_row(&data);
        assert_eq!(serde_json::to_value(&back).unwrap(), parsed(&text));
        assert_eq!(parsed(&yaml), parsed(&text), "{yaml}");
        n += 1;
    }
    assert!(n > 10);
}

/// Every field, texts YAML cannot write bare, specs whose labels cannot be columns (a label
/// twice), and translations.
const EVERYTHING: &str = r#"sku: "00123"
name: "Ball: size 5, #1"
slug: ball-5
category: Footballs
featured: true
photos:
  - images/ladybird.jpg
  - path: images/bridge.jpg
    alt: "A bridge\u00a0at dusk"
    credit: Someone
    license: CC-BY-4.0
    focus: 30% 70%
summary: "yes"
description: "Line one  \nline two\n\n- a list\n"
specs:
  - {label: Size, value: 5}
  - {label: Size, value: "4, 5"}
  - {label: "Panels: count", value: "32"}
moq: {quantity: 100, unit: dozen}
price_tiers:
  - {min_qty: 100, max_qty: 499, unit_price: 9.80}
  - {min_qty: 500, unit_price: 0.1}
currency: EUR
incoterm: FOB Sialkot
lead_time: {bulk_days: 30}
samples: {available: false, fee: 0, note: "Free, \"really\""}
customization: ["Logo: 1 colour", Box]
oem: true
odm: true
packaging: {units_per_carton: 50, carton_size: 60x40x40 cm, carton_weight: "12.5"}
payment_terms: [T/T, "L/C, at sight"]
hs_code: "6403.90"
tags: [red, "a, b", c]
draft: true
translations:
  de:
    name: Ball Größe 5
    description: |
      Zeile eins
    specs:
      - {label: Größe, value: 5}
      - {label: Größe, value: "4, 5"}
      - {label: Felder, value: "32"}
    customization: [Logo einfarbig, Karton]
    packaging: {note: Im Karton}
    photos: [{alt: Marienkäfer}]
  ar:
    name: كرة
    samples: {note: مجانا}
"#;

#[test]
fn every_field_and_translation_reads_back_from_its_row_as_the_same_data() {
    let data: ProductData = minisite::yaml::parse(EVERYTHING, Path::new("p.yaml")).unwrap();
    let (back, yaml) = through_row(&data);
    assert_eq!(serde_json::to_value(&back).unwrap(), parsed(EVERYTHING));
    assert_eq!(parsed(&yaml), parsed(EVERYTHING), "{yaml}");
    // Named spec columns when the labels allow them, translations included.
    let mut named = data.clone();
    named.specs.remove(1);
    named.translations.get_mut("de").unwrap().specs.remove(1);
    let (table, _) = minisite::export::table(&[&named]);
    for h in [
        "spec:Size",
        "spec:Panels: count",
        "spec:Size@de",
        "label:Size@de",
        "name@ar",
    ] {
        assert!(table.header.iter().any(|c| c == h), "{h} in {:?}", table.header);
    }
    let (back, _) = through_row(&named);
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&named).unwrap()
    );
}

/// The shop fixture with German as a second language.
fn shop_in_german_too() -> tempfile::TempDir {
    let site = common::shop();
    let cfg = site.path().join("site.yaml");
    let text = read(&cfg);
    std::fs::write(&cfg, format!("{text}\nlanguages:\n  de: {{}}\n")).unwrap();
    site
}

#[test]
fn translations_round_trip_through_the_workbook() {
    let site = shop_in_german_too();
    let file = site.path().join("products/match-ball.yaml");
    let text = read(&file);
    let translated = format!(
        "{text}\ntranslations:\n  de:\n    name: Spielball\n    summary: Handgenäht\n    photos: [{{alt: Ein Ball}}]\n"
    );
    std::fs::write(&file, &translated).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("p.xlsx");
    let s = site.path().to_str().unwrap();
    run_ok(&["export", s, sheet.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    let others = product_files(site.path());
    let out = run_ok(&["import", sheet.to_str().unwrap(), s]);
    assert!(out.contains("1 new"), "{out}");
    // The new file is named after the product's slug, made from its name.
    let new: Vec<PathBuf> = product_files(site.path())
        .into_keys()
        .filter(|k| !others.contains_key(k))
        .collect();
    let written = read(&site.path().join("products").join(&new[0]));
    assert!(
        written.contains("translations:\n  de:\n    name: Spielball\n"),
        "{written}"
    );
    assert_eq!(parsed(&written), parsed(&translated));
}

#[test]
fn codes_typed_as_numbers_keep_the_text_their_cells_show() {
    use rust_xlsxwriter::{Format, Workbook};
    let site = common::shop();
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("codes.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Products").unwrap();
    for (c, h) in ["sku", "name", "photo1", "hs_code"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let zeros = Format::new().set_num_format("00000");
    let two = Format::new().set_num_format("0.00");
    ws.write_number_with_format(1, 0, 123.0, &zeros).unwrap();
    ws.write_string(1, 1, "Code Ball").unwrap();
    ws.write_string(1, 2, "images/ladybird.jpg").unwrap();
    ws.write_string(1, 3, "6403.90").unwrap();
    ws.write_string(2, 0, "NUM-2").unwrap();
    ws.write_string(2, 1, "Number Ball").unwrap();
    ws.write_string(2, 2, "images/ladybird.jpg").unwrap();
    ws.write_number_with_format(2, 3, 6403.9, &two).unwrap();
    wb.save(&sheet).unwrap();
    run_ok(&["import", sheet.to_str().unwrap(), site.path().to_str().unwrap()]);
    let code = read(&site.path().join("products/code-ball.yaml"));
    assert!(code.starts_with("sku: \"00123\"\n"), "{code}");
    assert!(code.contains("hs_code: \"6403.90\"\n"), "{code}");
    let number = read(&site.path().join("products/number-ball.yaml"));
    assert!(number.contains("hs_code: \"6403.90\"\n"), "{number}");
}

#[test]
fn bad_rows_are_all_reported_by_sheet_row_and_column_and_nothing_is_written() {
    let site = common::shop();
    let before = product_files(site.path());
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("Products.csv");
    std::fs::write(
        &sheet,
        "sku,name,photo1,moq,tier1_min_qty,tier1_price,colour\n\
         NEW-1,New Ball,images/ladybird.jpg,abc,,,\n\
         NEW-2,Other Ball,images/ladybird.jpg,10,10,-5,\n\
         ,Nameless,images/ladybird.jpg,,,,\n\
         NEW-4,Twin Ball,images/ladybird.jpg,,,,\n\
         NEW-4,Twin Ball Again,images/ladybird.jpg,,,,\n",
    )
    .unwrap();
    let (err, code) = run_err(&["import", sheet.to_str().unwrap(), site.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    for want in [
        "Sheet Products, row 1, column colour (G): unknown column `colour`",
        "Sheet Products, row 2, column moq (D): `abc` is not a whole number",
        "Sheet Products, row 3, column tier1_price (F): `-5` is not a price",
        "Sheet Products, row 4, column sku (A): the SKU is empty",
        "Sheet Products, row 6, column sku (A): SKU NEW-4 is also in row 5",
        "5 problems found; nothing was written.",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert_eq!(product_files(site.path()), before);
}

#[test]
fn a_csv_with_a_byte_order_mark_imports() {
    let site = common::shop();
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("excel.csv");
    std::fs::write(
        &sheet,
        "\u{feff}sku,name,photo1\r\nBOM-1,Bom Ball,images/ladybird.jpg\r\n",
    )
    .unwrap();
    let out = run_ok(&["import", sheet.to_str().unwrap(), site.path().to_str().unwrap()]);
    assert!(out.contains("1 new"), "{out}");
    let text = read(&site.path().join("products/bom-ball.yaml"));
    assert!(text.starts_with("sku: BOM-1\nname: Bom Ball\n"), "{text}");
}

#[test]
fn a_new_sku_whose_file_is_another_skus_is_refused() {
    let site = common::shop();
    let before = product_files(site.path());
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("p.csv");
    // Futsal Ball makes the slug futsal-ball: the file of FX-FB-003.
    std::fs::write(&sheet, "sku,name,photo1\nNEW-9,Futsal Ball,images/ladybird.jpg\n").unwrap();
    let (err, _) = run_err(&["import", sheet.to_str().unwrap(), site.path().to_str().unwrap()]);
    assert!(
        err.contains(
            "row 2, column sku (A): products/futsal-ball.yaml is the file of product FX-FB-003, not of NEW-9"
        ),
        "{err}"
    );
    assert_eq!(product_files(site.path()), before);
}

#[test]
fn an_unchanged_file_keeps_its_comments_and_a_changed_one_is_rewritten() {
    let site = common::shop();
    let file = site.path().join("products/futsal-ball.yaml");
    let commented = format!("# Checked with the factory, May.\n{}", read(&file));
    std::fs::write(&file, &commented).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("p.csv");
    let s = site.path().to_str().unwrap();
    run_ok(&["export", s, sheet.to_str().unwrap()]);
    run_ok(&["import", sheet.to_str().unwrap(), s]);
    assert_eq!(read(&file), commented);

    let name = parsed(&commented)["name"].as_str().unwrap().to_string();
    let csv = read(&sheet).replacen(&name, "Renamed Ball", 1);
    std::fs::write(&sheet, csv).unwrap();
    let out = run_ok(&["import", sheet.to_str().unwrap(), s]);
    assert!(out.contains(", 1 updated, 0 new"), "{out}");
    let rewritten = read(&file);
    assert!(!rewritten.contains("# Checked"), "{rewritten}");
    assert!(rewritten.contains("name: Renamed Ball\n"), "{rewritten}");
}

#[test]
fn a_photo_missing_from_the_site_folder_is_named_by_row_and_column() {
    let site = common::shop();
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("p.csv");
    std::fs::write(
        &sheet,
        "sku,name,photo1,photo2\nNEW-7,Seven,images/ladybird.jpg,images/gone.jpg\n",
    )
    .unwrap();
    let (err, _) = run_err(&["import", sheet.to_str().unwrap(), site.path().to_str().unwrap()]);
    assert!(
        err.contains("Sheet p, row 2, column photo2 (D): photo `images/gone.jpg` does not exist"),
        "{err}"
    );
    assert!(!site.path().join("products/seven.yaml").exists());
}
