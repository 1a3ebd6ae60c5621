//! Product search: the Pagefind bundle made from the catalogue (one index per language), the
//! header's box and the search page, driven in headless Chromium at a domain root and in a
//! sub-folder, from disk and without JavaScript.

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::Path;

/// A product whose name is long enough that its last word is far from its start.
const LONG_NAME: &str = "Professional thermal-bonded competition football with reinforced butyl bladder and hand-finished seams for artificial turf and indoor halls Zanzibar";

/// Also a tag no other text of the shop has, on the training ball.
fn add_long_named_product(site: &Path) {
    let training = site.join("products/training-ball.yaml");
    std::fs::write(&training, format!("{}tags: [clubs, schools]\n", read(&training))).unwrap();
    std::fs::write(
        site.join("products/long-name.yaml"),
        format!(
            "sku: FX-LN-009\nname: {LONG_NAME}\ncategory: Footballs\nphotos: [images/badge.png]\nsummary: A ball with a long name.\n"
        ),
    )
    .unwrap();
}

/// Every result fragment of the bundle in `out`, as the JSON Pagefind's script reads.
fn fragments(out: &Path) -> Vec<String> {
    std::fs::read_dir(out.join("pagefind/fragment"))
        .unwrap()
        .map(|f| {
            let gz = std::fs::read(f.unwrap().path()).unwrap();
            let mut json = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut json).unwrap();
            json
        })
        .collect()
}

/// The SKUs of the result cards once the status line shows a count for `query`.
fn results(b: &mut Browser, page: &str, query: &str) -> Vec<String> {
    // As the script writes it back into the address (these queries need no escaping).
    let url = format!("{page}?q={query}");
    b.goto(&url);
    b.wait("document.getElementById('search-status').getAttribute('aria-busy') === 'false'");
    let skus =
        b.eval("[...document.querySelectorAll('#search-results .card-sku bdi')].map(e => e.textContent)");
    skus.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_bundle_has_one_index_per_language_and_none_of_pagefinds_own_ui() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    let entry: serde_json::Value =
        serde_json::from_str(&read(&out.join("pagefind/pagefind-entry.json"))).unwrap();
    let langs: Vec<&str> = entry["languages"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(langs, ["ar", "de", "en"]);
    for (lang, index) in entry["languages"].as_object().unwrap() {
        let hash = index["hash"].as_str().unwrap();
        assert!(
            out.join(format!("pagefind/pagefind.{hash}.pf_meta")).is_file(),
            "{lang}"
        );
        assert_eq!(index["page_count"], 4, "{lang}: one record per product");
    }
    assert!(out.join("pagefind/pagefind.js").is_file());
    let names: Vec<String> = files(&out.join("pagefind"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("-ui.") || n.contains("highlight")),
        "{names:?}"
    );
    for page in [
        "search/index.html",
        "de/search/index.html",
        "ar/search/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
}

#[test]
fn every_page_has_a_search_box_that_reaches_the_search_page_without_javascript() {
    let site = shop();
    let out = build(site.path());
    for page in [
        "index.html",
        "products/index.html",
        "products/keeper-gloves/index.html",
    ] {
        let doc = html(&out.join(page));
        let action = attrs(&doc, "header form.site-search", "action");
        assert_eq!(action.len(), 1, "{page}");
        assert_eq!(
            resolve(&out.join(page), &action[0]),
            out.join("search/index.html"),
            "{page}"
        );
        assert_eq!(
            attrs(&doc, "header form.site-search input[type=search]", "name"),
            ["q"]
        );
    }
    // Without JavaScript the search page says so and links the listings.
    let doc = html(&out.join("search/index.html"));
    assert!(attrs(&doc, "#search-nojs", "hidden").is_empty());
    assert!(text(&doc, "#search-nojs").contains("JavaScript"));
    let links = attrs(&doc, "#search-notice a", "href");
    assert!(links.iter().any(|l| l.starts_with("../products/")), "{links:?}");
    assert!(links.iter().any(|l| l.starts_with("../categories/")), "{links:?}");
}

#[test]
fn search_false_publishes_no_index_no_box_and_no_search_page() {
    let site = shop();
    let yaml = site.path().join("site.yaml");
    std::fs::write(&yaml, format!("{}search: false\n", read(&yaml))).unwrap();
    let out = build(site.path());
    assert!(!out.join("pagefind").exists());
    assert!(!out.join("search/index.html").exists());
    assert!(!read(&out.join("index.html")).contains("site-search"));
}

#[test]
fn a_query_finds_products_by_sku_by_a_long_names_last_word_by_tag_and_by_spec() {
    let site = shop();
    add_long_named_product(site.path());
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let page = format!("{}search/", server.base);
    let mut b = Browser::launch();
    assert_eq!(
        results(&mut b, &page, "FX-FB-002").first().map(String::as_str),
        Some("FX-FB-002")
    );
    let mut prefix = results(&mut b, &page, "fx-fb");
    prefix.sort();
    assert_eq!(prefix, ["FX-FB-001", "FX-FB-002", "FX-FB-003"]);
    assert_eq!(
        results(&mut b, &page, "FXFB003").first().map(String::as_str),
        Some("FX-FB-003")
    );
    assert_eq!(results(&mut b, &page, "zanzibar"), ["FX-LN-009"]);
    assert_eq!(results(&mut b, &page, "clubs"), ["FX-FB-002"]);
    assert!(results(&mut b, &page, "leather").contains(&"FX-FB-001".to_string()));
    // The address keeps the query, and the card shows what the listing's card shows.
    b.wait("location.search === '?q=leather'");
    b.wait(
        "[...document.querySelectorAll('#search-results img')].every(i => i.complete && i.naturalWidth > 0)",
    );
    let card = b.eval("(() => { const c = [...document.querySelectorAll('#search-results .card')].find(c => c.querySelector('.card-sku bdi').textContent === 'FX-FB-001'); return [c.querySelector('.card-title').textContent, c.querySelector('.card-price').textContent.trim(), c.querySelector('.card-moq').textContent, c.querySelector('img').complete && c.querySelector('img').naturalWidth > 0]; })()");
    let listing = html(&out.join("products/index.html"));
    let price = text(&listing, "a[href*='match-ball-pro-size-5/'] .card-price");
    assert!(!price.is_empty());
    assert_eq!(card[0], "Match Ball \"Pro\" <Size 5>");
    assert_eq!(
        card[1].as_str().unwrap().split_whitespace().collect::<Vec<_>>(),
        price.split_whitespace().collect::<Vec<_>>()
    );
    assert_eq!(card[2], "MOQ 300 pieces");
    assert_eq!(card[3], true, "the thumbnail loads");
    assert_eq!(
        b.eval("document.getElementById('search-status').textContent"),
        "1 result"
    );
}

#[test]
fn a_results_fragment_holds_its_cards_data_but_not_the_products_text() {
    // The cards show no excerpt: the text is searched, not sent with each result.
    let site = shop();
    let out = build(site.path());
    let all = fragments(&out);
    assert!(!all.is_empty());
    for json in &all {
        assert!(json.contains("\"content\":\"\""), "{json}");
        assert!(json.contains("\"title\":") && json.contains("\"sku\":"), "{json}");
    }
    assert!(
        !all.iter().any(|j| j.contains("Hand-stitched")),
        "no description text"
    );
}

#[test]
fn words_of_a_cards_photo_addresses_and_inquiry_data_find_no_product() {
    // Each record's meta holds the card's data (image addresses, sizes, the inquiry's
    // `path|moq|currency|tiers|unit`): shown, but not searched, unlike the name and SKU.
    let site = shop();
    let out = build(site.path());
    let fragments = fragments(&out);
    assert!(
        fragments
            .iter()
            .any(|j| j.contains(".webp") && j.contains("|EUR|100:6|pairs")),
        "a card's data is in its fragment"
    );
    let server = StaticServer::start(&out, "/");
    let page = format!("{}search/", server.base);
    let mut b = Browser::launch();
    assert_eq!(results(&mut b, &page, "webp"), Vec::<String>::new());
    assert_eq!(results(&mut b, &page, "EUR"), Vec::<String>::new());
    assert_eq!(
        results(&mut b, &page, "FX-FB-002").first().map(String::as_str),
        Some("FX-FB-002")
    );
}

#[test]
fn in_a_sub_folder_results_are_found_and_their_cards_link_inside_it() {
    let site = shop();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/shop/");
    let mut b = Browser::launch();
    // From a product page's header box to the search page, as a buyer goes.
    b.goto(&format!("{}products/keeper-gloves/", server.base));
    b.eval("document.getElementById('site-search-q').value = 'gloves'; document.querySelector('form.site-search').submit()");
    b.wait("location.pathname === '/shop/search/index.html' && document.querySelectorAll('#search-results .card').length > 0");
    let href = b.eval("document.querySelector('#search-results .card-link').href");
    let href = href.as_str().unwrap().to_string();
    assert_eq!(href, format!("{}products/keeper-gloves/index.html", server.base));
    b.goto(&href);
    assert_eq!(
        b.eval("document.querySelector('h1').textContent"),
        "Keeper Gloves"
    );
}

#[test]
fn a_german_query_on_the_german_search_page_finds_the_german_name() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    let page = format!("{}de/search/", server.base);
    assert_eq!(results(&mut b, &page, "Spielball"), ["FX-FB-001"]);
    assert_eq!(
        b.eval("document.querySelector('#search-results .card-title').textContent"),
        "Spielball „Pro“ Größe 5"
    );
    assert_eq!(
        b.eval("new URL(document.querySelector('#search-results .card-link').href).pathname"),
        "/de/products/match-ball-pro-size-5/index.html"
    );
    assert_eq!(
        b.eval("document.getElementById('search-status').textContent"),
        "1 Treffer"
    );
}

#[test]
fn opened_from_disk_the_search_page_says_it_needs_a_web_server_and_links_the_listings() {
    let site = shop();
    let out = build(site.path());
    let mut b = Browser::launch();
    let url = format!("file://{}?q=ball", out.join("search/index.html").display());
    b.goto(&url);
    assert_eq!(
        b.eval("[document.getElementById('search-file').hidden, document.getElementById('search-nojs').hidden, document.getElementById('search-notice').hidden]"),
        serde_json::json!([false, true, false])
    );
    assert!(b
        .eval("document.getElementById('search-file').textContent")
        .as_str()
        .unwrap()
        .contains("web server"));
    assert_eq!(
        b.eval("document.querySelectorAll('#search-notice a').length > 1"),
        true
    );
}

#[test]
fn a_no_op_rebuild_keeps_the_search_files_byte_identical_and_an_edit_makes_them_again() {
    let site = shop();
    let out = build(site.path());
    let before = contents(&out.join("pagefind"));
    assert!(before.len() > 4, "{:?}", before.keys());
    build(site.path());
    assert_eq!(contents(&out.join("pagefind")), before);
    // A fresh build of the same site gives the same bytes: Pagefind's output is deterministic.
    std::fs::remove_dir_all(&out).unwrap();
    build(site.path());
    assert_eq!(contents(&out.join("pagefind")), before);
    let gloves = site.path().join("products/keeper-gloves.yaml");
    std::fs::write(
        &gloves,
        read(&gloves).replace("Keeper Gloves", "Keeper Gloves Zephyr"),
    )
    .unwrap();
    build(site.path());
    assert_ne!(contents(&out.join("pagefind")), before);
}

#[test]
fn results_come_eight_at_first_then_sixteen_a_click_and_the_button_shows_the_rest() {
    let site = shop();
    for i in 0..30 {
        std::fs::write(
            site.path().join(format!("products/bulk-{i}.yaml")),
            format!("sku: MR-{i:02}\nname: Bulk item {i}\ncategory: Gloves\nphotos: [images/badge.png]\n"),
        )
        .unwrap();
    }
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    let skus = results(&mut b, &format!("{}search/", server.base), "bulk");
    assert_eq!(skus.len(), 8);
    assert_eq!(
        b.eval("document.getElementById('search-status').textContent"),
        "30 results"
    );
    // Each card drawn is one fragment: the first screen loads eight.
    assert_eq!(
        b.eval("performance.getEntriesByType('resource').filter(e => e.name.includes('/fragment/')).length"),
        8
    );
    assert_eq!(b.eval("document.getElementById('search-more').hidden"), false);
    b.eval("document.getElementById('search-more').click()");
    b.wait("document.querySelectorAll('#search-results .card').length === 24");
    assert_eq!(b.eval("document.getElementById('search-more').hidden"), false);
    b.eval("document.getElementById('search-more').click()");
    b.wait("document.querySelectorAll('#search-results .card').length === 30");
    assert_eq!(b.eval("document.getElementById('search-more').hidden"), true);
}

#[test]
fn each_search_page_asks_for_pagefinds_script_and_its_languages_wasm_with_the_page() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    for (page, wasm) in [
        ("search/index.html", "wasm.en.pagefind"),
        ("de/search/index.html", "wasm.de.pagefind"),
        ("ar/search/index.html", "wasm.ar.pagefind"),
    ] {
        let doc = html(&out.join(page));
        let preloaded: Vec<std::path::PathBuf> = attrs(
            &doc,
            "head link[rel=preload], head link[rel=modulepreload]",
            "href",
        )
        .iter()
        .map(|href| resolve(&out.join(page), href))
        .collect();
        assert_eq!(
            preloaded,
            [out.join("pagefind/pagefind.js"), out.join("pagefind").join(wasm)],
            "{page}"
        );
        assert!(preloaded.iter().all(|p| p.is_file()), "{page}: {preloaded:?}");
    }
    // Other pages load no search files.
    assert!(!read(&out.join("products/index.html")).contains("pagefind/"));
}

#[test]
fn the_status_says_searching_from_the_first_paint_and_no_match_is_swapped_in_not_a_late_largest_paint() {
    let site = shop();
    let out = build(site.path());
    let page = html(&out.join("search/index.html"));
    assert_eq!(text(&page, "#search-status"), "Searching…");
    assert_eq!(attrs(&page, "#search-status", "aria-busy"), ["true"]);
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    // A query long enough that its "no match" message is the page's largest text.
    let words: Vec<String> = (0..40).map(|i| format!("nomatch{i}")).collect();
    b.goto(&format!("{}search/?q={}", server.base, words.join("+")));
    b.wait("document.getElementById('search-status').getAttribute('aria-busy') === 'false'");
    let message = b.eval("document.getElementById('search-status').textContent");
    assert!(
        message
            .as_str()
            .unwrap()
            .starts_with("No products match “nomatch0 nomatch1"),
        "{message}"
    );
    b.eval("window.__lcp = []; new PerformanceObserver(l => l.getEntries().forEach(e => window.__lcp.push({size: e.size, id: e.element && e.element.id}))).observe({type: 'largest-contentful-paint', buffered: true}); 1");
    b.wait("window.__lcp.length > 0");
    let last = b.eval("window.__lcp[window.__lcp.length - 1]");
    let area = b
        .eval("(() => { const r = document.getElementById('search-status').getBoundingClientRect(); return r.width * r.height; })()")
        .as_f64()
        .unwrap();
    // The message took the place of "Searching…", painted with the page: not a paint of its own.
    assert!(
        last["id"] != "search-status" || last["size"].as_f64().unwrap() < area / 4.0,
        "largest paint {last}, the message's box {area}"
    );
}
