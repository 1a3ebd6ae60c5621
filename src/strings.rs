//! The words a site shows, from its theme's string table for the site's language
//! (`themes/NAME/strings/LANG.yaml`) with the site's own `strings/LANG.yaml` merged over it.
//! Templates read it through `t()` (see [`crate::render`]); the Rust code that writes page
//! titles, descriptions, breadcrumbs and inquiry messages reads it here, so no theme word is
//! written in Rust. Plural forms follow the language's CLDR rules (ICU4X), never `n == 1`, and
//! the numbers they fill in are written the language's way ([`crate::locale::Formats`]).

use crate::error::Diagnostic;
use crate::locale::{self, Formats, Language, LanguageProblem};
use crate::source::Source;
use crate::theme::Theme;
use crate::yaml;
use icu_plurals::{PluralCategory, PluralRules};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The language whose table every theme has, and the one a missing table falls back to.
pub const FALLBACK: &str = "en";

/// The keys Rust code asks for: every theme table must have them (checked when it is loaded,
/// so asking cannot fail later).
pub const USED_BY_CODE: &[&str] = &[
    "title_page",
    "title_home",
    "listing_page",
    "products_description",
    "categories_description",
    "category_description",
    "contact_description",
    "product_description",
    "home",
    "products",
    "all_products",
    "categories",
    "company_profile",
    "contact",
    "contact_us",
    "not_found",
    "inquiry_list",
    "inquiry_list_description",
    "inquiry_subject",
    "product_subject",
    "inquiry_greeting",
    "inquiry_interest",
    "inquiry_quantity_moq",
    "inquiry_quantity",
    "inquiry_destination",
    "inquiry_request",
    "inquiry_page",
    "minimum_order",
    "feed_incoterm",
    // The search page and its index (src/search.rs).
    "search",
    "search_description",
    "search_results",
];

/// A theme's tables as [`Strings::from_texts`] takes them.
fn as_layers<'a>(
    tables: &'a [Option<(std::borrow::Cow<'static, str>, String)>],
) -> Vec<Option<(&'a str, &'a Path)>> {
    tables
        .iter()
        .map(|t| {
            t.as_ref()
                .map(|(text, shown)| (text.as_ref(), Path::new(shown.as_str())))
        })
        .collect()
}

/// The CLDR plural categories, as a table names them.
const CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// One string: plain text, or one text per plural category.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Text(String),
    Forms(BTreeMap<String, String>),
}

impl Entry {
    fn texts(&self) -> Vec<&str> {
        match self {
            Entry::Text(t) => vec![t],
            Entry::Forms(f) => f.values().map(String::as_str).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entry, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

/// Text or a group of plural forms; a number is taken as its text (`established: 1990` is not
/// worth an error), anything else is refused with what a string can be.
struct EntryVisitor;

impl<'de> serde::de::Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("text, or plural forms such as {one: …, other: …}")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Entry, E> {
        Ok(Entry::Text(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Entry, E> {
        Ok(Entry::Text(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Entry, E> {
        Ok(Entry::Text(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Entry, E> {
        Ok(Entry::Text(v.to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        let mut forms = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            forms.insert(k, v);
        }
        Ok(Entry::Forms(forms))
    }
}

/// A table file as written.
#[derive(Debug, Default)]
struct RawTable {
    /// The seller's units by number: `set: {one: set, other: sets}`.
    units: BTreeMap<String, BTreeMap<String, String>>,
    strings: BTreeMap<String, Entry>,
}

// By hand rather than `#[serde(flatten)]`, which loses the key a wrong value is under (and so
// its line).
impl<'de> Deserialize<'de> for RawTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawTable, D::Error> {
        d.deserialize_map(TableVisitor)
    }
}

struct TableVisitor;

impl<'de> serde::de::Visitor<'de> for TableVisitor {
    type Value = RawTable;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`key: text` lines")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawTable, A::Error> {
        let mut table = RawTable::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "units" {
                table.units = map.next_value()?;
            } else {
                let entry = map.next_value()?;
                table.strings.insert(key, entry);
            }
        }
        Ok(table)
    }
}

/// A table read and checked, with its text kept for placing problems.
struct Table {
    raw: RawTable,
    source: Source,
}

impl Table {
    fn parse(text: &str, shown_as: &Path) -> Result<Table, Diagnostic> {
        let raw: RawTable = yaml::parse(text, shown_as)?;
        Ok(Table {
            raw,
            source: Source::new(shown_as, text),
        })
    }

    fn file(&self) -> PathBuf {
        self.source.file().to_path_buf()
    }

    fn problem(&self, field: &str, message: String) -> Diagnostic {
        Diagnostic::new(self.file(), message)
            .field(field)
            .located(self.source.field(field))
    }

    /// Plural groups name CLDR categories and have `other`, which every language uses.
    fn check_forms(&self, problems: &mut Vec<Diagnostic>) {
        let groups = self
            .raw
            .strings
            .iter()
            .filter_map(|(k, e)| match e {
                Entry::Forms(f) => Some((k.clone(), f)),
                Entry::Text(_) => None,
            })
            .chain(self.raw.units.iter().map(|(k, f)| (format!("units.{k}"), f)));
        for (key, forms) in groups {
            for cat in forms.keys() {
                if !CATEGORIES.contains(&cat.as_str()) {
                    let field = format!("{key}.{cat}");
                    let mut d = self.problem(&field, format!("`{cat}` is not a CLDR plural category"));
                    d = d.help(match yaml::suggest(cat, CATEGORIES) {
                        Some(s) => format!("did you mean `{s}`? plural forms are {}", CATEGORIES.join(", ")),
                        None => format!("plural forms are {}", CATEGORIES.join(", ")),
                    });
                    problems.push(d);
                }
            }
            if !forms.contains_key("other") {
                problems.push(
                    self.problem(&key, format!("`{key}` has plural forms but no `other`"))
                        .help("add `other:`, the form every language uses for most numbers"),
                );
            }
        }
    }
}

/// The `{name}`s a text fills in.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.insert(name);
                rest = &rest[close + 1..];
            }
        }
    }
    out
}

/// `text` with each `{name}` replaced by `arg(name)`; the names `arg` does not know are returned.
fn fill(text: &str, arg: impl Fn(&str) -> Option<String>) -> (String, Vec<&str>) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after
            .find('}')
            .map(|close| &after[..close])
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        match name {
            Some(name) => {
                match arg(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        missing.push(name);
                        out.push_str(&rest[open..open + name.len() + 2]);
                    }
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

/// Every string of one language, ready to use.
pub struct Strings {
    language: String,
    /// The theme's table, as messages name it (`themes/default/strings/en.yaml`).
    table: String,
    entries: BTreeMap<String, Entry>,
    units: BTreeMap<String, BTreeMap<String, String>>,
    /// The English table's unit forms by unit (`pieces` → `piece`): a seller writes units in
    /// English whatever the site's language, and gets that language's word for them.
    english_units: BTreeMap<String, String>,
    rules: PluralRules,
    /// The language's integers and money, for the filters, the views and `{count}`.
    formats: Formats,
    tag: Language,
    key: blake3::Hash,
    /// Whether the theme or the site has words in this language (else they are English).
    own_words: bool,
}

impl Strings {
    /// The table of `theme` for `language`, with the site's `strings/LANG.yaml` merged over it.
    /// A language the theme has no table for gets the English one and a warning.
    pub fn load(
        theme: &Theme,
        site_root: &Path,
        language: &str,
    ) -> Result<(Strings, Vec<Diagnostic>), Vec<Diagnostic>> {
        // Checked first: the code names the table files it reads.
        if let Err(problem) = locale::parse_language(language) {
            return Err(vec![not_a_language(&problem)]);
        }
        let own_rel = PathBuf::from("strings").join(format!("{language}.yaml"));
        let own_path = site_root.join(&own_rel);
        let own = if own_path.is_file() {
            let text = yaml::read_text(&own_path, &own_rel).map_err(|d| vec![d])?;
            Some((text, own_rel))
        } else {
            None
        };
        let reference = theme.strings(FALLBACK).map_err(|d| vec![d])?;
        if reference.first().is_none_or(Option::is_none) {
            let root = theme.chain().last().copied().unwrap_or(&theme.name).to_string();
            return Err(vec![Diagnostic::new(
                format!("themes/{root}/strings/{FALLBACK}.yaml"),
                "the theme has no English string table",
            )]);
        }
        let chosen = if language == FALLBACK {
            Vec::new()
        } else {
            theme.strings(language).map_err(|d| vec![d])?
        };
        let mut warnings = Vec::new();
        if language != FALLBACK && chosen.iter().all(Option::is_none) {
            warnings.push(
                Diagnostic::new(
                    "site.yaml",
                    format!(
                        "the theme `{}` has no words in `{language}`: pages show its English words{}",
                        theme.name,
                        if own.is_some() {
                            format!(" where strings/{language}.yaml gives none")
                        } else {
                            String::new()
                        }
                    ),
                )
                .field("language")
                .help(format!(
                    "translate the theme's strings/{FALLBACK}.yaml into strings/{language}.yaml in the site folder"
                )),
            );
        }
        let own_words = chosen.iter().any(Option::is_some) || own.is_some() || language == FALLBACK;
        let own = own.as_ref().map(|(t, p)| (t.as_str(), p.as_path()));
        let mut strings = Strings::from_texts(language, &as_layers(&reference), &as_layers(&chosen), own)?;
        strings.own_words = own_words;
        Ok((strings, warnings))
    }

    /// The table made from the texts of the English reference tables, the language's own
    /// tables and the site's overrides. A theme's tables are layered, the last theme of the
    /// chain first (`None` where a layer has no table): each layer's keys replace its parent's
    /// one by one, a child's English may add keys, and a key the language's tables lack is the
    /// English text (the root theme's own table in the language must be complete).
    fn from_texts(
        language: &str,
        reference: &[Option<(&str, &Path)>],
        chosen: &[Option<(&str, &Path)>],
        own: Option<(&str, &Path)>,
    ) -> Result<Strings, Vec<Diagnostic>> {
        let Some(Some(root)) = reference.first() else {
            return Err(vec![Diagnostic::new(
                "strings/en.yaml",
                "the theme has no English string table",
            )]);
        };
        let mut reference_table = Table::parse(root.0, root.1).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        reference_table.check_forms(&mut problems);
        for key in USED_BY_CODE {
            if !reference_table.raw.strings.contains_key(*key) {
                problems.push(
                    Diagnostic::new(reference_table.file(), format!("the table has no string `{key}`"))
                        .field(*key)
                        .help("minisite writes this string into page titles or inquiries: add it"),
                );
            }
        }
        let mut base: Option<Table> = match chosen.first() {
            Some(Some((text, path))) => {
                let table = Table::parse(text, path).map_err(|d| vec![d])?;
                table.check_forms(&mut problems);
                check_keys(&table, &reference_table, true, &mut problems);
                Some(table)
            }
            _ => None,
        };
        layer_children(reference, chosen, &mut reference_table, &mut base, &mut problems)?;
        let english_units = reference_table
            .raw
            .units
            .iter()
            .flat_map(|(unit, forms)| forms.values().map(move |f| (f.clone(), unit.clone())))
            .collect();
        let own = match own {
            Some((text, path)) => {
                let table = Table::parse(text, path).map_err(|d| vec![d])?;
                table.check_forms(&mut problems);
                check_keys(&table, &reference_table, false, &mut problems);
                Some(table)
            }
            None => None,
        };
        let (tag, rules, formats) = language_data(language).map_err(|d| {
            problems.push(d);
            std::mem::take(&mut problems)
        })?;
        if !problems.is_empty() {
            return Err(problems);
        }
        let table = base.as_ref().unwrap_or(&reference_table).file();
        let table = table.to_string_lossy().replace('\\', "/");
        let mut entries = reference_table.raw.strings;
        let mut units = reference_table.raw.units;
        if let Some(base) = base {
            entries.extend(base.raw.strings);
            units.extend(base.raw.units);
        }
        if let Some(own) = own {
            entries.extend(own.raw.strings);
            units.extend(own.raw.units);
        }
        let key = {
            let mut h = blake3::Hasher::new();
            h.update(language.as_bytes()).update(&[0]);
            // Debug form of sorted maps: a stable text of the whole table.
            h.update(format!("{entries:?}{units:?}").as_bytes());
            h.finalize()
        };
        Ok(Strings {
            language: language.to_string(),
            table,
            entries,
            units,
            english_units,
            rules,
            formats,
            tag,
            key,
            own_words: true,
        })
    }

    /// The language's code, as site.yaml gives it.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Whether these are words of the language itself, not the English ones standing in.
    pub fn has_own_words(&self) -> bool {
        self.own_words
    }

    /// The language, checked against CLDR and in canonical form.
    pub fn tag(&self) -> &Language {
        &self.tag
    }

    /// How the language writes integers and money.
    pub fn formats(&self) -> &Formats {
        &self.formats
    }

    /// A hash of every string, so pages made with other words are known to need rendering again.
    pub fn key(&self) -> blake3::Hash {
        self.key
    }

    /// The CLDR plural category of `n` in this language.
    pub fn category(&self, n: u64) -> PluralCategory {
        self.rules.category_for(n)
    }

    /// Every form of `key` by plural category (`other` alone for a string without forms),
    /// unfilled: for scripts that count on the page with `Intl.PluralRules`.
    pub fn forms(&self, key: &str) -> BTreeMap<&str, &str> {
        match self.entries.get(key) {
            Some(Entry::Text(t)) => BTreeMap::from([("other", t.as_str())]),
            Some(Entry::Forms(forms)) => forms.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            None => BTreeMap::new(),
        }
    }

    /// The text of `key` for `count` (its plural form, when it has forms), unfilled.
    fn raw(&self, key: &str, count: Option<u64>) -> Result<&str, String> {
        let entry = self.entries.get(key).ok_or_else(|| {
            let keys: Vec<&str> = self.entries.keys().map(String::as_str).collect();
            let hint = match yaml::suggest(key, &keys) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => String::new(),
            };
            format!("{} has no string `{key}`{hint}", self.table)
        })?;
        Ok(match entry {
            Entry::Text(t) => t,
            Entry::Forms(forms) => {
                let cat = match count {
                    Some(n) => name(self.category(n)),
                    None => {
                        return Err(format!(
                            "string `{key}` of {} has plural forms: give it count=…",
                            self.table
                        ))
                    }
                };
                forms
                    .get(cat)
                    .or_else(|| forms.get("other"))
                    .map_or("", String::as_str)
            }
        })
    }

    /// String `key` filled in with `args`, for templates: a key the table lacks, a plural string
    /// without its count or a `{name}` not given is an error naming the table and the key.
    pub fn render(
        &self,
        key: &str,
        count: Option<u64>,
        args: &BTreeMap<String, String>,
    ) -> Result<String, String> {
        let text = self.raw(key, count)?;
        let (out, missing) = fill(text, |name| args.get(name).cloned());
        match missing.first() {
            None => Ok(out),
            Some(name) => Err(format!(
                "string `{key}` of {} fills in `{{{name}}}`: give it {name}=…",
                self.table
            )),
        }
    }

    /// String `key` filled in with `args`, for Rust code: its keys are checked when the table is
    /// loaded ([`USED_BY_CODE`]), and a `{name}` not given is left as written.
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.filled(key, None, args)
    }

    /// [`Strings::text`] of a string with plural forms, for the number `n` (also `{count}`).
    pub fn count(&self, key: &str, n: usize, args: &[(&str, &str)]) -> String {
        self.filled(key, Some(n as u64), args)
    }

    fn filled(&self, key: &str, count: Option<u64>, args: &[(&str, &str)]) -> String {
        let text = self.raw(key, count).unwrap_or(key);
        fill(text, |name| {
            if name == "count" {
                if let Some(n) = count {
                    return Some(self.formats.integer(n));
                }
            }
            args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        })
        .0
    }

    /// The seller's unit in the form the number `n` asks for: `1 set`, `300 sets`, whichever form
    /// they wrote. A unit the table does not list is kept as written.
    pub fn unit(&self, n: u64, unit: &str) -> String {
        self.unit_form(unit, name(self.category(n)))
    }

    /// The unit's form for counting in general, for headings such as "Quantity (sets)".
    pub fn units(&self, unit: &str) -> String {
        self.unit_form(unit, "other")
    }

    /// The unit in every plural category (a form the table lacks is its `other` form).
    pub fn unit_forms(&self, unit: &str) -> BTreeMap<&'static str, String> {
        ["zero", "one", "two", "few", "many", "other"]
            .into_iter()
            .map(|c| (c, self.unit_form(unit, c)))
            .collect()
    }

    fn unit_form(&self, unit: &str, category: &str) -> String {
        let word = unit.trim();
        let forms = self
            .units
            .iter()
            .find(|(k, forms)| *k == word || forms.values().any(|f| f == word))
            .map(|(_, f)| f)
            .or_else(|| self.english_units.get(word).and_then(|u| self.units.get(u)));
        match forms.and_then(|f| f.get(category).or_else(|| f.get("other"))) {
            Some(form) => form.clone(),
            None => unit.to_string(),
        }
    }
}

/// The name a table gives the plural category `c`.
pub fn name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

fn not_a_language(problem: &LanguageProblem) -> Diagnostic {
    Diagnostic::new("site.yaml", problem.message())
        .field("language")
        .help(problem.help())
}

/// The language's tag, plural rules and formats; a code that is not a language tag CLDR knows
/// is an error in site.yaml.
fn language_data(language: &str) -> Result<(Language, PluralRules, Formats), Diagnostic> {
    let tag = locale::parse_language(language).map_err(|p| not_a_language(&p))?;
    let no_data = |e: icu_provider::DataError| {
        Diagnostic::new("site.yaml", format!("ICU4X has no CLDR data for `{tag}`: {e}"))
            .field("language")
            .help("write a BCP 47 tag such as de, fr, ar, ur or zh-Hans")
    };
    let rules = PluralRules::try_new_cardinal(tag.locale().into()).map_err(no_data)?;
    let formats = Formats::new(&tag).map_err(no_data)?;
    Ok((tag, rules, formats))
}

/// The language's plural rules, as [`language_data`] checks them.
#[cfg(test)]
fn plural_rules(language: &str) -> Result<PluralRules, Diagnostic> {
    language_data(language).map(|(_, rules, _)| rules)
}

/// Merges the child themes' tables (all but the first of each list) over the root's, key by
/// key: English into `reference`, the language's into `base`.
fn layer_children(
    reference: &[Option<(&str, &Path)>],
    chosen: &[Option<(&str, &Path)>],
    reference_table: &mut Table,
    base: &mut Option<Table>,
    problems: &mut Vec<Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    for i in 1..reference.len().max(chosen.len()) {
        if let Some(Some((text, path))) = reference.get(i) {
            let child = Table::parse(text, path).map_err(|d| vec![d])?;
            child.check_forms(problems);
            reference_table.raw.strings.extend(child.raw.strings);
            reference_table.raw.units.extend(child.raw.units);
        }
        if let Some(Some((text, path))) = chosen.get(i) {
            let child = Table::parse(text, path).map_err(|d| vec![d])?;
            child.check_forms(problems);
            check_keys(&child, reference_table, false, problems);
            match base {
                Some(b) => {
                    b.raw.strings.extend(child.raw.strings);
                    b.raw.units.extend(child.raw.units);
                }
                None => *base = Some(child),
            }
        }
    }
    Ok(())
}

/// `table`'s keys are those of `reference`: none unknown (with the nearest known one suggested),
/// and, when `complete`, none missing. The `{name}`s a string fills in must be ones the
/// reference's string fills in, since the code gives only those.
fn check_keys(table: &Table, reference: &Table, complete: bool, problems: &mut Vec<Diagnostic>) {
    let known: Vec<&str> = reference.raw.strings.keys().map(String::as_str).collect();
    for (key, entry) in &table.raw.strings {
        let Some(theirs) = reference.raw.strings.get(key) else {
            let mut d = table.problem(key, format!("there is no string `{key}` in the theme"));
            d = d.help(match yaml::suggest(key, &known) {
                Some(s) => format!("did you mean `{s}`? (keys are case-sensitive)"),
                None => format!(
                    "the keys are those of {}; new units go under `units:`",
                    reference.source.file().display()
                ),
            });
            problems.push(d);
            continue;
        };
        let allowed: BTreeSet<&str> = theirs.texts().into_iter().flat_map(placeholders).collect();
        for text in entry.texts() {
            if let Some(name) = placeholders(text).into_iter().find(|n| !allowed.contains(n)) {
                let have: Vec<String> = allowed.iter().map(|n| format!("{{{n}}}")).collect();
                problems.push(
                    table
                        .problem(
                            key,
                            format!("`{key}` fills in `{{{name}}}`, which it is not given"),
                        )
                        .help(if have.is_empty() {
                            "this string fills in nothing: remove the braces".to_string()
                        } else {
                            format!("it can fill in {}", have.join(", "))
                        }),
                );
            }
        }
    }
    if complete {
        for key in known {
            if !table.raw.strings.contains_key(key) {
                problems.push(
                    Diagnostic::new(table.file(), format!("the table has no string `{key}`"))
                        .field(key)
                        .help(format!("translate it from {}", reference.source.file().display())),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = include_str!("../themes/default/strings/en.yaml");

    fn english(own: Option<&str>) -> Result<Strings, Vec<Diagnostic>> {
        Strings::from_texts(
            "en",
            &[Some((EN, Path::new("themes/default/strings/en.yaml")))],
            &[],
            own.map(|t| (t, Path::new("strings/en.yaml"))),
        )
    }

    #[test]
    fn arabic_plural_categories_come_from_cldr() {
        let rules = plural_rules("ar").unwrap();
        let got: Vec<&str> = [0u64, 1, 2, 3, 11, 100]
            .iter()
            .map(|&n| name(rules.category_for(n)))
            .collect();
        assert_eq!(got, ["zero", "one", "two", "few", "many", "other"]);
    }

    #[test]
    fn english_counts_pick_one_and_other() {
        let s = english(None).unwrap();
        assert_eq!(s.count("products_count", 1, &[]), "1 product");
        assert_eq!(s.count("products_count", 2, &[]), "2 products");
        assert_eq!(s.count("products_count", 0, &[]), "0 products");
    }

    #[test]
    fn the_default_theme_has_every_string_the_code_uses() {
        let s = english(None).unwrap();
        for key in USED_BY_CODE {
            assert!(s.entries.contains_key(*key), "{key}");
        }
    }

    #[test]
    fn a_string_the_code_uses_missing_from_the_theme_is_named() {
        let table = EN.replace("\nhome: Home\n", "\n");
        let e = Strings::from_texts(
            "en",
            &[Some((&table, Path::new("themes/x/strings/en.yaml")))],
            &[],
            None,
        )
        .err()
        .unwrap();
        assert_eq!(e[0].file, Path::new("themes/x/strings/en.yaml"));
        assert_eq!(e[0].field.as_deref(), Some("home"));
    }

    /// A child theme's tables change their keys only; a key it adds in English alone is English
    /// on German pages; a German key its English does not have is refused.
    #[test]
    fn a_child_themes_tables_layer_key_by_key() {
        const DE: &str = include_str!("../themes/default/strings/de.yaml");
        let en_path = Path::new("themes/default/strings/en.yaml");
        let de_path = Path::new("themes/default/strings/de.yaml");
        let child_en = "send_inquiry: Ask for a quote\nmine_note: We reply in a day.\n";
        let child_de = "send_inquiry: Angebot anfordern\n";
        let german = Strings::from_texts(
            "de",
            &[
                Some((EN, en_path)),
                Some((child_en, Path::new("themes/mine/strings/en.yaml"))),
            ],
            &[
                Some((DE, de_path)),
                Some((child_de, Path::new("themes/mine/strings/de.yaml"))),
            ],
            None,
        )
        .unwrap();
        assert_eq!(german.text("send_inquiry", &[]), "Angebot anfordern");
        assert_eq!(german.text("home", &[]), "Startseite");
        assert_eq!(german.text("mine_note", &[]), "We reply in a day.");
        let e = Strings::from_texts(
            "de",
            &[Some((EN, en_path)), None],
            &[
                Some((DE, de_path)),
                Some(("mine_nte: Antwort\n", Path::new("themes/mine/strings/de.yaml"))),
            ],
            None,
        )
        .err()
        .unwrap();
        assert_eq!(e[0].file, Path::new("themes/mine/strings/de.yaml"));
        assert_eq!(e[0].field.as_deref(), Some("mine_nte"));
    }

    #[test]
    fn counts_are_written_the_languages_way() {
        let s = english(None).unwrap();
        assert_eq!(s.count("products_count", 1250, &[]), "1,250 products");
        let german = Strings::from_texts(
            "de",
            &[Some((EN, Path::new("themes/default/strings/en.yaml")))],
            &[],
            None,
        )
        .unwrap();
        assert_eq!(german.count("products_count", 1250, &[]), "1.250 products");
        assert_eq!(german.formats().money(1250.0, "EUR"), "1.250,00\u{a0}€");
    }

    #[test]
    fn an_unknown_language_says_what_to_write() {
        let e = plural_rules("xx").err().unwrap();
        assert_eq!(e.message, "`xx` is not a language CLDR knows");
        assert_eq!(
            e.help.as_deref(),
            Some("write a BCP 47 tag such as de, fr, ar, ur or zh-Hans")
        );
    }

    #[test]
    fn units_follow_the_number_whichever_form_the_seller_wrote() {
        let s = english(None).unwrap();
        for (n, unit, said) in [
            (1, "sets", "set"),
            (1, "set", "set"),
            (300, "set", "sets"),
            (300, "sets", "sets"),
            (1, "pieces", "piece"),
            (2, "piece", "pieces"),
            (1, "boxes", "box"),
            (4, "battery", "batteries"),
            (10, "dozen", "dozen"),
            (1, "pcs", "pcs"),
            (1, "rolls of 50 m", "rolls of 50 m"),
        ] {
            assert_eq!(s.unit(n, unit), said, "{n} {unit}");
        }
        assert_eq!(s.units("set"), "sets");
    }

    #[test]
    fn a_site_adds_its_own_units() {
        let s = english(Some("units:\n  hank: {one: hank, other: hanks}\n")).unwrap();
        assert_eq!(s.unit(2, "hank"), "hanks");
    }

    #[test]
    fn an_unknown_category_is_placed_and_a_near_one_suggested() {
        let e = english(Some("products_count:\n  one: x\n  ohter: y\n"))
            .err()
            .unwrap();
        assert!(
            e.iter().any(|d| d.message.contains("`ohter`")
                && d.line == Some(3)
                && d.help.as_deref().unwrap_or("").contains("`other`")),
            "{e:?}"
        );
    }

    #[test]
    fn a_placeholder_the_code_does_not_give_is_an_error() {
        let e = english(Some("since: \"Since {yaer}\"\n")).err().unwrap();
        assert!(e[0].message.contains("{yaer}"), "{e:?}");
        assert!(e[0].help.as_deref().unwrap().contains("{year}"), "{e:?}");
    }

    #[test]
    fn a_language_code_that_is_no_tag_is_an_error_in_site_yaml() {
        for bad in ["../x", "english language", "", "xx", "de-XX"] {
            let e = plural_rules(bad).err().unwrap();
            assert_eq!(
                (e.file.to_str(), e.field.as_deref()),
                (Some("site.yaml"), Some("language"))
            );
        }
        assert!(plural_rules("zh-Hans").is_ok() && plural_rules("pt-BR").is_ok());
    }

    #[test]
    fn a_list_for_a_string_says_what_a_string_can_be() {
        let e = english(Some("home: Start\nproducts: [a, b]\n")).err().unwrap();
        assert!(e[0].message.contains("plural forms such as"), "{e:?}");
        assert_eq!(e[0].line, Some(2), "{e:?}");
    }

    #[test]
    fn filling_leaves_other_braces_alone() {
        assert_eq!(fill("{a} {b c} {", |_| Some("x".into())).0, "x {b c} {");
    }
}
