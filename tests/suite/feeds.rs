//! The product feeds (`feeds/google.xml`, `feeds/meta.csv`), read back with an XML parser and a
//! CSV reader and checked against what Google Merchant Center and Meta publish as required
//! fields and limits.

use crate::common::*;
use minisite::{BuildOptions, Diagnostic};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const BASE: &str = "https://shop.example.com/sub/";
const G: &str = "http://base.google.com/ns/1.0";

fn build_warn(site: &Path) -> (PathBuf, Vec<Diagnostic>) {
    match minisite::build(site, &BuildOptions::default()) {
        Ok((report, warnings)) => (report.output, warnings),
        Err(e) => panic!("build failed:\n{e}"),
    }
}

/// One `<item>` of the Google feed: each child's name (`g:id`, `title`) → its texts.
type Item = BTreeMap<String, Vec<String>>;

fn google_items(out: &Path) -> Vec<Item> {
    let text = read(&out.join("feeds/google.xml"));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss");
    assert_eq!(rss.attribute("version"), Some("2.0"));
    let channel = rss.children().find(|n| n.has_tag_name("channel")).unwrap();
    channel
        .children()
        .filter(|n| n.has_tag_name("item"))
        .map(|item| {
            let mut fields = Item::new();
            for f in item.children().filter(|n| n.is_element()) {
                let name = match f.tag_name().namespace() {
                    Some(G) => format!("g:{}", f.tag_name().name()),
                    Some(other) => panic!("unexpected namespace {other}"),
                    None => f.tag_name().name().to_string(),
                };
                let value = if name == "g:product_detail" {
                    let part = |n: &str| {
                        f.children()
                            .find(|c| c.tag_name().name() == n && c.tag_name().namespace() == Some(G))
                            .and_then(|c| c.text())
                            .unwrap_or_default()
                            .to_string()
                    };
                    format!("{}={}", part("attribute_name"), part("attribute_value"))
                } else {
                    f.text().unwrap_or_default().to_string()
                };
                fields.entry(name).or_default().push(value);
            }
            fields
        })
        .collect()
}

fn meta_rows(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("feeds/meta.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len());
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn one<'a>(item: &'a Item, name: &str) -> &'a str {
    match item.get(name).map(Vec::as_slice) {
        Some([v]) => v,
        other => panic!("{name}: {other:?} in {item:?}"),
    }
}

/// `12.34 USD`: a number with a point, a space, an ISO 4217 code.
fn is_price(s: &str) -> bool {
    let Some((amount, code)) = s.split_once(' ') else {
        return false;
    };
    let number = amount.split_once('.').is_some_and(|(w, f)| {
        !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) && f.bytes().all(|b| b.is_ascii_digit())
    });
    number && code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// An absolute https link into the site, to a file the build wrote.
fn check_link(out: &Path, url: &str) {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not an absolute https link into the site"));
    let file = if rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    };
    assert!(file.is_file(), "{url}: no {}", file.display());
}

#[test]
fn google_feed_has_every_required_field_within_googles_limits() {
    let site = shop();
    let out = build(site.path());
    let items = google_items(&out);
    let ids: Vec<&str> = items.iter().map(|i| one(i, "g:id")).collect();
    // The futsal ball has no price: left out, never priced 0.
    assert_eq!(ids, ["FX-FB-001", "FX-FB-002", "FX-GL-001"]);
    for item in &items {
        assert!(one(item, "g:id").chars().count() <= 50);
        let title = one(item, "title");
        assert!(!title.is_empty() && title.chars().count() <= 150);
        let description = one(item, "description");
        assert!(!description.is_empty() && description.chars().count() <= 5000);
        check_link(&out, one(item, "link"));
        check_link(&out, one(item, "g:image_link"));
        for more in item.get("g:additional_image_link").into_iter().flatten() {
            check_link(&out, more);
        }
        assert!(is_price(one(item, "g:price")), "{item:?}");
        assert!(["in_stock", "out_of_stock", "preorder", "backorder"].contains(&one(item, "g:availability")));
        assert_eq!(one(item, "g:condition"), "new");
        assert_eq!(one(item, "g:brand"), "Fixture Sports (Pvt) Ltd");
    }
    let ball = &items[0];
    assert_eq!(one(ball, "title"), "Match Ball \"Pro\" <Size 5>");
    assert_eq!(one(ball, "g:price"), "7.50 USD", "the lowest tier");
    assert_eq!(one(ball, "g:product_type"), "Match & Training Footballs");
    assert_eq!(one(ball, "g:min_handling_time"), "30");
    assert_eq!(one(ball, "g:max_handling_time"), "30");
    assert_eq!(ball["g:additional_image_link"].len(), 1);
    let details = &ball["g:product_detail"];
    for d in [
        "Minimum order=300 pieces",
        "Incoterm=FOB Sialkot",
        "Material=PU leather",
    ] {
        assert!(details.iter().any(|x| x == d), "{d} not in {details:?}");
    }
    assert_eq!(
        one(&items[2], "g:price"),
        "6.00 EUR",
        "the product's own currency"
    );
}

#[test]
fn meta_feed_is_csv_with_metas_required_fields() {
    let site = shop();
    let out = build(site.path());
    let rows = meta_rows(&out);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        for field in [
            "id",
            "title",
            "description",
            "availability",
            "condition",
            "price",
            "link",
            "image_link",
            "brand",
        ] {
            assert!(!row[field].is_empty(), "{field} empty in {row:?}");
        }
        assert!(row["id"].chars().count() <= 50);
        assert!(row["title"].chars().count() <= 150);
        assert!(row["description"].chars().count() <= 5000);
        assert_eq!(row["availability"], "in stock");
        assert_eq!(row["condition"], "new");
        assert!(is_price(&row["price"]), "{row:?}");
        check_link(&out, &row["link"]);
        check_link(&out, &row["image_link"]);
        for more in row["additional_image_link"].split(',').filter(|s| !s.is_empty()) {
            check_link(&out, more);
        }
    }
    // Quotes, commas and brackets in product texts come back as written.
    assert_eq!(rows[0]["title"], "Match Ball \"Pro\" <Size 5>");
    assert_eq!(rows[0]["price"], "7.50 USD");
    assert_eq!(rows[0]["product_type"], "Match & Training Footballs");
}

#[test]
fn a_product_without_a_price_is_left_out_of_the_feeds_with_a_warning() {
    let site = shop();
    let (out, warnings) = build_warn(site.path());
    assert!(!read(&out.join("feeds/google.xml")).contains("FX-FB-003"));
    assert!(!read(&out.join("feeds/meta.csv")).contains("FX-FB-003"));
    let w: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| w.file.ends_with("products/futsal-ball.yaml"))
        .collect();
    assert!(
        w.iter()
            .any(|w| w.message.contains("left out of the product feeds")),
        "{warnings:?}"
    );
    let check = cli(&["check", site.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success());
    assert!(
        said.contains("futsal-ball.yaml") && said.contains("left out of the product feeds"),
        "{said}"
    );
}

#[test]
fn long_texts_are_cut_to_the_limits_and_a_long_sku_leaves_the_product_out() {
    let site = shop();
    let long_name = format!("Ball {}", "extra-long-words ".repeat(20));
    let long_text = "Stitched by hand. ".repeat(400);
    let sku = "X".repeat(51);
    let products = site.path().join("products");
    std::fs::write(
        products.join("long.yaml"),
        format!(
            "sku: LONG-1\nslug: long-ball\nname: \"{long_name}\\x01\"\nphotos: [{{path: images/ladybird.jpg, alt: A ladybird}}]\n\
             description: \"{long_text}\"\nprice_tiers: [{{min_qty: 1, unit_price: 1250}}]\ncurrency: JPY\n"
        ),
    )
    .unwrap();
    std::fs::write(
        products.join("long-sku.yaml"),
        format!("sku: {sku}\nname: Long SKU\nphotos: [images/ladybird.jpg]\nprice_tiers: [{{min_qty: 1, unit_price: 2}}]\n"),
    )
    .unwrap();
    let (out, warnings) = build_warn(site.path());
    let items = google_items(&out);
    let long = items.iter().find(|i| one(i, "g:id") == "LONG-1").unwrap();
    assert!(one(long, "title").chars().count() <= 150);
    assert!(one(long, "title").starts_with("Ball extra-long-words"));
    assert!(one(long, "description").chars().count() <= 5000);
    assert_eq!(one(long, "g:price"), "1250 JPY", "yen have no decimals");
    assert!(!items.iter().any(|i| one(i, "title") == "Long SKU"));
    let rows = meta_rows(&out);
    assert!(rows.iter().any(|r| r["id"] == "LONG-1"
        && r["title"].chars().count() <= 150
        && r["description"].chars().count() <= 5000));
    assert!(!rows.iter().any(|r| r["title"] == "Long SKU"));
    assert!(
        warnings.iter().any(|w| w.file.ends_with("products/long-sku.yaml")
            && w.field.as_deref() == Some("sku")
            && w.message.contains("longer than 50 characters")),
        "{warnings:?}"
    );
}

#[test]
fn feeds_are_written_only_for_an_https_base_url() {
    let site = shop();
    let yaml = site.path().join("site.yaml");
    let text = read(&yaml);
    std::fs::write(&yaml, text.replace("base_url: https://", "base_url: http://")).unwrap();
    let (out, warnings) = build_warn(site.path());
    assert!(!out.join("feeds").exists());
    assert!(
        warnings
            .iter()
            .any(|w| w.field.as_deref() == Some("base_url") && w.message.contains("not https")),
        "{warnings:?}"
    );
    std::fs::write(
        &yaml,
        text.replace("base_url: https://shop.example.com/sub/\n", ""),
    )
    .unwrap();
    let (out, _) = build_warn(site.path());
    assert!(!out.join("feeds").exists());
    assert!(!read(&out.join("sitemap.xml")).contains("feeds/"));
}

#[test]
fn a_description_is_given_as_the_words_its_page_shows_not_as_markdown() {
    let site = shop();
    std::fs::write(
        site.path().join("products/table.yaml"),
        "sku: TAB-1\nname: Size Chart Ball\nphotos: [images/ladybird.jpg]\n\
         price_tiers: [{min_qty: 1, unit_price: 3}]\ndescription: |\n  It's **hand** stitched -- ~~old~~ new.\n\n  \
         | Size | Weight |\n  |------|--------|\n  | 5    | 410 g  |\n",
    )
    .unwrap();
    let out = build(site.path());
    let items = google_items(&out);
    let item = items.iter().find(|i| one(i, "g:id") == "TAB-1").unwrap();
    let text = one(item, "description");
    for markup in ["|", "~~", "**", "---"] {
        assert!(!text.contains(markup), "{markup:?} in {text:?}");
    }
    assert!(
        text.contains("It\u{2019}s hand stitched \u{2013} old new."),
        "{text:?}"
    );
    assert!(
        text.contains("Size Weight") && text.contains("5 410 g"),
        "{text:?}"
    );
    let rows = meta_rows(&out);
    assert_eq!(
        rows.iter().find(|r| r["id"] == "TAB-1").unwrap()["description"],
        text
    );
}
