//! Every page, product and category gets an address of its own: collisions are refused with both
//! files named, or (products without a `slug:`) resolved the same way whatever the file order.

use crate::common::*;
use minisite::{BuildOptions, Diagnostic, Error, Site};
use std::path::Path;

/// The small bad-input base site (one product `Plain Product`, one photo).
fn base() -> tempfile::TempDir {
    copy_site(&fixtures().join("bad/base"))
}

fn write(site: &Path, rel: &str, text: &str) {
    let path = site.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(title: &str) -> String {
    format!("---\ntitle: {title}\n---\nText.\n")
}

fn options(site: &Path) -> BuildOptions {
    BuildOptions {
        output: Some(site.join("public")),
        ..Default::default()
    }
}

fn refused(site: &Path) -> Vec<Diagnostic> {
    match Site::load(site, &options(site)) {
        Ok(_) => panic!("the site was accepted"),
        Err(Error::Site(d)) => d,
        Err(e) => panic!("not a located site error: {e}"),
    }
}

fn show(all: &[Diagnostic]) -> String {
    all.iter().map(|d| format!("  {d}\n")).collect()
}

/// The one report about `file`, which must say `says`.
fn report<'a>(all: &'a [Diagnostic], file: &str, says: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = all
        .iter()
        .filter(|d| d.file == Path::new(file) && d.message.contains(says))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "want one report in {file} saying {says:?}; got:\n{}",
        show(all)
    );
    found[0]
}

#[test]
fn pages_whose_names_make_the_same_address_are_refused() {
    let site = base();
    write(site.path(), "pages/About.md", &page("About"));
    write(site.path(), "pages/about!.md", &page("About us"));
    let all = refused(site.path());
    let d = report(
        &all,
        "pages/about!.md",
        "address `about/` is also pages/About.md's",
    );
    assert!(
        d.help.as_deref().unwrap().contains("rename one of the two files"),
        "{d}"
    );
    assert_eq!(all.len(), 1, "{}", show(&all));
}

fn product(sku: &str, name: &str, slug: Option<&str>) -> String {
    let slug = slug.map(|s| format!("slug: {s}\n")).unwrap_or_default();
    format!("sku: {sku}\nname: {name}\n{slug}photos: [{{path: images/ok.jpg, alt: A rope}}]\n")
}

/// Builds `site`, returning the output folder and the warnings.
fn built(site: &Path) -> (std::path::PathBuf, Vec<Diagnostic>) {
    match minisite::build(site, &options(site)) {
        Ok((report, warnings)) => (report.output, warnings),
        Err(e) => panic!("build failed:\n{e}"),
    }
}

fn heading(out: &Path, page: &str) -> String {
    text(&html(&out.join(page)), "h1").trim().to_string()
}

#[test]
fn products_whose_names_differ_only_in_case_get_distinct_addresses() {
    // The same two products under both file names: the addresses follow the SKUs, not the files.
    for (first, second) in [("a", "b"), ("b", "a")] {
        let site = base();
        let (file_1, file_2) = (
            format!("products/{first}.yaml"),
            format!("products/{second}.yaml"),
        );
        write(site.path(), &file_2, &product("SR-2", "Speed Rope Pro", None));
        write(site.path(), &file_1, &product("SR-1", "speed-rope pro!", None));
        let (out, warnings) = built(site.path());
        assert_eq!(
            heading(&out, "products/speed-rope-pro/index.html"),
            "speed-rope pro!"
        );
        assert_eq!(
            heading(&out, "products/speed-rope-pro-sr-2/index.html"),
            "Speed Rope Pro"
        );
        let d = report(&warnings, &file_2, "URL `products/speed-rope-pro/`, which is");
        assert!(d.message.contains(&file_1), "{d}");
        assert!(
            d.message.contains("published at `products/speed-rope-pro-sr-2/`"),
            "{d}"
        );
        assert_eq!((d.line, d.field.as_deref()), (Some(2), Some("name")), "{d}");
        assert!(
            d.help.as_deref().unwrap().contains("give one of them a `slug:`"),
            "{d}"
        );
    }
}

#[test]
fn a_product_without_slug_yields_the_address_an_explicit_slug_names() {
    let site = base();
    write(
        site.path(),
        "products/a.yaml",
        &product("SR-9", "Speed Rope", Some("speed-rope")),
    );
    write(
        site.path(),
        "products/b.yaml",
        &product("SR-1", "Speed rope", None),
    );
    let (out, warnings) = built(site.path());
    assert_eq!(heading(&out, "products/speed-rope/index.html"), "Speed Rope");
    assert_eq!(heading(&out, "products/speed-rope-sr-1/index.html"), "Speed rope");
    report(&warnings, "products/b.yaml", "which is products/a.yaml's");
}

#[test]
fn products_with_the_same_explicit_slug_are_refused() {
    let site = base();
    write(
        site.path(),
        "products/a.yaml",
        &product("SR-1", "Speed Rope", Some("rope")),
    );
    write(
        site.path(),
        "products/b.yaml",
        &product("SR-2", "Jump Rope", Some("rope")),
    );
    let all = refused(site.path());
    let d = report(
        &all,
        "products/b.yaml",
        "URL `products/rope/` is also products/a.yaml's",
    );
    assert_eq!((d.line, d.field.as_deref()), (Some(3), Some("slug")), "{d}");
    assert_eq!(all.len(), 1, "{}", show(&all));
}

#[test]
fn a_page_at_a_static_folders_address_in_another_case_is_refused() {
    let site = base();
    write(site.path(), "pages/shipping.md", &page("Shipping"));
    write(site.path(), "static/Shipping/map.pdf", "%PDF");
    let all = refused(site.path());
    let d = report(
        &all,
        "pages/shipping.md",
        "address `shipping/` is also where static/Shipping/map.pdf is published",
    );
    assert!(
        d.help.as_deref().unwrap().contains("rename the page's file"),
        "{d}"
    );
}

#[test]
fn an_explicit_slug_without_letters_or_digits_is_refused_at_the_slug() {
    for (slug, says) in [
        ("''", "the slug is empty"),
        ("'..'", "slug `..` has no letter or digit"),
    ] {
        let site = base();
        write(
            site.path(),
            "products/a.yaml",
            &product("SR-1", "Speed Rope", Some(slug)),
        );
        let all = refused(site.path());
        let d = report(&all, "products/a.yaml", says);
        assert_eq!((d.line, d.field.as_deref()), (Some(3), Some("slug")), "{d}");
        assert!(
            d.help.as_deref().unwrap().contains("e.g. slug: match-football"),
            "{d}"
        );
    }
}

#[test]
fn categories_that_products_spell_in_two_cases_are_refused_at_the_product() {
    let site = base();
    let with = |sku: &str, category: &str| {
        format!("sku: {sku}\nname: Rope {sku}\ncategory: {category}\nphotos: [images/ok.jpg]\n")
    };
    write(site.path(), "products/a.yaml", &with("SR-1", "Jump Ropes"));
    write(site.path(), "products/b.yaml", &with("SR-2", "jump ropes"));
    let all = refused(site.path());
    let d = report(
        &all,
        "products/b.yaml",
        "category `jump ropes` is written `Jump Ropes` in products/a.yaml",
    );
    assert_eq!((d.line, d.field.as_deref()), (Some(3), Some("category")), "{d}");
    assert!(d.help.as_deref().unwrap().contains("category: Jump Ropes"), "{d}");
    assert_eq!(all.len(), 1, "{}", show(&all));
}

/// `minisite serve` hands the products of unchanged files to the next load: they are shared, not
/// copied, unless their address or category changed.
#[test]
fn reused_products_are_shared_not_copied() {
    use minisite::catalog::Catalog;
    use std::sync::Arc;
    let site = shop();
    let root = site.path().canonicalize().unwrap();
    let config = minisite::config::SiteConfig::from_file(&root).unwrap();
    let first = Catalog::load(&root, &config).unwrap();
    let known = first
        .products
        .iter()
        .map(|p| (p.file.clone(), Arc::clone(p)))
        .collect();
    let second = Catalog::load_reusing(&root, &config, known).unwrap();
    assert_eq!(first.products.len(), second.products.len());
    for (a, b) in first.products.iter().zip(&second.products) {
        assert!(Arc::ptr_eq(a, b), "{} was copied", a.file.display());
    }
}

/// A name too long for a folder name (over 255 bytes as a slug) stopped the build with a bare
/// "File name too long" from the disk: the address made from it is cut at a hyphen instead, and a
/// `slug:` that long is refused at its line.
#[test]
fn a_very_long_name_makes_an_address_a_disk_can_hold() {
    let site = base();
    let name = "Hand stitched ".repeat(30);
    let product = |sku: &str, extra: &str| {
        format!("sku: {sku}\nname: {name}\n{extra}photos: [{{path: images/ok.jpg, alt: A product}}]\n")
    };
    write(
        site.path(),
        "products/long.yaml",
        &product("LONG-1", &format!("category: {}\n", "Long category ".repeat(30))),
    );
    // The same name again: the SKU is added to the cut address, which must stay short enough too.
    write(site.path(), "products/long-2.yaml", &product("LONG-2", ""));
    let out = match minisite::build(site.path(), &options(site.path())) {
        Ok((report, _)) => report.output,
        Err(e) => panic!("build failed:\n{e}"),
    };
    let dirs: Vec<String> = std::fs::read_dir(out.join("products"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("hand-stitched"))
        .collect();
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for d in &dirs {
        assert!(d.len() <= 255 && !d.ends_with('-'), "{d}");
    }
    let categories: Vec<String> = std::fs::read_dir(out.join("categories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("long-category"))
        .collect();
    assert!(matches!(&categories[..], [c] if c.len() <= 255), "{categories:?}");

    write(
        site.path(),
        "products/long-2.yaml",
        &product("LONG-2", &format!("slug: {}\n", "a".repeat(300))),
    );
    let all = refused(site.path());
    let d = report(&all, "products/long-2.yaml", "slug");
    assert_eq!(d.field.as_deref(), Some("slug"));
    assert_eq!(d.line, Some(3));
    assert!(d.help.as_deref().unwrap().contains("shorter"), "{d}");
}
