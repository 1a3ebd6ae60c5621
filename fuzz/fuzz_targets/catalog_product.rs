//! A product file, as bytes, through the same read + parse + check a build runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minisite::config::SiteConfig;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A site folder with one photo, so photo paths in the input can resolve (or be refused).
fn site() -> &'static (PathBuf, SiteConfig) {
    static SITE: OnceLock<(PathBuf, SiteConfig)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        std::fs::create_dir_all(dir.join("images")).unwrap();
        std::fs::write(dir.join("images/a.jpg"), b"not decoded here").unwrap();
        let root = dir.canonicalize().unwrap();
        let config = SiteConfig::parse("title: Fuzz\n", Path::new("site.yaml")).unwrap();
        (root, config)
    })
}

fuzz_target!(|data: &[u8]| {
    let (root, config) = site();
    let rel = Path::new("products/fuzz.yaml");
    let Ok(text) = minisite::yaml::text_from_bytes(data.to_vec(), rel) else {
        return;
    };
    if let Err(all) = minisite::catalog::parse_product(root, rel, &text, config) {
        // A refusal says at least one thing, and everything it says names the file it is about.
        assert!(!all.is_empty());
        for d in all {
            assert_eq!(d.file, rel);
        }
    }
});
