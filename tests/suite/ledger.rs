//! The built-in theme `ledger` (spec-first, extends default): it builds the example shop and the
//! fixture shop, its listings are rows of trade facts, and its line sheets list a category's
//! every product and print on A4 and US Letter.

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn set_theme(site: &Path, name: &str) {
    let yaml = site.join("site.yaml");
    let text = read(&yaml).replace("theme: default\n", &format!("theme: {name}\n"));
    assert!(text.contains(&format!("theme: {name}\n")));
    std::fs::write(&yaml, text).unwrap();
}

/// The fixture shop with ledger (per_page 2: Footballs' three products take two listing pages).
fn shop_ledger() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let site = shop();
        set_theme(site.path(), "ledger");
        let out = build(site.path());
        (site, out)
    });
    out
}

/// The example shop (en, de, ar) with ledger, and the warnings its build printed.
fn example_ledger() -> &'static (tempfile::TempDir, PathBuf, Vec<String>) {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf, Vec<String>)> = OnceLock::new();
    OUT.get_or_init(|| {
        let site = crate::common::example();
        set_theme(site.path(), "ledger");
        let (report, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default())
            .unwrap_or_else(|e| panic!("build failed:\n{e}"));
        let warnings = warnings.iter().map(|w| w.to_string()).collect();
        (site, report.output, warnings)
    })
}

#[test]
fn ledger_is_a_built_in_theme() {
    assert!(minisite::theme::names().contains(&"ledger"));
}

#[test]
fn the_example_shop_builds_with_ledger_without_warnings_and_a_line_sheet_per_category_and_language() {
    let (_, out, warnings) = example_ledger();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    let cats: Vec<_> = std::fs::read_dir(out.join("categories"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert!(cats.len() >= 4);
    for c in &cats {
        let name = c.file_name().unwrap().to_str().unwrap();
        for prefix in ["", "de/", "ar/"] {
            let sheet = out.join(format!("{prefix}categories/{name}/line-sheet/index.html"));
            assert!(sheet.is_file(), "{}", sheet.display());
        }
    }
    let ar = html(&out.join("ar/categories/landscape-prints/line-sheet/index.html"));
    assert_eq!(attrs(&ar, "html", "dir"), ["rtl"]);
    assert!(text(&ar, "h1").contains("قائمة منتجات"), "{}", text(&ar, "h1"));
    // A print copy of the listing: not for search engines' index.
    assert!(!read(&out.join("sitemap.xml")).contains("line-sheet"));
}

#[test]
fn every_buildable_fixture_builds_with_ledger_with_its_line_sheets() {
    for name in ["shop", "formats"] {
        let site = copy_site(&fixtures().join(name));
        let yaml = site.path().join("site.yaml");
        let text = read(&yaml);
        // A fixture without `theme:` uses default: ledger is set either way.
        let text = if text.contains("theme: default\n") {
            text.replace("theme: default\n", "theme: ledger\n")
        } else {
            format!("{text}theme: ledger\n")
        };
        std::fs::write(&yaml, text).unwrap();
        let out = build(site.path());
        assert!(out.join("compare/index.html").is_file(), "{name}");
        if out.join("categories").is_dir() {
            let sheets = std::fs::read_dir(out.join("categories"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .filter(|p| !p.join("line-sheet/index.html").is_file())
                .count();
            assert_eq!(sheets, 0, "{name}: categories without a line sheet");
        }
    }
}

#[test]
fn the_default_theme_publishes_no_line_sheet() {
    let site = shop();
    let out = build(site.path());
    assert!(!out.join("categories/footballs/line-sheet").exists());
    assert!(!read(&out.join("categories/footballs/index.html")).contains("line-sheet"));
}

#[test]
fn a_line_sheet_lists_every_product_of_its_category_with_sku_moq_and_each_price_tier() {
    let out = shop_ledger();
    // The listing is paginated (per_page 2), the line sheet is not.
    assert!(out.join("categories/footballs/page/2/index.html").is_file());
    let doc = html(&out.join("categories/footballs/line-sheet/index.html"));
    let skus: Vec<String> = doc
        .select(&sel(".ls-row .ls-sku bdi"))
        .map(|e| e.text().collect())
        .collect();
    // In the listing's order, which takes two pages there.
    let listed: Vec<String> = [
        "categories/footballs/index.html",
        "categories/footballs/page/2/index.html",
    ]
    .iter()
    .flat_map(|p| attrs(&html(&out.join(p)), ".lrow .inquiry-add", "data-sku"))
    .collect();
    assert_eq!(skus, listed);
    let mut sorted = skus.clone();
    sorted.sort();
    assert_eq!(sorted, ["FX-FB-001", "FX-FB-002", "FX-FB-003"]);
    let row = |sku: &str| {
        doc.select(&sel(".ls-row"))
            .find(|r| r.text().collect::<String>().contains(sku))
            .unwrap()
    };
    let ball = row("FX-FB-001");
    let moq: String = ball.select(&sel(".ls-moq")).next().unwrap().text().collect();
    assert_eq!(moq, "300 pieces");
    let tiers: Vec<String> = ball
        .select(&sel(".ls-tiers li"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        tiers,
        ["300 – 999 US$9.80", "1,000 – 4,999 US$8.90", "5,000+ US$7.50"]
    );
    // The company and how to reach it head the table, so every printed page repeats them.
    assert!(
        text(&doc, "thead .ls-company").contains("Fixture Sport"),
        "{}",
        text(&doc, "thead .ls-company")
    );
    // The category's listing links it.
    let list = html(&out.join("categories/footballs/index.html"));
    assert_eq!(
        attrs(&list, ".line-sheet-link a", "href"),
        ["../../categories/footballs/line-sheet/index.html"]
    );
}

#[test]
fn ledger_listings_are_rows_with_sku_moq_lowest_price_and_lead_time_and_keep_the_inquiry_button() {
    let out = shop_ledger();
    let doc = html(&out.join("categories/footballs/index.html"));
    let rows: Vec<_> = doc.select(&sel("main .grid.lrows > article.lrow")).collect();
    assert_eq!(rows.len(), 2);
    let ball = rows
        .iter()
        .map(|r| r.text().collect::<String>())
        .find(|t| t.contains("FX-FB-001"))
        .expect("the match ball on the first page");
    for want in ["300 pieces", "US$7.50", "days"] {
        assert!(ball.contains(want), "{want} in {ball}");
    }
    assert_eq!(doc.select(&sel(".lrow .inquiry-add")).count(), 2);
    // The filter panel of default's list.html stays.
    assert_eq!(doc.select(&sel("[data-filters]")).count(), 1);
}

#[test]
fn the_ledger_product_page_puts_sku_terms_specs_and_tiers_before_the_photo() {
    let out = shop_ledger();
    let page = read(&out.join("products/match-ball-pro-size-5/index.html"));
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s}"));
    let photo = at("lp-side");
    for first in ["lp-facts", "class=\"specs lspecs\"", "class=tiers"] {
        let i = page
            .find(first)
            .or_else(|| page.find(&first.replace('"', "")))
            .unwrap_or_else(|| panic!("no {first}"));
        assert!(i < photo, "{first} after the photo");
    }
    assert!(page.contains("FX-FB-001"));
}

/// Pages in a PDF: each page object (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let pat = b"/Type /Page";
    let alt = b"/Type/Page";
    let count = |p: &[u8]| {
        pdf.windows(p.len() + 1)
            .filter(|w| &w[..p.len()] == p && w[p.len()] != b's')
            .count()
    };
    count(pat) + count(alt)
}

/// DevTools sends the PDF as base64 (no crate for it among the dependencies).
fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().fold(0u32, |n, &d| n << 6 | d as u32) << (6 * (4 - chunk.len()));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn a_line_sheet_prints_on_a4_and_on_letter_without_the_site_navigation() {
    let (_, out, _) = example_ledger();
    let server = StaticServer::start(out, "/");
    let mut b = Browser::launch();
    // Landscape Prints: ten products, about six to a page.
    b.goto(&format!("{}categories/landscape-prints/line-sheet/", server.base));
    assert_eq!(b.eval("document.querySelectorAll('.ls-row').length"), 10);
    for (w, h) in [(8.27, 11.69), (8.5, 11.0)] {
        let r = b.call(
            "Page.printToPDF",
            serde_json::json!({"paperWidth": w, "paperHeight": h, "printBackground": true}),
        );
        let pdf = base64(r["data"].as_str().unwrap());
        assert_eq!(pdf_pages(&pdf), 2, "{w} x {h} in");
    }
    b.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    );
    for hidden in [".site-header", ".site-footer", ".crumbs", ".ls-screen"] {
        let js = format!("getComputedStyle(document.querySelector('{hidden}')).display");
        assert_eq!(b.eval(&js), "none", "{hidden}");
    }
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.ls-row')).breakInside"),
        "avoid"
    );
}

/// The fixture shop with ledger and specs on two more products: the training ball shares
/// `Material` with the match ball, the gloves `Size`; each has one spec of its own.
fn shop_with_specs() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let site = shop();
        set_theme(site.path(), "ledger");
        for (file, specs) in [
            (
                "training-ball.yaml",
                "  - {label: Material, value: TPU}\n  - {label: Panels, value: 32}\n",
            ),
            (
                "keeper-gloves.yaml",
                "  - {label: Palm, value: 4 mm latex}\n  - {label: Size, value: 8-11}\n",
            ),
        ] {
            let p = site.path().join("products").join(file);
            std::fs::write(&p, format!("{}specs:\n{specs}", read(&p))).unwrap();
        }
        let out = build(site.path());
        (site, out)
    });
    out
}

#[test]
fn the_compare_page_exists_per_language_only_with_ledger_and_in_no_sitemap() {
    let out = shop_with_specs();
    assert!(out.join("compare/index.html").is_file());
    assert!(!read(&out.join("sitemap.xml")).contains("compare"));
    let site = shop();
    assert!(!build(site.path()).join("compare").exists());
    let (_, example, _) = example_ledger();
    for prefix in ["", "de/", "ar/"] {
        assert!(
            example.join(format!("{prefix}compare/index.html")).is_file(),
            "{prefix}"
        );
    }
}

#[test]
fn choosing_three_products_shows_their_specs_side_by_side_one_row_per_spec_name() {
    let out = shop_with_specs();
    let server = StaticServer::start(out, "/");
    let mut b = Browser::launch();
    // Nothing chosen yet: no link to the comparison (a `.btn` would show despite `hidden`).
    b.goto(&format!("{}products/", server.base));
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.compare-link')).display"),
        "none"
    );
    for page in ["match-ball-pro-size-5", "training-ball", "keeper-gloves"] {
        b.goto(&format!("{}products/{page}/", server.base));
        b.wait("!document.querySelector('.lp-actions .compare-toggle').hidden");
        b.eval("document.querySelector('.lp-actions .compare-toggle').click()");
    }
    assert_eq!(
        b.eval("document.querySelector('.lp-actions .compare-toggle').getAttribute('aria-pressed')"),
        "true"
    );
    assert_eq!(
        b.eval("document.querySelector('.compare-count').textContent"),
        "3"
    );
    b.goto(&format!("{}compare/", server.base));
    b.wait("!!document.querySelector('.compare-table')");
    assert_eq!(
        b.eval("[...document.querySelectorAll('.compare-table thead .compare-sku')].map(e => e.textContent)"),
        serde_json::json!(["FX-FB-001", "FX-FB-002", "FX-GL-001"])
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('.compare-table tbody th')].map(e => e.textContent)"),
        serde_json::json!([
            "MOQ",
            "Lowest price",
            "Material",
            "Size",
            "Weight",
            "Panels",
            "Palm"
        ])
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('.compare-table tbody tr')[3].cells].map(e => e.textContent)"),
        serde_json::json!(["Size", "5", "–", "8-11"])
    );
    // Removing one from the table takes its column away.
    b.eval("document.querySelector('.compare-table thead .compare-toggle').click()");
    assert_eq!(
        b.eval("[...document.querySelectorAll('.compare-table thead .compare-sku')].map(e => e.textContent)"),
        serde_json::json!(["FX-FB-002", "FX-GL-001"])
    );
}
