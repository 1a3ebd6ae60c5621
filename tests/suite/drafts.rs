//! `draft: true` on a product or a page: left out of `build` everywhere, published marked as a
//! draft by `build --drafts` (and `serve`, see serve.rs).

use crate::common::*;
use minisite::{BuildOptions, Diagnostic};
use std::path::{Path, PathBuf};

/// The shop with the training ball and the shipping page marked as drafts.
fn shop_with_drafts() -> tempfile::TempDir {
    let site = shop();
    let ball = site.path().join("products/training-ball.yaml");
    let text = read(&ball);
    std::fs::write(&ball, format!("{text}draft: true\n")).unwrap();
    let page = site.path().join("pages/shipping.md");
    let text = read(&page).replacen("title: Shipping\n", "title: Shipping\nmenu: 2\ndraft: true\n", 1);
    std::fs::write(&page, text).unwrap();
    site
}

fn build_with(site: &Path, drafts: bool) -> (PathBuf, Vec<Diagnostic>) {
    let opts = BuildOptions {
        drafts,
        ..Default::default()
    };
    match minisite::build(site, &opts) {
        Ok((report, warnings)) => (report.output, warnings),
        Err(e) => panic!("build failed:\n{e}"),
    }
}

/// Every text file of the output, with its path.
fn texts(out: &Path) -> Vec<(PathBuf, String)> {
    files(out)
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| ["html", "xml", "csv", "txt"].contains(&e.to_str().unwrap()))
        })
        .map(|p| {
            let t = read(&p);
            (p, t)
        })
        .collect()
}

#[test]
fn a_draft_product_and_page_are_nowhere_in_the_build() {
    let site = shop_with_drafts();
    let (out, warnings) = build_with(site.path(), false);
    assert!(!out.join("products/training-ball").exists());
    assert!(!out.join("shipping").exists());
    // Its page, every listing, category page, related box, home, the sitemap and the feeds.
    let texts = texts(&out);
    assert!(texts.iter().any(|(p, _)| p.ends_with("feeds/google.xml")));
    assert!(texts.iter().any(|(p, _)| p.ends_with("sitemap.xml")));
    for (path, text) in &texts {
        for gone in ["Training Ball", "training-ball", "FX-FB-002", "shipping/"] {
            assert!(!text.contains(gone), "{} mentions {gone}", path.display());
        }
    }
    // Its photos are the draft's, not forgotten files.
    assert!(
        !warnings.iter().any(|w| w.file.ends_with("images/grey.jpg")),
        "{warnings:?}"
    );
}

#[test]
fn build_drafts_publishes_drafts_with_a_badge_but_not_to_search_engines_or_feeds() {
    let site = shop_with_drafts();
    let (out, _) = build_with(site.path(), true);
    let page = html(&out.join("products/training-ball/index.html"));
    assert_eq!(text(&page, ".buybox .badge.draft"), "Draft");
    let shipping = html(&out.join("shipping/index.html"));
    assert_eq!(text(&shipping, ".badge.draft"), "Draft");
    // Not for search engines, should the preview be online.
    let noindex = r#"meta[name="robots"][content="noindex"]"#;
    assert_eq!(page.select(&sel(noindex)).count(), 1);
    assert_eq!(shipping.select(&sel(noindex)).count(), 1);
    let other = html(&out.join("products/futsal-ball/index.html"));
    assert_eq!(other.select(&sel(noindex)).count(), 0);
    // Each card of the draft carries the badge, and only its cards.
    let mut draft_cards = 0;
    for file in html_files(&out) {
        let doc = html(&file);
        for card in doc.select(&sel("article.card")) {
            // A script's blank card (the search page's <template>) shows no product.
            let blank = card
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "template"));
            if blank {
                continue;
            }
            let href = card
                .select(&sel("a.card-link"))
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap();
            let badged = card.select(&sel(".badge.draft")).count() == 1;
            assert_eq!(
                badged,
                href.contains("training-ball"),
                "{}: {href}",
                file.display()
            );
            draft_cards += badged as usize;
        }
    }
    assert!(draft_cards >= 2, "the listings and category pages show it");
    for feed in ["sitemap.xml", "feeds/google.xml", "feeds/meta.csv"] {
        let t = read(&out.join(feed));
        assert!(!t.contains("training-ball") && !t.contains("shipping/"), "{feed}");
    }
}

#[test]
fn a_category_only_drafts_are_in_is_left_out_without_an_error() {
    let site = shop();
    let gloves = site.path().join("products/keeper-gloves.yaml");
    let text = read(&gloves);
    std::fs::write(&gloves, format!("{text}draft: true\n")).unwrap();
    let (out, _) = build_with(site.path(), false);
    assert!(!out.join("categories/gloves").exists());
    assert!(!read(&out.join("categories/index.html")).contains("gloves/"));
    let (out, _) = build_with(site.path(), true);
    assert!(out.join("categories/gloves/index.html").is_file());
}

#[test]
fn a_catalogue_of_drafts_only_is_refused_with_what_to_do() {
    let site = shop();
    for f in files(&site.path().join("products")) {
        let text = read(&f);
        std::fs::write(&f, format!("{text}draft: true\n")).unwrap();
    }
    let minisite::Error::Site(d) = build_err(site.path()) else {
        panic!("not a site error")
    };
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("every product is a draft"), "{d:?}");
    assert!(d[0].help.as_deref().unwrap().contains("--drafts"), "{d:?}");
}

#[test]
fn build_drafts_is_a_command_line_flag() {
    let site = shop_with_drafts();
    let out = cli(&["build", site.path().to_str().unwrap(), "--drafts"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site
        .path()
        .join("public/products/training-ball/index.html")
        .is_file());
    let help = cli(&["build", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--drafts"));
}

/// Regression: drafts were left out before the categories were checked, so a draft spelling its
/// category differently from categories.yaml, or a category only drafts use with a bad image,
/// passed `build` and failed only under `serve`, `--drafts`, or once published.
#[test]
fn a_draft_is_checked_like_a_published_product_whatever_it_is_in() {
    let site = shop();
    let ball = site.path().join("products/training-ball.yaml");
    let text = read(&ball).replacen("category: Footballs", "category: footballs", 1);
    std::fs::write(&ball, format!("{text}draft: true\n")).unwrap();
    let cats = site.path().join("categories.yaml");
    std::fs::write(
        &cats,
        read(&cats) + "- name: Drafts Only\n  image: {path: ../outside.jpg, alt: Outside}\n",
    )
    .unwrap();
    let glove = site.path().join("products/keeper-gloves.yaml");
    std::fs::write(
        site.path().join("products/draft-only.yaml"),
        read(&glove).replacen("sku: ", "sku: DRAFT-", 1).replacen(
            "category: Gloves",
            "category: Drafts Only",
            1,
        ) + "draft: true\nslug: draft-only\n",
    )
    .unwrap();
    for drafts in [false, true] {
        let opts = BuildOptions {
            drafts,
            ..Default::default()
        };
        let err = match minisite::build(site.path(), &opts) {
            Ok(_) => panic!("built with drafts: {drafts}"),
            Err(e) => e,
        };
        let all = err.diagnostics();
        assert!(
            all.iter().any(|d| d.file.ends_with("products/training-ball.yaml")
                && d.message.contains("category `footballs` is written `Footballs`")),
            "drafts: {drafts}: {err}"
        );
        assert!(
            all.iter().any(|d| d.file.ends_with("categories.yaml")
                && d.message.contains("category `Drafts Only`: image")),
            "drafts: {drafts}: {err}"
        );
    }
}
