//! Every built-in theme builds every site default builds, and atelier's own pages: its hero, its
//! product photos' zoom links, its stylesheet layered after default's.

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::Path;

const PRODUCT: &str = "products/match-ball-pro-size-5/index.html";

/// Chooses theme `name` in `site`'s site.yaml (a site without `theme:` gets one).
fn set_theme(site: &Path, name: &str) {
    let yaml = site.join("site.yaml");
    let text = read(&yaml);
    let text = match text.lines().find(|l| l.starts_with("theme:")) {
        Some(line) => text.replacen(line, &format!("theme: {name}"), 1),
        None => format!("{text}\ntheme: {name}\n"),
    };
    std::fs::write(&yaml, text).unwrap();
}

/// The build's pages (paths below the output) and warnings, as text.
fn build_with(site: &Path, theme: &str) -> (Vec<String>, Vec<String>) {
    set_theme(site, theme);
    let (_, warnings) = minisite::build(site, &minisite::BuildOptions::default())
        .unwrap_or_else(|e| panic!("theme {theme}: build failed:\n{e}"));
    let out = site.join("public");
    let mut pages: Vec<String> = html_files(&out)
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    pages.sort();
    (pages, warnings.iter().map(|w| w.to_string()).collect())
}

/// Pages only some themes publish, because only they have the template (ledger's line sheets
/// and comparison page).
fn theme_own_page(path: &str) -> bool {
    path.ends_with("/line-sheet/index.html")
        || path == "compare/index.html"
        || path.ends_with("/compare/index.html")
}

/// Builds `site` with default, then with every other built-in theme in the same folder (the
/// photos are made once): each builds every page default builds, with the same warnings, and
/// no other pages than its own page kinds.
fn every_theme_builds(site: &Path) {
    let (pages, warnings) = build_with(site, "default");
    let names = minisite::theme::names();
    assert!(names.contains(&"atelier"), "{names:?}");
    for name in names.into_iter().filter(|n| *n != "default") {
        let (p, w) = build_with(site, name);
        let theirs: Vec<&String> = p.iter().filter(|p| !theme_own_page(p)).collect();
        let ours: Vec<&String> = pages.iter().collect();
        assert_eq!(theirs, ours, "theme {name}: pages");
        assert_eq!(w, warnings, "theme {name}: warnings");
    }
}

#[test]
fn every_builtin_theme_builds_the_example_shop_as_default_does() {
    every_theme_builds(crate::common::example().path());
}

#[test]
fn every_builtin_theme_builds_the_shop_fixture_as_default_does() {
    every_theme_builds(shop().path());
}

#[test]
fn every_builtin_theme_builds_the_formats_fixture_as_default_does() {
    every_theme_builds(copy_site(&fixtures().join("formats")).path());
}

fn atelier_shop() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = shop();
    set_theme(site.path(), "atelier");
    let out = build(site.path());
    (site, out)
}

#[test]
fn atelier_home_opens_with_a_full_width_hero_photo_loaded_first() {
    let (_site, out) = atelier_shop();
    let home = html(&out.join("index.html"));
    let img = "section.atelier-hero .atelier-hero-photo img";
    assert_eq!(attrs(&home, img, "sizes"), ["100vw"]);
    assert_eq!(attrs(&home, img, "fetchpriority"), ["high"]);
    let sources = attrs(&home, "section.atelier-hero .atelier-hero-photo source", "sizes");
    assert!(
        !sources.is_empty() && sources.iter().all(|s| s == "100vw"),
        "{sources:?}"
    );
    assert!(!text(&home, ".atelier-hero h1").is_empty());
    // Its stylesheet comes after default's, whose rules it layers over.
    let sheets = attrs(&home, "link[rel=stylesheet]", "href");
    assert_eq!(sheets.len(), 2, "{sheets:?}");
    assert!(
        sheets[0].contains("style.css") && sheets[1].contains("atelier.css"),
        "{sheets:?}"
    );
    assert!(out.join("atelier.css").is_file());
    // The viewer's script is for product pages only.
    assert!(attrs(&home, "script[src]", "src")
        .iter()
        .all(|s| !s.contains("zoom.js")));
}

#[test]
fn atelier_product_photo_links_to_its_largest_variant() {
    let (_site, out) = atelier_shop();
    let page = out.join(PRODUCT);
    let doc = html(&page);
    let links = attrs(&doc, ".atelier-gallery .gallery-main a.zoom", "href");
    assert_eq!(links.len(), 1, "{links:?}");
    // The widest of the <img>'s srcset (the shop's widths go up to 1600; its photo is 1200 wide).
    let srcset = attrs(&doc, ".atelier-gallery .gallery-main img", "srcset").remove(0);
    let widest = srcset
        .split(", ")
        .filter_map(|s| s.rsplit_once(' '))
        .max_by_key(|(_, w)| w.trim_end_matches('w').parse::<u32>().unwrap())
        .map(|(url, _)| url.to_string())
        .unwrap();
    assert_eq!(links[0], widest);
    assert!(resolve(&page, &links[0]).is_file(), "{}", links[0]);
    // The "view full size" link goes there too, and the viewer waits in a closed <dialog>.
    assert_eq!(attrs(&doc, ".zoom-hint a.zoom", "href"), [widest]);
    assert_eq!(text(&doc, ".zoom-hint a"), "View full size");
    assert!(attrs(&doc, "dialog.viewer", "open").is_empty());
    assert_eq!(text(&doc, "dialog.viewer .viewer-close"), "Close");
    assert_eq!(attrs(&doc, "script[src*='zoom.js']", "defer"), [""]);
    assert!(out.join("zoom.js").is_file());
    // The buy box and inquiry parts are default's.
    assert_eq!(doc.select(&sel(".buybox #inquiry")).count(), 1);
}

#[test]
fn the_default_theme_loads_none_of_ateliers_files() {
    let site = shop();
    let out = build(site.path());
    let page = read(&out.join(PRODUCT));
    assert!(!page.contains("atelier") && !page.contains("zoom.js"));
    assert!(!out.join("atelier.css").exists() && !out.join("zoom.js").exists());
}

/// A key press as the browser gets it from a keyboard (trusted: a `<dialog>` closes on Escape).
fn press(b: &mut Browser, key: &str, code: &str, key_code: u32) {
    for kind in ["rawKeyDown", "keyUp"] {
        b.call(
            "Input.dispatchKeyEvent",
            serde_json::json!({"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code}),
        );
    }
}

#[test]
fn atelier_zoom_opens_a_viewer_that_arrows_step_through_and_escape_closes() {
    let (_site, out) = atelier_shop();
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!(
        "{}{}",
        server.base,
        PRODUCT.trim_end_matches("index.html")
    ));
    b.wait("document.readyState === 'complete'");
    let thumb = ".atelier-gallery .gallery-thumb a.zoom";
    b.eval(&format!(
        "document.querySelector(\"{thumb}\").focus(); document.querySelector(\"{thumb}\").click()"
    ));
    b.wait("document.querySelector('dialog.viewer').open");
    // The second photo, at its largest, and the count says so.
    assert_eq!(
        b.eval(&format!(
            "document.querySelector('.viewer-img').src === document.querySelector(\"{thumb}\").href"
        )),
        true
    );
    assert_eq!(
        b.eval("document.querySelector('.viewer-count').textContent"),
        "Photo 2 of 2"
    );
    press(&mut b, "ArrowRight", "ArrowRight", 39);
    b.wait("document.querySelector('.viewer-count').textContent === 'Photo 1 of 2'");
    assert_eq!(
        b.eval("document.querySelector('.viewer-img').src === document.querySelector('.gallery-main a.zoom').href"),
        true
    );
    press(&mut b, "Escape", "Escape", 27);
    b.wait("!document.querySelector('dialog.viewer').open");
    // Focus goes back to the photo the buyer opened.
    assert_eq!(
        b.eval(&format!(
            "document.activeElement === document.querySelector(\"{thumb}\")"
        )),
        true
    );
}

/// A table's keys, each with its `{placeholders}` (all plural forms' together).
fn keys_and_placeholders(path: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let table: serde_yaml::Mapping = serde_yaml::from_str(&read(path)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in table {
        let text = serde_yaml::to_string(&v).unwrap();
        let mut names: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
            .collect();
        names.sort();
        names.dedup();
        out.insert(k.as_str().unwrap().to_string(), names);
    }
    out
}

#[test]
fn every_builtin_themes_own_tables_have_its_english_keys_in_every_language_default_has() {
    let themes = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    let languages: Vec<_> = std::fs::read_dir(themes.join("default/strings"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for name in minisite::theme::names().into_iter().filter(|n| *n != "default") {
        let dir = themes.join(name).join("strings");
        if !dir.is_dir() {
            continue;
        }
        let english = keys_and_placeholders(&dir.join("en.yaml"));
        for lang in &languages {
            let table = dir.join(lang);
            assert!(table.is_file(), "{} is missing", table.display());
            assert_eq!(keys_and_placeholders(&table), english, "{}", table.display());
        }
    }
}
