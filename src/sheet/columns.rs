//! The sheet's column names (docs/spreadsheets.md): what each header means, and the canonical
//! order export writes them in.

/// A product field that takes one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Sku,
    Name,
    Slug,
    Category,
    Featured,
    Draft,
    Summary,
    Description,
    Moq,
    MoqUnit,
    Currency,
    Incoterm,
    SampleDays,
    BulkDays,
    Samples,
    SampleFee,
    SampleNote,
    Customization,
    Oem,
    Odm,
    UnitsPerCarton,
    CartonSize,
    CartonWeight,
    PackagingNote,
    PaymentTerms,
    HsCode,
    Tags,
    Certifications,
}

/// Every one-cell field with its header, in the order export writes them (photos, specs and
/// tiers go between, see [`Column::rank`]).
pub const FIELDS: &[(Field, &str)] = &[
    (Field::Sku, "sku"),
    (Field::Name, "name"),
    (Field::Slug, "slug"),
    (Field::Category, "category"),
    (Field::Featured, "featured"),
    (Field::Draft, "draft"),
    (Field::Summary, "summary"),
    (Field::Description, "description"),
    (Field::Moq, "moq"),
    (Field::MoqUnit, "moq_unit"),
    (Field::Currency, "currency"),
    (Field::Incoterm, "incoterm"),
    (Field::SampleDays, "sample_days"),
    (Field::BulkDays, "bulk_days"),
    (Field::Samples, "samples"),
    (Field::SampleFee, "sample_fee"),
    (Field::SampleNote, "sample_note"),
    (Field::Customization, "customization"),
    (Field::Oem, "oem"),
    (Field::Odm, "odm"),
    (Field::UnitsPerCarton, "units_per_carton"),
    (Field::CartonSize, "carton_size"),
    (Field::CartonWeight, "carton_weight"),
    (Field::PackagingNote, "packaging_note"),
    (Field::PaymentTerms, "payment_terms"),
    (Field::HsCode, "hs_code"),
    (Field::Tags, "tags"),
    (Field::Certifications, "certifications"),
];

/// The fields that have a translation column (`name@de`).
pub const TRANSLATED: &[Field] = &[
    Field::Name,
    Field::Summary,
    Field::Description,
    Field::Customization,
    Field::PaymentTerms,
    Field::PackagingNote,
    Field::SampleNote,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PhotoPart {
    Path,
    Alt,
    Credit,
    License,
    Focus,
}

const PHOTO_PARTS: &[(PhotoPart, &str)] = &[
    (PhotoPart::Path, ""),
    (PhotoPart::Alt, "_alt"),
    (PhotoPart::Credit, "_credit"),
    (PhotoPart::License, "_license"),
    (PhotoPart::Focus, "_focus"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TierPart {
    MinQty,
    MaxQty,
    Price,
}

const TIER_PARTS: &[(TierPart, &str)] = &[
    (TierPart::MinQty, "_min_qty"),
    (TierPart::MaxQty, "_max_qty"),
    (TierPart::Price, "_price"),
];

/// What a header means. Numbers (`photo2`, `tier3_price`, `spec1_label`) count from 1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Field(Field),
    Photo(usize, PhotoPart),
    Tier(usize, TierPart),
    /// `spec:Material`: the value of the spec labelled Material; its translation `spec:Material@de`.
    Spec(String),
    /// `label:Material@de`: the translated label of the spec labelled Material.
    SpecLabel(String),
    /// `spec1_label`, `spec1_value`: specs by position, for labels that cannot be columns.
    SpecAt(usize, bool),
}

/// A parsed header: what it means, and the language of a translation column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    pub key: Key,
    pub lang: Option<String>,
}

impl Column {
    pub fn new(key: Key, lang: Option<&str>) -> Column {
        Column {
            key,
            lang: lang.map(str::to_string),
        }
    }

    /// Parses a header cell; `Err` says what is wrong and what to write.
    pub fn parse(header: &str) -> Result<Column, String> {
        let h = header.trim();
        let (base, lang) = match h.rsplit_once('@') {
            Some((b, l)) => {
                let code = crate::translations::canonical_language(l)
                    .map_err(|(msg, help)| format!("{msg}: {help}"))?;
                (b, Some(code))
            }
            None => (h, None),
        };
        let key = parse_key(base).ok_or_else(|| {
            let lang = &lang;
            let known: Vec<&str> = FIELDS.iter().map(|(_, n)| *n).collect();
            match crate::yaml::suggest(base, &known) {
                Some(s) => {
                    let lang = lang.as_deref().map(|l| format!("@{l}")).unwrap_or_default();
                    format!("unknown column `{h}`; did you mean `{s}{lang}`?")
                }
                None => format!(
                    "unknown column `{h}`; see docs/spreadsheets.md for the columns (photo1, tier1_price, spec:LABEL, name@de, …)"
                ),
            }
        })?;
        let translatable = match &key {
            Key::Field(f) => TRANSLATED.contains(f),
            Key::Photo(_, p) => *p == PhotoPart::Alt,
            Key::Spec(_) | Key::SpecAt(..) => true,
            Key::SpecLabel(_) => false,
            Key::Tier(..) => false,
        };
        match (&key, &lang) {
            (Key::SpecLabel(_), None) => {
                return Err(format!(
                    "column `{h}` needs a language: `{h}@de` holds the German label"
                ))
            }
            (Key::SpecLabel(_), Some(_)) => {}
            (_, Some(_)) if !translatable => {
                return Err(format!(
                    "column `{base}` is not translated (prices, quantities, codes and photos are shared by all languages); remove `{h}`"
                ))
            }
            _ => {}
        }
        Ok(Column { key, lang })
    }

    /// The header export writes.
    pub fn header(&self) -> String {
        let base = match &self.key {
            Key::Field(f) => field_name(*f).to_string(),
            Key::Photo(n, p) => format!("photo{n}{}", suffix(PHOTO_PARTS, p)),
            Key::Tier(n, p) => format!("tier{n}{}", suffix(TIER_PARTS, p)),
            Key::Spec(l) => format!("spec:{l}"),
            Key::SpecLabel(l) => format!("label:{l}"),
            Key::SpecAt(n, true) => format!("spec{n}_label"),
            Key::SpecAt(n, false) => format!("spec{n}_value"),
        };
        match &self.lang {
            Some(l) => format!("{base}@{l}"),
            None => base,
        }
    }
}

pub fn field_name(f: Field) -> &'static str {
    FIELDS.iter().find(|(g, _)| *g == f).map_or("", |(_, n)| n)
}

fn suffix<T: PartialEq>(parts: &[(T, &'static str)], p: &T) -> &'static str {
    parts.iter().find(|(q, _)| q == p).map_or("", |(_, s)| s)
}

fn parse_key(base: &str) -> Option<Key> {
    if let Some(label) = base.strip_prefix("spec:") {
        return (!label.trim().is_empty()).then(|| Key::Spec(label.to_string()));
    }
    if let Some(label) = base.strip_prefix("label:") {
        return (!label.trim().is_empty()).then(|| Key::SpecLabel(label.to_string()));
    }
    let lower = base.to_ascii_lowercase();
    if let Some((f, _)) = FIELDS.iter().find(|(_, n)| *n == lower) {
        return Some(Key::Field(*f));
    }
    numbered(&lower, "photo", PHOTO_PARTS, Key::Photo)
        .or_else(|| numbered(&lower, "tier", TIER_PARTS, Key::Tier))
        .or_else(|| {
            numbered(
                &lower,
                "spec",
                &[(true, "_label"), (false, "_value")],
                Key::SpecAt,
            )
        })
}

/// `photo12_alt` → `Photo(12, Alt)`: a prefix, a number from 1, one of the parts' suffixes.
fn numbered<T: Copy>(s: &str, prefix: &str, parts: &[(T, &str)], make: fn(usize, T) -> Key) -> Option<Key> {
    let rest = s.strip_prefix(prefix)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n: usize = rest[..digits].parse().ok().filter(|n| *n >= 1 && *n <= 1000)?;
    let part = parts.iter().find(|(_, suf)| *suf == &rest[digits..])?;
    Some(make(n, part.0))
}

/// The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA.
pub fn letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_print_back() {
        for h in [
            "sku",
            "photo2_alt@de",
            "tier3_price",
            "spec:Material",
            "spec:Material@de",
            "label:Material@de",
            "spec1_label",
            "spec2_value@ar",
            "customization@zh-Hans",
        ] {
            assert_eq!(Column::parse(h).unwrap().header(), h);
        }
    }

    #[test]
    fn bad_headers_say_why() {
        assert!(Column::parse("colour").unwrap_err().contains("unknown column"));
        assert!(Column::parse("moq@de").unwrap_err().contains("not translated"));
        assert!(Column::parse("label:Material")
            .unwrap_err()
            .contains("needs a language"));
        assert!(Column::parse("photo0").is_err());
        assert!(Column::parse("nme").unwrap_err().contains("`name`"));
    }

    #[test]
    fn letters_count_like_spreadsheets() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }
}
