//! Filters and sorting on listings: each listing's filter.json holds the catalogue's facts, and
//! the panel, driven in a real headless Chromium, narrows, counts, sorts and shares them.

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::Path;

/// `(file, sku, name, fields)`: six products in two currencies, two without a price, OEM and
/// not, samples, lead times, and a filterable spec (Material).
const PRODUCTS: &[(&str, &str, &str, &str)] = &[
    (
        "a-leather-gloves",
        "FX-A",
        "Leather Gloves",
        "oem: true\nmoq: {quantity: 300, unit: pairs}\nprice_tiers:\n  - {min_qty: 300, unit_price: 5}\n  - {min_qty: 1000, unit_price: 4.5}\ncurrency: USD\nsamples: {available: true}\nlead_time: {bulk_days: 20}\nspecs:\n  - {label: Material, value: Leather}\ncertifications: [CE]\ntags: [Leather, ⭐ bestseller]\n",
    ),
    (
        "b-latex-gloves",
        "FX-B",
        "Latex Gloves",
        "oem: true\nmoq: {quantity: 500, unit: pairs}\nprice_tiers:\n  - {min_qty: 500, unit_price: 4}\ncurrency: EUR\nlead_time: {bulk_days: 30}\nspecs:\n  - {label: Material, value: Latex}\ntags: [Qualität]\n",
    ),
    (
        "c-leather-ball",
        "FX-C",
        "Leather Ball",
        "oem: true\nmoq: {quantity: 1000}\nprice_tiers:\n  - {min_qty: 1000, unit_price: 12}\ncurrency: USD\nlead_time: {bulk_days: 45}\nspecs:\n  - {label: Material, value: Leather}\ntags: [quality, leather, bestseller]\n",
    ),
    (
        "d-suede-mitts",
        "FX-D",
        "Suede Mitts",
        "moq: {quantity: 200, unit: pairs}\nsamples: {available: true}\nlead_time: {bulk_days: 10}\nspecs:\n  - {label: material, value: Leather}\ntags: [leather, Page]\n",
    ),
    (
        "e-cotton-bag",
        "FX-E",
        "Cotton Bag",
        "oem: true\nmoq: {quantity: 100}\nspecs:\n  - {label: Material, value: Cotton}\ntags: [\"★★★\"]\n",
    ),
    (
        "f-leather-belt",
        "FX-F",
        "Leather Belt",
        "oem: true\nodm: true\nmoq: {quantity: 400}\nprice_tiers:\n  - {min_qty: 400, unit_price: 3}\ncurrency: EUR\nlead_time: {bulk_days: 25}\nspecs:\n  - {label: Material, value: Leather}\ncertifications: [ISO 13485]\ntags: [جلد طبيعي]\n",
    ),
];

/// The fixture shop with [`PRODUCTS`] instead of its own, two per listing page, and listings
/// filterable by Material.
pub(crate) fn site() -> tempfile::TempDir {
    let site = shop();
    let dir = site.path().join("products");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    for (file, sku, name, fields) in PRODUCTS {
        let category = if name.contains("Ball") {
            "Footballs"
        } else {
            "Gloves"
        };
        let yaml = format!(
            "sku: {sku}\nname: {name}\ncategory: {category}\nphotos:\n  - {{path: images/badge.png, alt: {name}}}\n{fields}"
        );
        std::fs::write(dir.join(format!("{file}.yaml")), yaml).unwrap();
    }
    let yaml = site.path().join("site.yaml");
    std::fs::write(&yaml, format!("{}filters: [Material]\n", read(&yaml))).unwrap();
    site
}

fn filter_data(out: &Path, listing: &str) -> serde_json::Value {
    serde_json::from_str(&read(&out.join(listing).join("filter.json"))).unwrap()
}

#[test]
fn filter_data_records_match_the_catalogue() {
    let site = site();
    let out = build(site.path());
    let data = filter_data(&out, "products");
    let products = data["products"].as_array().unwrap();
    assert_eq!(products.len(), 6);
    let by_sku = |sku: &str| products.iter().find(|p| p["sku"] == sku).unwrap().clone();
    let a = by_sku("FX-A");
    assert_eq!(a["url"], "products/leather-gloves/");
    assert_eq!(a["price"], 4.5);
    assert_eq!(a["price_text"], "US$4.50");
    assert_eq!(a["from"], true);
    assert_eq!(a["currency"], "USD");
    assert_eq!(a["moq"], 300);
    assert_eq!(a["moq_text"], "300 pairs");
    assert_eq!(a["lead_days"], 20);
    assert_eq!(a["lead_text"], "20 days");
    assert_eq!(a["samples"], true);
    assert_eq!(a["oem"], true);
    assert_eq!(a["odm"], false);
    assert_eq!(a["certifications"], serde_json::json!(["CE"]));
    assert_eq!(a["specs"], serde_json::json!({"Material": "Leather"}));
    assert_eq!(a["category"], "gloves");
    assert!(out.join(a["thumb"]["src"].as_str().unwrap()).is_file());
    // No price: null, never 0, and no currency to compare it in.
    let d = by_sku("FX-D");
    assert!(d["price"].is_null() && d["price_text"].is_null() && d["currency"].is_null());
    // The spec label is matched whatever its case.
    assert_eq!(d["specs"], serde_json::json!({"Material": "Leather"}));
    assert_eq!(by_sku("FX-B")["price_text"], "€4.00");
    // Each category's and tag's listing has its own, in the listing's order.
    let gloves = filter_data(&out, "categories/gloves");
    let gloves: Vec<&str> = gloves["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert!(!gloves.contains(&"FX-C") && gloves.len() == 5, "{gloves:?}");
    let leather = filter_data(&out, "tags/leather")["products"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(leather, 3);
    assert_eq!(data["specs"], serde_json::json!([["Material", "Material"]]));
}

#[test]
fn filter_data_is_written_per_language_in_its_words() {
    let site = site();
    let yaml = site.path().join("site.yaml");
    std::fs::write(&yaml, format!("{}languages:\n  de: {{}}\n", read(&yaml))).unwrap();
    let out = build(site.path());
    let de = filter_data(&out, "de/products");
    let a = de["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == "FX-A")
        .unwrap();
    assert_eq!(a["url"], "de/products/leather-gloves/");
    assert_eq!(a["lead_text"], "20 Tage");
    assert_eq!(de["count"]["other"], "{count} Produkte");
    let page = read(&out.join("de/products/index.html"));
    assert!(
        page.contains("de/products/filter.json"),
        "the German listing loads the English data"
    );
}

#[test]
fn a_filter_naming_no_spec_is_a_warning_naming_site_yaml() {
    let site = site();
    let yaml = site.path().join("site.yaml");
    let text = read(&yaml).replace("filters: [Material]", "filters: [Material, Colour]");
    std::fs::write(&yaml, text).unwrap();
    let (_, warnings) = minisite::build(site.path(), &Default::default()).unwrap();
    let w = warnings
        .iter()
        .find(|w| w.message.contains("Colour"))
        .expect("a warning about the filter");
    assert_eq!(w.file.to_string_lossy(), "site.yaml");
    assert_eq!(w.field.as_deref(), Some("filters[1]"));
    assert!(w.line.is_some());
}

/// The built site served, and a browser on its all-products listing.
fn open(query: &str) -> (tempfile::TempDir, Browser, StaticServer) {
    let site = site();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}products/index.html{query}", server.base));
    (site, b, server)
}

/// The SKUs the filtered grid shows, in order.
const SHOWN: &str = "[...document.querySelectorAll('[data-filtered] .card-link')].map(a => a.href.split('/products/')[1].split('/')[0])";

fn shown(b: &mut Browser) -> Vec<String> {
    serde_json::from_value(b.eval(SHOWN)).unwrap()
}

fn set(b: &mut Browser, js: &str) {
    b.eval(&format!(
        "(() => {{ const f = document.getElementById('filters-panel'); {js}; f.dispatchEvent(new Event('change')); }})()"
    ));
}

#[test]
fn a_filter_combination_shows_the_matching_products_with_faceted_counts() {
    let (_site, mut b, _server) = open("");
    assert_eq!(b.eval("document.querySelector('.filters').hidden"), false);
    b.eval("document.querySelector('.filters-toggle').click()");
    b.wait("!document.querySelector('[data-facets]').hidden");
    set(
        &mut b,
        "f.elements.oem.checked = true; f.elements.moq.value = '500'; \
         f.querySelector('input[name=\"spec.Material\"][value=\"Leather\"]').checked = true",
    );
    assert_eq!(shown(&mut b), ["leather-belt", "leather-gloves"]);
    assert_eq!(
        b.eval("document.querySelector('[data-count]').textContent"),
        "2 products"
    );
    // Each option counts what it would show with the other filters as they are.
    let count = |b: &mut Browser, css: &str| {
        b.eval(&format!(
            "document.querySelector('{css}').closest('label').querySelector('.count').textContent"
        ))
    };
    assert_eq!(
        count(&mut b, "input[name=\"spec.Material\"][value=\"Leather\"]"),
        "2"
    );
    assert_eq!(
        count(&mut b, "input[name=\"spec.Material\"][value=\"Latex\"]"),
        "1"
    );
    assert_eq!(
        count(&mut b, "input[name=\"spec.Material\"][value=\"Cotton\"]"),
        "1"
    );
    // OEM with MOQ ≤ 500 and Leather: gloves, belt; the mitts are leather but not OEM.
    assert_eq!(count(&mut b, "input[name=\"oem\"]"), "2");
    // The paginated grid and its pager give way to the matches.
    assert_eq!(
        b.eval("document.querySelector('main .grid:not([data-filtered])').hidden"),
        true
    );
    assert_eq!(b.eval("document.querySelector('.pager').hidden"), true);
}

#[test]
fn the_address_holds_the_filters_and_reopening_it_restores_them() {
    let (_site, mut b, server) = open("");
    b.eval("document.querySelector('.filters-toggle').click()");
    b.wait("!document.querySelector('[data-facets]').hidden");
    set(
        &mut b,
        "f.elements.oem.checked = true; f.elements.moq.value = '500'; f.elements.sort.value = 'name'",
    );
    let query = b.eval("location.search").as_str().unwrap().to_string();
    assert_eq!(query, "?moq=500&oem=1&sort=name");
    b.goto(&format!("{}products/index.html{query}", server.base));
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0");
    assert_eq!(
        b.eval("document.getElementById('filters-panel').elements.moq.value"),
        "500"
    );
    assert_eq!(
        shown(&mut b),
        ["cotton-bag", "latex-gloves", "leather-belt", "leather-gloves"]
    );
}

#[test]
fn price_sort_puts_products_without_a_price_last_and_never_mixes_currencies() {
    let (_site, mut b, _server) = open("?sort=price");
    b.wait("document.querySelectorAll('[data-filtered] .card').length === 6");
    // EUR, then USD, each by price; then the two without a price, in the listing's order.
    assert_eq!(
        shown(&mut b),
        [
            "leather-belt",
            "latex-gloves",
            "leather-gloves",
            "leather-ball",
            "cotton-bag",
            "suede-mitts"
        ]
    );
    let no_price = b.eval(
        "[...document.querySelectorAll('[data-filtered] .card')].slice(4).map(c => c.querySelector('.card-price').className)",
    );
    assert_eq!(
        no_price,
        serde_json::json!(["card-price on-request", "card-price on-request"])
    );
    // A price range is within one currency: with two, min and max wait for one to be chosen.
    assert_eq!(
        b.eval("document.getElementById('filters-panel').elements.min.disabled"),
        true
    );
    set(
        &mut b,
        "f.elements.currency.value = 'EUR'; f.elements.max.value = '3.5'",
    );
    assert_eq!(shown(&mut b), ["leather-belt"]);
    set(
        &mut b,
        "f.elements.currency.value = 'USD'; f.elements.max.value = '100'",
    );
    assert_eq!(shown(&mut b), ["leather-gloves", "leather-ball"]);
}

#[test]
fn without_javascript_the_panel_is_not_shown_and_the_pager_works() {
    let site = site();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    );
    b.call(
        "Page.navigate",
        serde_json::json!({"url": format!("{}products/index.html", server.base)}),
    );
    b.wait("document.readyState === 'complete' && !!document.querySelector('.pager')");
    // Scripts of the page did not run: the panel is as the page was written, hidden (unseen and
    // out of the keyboard's reach; its row may keep its height so that the grid does not move
    // when the script shows it).
    assert_eq!(
        b.eval("(() => { const f = document.querySelector('.filters'); return f.hidden && (f.offsetParent === null || getComputedStyle(f).visibility === 'hidden'); })()"),
        true
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('.filters button, .filters input, .filters select')].every(e => getComputedStyle(e).visibility === 'hidden' || e.offsetParent === null)"),
        true
    );
    assert_eq!(b.eval("document.querySelectorAll('main .card').length"), 2);
    let next = b.eval("document.querySelector('.pager a[rel=next]').href");
    let next = next.as_str().unwrap().to_string();
    assert!(next.ends_with("products/page/2/index.html"), "{next}");
    assert!(
        out.join("products/page/2/index.html").is_file() && out.join("products/page/3/index.html").is_file()
    );
}

#[test]
fn a_rebuild_keeps_unchanged_filter_data_and_remakes_it_when_a_product_changes() {
    use std::os::unix::fs::MetadataExt;
    let site = site();
    let out = build(site.path());
    let file = out.join("categories/gloves/filter.json");
    let before = (std::fs::metadata(&file).unwrap().ino(), read(&file));
    build(site.path());
    // Kept: the same file, linked from the last output, not written again.
    assert_eq!((std::fs::metadata(&file).unwrap().ino(), read(&file)), before);
    let product = site.path().join("products/f-leather-belt.yaml");
    std::fs::write(
        &product,
        read(&product).replace("unit_price: 3}", "unit_price: 3.25}"),
    )
    .unwrap();
    build(site.path());
    let after = filter_data(&out, "categories/gloves");
    let belt = after["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == "FX-F")
        .unwrap();
    assert_eq!(belt["price"], 3.25);
    assert_eq!(belt["price_text"], "€3.25");
}

#[test]
fn lead_time_options_count_what_the_other_filters_leave_and_filter_and_sort_the_listing() {
    let (_site, mut b, _server) = open("?oem=1");
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0");
    let options = |b: &mut Browser| {
        b.eval("[...document.querySelector('select[name=lead]').options].slice(1).map(o => [o.textContent, o.disabled])")
    };
    // With OEM on, the mitts (10 days) are out: their option counts none and cannot be chosen.
    assert_eq!(
        options(&mut b),
        serde_json::json!([
            ["Up to 10 days (0)", true],
            ["Up to 20 days (1)", false],
            ["Up to 25 days (2)", false],
            ["Up to 30 days (3)", false],
            ["Up to 45 days (4)", false]
        ])
    );
    set(
        &mut b,
        "f.elements.oem.checked = false; f.elements.lead.value = '25'; f.elements.sort.value = 'lead'",
    );
    assert_eq!(shown(&mut b), ["suede-mitts", "leather-gloves", "leather-belt"]);
    assert_eq!(b.eval("location.search"), "?lead=25&sort=lead");
    assert_eq!(
        b.eval("document.querySelector('select[name=lead]').options[1].textContent"),
        "Up to 10 days (1)"
    );
}
