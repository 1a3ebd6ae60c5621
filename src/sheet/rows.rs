//! A product ↔ one row of cells, by the columns of [`super::columns`].

use super::columns::{Column, Field, Key, PhotoPart, TierPart, FIELDS};
use super::yaml_out::{focus_text, number};
use super::SheetProblem;
use crate::catalog::{LeadTime, Moq, Packaging, PriceTier, ProductData, Samples, Spec, Text};
use crate::config::{parse_focus, PhotoSpec};
use crate::translations::{AltText, NoteText, ProductText};
use std::collections::{BTreeMap, HashMap};

/// The cells of one product, for export. `named_specs`: specs as `spec:LABEL` columns, else by
/// position (`spec1_label`, `spec1_value`).
pub fn cells(p: &ProductData, named_specs: bool) -> Vec<(Column, String)> {
    let mut out = Vec::new();
    let mut put = |key: Key, lang: Option<&str>, v: String| {
        if !v.is_empty() {
            out.push((Column::new(key, lang), v));
        }
    };
    let f = |v: Field| Key::Field(v);
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    put(f(Field::Sku), None, p.sku.0.clone());
    put(f(Field::Name), None, p.name.clone());
    put(f(Field::Slug), None, text(&p.slug));
    put(f(Field::Category), None, text(&p.category));
    put(f(Field::Featured), None, yes_no(p.featured));
    if p.draft {
        put(f(Field::Draft), None, yes_no(true));
    }
    put(f(Field::Summary), None, text(&p.summary));
    put(f(Field::Description), None, text(&p.description));
    for (i, ph) in p.photos.iter().enumerate() {
        let n = i + 1;
        put(Key::Photo(n, PhotoPart::Path), None, ph.path.clone());
        put(Key::Photo(n, PhotoPart::Alt), None, text(&ph.alt));
        put(Key::Photo(n, PhotoPart::Credit), None, text(&ph.credit));
        put(Key::Photo(n, PhotoPart::License), None, text(&ph.license));
        put(
            Key::Photo(n, PhotoPart::Focus),
            None,
            ph.focus.map(focus_text).unwrap_or_default(),
        );
    }
    for (i, s) in p.specs.iter().enumerate() {
        if named_specs {
            put(Key::Spec(s.label.0.clone()), None, s.value.0.clone());
        } else {
            put(Key::SpecAt(i + 1, true), None, s.label.0.clone());
            put(Key::SpecAt(i + 1, false), None, s.value.0.clone());
        }
    }
    if let Some(m) = &p.moq {
        put(f(Field::Moq), None, m.quantity.to_string());
        put(f(Field::MoqUnit), None, m.unit.clone());
    }
    for (i, t) in p.price_tiers.iter().enumerate() {
        let n = i + 1;
        put(Key::Tier(n, TierPart::MinQty), None, t.min_qty.to_string());
        put(
            Key::Tier(n, TierPart::MaxQty),
            None,
            t.max_qty.map(|m| m.to_string()).unwrap_or_default(),
        );
        put(Key::Tier(n, TierPart::Price), None, number(t.unit_price));
    }
    put(f(Field::Currency), None, text(&p.currency));
    put(f(Field::Incoterm), None, text(&p.incoterm));
    if let Some(l) = &p.lead_time {
        let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
        put(f(Field::SampleDays), None, days(l.sample_days));
        put(f(Field::BulkDays), None, days(l.bulk_days));
    }
    if let Some(s) = &p.samples {
        put(f(Field::Samples), None, yes_no(s.available));
        put(f(Field::SampleFee), None, s.fee.map(number).unwrap_or_default());
        put(f(Field::SampleNote), None, text(&s.note));
    }
    put(f(Field::Customization), None, p.customization.join("\n"));
    put(f(Field::Oem), None, yes_no(p.oem));
    put(f(Field::Odm), None, yes_no(p.odm));
    if let Some(k) = &p.packaging {
        put(
            f(Field::UnitsPerCarton),
            None,
            k.units_per_carton.map(|u| u.to_string()).unwrap_or_default(),
        );
        put(
            f(Field::CartonSize),
            None,
            k.carton_size.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
        );
        put(
            f(Field::CartonWeight),
            None,
            k.carton_weight.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
        );
        put(f(Field::PackagingNote), None, text(&k.note));
    }
    put(f(Field::PaymentTerms), None, p.payment_terms.join("\n"));
    put(f(Field::HsCode), None, text(&p.hs_code));
    // Commas read best in a cell; a tag with a comma in it needs one tag per line.
    let sep = if p.tags.iter().any(|t| t.contains(',')) {
        "\n"
    } else {
        ", "
    };
    put(f(Field::Tags), None, p.tags.join(sep));
    let sep = if p.certifications.iter().any(|t| t.contains(',')) {
        "\n"
    } else {
        ", "
    };
    put(f(Field::Certifications), None, p.certifications.join(sep));
    for (code, t) in &p.translations {
        translated_cells(&mut put, p, code, t, named_specs);
    }
    out
}

/// One translation's cells (`name@de`, `spec:Material@de`, …).
fn translated_cells(
    put: &mut impl FnMut(Key, Option<&str>, String),
    p: &ProductData,
    code: &str,
    t: &ProductText,
    named_specs: bool,
) {
    let f = |v: Field| Key::Field(v);
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let l = Some(code);
    put(f(Field::Name), l, text(&t.name));
    put(f(Field::Summary), l, text(&t.summary));
    put(f(Field::Description), l, text(&t.description));
    for (i, a) in t.photos.iter().enumerate() {
        put(Key::Photo(i + 1, PhotoPart::Alt), l, text(&a.alt));
    }
    for (i, (s, own)) in t.specs.iter().zip(&p.specs).enumerate() {
        if named_specs {
            put(Key::SpecLabel(own.label.0.clone()), l, s.label.0.clone());
            put(Key::Spec(own.label.0.clone()), l, s.value.0.clone());
        } else {
            put(Key::SpecAt(i + 1, true), l, s.label.0.clone());
            put(Key::SpecAt(i + 1, false), l, s.value.0.clone());
        }
    }
    put(f(Field::Customization), l, t.customization.join("\n"));
    put(f(Field::PaymentTerms), l, t.payment_terms.join("\n"));
    let note = |n: &Option<NoteText>| n.as_ref().and_then(|n| n.note.clone()).unwrap_or_default();
    put(f(Field::PackagingNote), l, note(&t.packaging));
    put(f(Field::SampleNote), l, note(&t.samples));
}

/// Whether every product's specs can be `spec:LABEL` columns: no label twice in one product.
/// (Their order is kept by [`spec_order`]; when no one order suits all products, by position.)
pub fn specs_by_label(products: &[&ProductData]) -> Option<Vec<String>> {
    let unique = products.iter().all(|p| {
        let mut seen = std::collections::HashSet::new();
        p.specs
            .iter()
            .all(|s| seen.insert(&s.label.0) && header_safe(&s.label.0))
    });
    if !unique {
        return None;
    }
    spec_order(products)
}

/// Whether a label can be part of a header: `@` would start a language, and Excel users trim.
fn header_safe(label: &str) -> bool {
    !label.trim().is_empty() && label.trim() == label && !label.contains(['@', '\n'])
}

/// One order of all spec labels that keeps each product's own order, first seen first; `None`
/// when two products order two labels differently.
fn spec_order(products: &[&ProductData]) -> Option<Vec<String>> {
    let mut labels: Vec<&str> = Vec::new();
    let mut edges = std::collections::HashSet::new();
    for p in products {
        for (i, s) in p.specs.iter().enumerate() {
            if !labels.contains(&s.label.0.as_str()) {
                labels.push(&s.label.0);
            }
            if let Some(next) = p.specs.get(i + 1) {
                edges.insert((s.label.0.as_str(), next.label.0.as_str()));
            }
        }
    }
    let mut before: HashMap<&str, usize> = labels.iter().map(|l| (*l, 0)).collect();
    for (_, b) in &edges {
        *before.entry(b).or_default() += 1;
    }
    // Kahn's algorithm, taking the first-seen label that nothing must precede any more.
    let mut order: Vec<String> = Vec::with_capacity(labels.len());
    while order.len() < labels.len() {
        let next = *labels
            .iter()
            .find(|l| before[*l] == 0 && !order.iter().any(|o| o == *l))?;
        order.push(next.to_string());
        for (a, b) in &edges {
            if *a == next {
                if let Some(c) = before.get_mut(b) {
                    *c -= 1;
                }
            }
        }
    }
    Some(order)
}

/// The sort key export orders columns by: the default language's columns in the format's
/// order (photos after the description, specs after the photos, tiers after the MOQ), then
/// each translation's.
pub fn rank(c: &Column, spec_pos: &HashMap<String, usize>) -> (Option<String>, usize, usize, usize) {
    let at = |f: Field| FIELDS.iter().position(|(g, _)| *g == f).unwrap_or(0) * 10;
    let (section, n, sub) = match &c.key {
        Key::Field(f) => (at(*f), 0, 0),
        Key::Photo(n, p) => (at(Field::Description) + 2, *n, *p as usize),
        Key::Spec(l) => (
            at(Field::Description) + 4,
            spec_pos.get(l).copied().unwrap_or(0),
            1,
        ),
        Key::SpecLabel(l) => (
            at(Field::Description) + 4,
            spec_pos.get(l).copied().unwrap_or(0),
            0,
        ),
        Key::SpecAt(n, label) => (at(Field::Description) + 4, *n, usize::from(!label)),
        Key::Tier(n, p) => (at(Field::MoqUnit) + 5, *n, *p as usize),
    };
    (c.lang.clone(), section, n, sub)
}

/// One cell of a row being read: its column's index, header, meaning, and text.
pub struct Cell<'a> {
    pub index: usize,
    pub header: &'a str,
    pub column: &'a Column,
    pub text: &'a str,
}

/// Reads one row into a product, or every problem its cells have.
pub fn product(sheet: &str, row: usize, cells: &[Cell]) -> Result<ProductData, Vec<SheetProblem>> {
    let mut r = RowReader {
        sheet,
        row,
        problems: Vec::new(),
    };
    let filled: Vec<&Cell> = cells.iter().filter(|c| !c.text.trim().is_empty()).collect();
    let text = |f: Field| field(&filled, f).map(|c| c.text.to_string());
    let lines_of = |f: Field| field(&filled, f).map(|c| lines(c.text)).unwrap_or_default();
    let sku = r.required(
        cells,
        Field::Sku,
        "the SKU is empty",
        "write the product's stock-keeping code, e.g. SP-FB-5001",
    );
    let name = r.required(
        cells,
        Field::Name,
        "the name is empty",
        "write the product's name as buyers search for it",
    );
    let mut flag = |f: Field| field(&filled, f).and_then(|c| r.yes_no(c)).unwrap_or(false);
    let (featured, draft, oem, odm) = (
        flag(Field::Featured),
        flag(Field::Draft),
        flag(Field::Oem),
        flag(Field::Odm),
    );
    let photos = r.photos(&filled);
    let specs = r.specs(&filled);
    // Comma-separated in one line, or one per line when an entry has a comma.
    let names = |f: Field| match field(&filled, f) {
        Some(c) if !c.text.contains('\n') => c
            .text
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        _ => lines_of(f),
    };
    let tags = names(Field::Tags);
    let certifications = names(Field::Certifications);
    let data = ProductData {
        sku: Text(sku),
        name,
        slug: text(Field::Slug),
        category: text(Field::Category),
        featured,
        summary: text(Field::Summary),
        description: text(Field::Description),
        moq: r.moq(&filled),
        price_tiers: r.tiers(&filled),
        currency: text(Field::Currency),
        incoterm: text(Field::Incoterm),
        lead_time: r.lead_time(&filled),
        samples: r.samples(&filled),
        customization: lines_of(Field::Customization),
        oem,
        odm,
        packaging: r.packaging(&filled),
        payment_terms: lines_of(Field::PaymentTerms),
        hs_code: text(Field::HsCode),
        tags,
        certifications,
        draft,
        translations: r.translations(&filled, &specs, photos.len()),
        photos,
        specs,
    };
    if r.problems.is_empty() {
        Ok(data)
    } else {
        Err(r.problems)
    }
}

/// The filled cell of a one-cell field in the default language.
fn field<'b, 'a>(filled: &[&'b Cell<'a>], f: Field) -> Option<&'b Cell<'a>> {
    filled
        .iter()
        .copied()
        .find(|c| c.column.key == Key::Field(f) && c.column.lang.is_none())
}

/// A list cell: one entry per line (Alt+Enter in Excel), blank lines skipped.
fn lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

struct RowReader<'s> {
    sheet: &'s str,
    row: usize,
    problems: Vec<SheetProblem>,
}

impl RowReader<'_> {
    fn fail(&mut self, c: &Cell, message: String, help: &str) {
        self.problems
            .push(SheetProblem::new(self.sheet, Some(self.row), message, help).in_column(c.header, c.index));
    }

    /// A field every product needs; empty is a problem, placed on its column when there is one.
    fn required(&mut self, cells: &[Cell], f: Field, empty: &str, help: &str) -> String {
        let cell = cells
            .iter()
            .find(|c| c.column.key == Key::Field(f) && c.column.lang.is_none());
        let text = cell.map_or("", |c| c.text);
        if text.trim().is_empty() {
            let p = SheetProblem::new(self.sheet, Some(self.row), empty, help);
            self.problems.push(match cell {
                Some(c) => p.in_column(c.header, c.index),
                None => p,
            });
        }
        text.to_string()
    }

    /// `photoN…` columns, in number order; a photo's texts without its file are a problem.
    fn photos(&mut self, filled: &[&Cell]) -> Vec<PhotoSpec> {
        let mut by_number: BTreeMap<usize, Vec<&Cell>> = BTreeMap::new();
        for c in filled.iter().filter(|c| c.column.lang.is_none()) {
            if let Key::Photo(n, _) = c.column.key {
                by_number.entry(n).or_default().push(c);
            }
        }
        let mut photos = Vec::new();
        for (n, list) in &by_number {
            let mut ph = PhotoSpec::default();
            for c in list {
                let Key::Photo(_, part) = c.column.key else {
                    continue;
                };
                let v = Some(c.text.to_string());
                match part {
                    PhotoPart::Path => ph.path = c.text.to_string(),
                    PhotoPart::Alt => ph.alt = v,
                    PhotoPart::Credit => ph.credit = v,
                    PhotoPart::License => ph.license = v,
                    PhotoPart::Focus => match parse_focus(c.text) {
                        Some(f) => ph.focus = Some(f),
                        None => self.fail(
                            c,
                            format!("`{}` is not a position", c.text),
                            "write center, top, bottom, left, right, \"top left\" or \"30% 20%\"",
                        ),
                    },
                }
            }
            if ph.path.is_empty() {
                self.fail(
                    list[0],
                    format!("photo{n} has no path, but this column has text"),
                    &format!("write the photo's file in column photo{n}, e.g. images/product.jpg"),
                );
            }
            photos.push(ph);
        }
        photos
    }

    fn moq(&mut self, filled: &[&Cell]) -> Option<Moq> {
        match (field(filled, Field::Moq), field(filled, Field::MoqUnit)) {
            (Some(q), unit) => self.whole(q).map(|quantity| Moq {
                quantity,
                unit: unit.map_or_else(|| "pieces".to_string(), |u| u.text.to_string()),
            }),
            (None, Some(u)) => {
                self.fail(
                    u,
                    "a unit, but no moq".into(),
                    "write the minimum order quantity in column moq, or empty this cell",
                );
                None
            }
            (None, None) => None,
        }
    }

    fn lead_time(&mut self, filled: &[&Cell]) -> Option<LeadTime> {
        match (field(filled, Field::SampleDays), field(filled, Field::BulkDays)) {
            (None, None) => None,
            (s, b) => Some(LeadTime {
                sample_days: s.and_then(|c| self.whole_u32(c)),
                bulk_days: b.and_then(|c| self.whole_u32(c)),
            }),
        }
    }

    fn samples(&mut self, filled: &[&Cell]) -> Option<Samples> {
        let f = |k: Field| field(filled, k);
        match (f(Field::Samples), f(Field::SampleFee), f(Field::SampleNote)) {
            (None, None, None) => None,
            (a, fee, note) => Some(Samples {
                available: a.and_then(|c| self.yes_no(c)).unwrap_or(true),
                fee: fee.and_then(|c| self.price(c)),
                note: note.map(|c| c.text.to_string()),
            }),
        }
    }

    fn packaging(&mut self, filled: &[&Cell]) -> Option<Packaging> {
        let f = |k: Field| field(filled, k);
        let text = |c: &Cell| c.text.to_string();
        match (
            f(Field::UnitsPerCarton),
            f(Field::CartonSize),
            f(Field::CartonWeight),
            f(Field::PackagingNote),
        ) {
            (None, None, None, None) => None,
            (u, s, w, n) => Some(Packaging {
                units_per_carton: u.and_then(|c| self.whole_u32(c)),
                carton_size: s.map(|c| Text(text(c))),
                carton_weight: w.map(|c| Text(text(c))),
                note: n.map(text),
            }),
        }
    }

    fn whole(&mut self, c: &Cell) -> Option<u64> {
        let t = c.text.trim();
        match t.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(
                    c,
                    format!("`{t}` is not a whole number"),
                    "write a whole number zero or above, e.g. 500",
                );
                None
            }
        }
    }

    fn whole_u32(&mut self, c: &Cell) -> Option<u32> {
        let n = self.whole(c)?;
        match u32::try_from(n) {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(c, format!("{n} is too large"), "write a smaller whole number");
                None
            }
        }
    }

    fn price(&mut self, c: &Cell) -> Option<f64> {
        let t = c.text.trim();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            Ok(_) => {
                self.fail(
                    c,
                    format!("`{t}` is not a price"),
                    "write a number zero or above, e.g. 9.80",
                );
                None
            }
            Err(_) => {
                self.fail(c, format!("`{t}` is not a number"), "write the price as a number without the currency, e.g. 9.80 (the currency goes in column currency)");
                None
            }
        }
    }

    fn yes_no(&mut self, c: &Cell) -> Option<bool> {
        match c.text.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "x" => Some(true),
            "no" | "n" | "false" | "0" => Some(false),
            t => {
                self.fail(
                    c,
                    format!("`{t}` is not yes or no"),
                    "write yes or no (or leave the cell empty for no)",
                );
                None
            }
        }
    }

    /// Named (`spec:LABEL`) specs in column order, then numbered ones in number order.
    fn specs(&mut self, filled: &[&Cell]) -> Vec<Spec> {
        let mut out = Vec::new();
        for c in filled.iter().filter(|c| c.column.lang.is_none()) {
            if let Key::Spec(label) = &c.column.key {
                out.push(Spec {
                    label: Text(label.clone()),
                    value: Text(c.text.to_string()),
                });
            }
        }
        let numbered = self.numbered_specs(filled, None);
        out.extend(numbered.into_values());
        out
    }

    fn numbered_specs(&mut self, filled: &[&Cell], lang: Option<&str>) -> BTreeMap<usize, Spec> {
        let mut parts: BTreeMap<usize, (Option<&Cell>, Option<&Cell>)> = BTreeMap::new();
        for c in filled.iter().filter(|c| c.column.lang.as_deref() == lang) {
            if let Key::SpecAt(n, is_label) = c.column.key {
                let e = parts.entry(n).or_default();
                if is_label {
                    e.0 = Some(c);
                } else {
                    e.1 = Some(c);
                }
            }
        }
        let mut out = BTreeMap::new();
        for (n, p) in parts {
            match p {
                (Some(l), Some(v)) => {
                    out.insert(
                        n,
                        Spec {
                            label: Text(l.text.to_string()),
                            value: Text(v.text.to_string()),
                        },
                    );
                }
                (Some(c), None) | (None, Some(c)) => {
                    let other = if matches!(c.column.key, Key::SpecAt(_, true)) {
                        "value"
                    } else {
                        "label"
                    };
                    self.fail(
                        c,
                        format!("spec {n} has no {other}"),
                        &format!("fill spec{n}_{other} too, or empty this cell"),
                    );
                }
                (None, None) => {}
            }
        }
        out
    }

    fn tiers(&mut self, filled: &[&Cell]) -> Vec<PriceTier> {
        let mut parts: BTreeMap<usize, [Option<&Cell>; 3]> = BTreeMap::new();
        for c in filled {
            if let Key::Tier(n, p) = c.column.key {
                parts.entry(n).or_default()[p as usize] = Some(c);
            }
        }
        let mut out = Vec::new();
        for (n, [min, max, price]) in parts {
            let any = min.or(max).or(price);
            let (Some(min), Some(price)) = (min, price) else {
                if let Some(c) = any {
                    let missing = if min.is_none() { "min_qty" } else { "price" };
                    self.fail(
                        c,
                        format!("tier {n} has no {missing}"),
                        &format!("fill tier{n}_{missing} too, or empty the tier's cells"),
                    );
                }
                continue;
            };
            let (min_qty, max_qty, unit_price) =
                (self.whole(min), max.map(|c| self.whole(c)), self.price(price));
            if let (Some(min_qty), Some(unit_price)) = (min_qty, unit_price) {
                if let (Some(Some(m)), Some(c)) = (max_qty, max) {
                    if m < min_qty {
                        self.fail(
                            c,
                            format!("max_qty {m} is below min_qty {min_qty}"),
                            "max_qty must be at least min_qty; leave it empty for the last tier",
                        );
                    }
                }
                out.push(PriceTier {
                    min_qty,
                    max_qty: max_qty.flatten(),
                    unit_price,
                });
            }
        }
        out
    }

    /// The `…@LANG` columns, a language with no text left out.
    fn translations(
        &mut self,
        filled: &[&Cell],
        specs: &[Spec],
        photos: usize,
    ) -> BTreeMap<String, ProductText> {
        let mut langs: Vec<&str> = filled.iter().filter_map(|c| c.column.lang.as_deref()).collect();
        langs.sort();
        langs.dedup();
        let mut out = BTreeMap::new();
        for lang in langs {
            let here: Vec<&Cell> = filled
                .iter()
                .copied()
                .filter(|c| c.column.lang.as_deref() == Some(lang))
                .collect();
            let get = |f: Field| {
                here.iter()
                    .find(|c| c.column.key == Key::Field(f))
                    .map(|c| c.text.to_string())
            };
            let mut alts: BTreeMap<usize, &Cell> = BTreeMap::new();
            for c in &here {
                if let Key::Photo(n, _) = c.column.key {
                    if n > photos {
                        self.fail(
                            c,
                            format!("a translated alt text for photo{n}, but the row has {photos} photos"),
                            "give the alt texts of the row's photos only",
                        );
                    }
                    alts.insert(n, c);
                }
            }
            let last = alts.keys().next_back().copied().unwrap_or(0);
            let t = ProductText {
                name: get(Field::Name),
                summary: get(Field::Summary),
                description: get(Field::Description),
                specs: self.translated_specs(&here, specs, lang),
                customization: get(Field::Customization).map(|s| lines(&s)).unwrap_or_default(),
                payment_terms: get(Field::PaymentTerms).map(|s| lines(&s)).unwrap_or_default(),
                packaging: get(Field::PackagingNote).map(|n| NoteText { note: Some(n) }),
                samples: get(Field::SampleNote).map(|n| NoteText { note: Some(n) }),
                photos: (1..=last)
                    .map(|n| AltText {
                        alt: alts.get(&n).map(|c| c.text.to_string()),
                    })
                    .collect(),
            };
            if t != ProductText::default() {
                out.insert(lang.to_string(), t);
            }
        }
        out
    }

    /// A translation's specs: all of the product's, in its order, or none. A named spec's
    /// translated label may be left empty to keep the product's own.
    fn translated_specs(&mut self, here: &[&Cell], specs: &[Spec], lang: &str) -> Vec<Spec> {
        let mut named: HashMap<&str, (Option<&Cell>, Option<&Cell>)> = HashMap::new();
        for c in here {
            match &c.column.key {
                Key::Spec(l) => named.entry(l.as_str()).or_default().1 = Some(c),
                Key::SpecLabel(l) => named.entry(l.as_str()).or_default().0 = Some(c),
                _ => {}
            }
        }
        let numbered = self.numbered_specs(here, Some(lang));
        if named.is_empty() {
            return numbered.into_values().collect();
        }
        let mut out = Vec::new();
        for (label, (l, v)) in &named {
            if let Some(c) = l.or(*v).filter(|_| !specs.iter().any(|s| s.label.0 == *label)) {
                self.fail(
                    c,
                    format!("a translation of spec `{label}`, but column spec:{label} is empty"),
                    &format!("fill spec:{label} too, or empty this cell"),
                );
            }
        }
        for s in specs {
            match named.get(s.label.0.as_str()) {
                Some((l, Some(v))) => out.push(Spec {
                    label: Text(l.map_or_else(|| s.label.0.clone(), |c| c.text.to_string())),
                    value: Text(v.text.to_string()),
                }),
                Some((Some(l), None)) => self.fail(
                    l,
                    format!(
                        "a translated label for spec `{}` but no translated value",
                        s.label
                    ),
                    &format!("write the value in column spec:{}@{lang}", s.label),
                ),
                _ => self.problems.push(SheetProblem::new(
                    self.sheet,
                    Some(self.row),
                    format!("the specs are translated into {lang}, but not spec `{}`", s.label),
                    format!(
                        "fill column spec:{}@{lang}: a translation has all of the product's specs or none",
                        s.label
                    ),
                )),
            }
        }
        out.extend(numbered.into_values());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_specs(labels: &[&str]) -> ProductData {
        let specs: Vec<String> = labels
            .iter()
            .map(|l| format!("  - {{label: \"{l}\", value: v}}\n"))
            .collect();
        let yaml = format!("sku: A\nname: A\nspecs:\n{}", specs.concat());
        serde_yaml::from_str(&yaml).unwrap()
    }

    #[test]
    fn spec_columns_keep_every_products_order() {
        let (a, b) = (
            with_specs(&["Size", "Weight"]),
            with_specs(&["Material", "Size", "Colour", "Weight"]),
        );
        assert_eq!(
            specs_by_label(&[&a, &b]).unwrap(),
            ["Material", "Size", "Colour", "Weight"]
        );
    }

    #[test]
    fn specs_go_by_position_when_labels_cannot_be_columns() {
        let (a, b) = (with_specs(&["Size", "Weight"]), with_specs(&["Weight", "Size"]));
        assert_eq!(specs_by_label(&[&a, &b]), None, "orders disagree");
        assert_eq!(
            specs_by_label(&[&with_specs(&["Size", "Size"])]),
            None,
            "a label twice"
        );
        assert_eq!(specs_by_label(&[&with_specs(&["Price @ 100"])]), None, "an @");
        assert_eq!(
            specs_by_label(&[&with_specs(&[" Size"])]),
            None,
            "a space Excel would trim"
        );
    }
}
