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
