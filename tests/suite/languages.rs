//! Sites in several languages: a German and an Arabic version beside the default English one,
//! each with every page, linked to each other (hreflang, sitemap, switcher), with untranslated
//! text marked in its own language and problems in translations located.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The shop fixture in English (default), German and Arabic; the match ball, the footballs
/// category and the FAQ are translated into German, only the match ball's name into Arabic.
pub(crate) fn multilingual() -> tempfile::TempDir {
    let site = shop();
    let root = site.path();
    append(
        &root.join("site.yaml"),
        "languages:\n  de:\n    title: Fixture Sport GmbH\n    company:\n      tagline: Handgenähte Bälle und Handschuhe seit 1990\n      certifications:\n        - name: ISO 9001:2015 (Qualitätsmanagement)\n  ar:\n    company:\n      tagline: كرات وقفازات مخيطة يدويًا منذ 1990\n",
    );
    append(
        &root.join("products/match-ball.yaml"),
        "translations:\n  de:\n    name: Spielball „Pro“ Größe 5\n    summary: Handgenähter PU-Spielball in FIFA-Größe 5.\n    description: Ein **handgenähter** Ball.\n    specs:\n      - {label: Material, value: PU-Leder}\n      - {label: Größe, value: 5}\n      - {label: Gewicht, value: 420-445 g}\n  ar:\n    name: كرة مباراة برو مقاس 5\n",
    );
    let cats = read(&root.join("categories.yaml")).replacen(
        "  image: {path: images/bridge.jpg, alt: A bridge at dusk}\n",
        "  image: {path: images/bridge.jpg, alt: A bridge at dusk}\n  translations:\n    de: {title: Spiel- und Trainingsbälle, description: Handgenähte Fußbälle.}\n",
        1,
    );
    std::fs::write(root.join("categories.yaml"), cats).unwrap();
    std::fs::write(
        root.join("pages/faq.de.md"),
        "---\ntitle: Häufige Fragen\ndescription: Antworten zu MOQ, Mustern und Zahlung.\n---\n## Wie hoch ist Ihre MOQ?\n\nDas hängt vom Produkt ab.\n",
    )
    .unwrap();
    site
}

fn append(file: &Path, text: &str) {
    let mut s = read(file);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.push_str(text);
    std::fs::write(file, s).unwrap();
}

fn build_with_warnings(site: &Path) -> (std::path::PathBuf, Vec<minisite::Diagnostic>) {
    match minisite::build(site, &minisite::BuildOptions::default()) {
        Ok((report, warnings)) => (report.output, warnings),
        Err(e) => panic!("build failed:\n{e}"),
    }
}

fn pages_below(out: &Path) -> BTreeSet<String> {
    html_files(out)
        .iter()
        .map(|p| p.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn every_page_exists_in_every_language() {
    let site = multilingual();
    let out = build(site.path());
    let all = pages_below(&out);
    let default: Vec<&String> = all
        .iter()
        .filter(|p| !p.starts_with("de/") && !p.starts_with("ar/"))
        .collect();
    assert!(default.len() > 10, "{default:?}");
    for lang in ["de", "ar"] {
        for page in &default {
            let there = format!("{lang}/{page}");
            assert!(all.contains(&there), "{there} is missing");
        }
        let own = all.iter().filter(|p| p.starts_with(&format!("{lang}/"))).count();
        assert_eq!(own, default.len(), "{lang} has pages the default language lacks");
    }
    // Photos and styles are shared, not copied per language.
    assert!(!out.join("de/images").exists() && !out.join("de/style.css").exists());
}

#[test]
fn pages_say_their_language_and_direction() {
    let site = multilingual();
    let out = build(site.path());
    for (page, lang, dir) in [
        ("index.html", "en", "ltr"),
        ("de/products/index.html", "de", "ltr"),
        ("ar/contact/index.html", "ar", "rtl"),
        ("ar/404.html", "ar", "rtl"),
    ] {
        let doc = html(&out.join(page));
        assert_eq!(attrs(&doc, "html", "lang"), [lang], "{page}");
        assert_eq!(attrs(&doc, "html", "dir"), [dir], "{page}");
    }
}

#[test]
fn hreflang_alternates_are_reciprocal_absolute_and_have_x_default() {
    let site = multilingual();
    let out = build(site.path());
    let base = "https://shop.example.com/sub/";
    let path = "products/match-ball-pro-size-5/";
    let expected: BTreeSet<(String, String)> = [
        ("en", format!("{base}{path}")),
        ("de", format!("{base}de/{path}")),
        ("ar", format!("{base}ar/{path}")),
        ("x-default", format!("{base}{path}")),
    ]
    .into_iter()
    .map(|(l, h)| (l.to_string(), h))
    .collect();
    for prefix in ["", "de/", "ar/"] {
        let file = out.join(format!("{prefix}{path}index.html"));
        let doc = html(&file);
        let links: BTreeSet<(String, String)> = doc
            .select(&sel("link[rel=alternate][hreflang]"))
            .map(|e| {
                let v = e.value();
                (
                    v.attr("hreflang").unwrap().to_string(),
                    v.attr("href").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(links, expected, "{}", file.display());
        assert_eq!(
            attrs(&doc, "link[rel=canonical]", "href"),
            [format!("{base}{prefix}{path}")]
        );
    }
}

#[test]
fn sitemap_lists_every_language_with_xhtml_alternates() {
    let site = multilingual();
    let out = build(site.path());
    let xml = read(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let sm = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let xhtml = "http://www.w3.org/1999/xhtml";
    let urls: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((sm, "url")))
        .collect();
    let locs: BTreeSet<String> = urls
        .iter()
        .map(|u| {
            u.children()
                .find(|c| c.has_tag_name((sm, "loc")))
                .unwrap()
                .text()
                .unwrap()
                .to_string()
        })
        .collect();
    for loc in [
        "https://shop.example.com/sub/faq/",
        "https://shop.example.com/sub/de/faq/",
        "https://shop.example.com/sub/ar/faq/",
    ] {
        assert!(locs.contains(loc), "{loc} not in the sitemap");
    }
    assert_eq!(locs.len() % 3, 0);
    for u in &urls {
        let langs: BTreeSet<&str> = u
            .children()
            .filter(|c| c.has_tag_name((xhtml, "link")))
            .map(|l| l.attribute("hreflang").unwrap())
            .collect();
        assert_eq!(langs, BTreeSet::from(["ar", "de", "en", "x-default"]));
    }
    assert!(!xml.contains("404.html"));
}

#[test]
fn the_switcher_lands_on_the_same_page_in_the_other_language() {
    let site = multilingual();
    let out = build(site.path());
    for (from, lang, lands) in [
        (
            "de/products/match-ball-pro-size-5/index.html",
            "ar",
            "ar/products/match-ball-pro-size-5/index.html",
        ),
        ("ar/faq/index.html", "en", "faq/index.html"),
        (
            "products/page/2/index.html",
            "de",
            "de/products/page/2/index.html",
        ),
        ("de/404.html", "en", "index.html"),
    ] {
        let page = out.join(from);
        let doc = html(&page);
        let links = attrs(&doc, &format!(".lang-switch a[hreflang={lang}]"), "href");
        assert_eq!(links.len(), 1, "{from}");
        if from.ends_with("404.html") {
            // 404.html is served at any depth: its links start from the site's root path.
            assert_eq!(links[0], "/sub/index.html", "{from}");
            continue;
        }
        assert_eq!(resolve(&page, &links[0]), out.join(lands), "{from}");
    }
    let doc = html(&out.join("de/index.html"));
    let names = text(&doc, ".lang-switch a");
    assert!(names.contains("English"), "{names}");
    assert_eq!(attrs(&doc, ".lang-switch a[aria-current]", "hreflang"), ["de"]);
}

#[test]
fn translated_texts_are_shown_and_untranslated_ones_marked_with_their_language() {
    let site = multilingual();
    let out = build(site.path());
    let de = html(&out.join("de/products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&de, "h1"), "Spielball „Pro“ Größe 5");
    assert!(
        attrs(&de, "h1", "lang").is_empty(),
        "a translated name is not marked"
    );
    assert!(text(&de, "table.specs").contains("PU-Leder"));
    // Not translated into German: customisation, shown in English and marked so.
    assert_eq!(
        attrs(&de, "ul.checks", "lang").first().map(String::as_str),
        Some("en")
    );
    // The SKU and prices are the product's, isolated for right-to-left pages.
    assert_eq!(text(&de, ".sku bdi"), "FX-FB-001");

    let ar = html(&out.join("ar/products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&ar, "h1"), "كرة مباراة برو مقاس 5");
    assert_eq!(attrs(&ar, ".summary", "lang"), ["en"]);
    assert_eq!(attrs(&ar, ".prose", "lang"), ["en"]);

    // A product with no translation at all: its name in English, marked.
    let gloves = html(&out.join("de/products/keeper-gloves/index.html"));
    assert_eq!(attrs(&gloves, "h1", "lang"), ["en"]);

    // Pages: the FAQ has a German file, not an Arabic one.
    let faq_de = html(&out.join("de/faq/index.html"));
    assert_eq!(text(&faq_de, "h1"), "Häufige Fragen");
    assert!(attrs(&faq_de, ".prose", "lang").is_empty());
    let faq_ar = html(&out.join("ar/faq/index.html"));
    assert_eq!(text(&faq_ar, "h1"), "FAQ");
    assert_eq!(attrs(&faq_ar, ".prose", "lang"), ["en"]);

    // Shop texts of site.yaml.
    let home_de = html(&out.join("de/index.html"));
    assert_eq!(text(&home_de, ".brand-name"), "Fixture Sport GmbH");
    assert!(text(&home_de, ".brand-tagline").contains("Handgenähte"));
    let home_ar = html(&out.join("ar/index.html"));
    assert_eq!(attrs(&home_ar, ".brand-name", "lang"), ["en"]);
    assert!(attrs(&home_ar, ".brand-tagline", "lang").is_empty());
    // Category titles.
    let cat = html(&out.join("de/categories/index.html"));
    assert!(text(&cat, "main").contains("Spiel- und Trainingsbälle"));
}

#[test]
fn inquiries_are_written_in_the_pages_language_with_the_sku_unchanged() {
    let site = multilingual();
    let out = build(site.path());
    let en = html(&out.join("products/match-ball-pro-size-5/index.html"));
    let de = html(&out.join("de/products/match-ball-pro-size-5/index.html"));
    let mailto = |doc: &scraper::Html| {
        let href = attrs(doc, ".inquiry a[href^='mailto:']", "href").remove(0);
        percent_encoding::percent_decode_str(&href)
            .decode_utf8()
            .unwrap()
            .to_string()
    };
    let (en, de) = (mailto(&en), mailto(&de));
    assert!(
        de.contains("Spielball „Pro“ Größe 5") && de.contains("FX-FB-001"),
        "{de}"
    );
    assert!(en.contains("FX-FB-001"));
    // The German page's link to itself in the message.
    assert!(
        de.contains("https://shop.example.com/sub/de/products/match-ball-pro-size-5/"),
        "{de}"
    );
}

#[test]
fn check_reports_translation_coverage_per_language_as_warnings() {
    let site = multilingual();
    let (_, warnings) = build_with_warnings(site.path());
    let coverage: Vec<&minisite::Diagnostic> = warnings
        .iter()
        .filter(|w| w.message.contains("no translation"))
        .collect();
    assert_eq!(coverage.len(), 2, "{coverage:#?}");
    let de = coverage.iter().find(|w| w.message.starts_with("de:")).unwrap();
    assert!(de.message.contains("3 of 4 products"), "{}", de.message);
    assert!(de.message.contains("1 of 2 pages"), "{}", de.message);
    assert!(
        de.message.contains("products/keeper-gloves.yaml"),
        "{}",
        de.message
    );
    assert_eq!(de.field.as_deref(), Some("languages.de"));
    assert!(de.line.is_some());
    let ar = coverage.iter().find(|w| w.message.starts_with("ar:")).unwrap();
    assert!(ar.message.contains("2 of 2 pages"), "{}", ar.message);
}

#[test]
fn a_malformed_language_code_is_a_located_error() {
    let site = shop();
    append(&site.path().join("site.yaml"), "languages:\n  de_DE!: {}\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("languages.de_DE!"), "{d}");
    assert!(d.message.contains("not a BCP 47 language tag"), "{d}");
    assert!(d.line.is_some(), "{d}");
}

#[test]
fn an_unknown_translation_field_is_a_located_error() {
    let site = multilingual();
    append(
        &site.path().join("products/futsal-ball.yaml"),
        "translations:\n  de:\n    name: Futsalball\n    price: 3\n",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("products/futsal-ball.yaml"), "{d}");
    assert!(d.message.contains("unknown field `price`"), "{d}");
    assert!(d.line.is_some(), "{d}");
}

#[test]
fn a_translation_into_a_language_the_site_does_not_list_is_a_located_error() {
    let site = multilingual();
    let file = site.path().join("products/futsal-ball.yaml");
    append(&file, "translations:\n  fr:\n    name: Ballon de futsal\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("products/futsal-ball.yaml"), "{d}");
    assert!(
        d.message.contains("`fr` is not one of the site's languages"),
        "{d}"
    );
    let lines = read(&file).lines().count();
    assert_eq!(d.line, Some(lines - 1), "{d}");
    // A page file named for a language the site does not list.
    let site = multilingual();
    std::fs::write(
        site.path().join("pages/faq.fr.md"),
        "---\ntitle: FAQ\n---\nTexte\n",
    )
    .unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("pages/faq.fr.md"), "{d}");
    assert!(d.message.contains("not one of the site's languages"), "{d}");
}

#[test]
fn a_translated_list_must_match_the_products_one_for_one() {
    let site = shop();
    append(&site.path().join("site.yaml"), "languages:\n  de: {}\n");
    let file = site.path().join("products/match-ball.yaml");
    append(
        &file,
        "translations:\n  de:\n    specs:\n      - {label: Größe, value: 5}\n",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("translations.de.specs"), "{d}");
    assert!(
        d.message.contains("1 translated specs, but the product has 3"),
        "{d}"
    );
    assert_eq!(d.line, Some(read(&file).lines().count() - 1), "{d}");
}

#[test]
fn json_ld_is_in_the_pages_language() {
    let site = multilingual();
    let out = build(site.path());
    let doc = html(&out.join("de/products/match-ball-pro-size-5/index.html"));
    let scripts: Vec<serde_json::Value> = doc
        .select(&sel("script[type=\"application/ld+json\"]"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).unwrap())
        .collect();
    let of = |t: &str| {
        scripts
            .iter()
            .find(|v| v["@type"] == t)
            .unwrap_or_else(|| panic!("no {t}"))
    };
    assert_eq!(of("WebPage")["inLanguage"], "de");
    assert_eq!(
        of("WebPage")["url"],
        "https://shop.example.com/sub/de/products/match-ball-pro-size-5/"
    );
    assert_eq!(of("Product")["name"], "Spielball „Pro“ Größe 5");
    assert_eq!(
        of("Product")["description"],
        "Handgenähter PU-Spielball in FIFA-Größe 5."
    );
    assert_eq!(of("Product")["sku"], "FX-FB-001");
    assert_eq!(
        of("Product")["url"],
        "https://shop.example.com/sub/de/products/match-ball-pro-size-5/"
    );
    // Photos are shared by every language, at the root.
    let image = of("Product")["image"][0].as_str().unwrap().to_string();
    assert!(
        image.starts_with("https://shop.example.com/sub/images/"),
        "{image}"
    );
    let crumbs = of("BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(crumbs[0]["item"], "https://shop.example.com/sub/de/");
}

#[test]
fn a_language_cldr_does_not_know_is_a_located_error() {
    let site = shop();
    append(&site.path().join("site.yaml"), "languages:\n  de: {}\n  xx: {}\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("languages.xx"), "{d}");
    assert!(d.message.contains("CLDR"), "{d}");
    assert_eq!(
        d.line,
        Some(read(&site.path().join("site.yaml")).lines().count()),
        "{d}"
    );
}

#[test]
fn names_that_end_in_digits_keep_their_direction_on_right_to_left_pages() {
    let site = shop();
    append(&site.path().join("site.yaml"), "languages:\n  ur: {}\n");
    append(
        &site.path().join("products/keeper-gloves.yaml"),
        "translations:\n  ur:\n    name: گول کیپر دستانے سائز 8\n",
    );
    let out = build(site.path());
    let page = html(&out.join("ur/products/keeper-gloves/index.html"));
    assert_eq!(attrs(&page, "html", "dir"), ["rtl"]);
    // The name is its own bidi paragraph (dir=auto): its own letters set its direction, so the
    // size stays at its end; an untranslated Latin name is left to right, in English.
    let h1 = page.select(&sel("h1")).next().unwrap();
    assert_eq!(h1.value().attr("dir"), Some("auto"));
    assert_eq!(h1.text().collect::<String>(), "گول کیپر دستانے سائز 8");
    let list = html(&out.join("ur/products/index.html"));
    let cards: Vec<(Option<&str>, Option<&str>, String)> = list
        .select(&sel(".card-title"))
        .map(|c| (c.value().attr("dir"), c.value().attr("lang"), c.text().collect()))
        .collect();
    assert!(!cards.is_empty());
    for (dir, lang, name) in &cards {
        match name.as_str() {
            "گول کیپر دستانے سائز 8" => assert_eq!((*dir, *lang), (Some("auto"), None)),
            _ => assert_eq!((*dir, *lang), (Some("ltr"), Some("en")), "{name}"),
        }
    }
    // Codes and prices are isolated too.
    assert_eq!(text(&page, ".sku bdi"), "FX-GL-001");
}

#[test]
fn a_latin_company_name_ending_in_a_full_stop_keeps_it_at_its_end_on_right_to_left_pages() {
    let site = multilingual();
    let yaml = site.path().join("site.yaml");
    let named = read(&yaml).replace(
        "  name: Fixture Sports (Pvt) Ltd\n",
        "  name: Fixture Sports (Pvt.) Ltd.\n",
    );
    std::fs::write(&yaml, named).unwrap();
    let out = build(site.path());
    let contact = html(&out.join("ar/contact/index.html"));
    assert_eq!(attrs(&contact, "html", "dir"), ["rtl"]);
    // The heading mixes Arabic words and the name: only an isolate keeps the stop with the name.
    assert_eq!(
        text(&contact, "h1"),
        "تواصل مع \u{2068}Fixture Sports (Pvt.) Ltd.\u{2069}"
    );
    // The copyright line: the name in its own element, marked English like the footer's heading.
    let name = contact
        .select(&sel(".fineprint bdi"))
        .next()
        .expect("the name isolated");
    assert_eq!(name.text().collect::<String>(), "Fixture Sports (Pvt.) Ltd.");
    assert_eq!(name.value().attr("dir"), Some("ltr"));
    assert_eq!(name.value().attr("lang"), Some("en"));
}
