//! A loaded site in one of its other languages: the same site with its texts, the theme's
//! words and its addresses in that language (`de/…`). Each language is published as a site of
//! its own through the same routes and templates, so every page kind exists in every language;
//! what the seller did not translate is shown in the default language, and `lang_of` says so,
//! field by field, for the `lang` attribute that tells screen readers and search engines.

use crate::catalog::{Catalog, Category, Product};
use crate::config::SiteConfig;
use crate::markdown;
use crate::pages::Page;
use crate::strings::Strings;
use crate::translations::SiteTexts;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Texts shown in another language than the page's, by field: the language they are in.
pub type LangOf = BTreeMap<&'static str, String>;

/// The language a site (or one of its translations) is published in.
#[derive(Debug, Clone, Serialize)]
pub struct Lang {
    /// BCP 47 code, canonical: `<html lang>`.
    pub code: String,
    /// `ltr` or `rtl`, from the language's script.
    pub dir: &'static str,
    /// Where its pages are in the output: `""` for the default language, `de/` for German.
    pub prefix: String,
    /// The site's default language, in which untranslated text is shown.
    pub default: String,
}

impl Lang {
    pub fn new(code: &str, default: &str) -> Lang {
        let prefix = if code == default {
            String::new()
        } else {
            format!("{code}/")
        };
        Lang {
            code: code.to_string(),
            dir: direction_of(code),
            prefix,
            default: default.to_string(),
        }
    }
}

/// `ltr` or `rtl` for `<html dir>`, from the language's script (CLDR through ICU4X); the
/// code was checked when site.yaml was read.
fn direction_of(code: &str) -> &'static str {
    crate::locale::parse_language(code)
        .map_or(crate::locale::Direction::Ltr, |l| l.direction())
        .as_str()
}

/// A language as the switcher shows it: its own name, and where its pages are.
#[derive(Debug, Clone, Serialize)]
pub struct LangLink {
    pub code: String,
    pub name: String,
    pub prefix: String,
    pub dir: &'static str,
}

/// `config` with the shop texts of `texts` (language `code`) put in, and which fields stayed
/// in the default language.
pub fn config(base: &SiteConfig, code: &str, texts: &SiteTexts) -> (SiteConfig, LangOf) {
    let mut c = base.clone();
    let mut lang_of = LangOf::new();
    let default = base.language.clone();
    let mut put = |field: &'static str, slot: &mut Option<String>, text: &Option<String>| match text {
        Some(t) => *slot = Some(t.clone()),
        None if slot.is_some() => {
            lang_of.insert(field, default.clone());
        }
        None => {}
    };
    let mut title = Some(c.title.clone());
    put("title", &mut title, &texts.title);
    c.title = title.unwrap_or_default();
    put("description", &mut c.description, &texts.description);
    let co = &texts.company;
    put("company_name", &mut c.company.name, &co.name);
    put("tagline", &mut c.company.tagline, &co.tagline);
    put("business_type", &mut c.company.business_type, &co.business_type);
    put("location", &mut c.company.location, &co.location);
    put(
        "production_capacity",
        &mut c.company.production_capacity,
        &co.production_capacity,
    );
    put("about", &mut c.company.about, &co.about);
    let ct = &texts.contact;
    put("address", &mut c.contact.address, &ct.address);
    put("hours", &mut c.contact.hours, &ct.hours);
    match &co.export_markets {
        Some(m) => c.company.export_markets = m.clone(),
        None if !c.company.export_markets.is_empty() => {
            lang_of.insert("export_markets", default.clone());
        }
        None => {}
    }
    for (i, cert) in c.company.certifications.iter_mut().enumerate() {
        match co.certifications.get(i).and_then(|n| n.name.clone()) {
            Some(name) => cert.name = name,
            None => {
                lang_of.insert("certifications", default.clone());
            }
        }
    }
    for (photo, t) in c.company.photos.iter_mut().zip(&co.photos) {
        if let Some(alt) = &t.alt {
            photo.alt = Some(alt.clone());
        }
    }
    c.language = code.to_string();
    // The one rule for where a language's pages are: its `Lang`'s.
    c.page_prefix = Lang::new(code, &base.language).prefix;
    (c, lang_of)
}

/// The catalogue with each product's and category's texts in language `code`. Addresses stay
/// the default language's, so the same product is at `products/x/` and `de/products/x/`.
pub fn catalog(base: &Catalog, code: &str, config: &SiteConfig) -> Catalog {
    Catalog {
        products: base
            .products
            .iter()
            .map(|p| Arc::new(product(p, code, config)))
            .collect(),
        categories: base
            .categories
            .iter()
            .map(|c| category(c, code, config))
            .collect(),
        warnings: Vec::new(),
        categories_source: None,
        drafts: Vec::new(),
        // Tags are not translated: the same tags, at the same addresses, in every language.
        tags: base.tags.clone(),
    }
}

/// Product `p` in language `code`, with `lang_of` naming what stayed untranslated.
pub fn product(p: &Product, code: &str, config: &SiteConfig) -> Product {
    let mut out = p.clone();
    out.data.translations = BTreeMap::new();
    let default = &config.language;
    let empty = Default::default();
    let t = p.data.translations.get(code).unwrap_or(&empty);
    let d = &mut out.data;
    let mut lang_of = LangOf::new();
    let mut missing = |field: &'static str| {
        lang_of.insert(field, default.clone());
    };
    match &t.name {
        Some(n) => d.name = n.clone(),
        None => missing("name"),
    }
    match (&t.summary, &d.summary) {
        (Some(s), _) => d.summary = Some(s.clone()),
        (None, Some(_)) => missing("summary"),
        _ => {}
    }
    match (&t.description, &d.description) {
        (Some(s), _) => {
            let (html, text) = markdown::to_html_and_plain(s, config.unsafe_html, config.clean_links);
            out.description_html = Some(html);
            out.description_text = Some(text);
            d.description = Some(s.clone());
        }
        (None, Some(_)) => missing("description"),
        _ => {}
    }
    let lists: [(&'static str, bool, bool); 3] = [
        ("specs", t.specs.is_empty(), d.specs.is_empty()),
        (
            "customization",
            t.customization.is_empty(),
            d.customization.is_empty(),
        ),
        (
            "payment_terms",
            t.payment_terms.is_empty(),
            d.payment_terms.is_empty(),
        ),
    ];
    for (field, untranslated, none) in lists {
        if untranslated && !none {
            missing(field);
        }
    }
    if !t.specs.is_empty() {
        d.specs = t.specs.clone();
    }
    if !t.customization.is_empty() {
        d.customization = t.customization.clone();
    }
    if !t.payment_terms.is_empty() {
        d.payment_terms = t.payment_terms.clone();
    }
    if let Some(pk) = &mut d.packaging {
        match t.packaging.as_ref().and_then(|n| n.note.clone()) {
            Some(n) => pk.note = Some(n),
            None if pk.note.is_some() => missing("packaging_note"),
            None => {}
        }
    }
    if let Some(s) = &mut d.samples {
        match t.samples.as_ref().and_then(|n| n.note.clone()) {
            Some(n) => s.note = Some(n),
            None if s.note.is_some() => missing("samples_note"),
            None => {}
        }
    }
    for (i, photo) in d.photos.iter_mut().enumerate() {
        match t.photos.get(i).and_then(|a| a.alt.clone()) {
            Some(alt) => photo.alt = Some(alt),
            None if photo.alt.is_some() => missing("photo_alt"),
            None => {}
        }
    }
    out.lang_of = lang_of;
    out
}

fn category(c: &Category, code: &str, config: &SiteConfig) -> Category {
    let mut out = c.clone();
    out.translations = BTreeMap::new();
    let Some(t) = c.translations.get(code) else {
        out.lang_of.insert("title", config.language.clone());
        if c.description_html.is_some() {
            out.lang_of.insert("description", config.language.clone());
        }
        return out;
    };
    match &t.title {
        Some(title) => out.title = title.clone(),
        None => {
            out.lang_of.insert("title", config.language.clone());
        }
    }
    match &t.description {
        Some(d) => {
            out.description_html = Some(markdown::to_html(d, config.unsafe_html, config.clean_links));
            out.description_text = Some(markdown::to_plain(d));
        }
        None if c.description_html.is_some() => {
            out.lang_of.insert("description", config.language.clone());
        }
        None => {}
    }
    if let (Some(img), Some(alt)) = (&mut out.image, t.image.as_ref().and_then(|i| i.alt.clone())) {
        img.alt = Some(alt);
    }
    out
}

/// The pages in language `code`: a page without a translation keeps its text, marked as the
/// default language's.
pub fn pages(base: &[Page], code: &str, default: &str) -> Vec<Page> {
    base.iter()
        .map(|p| {
            let mut out = p.clone();
            out.translations = BTreeMap::new();
            match p.translations.get(code) {
                Some(t) => {
                    out.title = t.title.clone();
                    out.description = t.description.clone();
                    out.html = t.html.clone();
                }
                None => out.lang = Some(default.to_string()),
            }
            out
        })
        .collect()
}

/// The switcher's entries: every language of the site, each named in itself by its string
/// table (`language_name`), the default first.
pub fn links(config: &SiteConfig, strings: &[Arc<Strings>]) -> Vec<LangLink> {
    config
        .all_languages()
        .zip(strings)
        .map(|(code, words)| {
            let lang = Lang::new(code, &config.language);
            LangLink {
                code: code.to_string(),
                // English words standing in would name every language "English".
                name: if words.has_own_words() {
                    words.text("language_name", &[])
                } else {
                    code.to_string()
                },
                prefix: lang.prefix,
                dir: lang.dir,
            }
        })
        .collect()
}

/// For each of the site's other languages, the products, categories and pages that have no
/// translation into it: a warning each (what is shown in the default language is not wrong,
/// but the seller should know), naming the first few files.
pub fn coverage(config: &SiteConfig, catalog: &Catalog, pages: &[Page]) -> Vec<crate::Diagnostic> {
    let mut out = Vec::new();
    for (code, _) in &config.languages {
        let products: Vec<String> = catalog
            .products
            .iter()
            .filter(|p| p.data.translations.get(code).is_none_or(|t| t.name.is_none()))
            .map(|p| p.file.display().to_string())
            .collect();
        let categories = catalog
            .categories
            .iter()
            .filter(|c| c.translations.get(code).is_none_or(|t| t.title.is_none()))
            .count();
        let missing_pages: Vec<String> = pages
            .iter()
            .filter(|p| !p.translations.contains_key(code))
            .map(|p| p.file.display().to_string())
            .collect();
        if products.is_empty() && categories == 0 && missing_pages.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        if !products.is_empty() {
            parts.push(format!(
                "{} of {} products",
                products.len(),
                catalog.products.len()
            ));
        }
        if categories > 0 {
            parts.push(format!("{categories} of {} categories", catalog.categories.len()));
        }
        if !missing_pages.is_empty() {
            parts.push(format!("{} of {} pages", missing_pages.len(), pages.len()));
        }
        let mut files: Vec<&String> = products.iter().chain(&missing_pages).collect();
        let more = files.len().saturating_sub(5);
        files.truncate(5);
        let list = files.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ");
        let list = if more > 0 {
            format!("{list} and {more} more")
        } else {
            list
        };
        out.push(
            crate::Diagnostic::new(
                "site.yaml",
                format!(
                    "{code}: {} have no translation, shown in {} instead{}",
                    parts.join(", "),
                    config.language,
                    if list.is_empty() { String::new() } else { format!(" ({list})") }
                ),
            )
            .field(format!("languages.{code}"))
            .help(format!(
                "add `translations: {{{code}: {{name: …}}}}` to each product (and to categories.yaml's entries), and pages/NAME.{code}.md beside each page"
            )),
        );
    }
    out
}
