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

/// A web server running as its own user (nginx's `www-data`) must be able to read every file of a
/// site built by another, and `cp -r` or `rsync -a` keep whatever modes the build gave.
#[cfg(unix)]
#[test]
fn published_files_and_folders_get_ordinary_permissions_from_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let site = shop();
    let out = site.path().join("public");
    for round in ["first build", "rebuild from the cache"] {
        let o = std::process::Command::new("sh")
            .args(["-c", "umask 022 && exec \"$0\" build \"$1\""])
            .arg(env!("CARGO_BIN_EXE_minisite"))
            .arg(site.path())
            .env_remove("MINISITE_CACHE_DIR")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut checked = 0;
        for e in walkdir::WalkDir::new(&out) {
            let e = e.unwrap();
            let mode = e.metadata().unwrap().permissions().mode() & 0o7777;
            let want = if e.file_type().is_dir() { 0o755 } else { 0o644 };
            assert_eq!(mode, want, "{round}: {} is {mode:o}", e.path().display());
            checked += 1;
        }
        assert!(checked > 50, "{checked}");
    }
}

/// The cache entry behind a published variant: its name carries the first 10 digits of the key.
fn entry_of(cache: &Path, variant: &Path) -> std::path::PathBuf {
    let name = variant.file_name().unwrap().to_string_lossy().to_string();
    let ext = variant.extension().unwrap().to_string_lossy().to_string();
    let key10 = name.rsplit('-').nth(1).unwrap().to_string();
    files(cache)
        .into_iter()
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&key10) && n.ends_with(&format!(".{ext}"))
        })
        .unwrap_or_else(|| panic!("no cache entry for {name}"))
}

#[test]
fn a_cache_entry_cut_short_is_made_again_never_published() {
    let site = shop();
    let opts = minisite::BuildOptions::default();
    let (first, _) = minisite::build(site.path(), &opts).unwrap();
    let variant = published_variants(&first.output)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    let original = std::fs::read(&variant).unwrap();
    let (w, h) = image::image_dimensions(&variant).unwrap();
    let entry = entry_of(&site.path().join(".minisite-cache"), &variant);
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();

    let (second, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(second.images.made, 1, "only the damaged entry is made again");
    assert_eq!(image::image_dimensions(&variant).unwrap(), (w, h));
    assert!(
        std::fs::read(&variant).unwrap() == original,
        "{} is published whole",
        variant.display()
    );
    assert!(
        std::fs::read(&entry).unwrap() == original,
        "the entry is repaired"
    );
}
