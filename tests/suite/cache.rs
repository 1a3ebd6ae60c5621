//! The image cache is disposable and private: what it holds never reaches the output unchecked,
//! and what the output holds is never the cache's own file.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `root` with its bytes, by path relative to `root`.
fn contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files(root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn published_variants(out: &Path) -> Vec<std::path::PathBuf> {
    files(&out.join("images"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "webp" || e == "jpg"))
        .collect()
}

#[cfg(unix)]
#[test]
fn output_and_cache_share_no_inode_so_editing_a_published_photo_leaves_the_cache_intact() {
    use std::os::unix::fs::MetadataExt;
    let site = shop();
    let opts = minisite::BuildOptions::default();
    let (first, _) = minisite::build(site.path(), &opts).unwrap();
    let out = first.output;
    let cache = site.path().join(".minisite-cache");
    let inode = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.dev(), m.ino())
    };
    let cached: std::collections::HashSet<_> = files(&cache).iter().map(|p| inode(p)).collect();
    for f in files(&out) {
        assert!(
            !cached.contains(&inode(&f)),
            "{} is a cache entry's inode",
            f.display()
        );
    }

    let before = contents(&cache);
    let variant = published_variants(&out).into_iter().next().unwrap();
    let original = std::fs::read(&variant).unwrap();
    {
        // What an in-place optimiser does: open for writing, truncate, write.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&variant)
            .unwrap();
        std::io::Write::write_all(&mut f, b"optimised").unwrap();
    }
    assert!(
        contents(&cache) == before,
        "editing {} changed the cache",
        variant.display()
    );

    let (second, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(second.images.made, 0, "the intact cache is used");
    assert!(
        std::fs::read(&variant).unwrap() == original,
        "{} is published whole again",
        variant.display()
    );
}
