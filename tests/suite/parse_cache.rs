//! Products read back from the parse cache (`.minisite-cache/products/`): the same catalogue and
//! the same output as a fresh parse, a damaged entry parsed again, and every problem still found
//! and placed.

use crate::common::*;
use minisite::catalog::{Catalog, Drafts};
use minisite::config::SiteConfig;
use minisite::parse_cache::ParseCache;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The catalogue of the site at `root`, loaded through the cache in `cache_dir`, which is saved
/// afterwards; and how many products came from it.
fn load(root: &Path, cache_dir: &Path) -> (Catalog, usize) {
    let config = SiteConfig::from_file(root).unwrap();
    let cache = ParseCache::open(cache_dir, root);
    let catalog = Catalog::load_with(root, &config, HashMap::new(), Drafts::LeaveOut, Some(&cache)).unwrap();
    cache.save();
    (catalog, cache.hits())
}

/// Every product and draft, as a debug print holds all it has.
fn printed(c: &Catalog) -> Vec<String> {
    c.products
        .iter()
        .chain(&c.drafts)
        .map(|p| format!("{p:?}"))
        .collect()
}

/// The one file the cache keeps for a site.
fn cache_file(cache_dir: &Path) -> PathBuf {
    let dir = cache_dir.join("products");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one file per site in {}", dir.display());
    files[0].clone()
}

/// The example shop, with translations, photo credits and licences, plus a photo focus written
/// as text (kept as fractions) on one product and one that is not a round percentage.
fn example_with_focus() -> tempfile::TempDir {
    let site = example();
    let products = site.path().join("products");
    for (file, focus) in [
        ("weathered-boards-canvas-wrap.yaml", "30% 20%"),
        ("clock-on-a-green-wall-giclee-art-print.yaml", "33.3333% 70.1%"),
    ] {
        let path = products.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("    alt:").expect("a photo with an alt text");
        let text = format!("{}    focus: {focus}\n{}", &text[..at], &text[at..]);
        std::fs::write(&path, text).unwrap();
    }
    site
}

#[test]
fn a_catalogue_read_from_the_cache_is_the_one_a_fresh_parse_gives() {
    let site = example_with_focus();
    let root = site.path().canonicalize().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = SiteConfig::from_file(&root).unwrap();
    let fresh = Catalog::load(&root, &config).unwrap();
    let total = fresh.products.len() + fresh.drafts.len();
    assert!(
        fresh.products.iter().any(|p| !p.data.translations.is_empty()),
        "the example has translated products"
    );

    let (first, hits) = load(&root, cache.path());
    assert_eq!(hits, 0, "an empty cache has nothing to give");
    assert_eq!(printed(&first), printed(&fresh));
    let (cached, hits) = load(&root, cache.path());
    assert_eq!(hits, total, "every product came from the cache");
    assert_eq!(printed(&cached), printed(&fresh));
    let focused = cached
        .products
        .iter()
        .find(|p| p.file.ends_with("weathered-boards-canvas-wrap.yaml"))
        .unwrap();
    assert_eq!(focused.data.photos[0].focus, Some((0.3, 0.2)));
}

#[test]
fn a_build_from_the_cache_writes_what_a_build_that_parses_everything_writes() {
    let site = example_with_focus();
    let tmp = tempfile::tempdir().unwrap();
    let build_into = |out: &Path| {
        let opts = minisite::BuildOptions {
            output: Some(out.to_path_buf()),
            ..Default::default()
        };
        minisite::build(site.path(), &opts).unwrap();
    };
    build_into(&tmp.path().join("first"));
    let kept = site.path().join(".minisite-cache");
    // (The example's warm cache may hold the products of the site it was made for as well.)
    assert!(std::fs::read_dir(kept.join("products")).unwrap().count() >= 1);
    build_into(&tmp.path().join("cached"));
    std::fs::remove_dir_all(kept.join("products")).unwrap();
    build_into(&tmp.path().join("parsed"));
    let (cached, parsed) = (
        contents(&tmp.path().join("cached")),
        contents(&tmp.path().join("parsed")),
    );
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        parsed.keys().collect::<Vec<_>>()
    );
    for (f, bytes) in &parsed {
        assert!(
            cached[f] == *bytes,
            "{f} differs between a cached and a fresh parse"
        );
    }
}

#[test]
fn a_damaged_entry_is_parsed_again_and_the_cache_is_whole_after() {
    let site = example();
    let root = site.path().canonicalize().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (fresh, _) = load(&root, cache.path());
    let total = fresh.products.len() + fresh.drafts.len();
    let file = cache_file(cache.path());
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), total + 1, "a header and one entry per product");
    // A changed letter in one entry's JSON, the last entry cut short as by a crash, and a line
    // that is not an entry at all.
    lines[1] = lines[1].replacen("\"sku\"", "\"skv\"", 1);
    let last = lines.pop().unwrap();
    lines.push("not an entry".into());
    let damaged = format!("{}\n{}", lines.join("\n"), &last[..last.len() / 2]);
    std::fs::write(&file, damaged).unwrap();

    let (again, hits) = load(&root, cache.path());
    assert_eq!(hits, total - 2, "the two damaged entries are misses");
    assert_eq!(printed(&again), printed(&fresh));
    let (whole, hits) = load(&root, cache.path());
    assert_eq!(hits, total, "the load that missed wrote them again");
    assert_eq!(printed(&whole), printed(&fresh));

    // Not a cache at all: a folder in its place, then garbage.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir_all(file.join("x")).unwrap();
    assert_eq!(load(&root, cache.path()).1, 0);
    assert_eq!(
        load(&root, cache.path()).1,
        total,
        "the folder was replaced by the cache"
    );
    std::fs::write(&file, [0xff, 0xfe, b'\n', 0]).unwrap();
    let (garbage, hits) = load(&root, cache.path());
    assert_eq!(hits, 0);
    assert_eq!(printed(&garbage), printed(&fresh));
}

/// The build before kept the product of `rel` in the site's parse cache: the next load takes it
/// from there.
fn assert_cached(site: &Path, rel: &str) {
    let root = site.canonicalize().unwrap();
    let config = SiteConfig::from_file(&root).unwrap();
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let cache = ParseCache::open(&root.join(".minisite-cache"), &root);
    assert!(
        cache.get(&minisite::parse_cache::key(&config, &text)).is_some(),
        "{rel} is not cached"
    );
}

#[test]
fn a_cached_product_whose_photo_went_is_an_error_at_its_line() {
    let site = shop();
    build(site.path());
    assert_cached(site.path(), "products/training-ball.yaml");
    std::fs::remove_file(site.path().join("images/grey.jpg")).unwrap();
    let e = build_err(site.path());
    let d = first(&e);
    assert_eq!(d.file, Path::new("products/training-ball.yaml"));
    assert_eq!(d.field.as_deref(), Some("photos[0]"));
    assert_eq!(d.line, Some(5));
    assert!(d.message.contains("photo"), "{}", d.message);
}

#[test]
fn a_product_edited_after_it_was_cached_is_parsed_again_and_its_problem_placed() {
    let site = shop();
    build(site.path());
    assert_cached(site.path(), "products/keeper-gloves.yaml");
    let path = site.path().join("products/keeper-gloves.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("unit_price: 6", "unit_price: -6")).unwrap();
    let e = build_err(site.path());
    // (Its category, left with no product, is reported too.)
    let d = e
        .diagnostics()
        .iter()
        .find(|d| d.file == Path::new("products/keeper-gloves.yaml"))
        .unwrap_or_else(|| panic!("no problem in the edited file: {e}"));
    assert_eq!(d.field.as_deref(), Some("price_tiers[0].unit_price"));
    assert_eq!(d.line, Some(10));
    // And put back, it is the product it was.
    std::fs::write(&path, text).unwrap();
    build(site.path());
}
