//! Issue #11's parts joined: the search page's results filtered by the listings' panel, and the
//! cards the scripts draw (filtered listings, search results) with a working "add to inquiry".

use crate::browser::{Browser, StaticServer};
use crate::common::*;

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
