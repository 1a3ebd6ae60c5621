//! `analytics:` in site.yaml: off by default (pages load nothing from another host), and each
//! provider's snippet when it is on.

use crate::common::{attrs, build, build_err, first, html, html_files, read, shop};
use std::path::Path;

fn set(site: &Path, yaml: &str) {
    let file = site.join("site.yaml");
    std::fs::write(&file, format!("{}{yaml}", read(&file))).unwrap();
}

fn host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    rest.split(['/', ':', '?', '#']).next()
}

#[test]
fn without_analytics_pages_load_nothing_from_another_host() {
    let site = shop();
    let out = build(site.path());
    // The shop's own address, its social profiles and its WhatsApp chat are links the seller
    // chose; any other host a page names would be loaded or visited without their say.
    let mut own = vec!["shop.example.com".to_string(), "wa.me".to_string()];
    own.push("www.linkedin.com".into());
    let mut checked = 0;
    for page in html_files(&out) {
        let doc = html(&page);
        let mut urls = attrs(&doc, "[src]", "src");
        urls.extend(attrs(&doc, "[href]", "href"));
        urls.extend(attrs(&doc, "[srcset]", "srcset"));
        for url in urls {
            if let Some(h) = host(&url) {
                assert!(own.iter().any(|o| o == h), "{} names {url}", page.display());
                checked += 1;
            }
        }
        // The theme's own scripts (filters.js on listings, the inquiry list's, search.js) are the site's
        // files, named relative to the page; none comes from a host.
        for src in attrs(&doc, "script[src]", "src") {
            assert!(
                host(&src).is_none() && !src.starts_with("//"),
                "{} loads a script from another host: {src}",
                page.display()
            );
        }
    }
    assert!(
        checked > 10,
        "only {checked} absolute links: is the test looking?"
    );
}

/// A product page built with `yaml` added to site.yaml, and the script that sends inquiry
/// events (empty when there is none).
fn snippet(yaml: &str) -> (String, scraper::Html) {
    let site = shop();
    set(site.path(), yaml);
    let out = build(site.path());
    let doc = html(&out.join("products/training-ball/index.html"));
    let events = crate::common::text(&doc, "script:not([src]):not([type])")
        .lines()
        .filter(|s| s.contains("function minisiteInquiry"))
        .collect();
    (events, doc)
}

/// Whether `events` calls `call` with the event name (quoted however the minifier quotes it).
fn sends_inquiry(events: &str, call: &str) -> bool {
    events
        .split(call)
        .skip(1)
        .any(|after| after[1..].starts_with("Inquiry"))
}

#[test]
fn plausible_loads_its_script_for_the_base_url_domain_and_counts_inquiries() {
    let (raw, doc) = snippet("analytics:\n  provider: plausible\n");
    assert_eq!(
        attrs(&doc, "script[data-domain]", "src"),
        ["https://plausible.io/js/script.js"]
    );
    assert_eq!(
        attrs(&doc, "script[data-domain]", "data-domain"),
        ["shop.example.com"]
    );
    assert_eq!(attrs(&doc, "script[data-domain]", "defer"), [""]);
    assert!(sends_inquiry(&raw, "plausible("), "inquiries are an event: {raw}");
}

#[test]
fn goatcounter_counts_at_the_sites_code_and_counts_inquiries() {
    let (raw, doc) = snippet("analytics:\n  provider: goatcounter\n  site_id: fixture\n");
    assert_eq!(
        attrs(&doc, "script[data-goatcounter]", "data-goatcounter"),
        ["https://fixture.goatcounter.com/count"]
    );
    assert_eq!(
        attrs(&doc, "script[data-goatcounter]", "src"),
        ["https://gc.zgo.at/count.js"]
    );
    assert!(
        raw.contains("goatcounter.count(") && raw.contains("Inquiry"),
        "inquiries are an event: {raw}"
    );
}

#[test]
fn umami_loads_a_self_hosted_script_with_the_website_id_and_counts_inquiries() {
    let (raw, doc) = snippet(
        "analytics:\n  provider: umami\n  site_id: 94db1cb1-74f4-4a40-ad6c-962362670409\n  script: https://stats.fixture.example/script.js\n",
    );
    assert_eq!(
        attrs(&doc, "script[data-website-id]", "data-website-id"),
        ["94db1cb1-74f4-4a40-ad6c-962362670409"]
    );
    assert_eq!(
        attrs(&doc, "script[data-website-id]", "src"),
        ["https://stats.fixture.example/script.js"]
    );
    assert!(
        sends_inquiry(&raw, "umami.track("),
        "inquiries are an event: {raw}"
    );
}

#[test]
fn cloudflare_loads_its_beacon_with_the_token_and_no_event_script() {
    let (raw, doc) = snippet("analytics:\n  provider: cloudflare\n  token: 0123abcd\n");
    let beacon = attrs(&doc, "script[data-cf-beacon]", "data-cf-beacon");
    let v: serde_json::Value = serde_json::from_str(&beacon[0]).unwrap();
    assert_eq!(v["token"], "0123abcd");
    assert_eq!(
        attrs(&doc, "script[data-cf-beacon]", "src"),
        ["https://static.cloudflareinsights.com/beacon.min.js"]
    );
    assert_eq!(raw, "", "Cloudflare counts no custom events");
}

#[test]
fn an_unknown_provider_is_named_on_its_line() {
    let site = shop();
    set(site.path(), "analytics:\n  provider: googleanalytics\n");
    let d = first(&build_err(site.path()));
    assert!(d.message.contains("googleanalytics"), "{d}");
    assert!(d.message.contains("plausible"), "the known ones are listed: {d}");
    let line = read(&site.path().join("site.yaml"))
        .lines()
        .position(|l| l.contains("googleanalytics"))
        .unwrap()
        + 1;
    assert_eq!(d.line, Some(line), "{d}");
}

#[test]
fn a_provider_without_its_id_is_refused_at_the_analytics_field() {
    let site = shop();
    set(site.path(), "analytics:\n  provider: umami\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("analytics.site_id"), "{d}");
    assert!(d.message.contains("umami needs `site_id`"), "{d}");
    let line = read(&site.path().join("site.yaml"))
        .lines()
        .position(|l| l == "analytics:")
        .unwrap()
        + 1;
    assert!(d.line >= Some(line), "{d}");
}

#[test]
fn a_script_address_that_is_not_https_is_refused_on_its_line() {
    let site = shop();
    set(
        site.path(),
        "analytics:\n  provider: plausible\n  script: http://stats.fixture.example/js/script.js\n",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("analytics.script"), "{d}");
    assert!(d.message.contains("is not an https:// address"), "{d}");
    let line = read(&site.path().join("site.yaml"))
        .lines()
        .position(|l| l.contains("script: http://"))
        .unwrap()
        + 1;
    assert_eq!(d.line, Some(line), "{d}");
}

#[test]
fn a_field_of_another_provider_is_named() {
    let site = shop();
    set(
        site.path(),
        "analytics:\n  provider: cloudflare\n  token: abc\n  domain: shop.example.com\n",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("analytics.domain"), "{d}");
    assert!(d.message.contains("cloudflare does not use `domain`"), "{d}");
}
