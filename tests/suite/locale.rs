//! Numbers and money are written the way the site's language writes them, from CLDR: a German
//! site groups with `.` and puts the currency after the amount; the data search engines read
//! keeps plain numbers, and SKUs stay as the seller wrote them.

use crate::common::*;
use std::path::Path;

/// The shop with `language: de` (the theme has no German words: its English ones and a warning).
fn german_shop() -> tempfile::TempDir {
    let site = shop();
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: de");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    site
}

fn set_gloves_price(site: &Path, price: &str) {
    let p = site.join("products/keeper-gloves.yaml");
    let gloves = read(&p).replace("unit_price: 6", &format!("unit_price: {price}"));
    std::fs::write(&p, gloves).unwrap();
}

#[test]
fn a_german_product_page_shows_prices_and_quantities_the_german_way() {
    let site = german_shop();
    set_gloves_price(site.path(), "1250");
    let out = build(site.path());

    let gloves = html(&out.join("products/keeper-gloves/index.html"));
    // CLDR's `de`: `.` groups thousands, `,` before the cents, the symbol after a no-break space.
    assert_eq!(text(&gloves, ".kf-price strong"), "1.250,00\u{a0}€");
    assert_eq!(text(&gloves, ".tiers td:nth-child(2)"), "1.250,00\u{a0}€");

    let ball = html(&out.join("products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&ball, ".kf-price strong"), "7,50\u{a0}$ – 9,80\u{a0}$");
    assert_eq!(
        text(&ball, ".tiers td:nth-child(1)"),
        "300 – 999\n1.000 – 4.999\n5.000+"
    );
    assert_eq!(
        text(&ball, ".tiers td:nth-child(2)"),
        "9,80\u{a0}$\n8,90\u{a0}$\n7,50\u{a0}$"
    );
    assert_eq!(text(&ball, ".sku bdi"), "FX-FB-001");
}

#[test]
fn a_german_page_keeps_plain_numbers_in_its_structured_data() {
    let site = german_shop();
    set_gloves_price(site.path(), "1250");
    let out = build(site.path());
    let gloves = html(&out.join("products/keeper-gloves/index.html"));
    let product: serde_json::Value = gloves
        .select(&sel("script[type=\"application/ld+json\"]"))
        .map(|s| serde_json::from_str::<serde_json::Value>(&s.text().collect::<String>()).unwrap())
        .find(|b| b["@type"] == "Product")
        .unwrap();
    assert_eq!(product["offers"]["price"], "1250.00");
}

#[test]
fn a_language_cldr_does_not_know_is_an_error_on_its_line_in_site_yaml() {
    let site = shop();
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: xx");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("site.yaml"));
    assert_eq!((d.field.as_deref(), d.line), (Some("language"), Some(3)));
    assert_eq!(d.message, "`xx` is not a language CLDR knows");
    assert_eq!(
        d.help.as_deref(),
        Some("write a BCP 47 tag such as de, fr, ar, ur or zh-Hans")
    );
}

/// The theme does not write `dir` yet; a site's own 404 template reads what every page is given.
#[test]
fn pages_are_told_the_direction_of_the_languages_script() {
    let dir_of = |language: &str| {
        let site = shop();
        let yaml =
            read(&site.path().join("site.yaml")).replace("language: en", &format!("language: {language}"));
        std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
        std::fs::create_dir_all(site.path().join("templates")).unwrap();
        std::fs::write(
            site.path().join("templates/404.html"),
            "<html lang=\"{{ site.language }}\" dir=\"{{ site.dir }}\"></html>",
        )
        .unwrap();
        let out = build(site.path());
        attrs(&html(&out.join("404.html")), "html", "dir")
    };
    assert_eq!(dir_of("ur"), ["rtl"]);
    assert_eq!(dir_of("ar"), ["rtl"]);
    assert_eq!(dir_of("de"), ["ltr"]);
}

#[test]
fn certification_dates_are_written_the_pages_way_with_the_iso_day_for_machines() {
    let site = german_shop();
    let out = build(site.path());
    let company = html(&out.join("company/index.html"));
    let times: Vec<(String, String)> = company
        .select(&sel("time"))
        .map(|t| {
            (
                t.value().attr("datetime").unwrap().to_string(),
                t.text().collect(),
            )
        })
        .collect();
    assert_eq!(times, [("2030-01-31".to_string(), "31.01.2030".to_string())]);
}
