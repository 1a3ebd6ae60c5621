//! Issue #11's parts joined: the search page's results filtered by the listings' panel, and the
//! cards the scripts draw (filtered listings, search results) with a working "add to inquiry".

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::Path;

/// The filter fixture shop built and served, and a browser on `page`.
fn open(page: &str) -> (tempfile::TempDir, Browser, StaticServer) {
    let site = crate::filters::site();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}{page}", server.base));
    (site, b, server)
}

/// The SKUs of the cards `css` finds, as their add buttons carry them, sorted.
fn skus(b: &mut Browser, css: &str) -> Vec<String> {
    let js = format!("[...document.querySelectorAll('{css} .inquiry-add')].map(e => e.dataset.sku)");
    let mut v: Vec<String> = serde_json::from_value(b.eval(&js)).unwrap();
    v.sort();
    v
}

fn count(b: &mut Browser, option: &str) -> serde_json::Value {
    b.eval(&format!(
        "document.querySelector('[data-option=\"{option}\"] .count').textContent"
    ))
}

#[test]
fn search_results_are_filtered_by_the_panel_with_their_own_counts_and_the_query_in_the_address() {
    // "leather" finds A, C, D and F (names, the Material spec, tags); D is the one not OEM.
    let (_site, mut b, _server) = open("search/index.html?q=leather&oem=1");
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0 && !!document.querySelector('[data-option=\"oem\"] .count').textContent");
    assert_eq!(skus(&mut b, "[data-filtered]"), ["FX-A", "FX-C", "FX-F"]);
    // The counts are the results': 3 OEM; with OEM on, one with samples (A; D is not OEM).
    assert_eq!(count(&mut b, "oem"), "3");
    assert_eq!(count(&mut b, "samples"), "1");
    assert_eq!(b.eval("document.getElementById('search-results').hidden"), true);
    b.eval("(() => { const f = document.getElementById('filters-panel'); f.elements.samples.checked = true; f.dispatchEvent(new Event('change')); })()");
    assert_eq!(skus(&mut b, "[data-filtered]"), ["FX-A"]);
    assert_eq!(b.eval("location.search"), "?q=leather&oem=1&samples=1");
}

#[test]
fn cards_drawn_by_the_filter_script_and_search_results_have_a_working_add_button() {
    let (_site, mut b, server) = open("products/index.html?oem=1");
    b.wait("!!document.querySelector('[data-filtered] .inquiry-add:not([hidden])')");
    // The first card's button is its product's: the card links to the page of that SKU.
    assert_eq!(
        b.eval("(() => { const c = document.querySelector('[data-filtered] .card'); return [c.querySelector('.inquiry-add').dataset.sku, c.querySelector('.card-link').href.endsWith('/' + c.querySelector('.inquiry-add').dataset.path + 'index.html')]; })()"),
        serde_json::json!(["FX-C", true])
    );
    b.eval("document.querySelector('[data-filtered] .inquiry-add').click()");
    b.wait("document.querySelector('.inquiry-count').textContent === '1'");
    b.goto(&format!("{}search/index.html?q=mitts", server.base));
    b.wait("!!document.querySelector('#search-results .inquiry-add:not([hidden])')");
    assert_eq!(skus(&mut b, "#search-results"), ["FX-D"]);
    b.eval("document.querySelector('#search-results .inquiry-add').click()");
    b.wait("document.querySelector('.inquiry-count').textContent === '2'");
    assert_eq!(
        b.eval("document.querySelector('#search-results .inquiry-add').classList.contains('in-list')"),
        true
    );
}

/// The SKUs of the cards `css` finds, in the order shown.
fn skus_in_order(b: &mut Browser, css: &str) -> Vec<String> {
    let js = format!("[...document.querySelectorAll('{css} .inquiry-add')].map(e => e.dataset.sku)");
    serde_json::from_value(b.eval(&js)).unwrap()
}

#[test]
fn a_sites_own_card_partial_is_every_card_listings_search_results_and_the_filter_scripts() {
    let site = crate::filters::site();
    let theirs =
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/card.html"));
    assert!(theirs.contains("<article class=\"card\">"));
    let dir = site.path().join("templates/partials");
    std::fs::create_dir_all(&dir).unwrap();
    let mine = theirs.replace("<article class=\"card\">", "<article class=\"card\" data-mine>");
    std::fs::write(dir.join("card.html"), mine).unwrap();
    let out = build(site.path());
    let listing = html(&out.join("products/index.html"));
    let cards = attrs(&listing, "main .grid .card", "class").len();
    assert!(cards > 0);
    assert_eq!(
        attrs(&listing, "main .grid .card[data-mine]", "class").len(),
        cards
    );
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}products/index.html?oem=1", server.base));
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0");
    assert_eq!(
        b.eval("document.querySelectorAll('[data-filtered] .card:not([data-mine])').length"),
        0
    );
    b.goto(&format!("{}search/index.html?q=leather", server.base));
    b.wait("document.querySelectorAll('#search-results .card').length > 0");
    assert_eq!(
        b.eval("document.querySelectorAll('#search-results .card:not([data-mine])').length"),
        0
    );
}

#[test]
fn search_results_filtered_by_lead_time_count_each_option_and_sort_quickest_first() {
    // "leather" finds A (20 days), C (45), D (10) and F (25).
    let (_site, mut b, _server) = open("search/index.html?q=leather&lead=25&sort=lead");
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0");
    assert_eq!(skus_in_order(&mut b, "[data-filtered]"), ["FX-D", "FX-A", "FX-F"]);
    // Each "up to" option counts the results ready in time (B, 30 days, is no result).
    let options =
        b.eval("[...document.querySelector('select[name=lead]').options].slice(1).map(o => o.textContent)");
    assert_eq!(
        options,
        serde_json::json!([
            "Up to 10 days (1)",
            "Up to 20 days (2)",
            "Up to 25 days (3)",
            "Up to 30 days (3)",
            "Up to 45 days (4)"
        ])
    );
}

/// The filter fixture shop and 30 more products named "Bulk item N" (SKU `MR-NN`), every third
/// one OEM: more results than the search page draws at first.
fn bulk_site() -> tempfile::TempDir {
    let site = crate::filters::site();
    for i in 0..30 {
        let oem = if i % 3 == 0 { "oem: true\n" } else { "" };
        std::fs::write(
            site.path().join(format!("products/bulk-{i}.yaml")),
            format!(
                "sku: MR-{i:02}\nname: Bulk item {i}\ncategory: Gloves\nphotos: [images/badge.png]\n{oem}"
            ),
        )
        .unwrap();
    }
    site
}

#[test]
fn a_broad_querys_panel_counts_every_result_loading_only_the_fragments_of_the_results_drawn() {
    let site = bulk_site();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}search/index.html?q=bulk&oem=1", server.base));
    b.wait("document.querySelectorAll('[data-filtered] .card').length > 0 && !!document.querySelector('[data-option=\"oem\"] .count').textContent");
    let oem: Vec<String> = (0..30).step_by(3).map(|i| format!("MR-{i:02}")).collect();
    assert_eq!(skus(&mut b, "[data-filtered]"), oem);
    assert_eq!(count(&mut b, "oem"), "10");
    // The eight results drawn are the only fragments loaded; the others' SKUs came with the
    // one file of Pagefind's `sku` filter.
    let loaded = |b: &mut Browser, part: &str| {
        b.eval(&format!(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/pagefind/{part}/')).length"
        ))
    };
    assert_eq!(loaded(&mut b, "fragment"), 8);
    assert_eq!(loaded(&mut b, "filter"), 1);
    // Best first as the search ranked them where it knows (the results drawn), then the
    // others in the listing's order.
    let drawn = skus_in_order(&mut b, "#search-results");
    let data: serde_json::Value = serde_json::from_str(&read(&out.join("products/filter.json"))).unwrap();
    let listing: Vec<String> = data["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> = drawn.iter().filter(|s| oem.contains(s)).cloned().collect();
    let rest: Vec<String> = listing
        .iter()
        .filter(|s| oem.contains(s) && !expected.contains(s))
        .cloned()
        .collect();
    assert!(!expected.is_empty() && !rest.is_empty());
    expected.extend(rest);
    assert_eq!(skus_in_order(&mut b, "[data-filtered]"), expected);
}

/// The inquiry list's one entry, as stored.
fn stored(b: &mut Browser) -> serde_json::Value {
    b.eval("JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('minisite-inquiry:')))).items[0]")
}

#[test]
fn a_search_results_add_button_stores_what_the_product_pages_does_but_the_units_words() {
    // FX-A: two tiers, a MOQ of 300 pairs, in USD.
    let (_site, mut b, server) = open("search/index.html?q=FX-A");
    b.wait("!!document.querySelector('#search-results .inquiry-add[data-sku=\"FX-A\"]:not([hidden])')");
    b.eval("document.querySelector('#search-results .inquiry-add[data-sku=\"FX-A\"]').click()");
    b.wait("document.querySelector('.inquiry-count').textContent === '1'");
    let mut from_search = stored(&mut b);
    let path = from_search["path"].as_str().unwrap().to_string();
    b.eval("localStorage.clear()");
    b.goto(&format!("{}{path}index.html", server.base));
    b.wait("!!document.querySelector('.inquiry-add[data-sku=\"FX-A\"]:not([hidden])')");
    b.eval("document.querySelector('.inquiry-add[data-sku=\"FX-A\"]').click()");
    b.wait("document.querySelector('.inquiry-count').textContent === '1'");
    let mut from_page = stored(&mut b);
    assert_eq!(
        from_page["tiers"],
        serde_json::json!([{"min_qty": 300, "unit_price": 5}, {"min_qty": 1000, "unit_price": 4.5}])
    );
    // The unit's words: the inquiry page has them for every unit of the catalogue.
    assert_eq!(from_page["units"]["en"]["other"], "pairs");
    from_search.as_object_mut().unwrap().remove("units");
    from_page.as_object_mut().unwrap().remove("units");
    assert_eq!(from_search, from_page);
}
