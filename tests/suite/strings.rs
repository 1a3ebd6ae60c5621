//! The words pages show come from the theme's string table, which a site can override: every
//! page that shows a string shows the site's, plural forms follow CLDR, and no English word is
//! left in Rust code.

use crate::common::*;
use scraper::{ElementRef, Html, Node};
use std::collections::BTreeSet;
use std::path::Path;

fn own_strings(site: &Path, language: &str, yaml: &str) {
    std::fs::create_dir_all(site.join("strings")).unwrap();
    std::fs::write(site.join(format!("strings/{language}.yaml")), yaml).unwrap();
}

fn theme_table() -> serde_yaml::Mapping {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/strings/en.yaml");
    serde_yaml::from_str(&read(&p)).unwrap()
}

#[test]
fn an_overridden_string_shows_on_every_page_that_shows_it() {
    let site = shop();
    // One template word (the header's button) and one the code writes (breadcrumbs, nav).
    own_strings(
        site.path(),
        "en",
        "request_quote: Get prices now\nproducts: Wares\n",
    );
    let out = build(site.path());
    let pages = html_files(&out);
    assert!(pages.len() > 10);
    for page in &pages {
        let doc = html(page);
        assert_eq!(text(&doc, ".header-cta"), "Get prices now", "{}", page.display());
        assert_eq!(
            text(&doc, ".site-nav li:first-child a"),
            "Wares",
            "{}",
            page.display()
        );
        assert!(!read(page).contains("Request a quote"), "{}", page.display());
    }
    let ball = html(&out.join("products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&ball, ".crumbs li:nth-child(2)"), "Wares");
    let company = html(&out.join("company/index.html"));
    assert_eq!(text(&company, ".facts-box .btn"), "Get prices now");
}

#[test]
fn counts_read_1_product_and_3_products_by_the_english_rule() {
    let site = shop();
    let out = build(site.path());
    let cats = html(&out.join("categories/index.html"));
    assert_eq!(text(&cats, ".cat-count"), "3 products\n1 product");
}

#[test]
fn counts_take_the_plural_form_cldr_gives_the_language() {
    let site = shop();
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: ar");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    own_strings(
        site.path(),
        "ar",
        "products_count:\n  zero: لا منتجات\n  one: منتج واحد\n  two: منتجان\n  few: \"{count} منتجات\"\n  many: \"{count} منتجًا\"\n  other: \"{count} منتج\"\n",
    );
    let out = build(site.path());
    let cats = html(&out.join("categories/index.html"));
    // Arabic: 3 is `few`, 1 is `one`; English's rule would have said `other` for 3.
    assert_eq!(text(&cats, ".cat-count"), "3 منتجات\nمنتج واحد");
}

#[test]
fn a_language_the_theme_has_no_table_for_falls_back_to_english_with_a_warning() {
    let site = shop();
    // Portuguese: a language the default theme ships no table for.
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: pt");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let (report, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default()).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.field.as_deref() == Some("language") && w.message.contains("`pt`")),
        "{warnings:?}"
    );
    let home = html(&report.output.join("index.html"));
    assert_eq!(text(&home, ".header-cta"), "Request a quote");
}

#[test]
fn a_key_the_table_lacks_names_the_table_the_key_and_the_template_line() {
    let site = shop();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ t(\"prodcts\") }}</p>\n{% endblock %}\n",
    )
    .unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("templates/page.html"), "{d}");
    assert_eq!(d.line, Some(3), "{d}");
    assert!(d.message.contains("themes/default/strings/en.yaml"), "{d}");
    assert!(d.message.contains("no string `prodcts`"), "{d}");
    assert!(d.message.contains("did you mean `products`"), "{d}");
}

#[test]
fn an_unknown_key_in_the_sites_strings_is_located_with_the_near_key() {
    let site = shop();
    own_strings(site.path(), "en", "home: Start\nrequest_qoute: Get prices\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("strings/en.yaml"), "{d}");
    assert_eq!(d.line, Some(2), "{d}");
    assert!(d.message.contains("`request_qoute`"), "{d}");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `request_quote`"),
        "{d}"
    );
}

/// Every string of the theme's table replaced by a marker naming its key, `units:` included.
fn markers(table: &serde_yaml::Mapping) -> serde_yaml::Mapping {
    use serde_yaml::Value;
    let mut out = serde_yaml::Mapping::new();
    for (k, v) in table {
        let key = k.as_str().unwrap();
        let marked = match v {
            Value::String(_) => Value::String(format!("⟦{key}⟧")),
            Value::Mapping(m) if key == "units" => {
                let units: serde_yaml::Mapping = m
                    .iter()
                    .map(|(u, forms)| {
                        let u = u.as_str().unwrap();
                        let forms = forms
                            .as_mapping()
                            .unwrap()
                            .keys()
                            .map(|c| {
                                let c = c.as_str().unwrap();
                                (c.into(), Value::String(format!("⟦units.{u}.{c}⟧")))
                            })
                            .collect();
                        (u.into(), Value::Mapping(forms))
                    })
                    .collect();
                Value::Mapping(units)
            }
            Value::Mapping(forms) => Value::Mapping(
                forms
                    .keys()
                    .map(|c| {
                        let c = c.as_str().unwrap();
                        (c.into(), Value::String(format!("⟦{key}.{c}⟧")))
                    })
                    .collect(),
            ),
            other => panic!("{key}: {other:?}"),
        };
        out.insert(k.clone(), marked);
    }
    out
}

/// Every string value of a YAML document.
fn yaml_strings(v: &serde_yaml::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| yaml_strings(i, out)),
        serde_yaml::Value::Mapping(m) => m.values().for_each(|i| yaml_strings(i, out)),
        serde_yaml::Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
}

/// The words of everything the seller wrote: their values in site.yaml, categories.yaml and the
/// products, and their pages.
fn seller_words(site: &Path) -> BTreeSet<String> {
    let mut texts = Vec::new();
    for f in files(site) {
        let name = f.to_string_lossy();
        if name.contains("/strings/") {
            continue;
        }
        if name.ends_with(".yaml") {
            let v: serde_yaml::Value = serde_yaml::from_str(&read(&f)).unwrap();
            yaml_strings(&v, &mut texts);
        } else if name.ends_with(".md") {
            texts.push(read(&f));
        }
    }
    texts.iter().flat_map(|t| words(t)).collect()
}

/// What a visitor reads on a page: its text (the title too) and the alt, aria-label, title and
/// placeholder attributes, the description and link preview texts, and the prefilled inquiry
/// messages, leaving out the seller's markdown (`.prose`), scripts and styles.
fn visible(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for node in doc.root_element().descendants() {
        let skipped = node.ancestors().filter_map(ElementRef::wrap).any(|e| {
            matches!(e.value().name(), "script" | "style")
                || e.value()
                    .has_class("prose", scraper::CaseSensitivity::CaseSensitive)
        });
        if skipped {
            continue;
        }
        match node.value() {
            Node::Text(t) => out.push(t.to_string()),
            Node::Element(e) => {
                for a in ["alt", "aria-label", "title", "placeholder", "value"] {
                    // An option shows its text, not its value (`sort=price` in the address).
                    if a == "value" && e.name() == "option" {
                        continue;
                    }
                    out.extend(e.attr(a).map(str::to_string));
                }
                let preview = e.attr("name").or(e.attr("property")).unwrap_or("");
                if e.name() == "meta"
                    && (preview.ends_with("title")
                        || preview.ends_with("description")
                        || preview.ends_with("alt"))
                {
                    out.extend(e.attr("content").map(str::to_string));
                }
                if let Some(href) = e
                    .attr("href")
                    .filter(|h| h.starts_with("mailto:") || h.contains("wa.me/"))
                {
                    let decoded = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
                    out.push(decoded.into_owned());
                }
            }
            _ => {}
        }
    }
    out
}

/// Text with the markers taken out, and the one place English may remain for now: `US$`, the
/// currency's symbol, which locale-aware number formatting (the next part of issue 10) decides.
fn unmarked(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('⟦') {
        out.push_str(&rest[..open]);
        rest = rest[open..].split_once('⟧').map_or("", |(_, after)| after);
        out.push(' ');
    }
    out.push_str(rest);
    out.replace("US$", " ")
}

#[test]
fn no_english_theme_word_remains_when_every_string_is_replaced() {
    let site = shop();
    let table = theme_table();
    own_strings(
        site.path(),
        "en",
        &serde_yaml::to_string(&markers(&table)).unwrap(),
    );
    let seller = seller_words(site.path());
    let mut english = Vec::new();
    yaml_strings(&serde_yaml::Value::Mapping(table), &mut english);
    let english: BTreeSet<String> = english
        .iter()
        .map(|s| unmarked(&s.replace('{', "⟦").replace('}', "⟧")))
        .flat_map(|s| words(&s).collect::<Vec<_>>())
        .filter(|w| !seller.contains(w))
        .collect();
    // The check means something only if the table's words are mostly not the seller's.
    for w in [
        "minimum",
        "request",
        "quote",
        "specifications",
        "previous",
        "home",
    ] {
        assert!(english.contains(w), "{w} is among the seller's words");
    }
    let out = build(site.path());
    let mut marked = 0;
    for page in html_files(&out) {
        let doc = html(&page);
        for text in visible(&doc) {
            marked += text.matches('⟦').count();
            let left: Vec<String> = words(&unmarked(&text)).filter(|w| english.contains(w)).collect();
            assert!(left.is_empty(), "{}: {left:?} in {text:?}", page.display());
        }
    }
    assert!(marked > 100, "the markers are shown: {marked}");
}

/// The languages the default theme ships a table for, as site.yaml names them.
const SHIPPED: &[&str] = &["de", "fr", "es", "ar", "ur", "tr", "zh-Hans"];

fn shipped_table(language: &str) -> serde_yaml::Mapping {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/strings/{language}.yaml"));
    serde_yaml::from_str(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The CLDR plural categories ICU4X gives the language's cardinal numbers.
fn cldr_categories(language: &str) -> BTreeSet<&'static str> {
    use icu_plurals::PluralRules;
    let locale: icu_locale_core::Locale = language.parse().unwrap();
    let rules = PluralRules::try_new_cardinal((&locale).into()).unwrap();
    rules.categories().map(minisite::strings::name).collect()
}

/// The CLDR plural category of `n` in the language, as a table names it.
fn cldr_category(language: &str, n: u64) -> &'static str {
    let locale: icu_locale_core::Locale = language.parse().unwrap();
    let rules = icu_plurals::PluralRules::try_new_cardinal((&locale).into()).unwrap();
    minisite::strings::name(rules.category_for(n))
}

/// The `{name}`s of a text.
fn placeholder_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in text.split('{').skip(1) {
        if let Some((name, _)) = part.split_once('}') {
            out.insert(name.to_string());
        }
    }
    out
}

/// The texts of a string: itself, or its plural forms.
fn forms(v: &serde_yaml::Value) -> Vec<String> {
    let mut out = Vec::new();
    yaml_strings(v, &mut out);
    out
}

fn keys(m: &serde_yaml::Value) -> BTreeSet<String> {
    m.as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_shipped_table_has_the_english_keys_placeholders_and_its_languages_plural_categories() {
    let english = theme_table();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/strings");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().replace(".yaml", ""))
        .collect();
    let mut expected: BTreeSet<String> = SHIPPED.iter().map(|l| l.to_string()).collect();
    expected.insert("en".into());
    assert_eq!(on_disk, expected, "the tables in {}", dir.display());
    let english_keys = keys(&serde_yaml::Value::Mapping(english.clone()));
    for language in std::iter::once("en").chain(SHIPPED.iter().copied()) {
        let table = if language == "en" {
            english.clone()
        } else {
            shipped_table(language)
        };
        let categories = cldr_categories(language);
        let value = serde_yaml::Value::Mapping(table.clone());
        assert_eq!(keys(&value), english_keys, "{language}: the keys of en.yaml");
        for (k, theirs) in &english {
            let key = k.as_str().unwrap();
            let ours = &table[key];
            if key == "units" {
                assert_eq!(keys(ours), keys(theirs), "{language}: the units of en.yaml");
                for (unit, unit_forms) in ours.as_mapping().unwrap() {
                    let got: BTreeSet<String> = keys(unit_forms);
                    let want: BTreeSet<String> = categories.iter().map(|c| c.to_string()).collect();
                    assert_eq!(got, want, "{language}: units.{}", unit.as_str().unwrap());
                }
                continue;
            }
            assert_eq!(
                ours.is_mapping(),
                theirs.is_mapping(),
                "{language}: {key} has plural forms in one table only"
            );
            if ours.is_mapping() {
                let want: BTreeSet<String> = categories.iter().map(|c| c.to_string()).collect();
                assert_eq!(keys(ours), want, "{language}: {key}'s plural categories");
            }
            let names = |v: &serde_yaml::Value| -> BTreeSet<String> {
                forms(v).iter().flat_map(|t| placeholder_names(t)).collect()
            };
            assert_eq!(names(ours), names(theirs), "{language}: {key}'s {{name}}s");
        }
    }
}

/// The pieces of an English text between its `{name}`s, trimmed of spaces and punctuation.
fn fragments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let (before, after) = match rest.split_once('{') {
            Some((b, a)) => (b, a.split_once('}').map_or("", |(_, a)| a)),
            None => (rest, ""),
        };
        let piece = before.trim_matches(|c: char| !c.is_alphanumeric());
        if !piece.is_empty() {
            out.push(piece.to_string());
        }
        if after.is_empty() {
            return out;
        }
        rest = after;
    }
}

/// A page's visible text without the addresses in it (a product URL in the prefilled message
/// has English-looking words the seller chose: `/products/`).
fn visible_words(doc: &Html) -> String {
    visible(doc)
        .join("\n")
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with("mailto:"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Everything the seller wrote, as text: a piece of English found here is theirs, not the theme's.
fn seller_text(site: &Path) -> String {
    let mut texts = Vec::new();
    for f in files(site) {
        let name = f.to_string_lossy();
        if name.ends_with(".yaml") && !name.contains("/strings/") {
            let v: serde_yaml::Value = serde_yaml::from_str(&read(&f)).unwrap();
            yaml_strings(&v, &mut texts);
        } else if name.ends_with(".md") {
            texts.push(read(&f));
        }
    }
    texts.join("\n")
}

#[test]
fn each_shipped_language_builds_the_shop_with_no_english_theme_word_on_its_main_pages() {
    let english = theme_table();
    for language in SHIPPED {
        let table = shipped_table(language);
        let site = shop();
        let yaml =
            read(&site.path().join("site.yaml")).replace("language: en", &format!("language: {language}"));
        std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
        let (report, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default()).unwrap();
        assert!(
            !warnings.iter().any(|w| w.field.as_deref() == Some("language")),
            "{language}: {warnings:?}"
        );
        let seller = seller_text(site.path());
        let theirs: String = forms(&serde_yaml::Value::Mapping(table.clone())).join("\n");
        // The English pieces a page in this language must not show: from the strings this
        // table words differently, leaving out the language's name (a proper name the switcher
        // shows in every language), short pieces (MOQ, SKU) and words the table itself or the
        // seller uses too (OEM, WhatsApp, "Photo" in French).
        let mut leftovers = BTreeSet::new();
        for (k, v) in &english {
            let key = k.as_str().unwrap();
            let pairs: Vec<(&serde_yaml::Value, &serde_yaml::Value)> = if key == "units" {
                v.as_mapping()
                    .unwrap()
                    .iter()
                    .map(|(u, f)| (f, &table[key][u]))
                    .collect()
            } else if key == "language_name" {
                continue;
            } else {
                vec![(v, &table[key])]
            };
            for (en, _) in pairs.into_iter().filter(|(en, ours)| en != ours) {
                for text in forms(en) {
                    for piece in fragments(&text) {
                        if piece.chars().count() > 3 && !theirs.contains(&piece) && !seller.contains(&piece) {
                            leftovers.insert(piece);
                        }
                    }
                }
            }
        }
        assert!(
            leftovers.contains("Request a quote") && leftovers.contains("Previous"),
            "{language}: the check needs English to look for: {leftovers:?}"
        );
        let out = report.output;
        for page in [
            "index.html",
            "products/match-ball-pro-size-5/index.html",
            "contact/index.html",
            "404.html",
        ] {
            let doc = html(&out.join(page));
            let shown = visible_words(&doc);
            let found: Vec<&String> = leftovers.iter().filter(|p| shown.contains(p.as_str())).collect();
            assert!(
                found.is_empty(),
                "{language} {page}: English {found:?} in {shown}"
            );
        }
        // The seller wrote `unit: pieces`, the English plural: the language's word shows.
        let ball = html(&out.join("products/match-ball-pro-size-5/index.html"));
        let category = cldr_category(language, 300);
        let piece = table["units"]["piece"][category].as_str().unwrap();
        assert_eq!(
            text(&ball, ".kf-moq strong"),
            format!("300 {piece}"),
            "{language}"
        );
        let home = html(&out.join("index.html"));
        assert_eq!(
            text(&home, ".header-cta"),
            table["request_quote"].as_str().unwrap(),
            "{language}"
        );
    }
}
