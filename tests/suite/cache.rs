//! The image cache is disposable and private: what it holds never reaches the output unchecked,
//! and what the output holds is never the cache's own file.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `root` with its bytes, by path relative to `root`.
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
    assert!(!cached.is_empty(), "the build filled the cache");
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

/// What a published photo is: its bytes and its decoded size.
fn published_photos(out: &Path) -> BTreeMap<String, (Vec<u8>, (u32, u32))> {
    published_variants(out)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let img = image::load_from_memory(&bytes)
                .unwrap_or_else(|e| panic!("{} does not decode: {e}", p.display()));
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, (bytes, (img.width(), img.height())))
        })
        .collect()
}

/// Rewrites the first line of the source index (whatever its version) with `edit`.
fn edit_index_line(index: &Path, edit: impl Fn(&mut Vec<String>)) {
    let text = read(index);
    let (first, rest) = text.split_once('\n').unwrap();
    let mut cols: Vec<String> = first.split('\t').map(str::to_string).collect();
    edit(&mut cols);
    std::fs::write(index, format!("{}\n{rest}", cols.join("\t"))).unwrap();
}

/// Damages the cache; returns how many variants that costs.
type Damage<'a> = Box<dyn Fn() -> usize + 'a>;

/// The image cache is disposable: every kind of damage to it is a cache miss. The build succeeds,
/// remakes what it must, and publishes exactly the photos of a clean build, which decode at their
/// sizes. One site, damaged and rebuilt kind after kind: the index's stamps stay those of its photos.
#[test]
fn a_damaged_image_cache_is_a_cache_miss_never_a_panic_or_a_wrong_image() {
    let site = shop();
    let opts = minisite::BuildOptions::default();
    let (clean, _) = minisite::build(site.path(), &opts).unwrap();
    let want = published_photos(&clean.output);
    let cache = site.path().join(".minisite-cache");
    let index = || {
        files(&cache)
            .into_iter()
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("sources-"))
            .unwrap()
    };
    let webp = || entry_of(&cache, &published_variants(&clean.output)[0]);
    let kinds: Vec<(&str, Damage)> = vec![
        (
            "index line with width 0",
            Box::new(|| {
                edit_index_line(&index(), |c| c[3] = "0".into());
                0
            }),
        ),
        (
            "index line with a huge height",
            Box::new(|| {
                edit_index_line(&index(), |c| c[4] = "99999999999999999999".into());
                0
            }),
        ),
        (
            "index line with a plausible wrong width",
            Box::new(|| {
                edit_index_line(&index(), |c| {
                    c[3] = (c[3].parse::<u32>().unwrap() - 100).to_string()
                });
                0
            }),
        ),
        (
            "index line with a column missing",
            Box::new(|| {
                edit_index_line(&index(), |c| drop(c.remove(2)));
                0
            }),
        ),
        (
            "index that is not UTF-8",
            Box::new(|| {
                let mut bytes = std::fs::read(index()).unwrap();
                bytes.insert(1, 0xff);
                std::fs::write(index(), bytes).unwrap();
                0
            }),
        ),
        (
            "index of binary garbage",
            Box::new(|| {
                let garbage: Vec<u8> = (0..4096u32)
                    .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                    .collect();
                std::fs::write(index(), garbage).unwrap();
                0
            }),
        ),
        (
            "index cut short",
            Box::new(|| {
                let bytes = std::fs::read(index()).unwrap();
                std::fs::write(index(), &bytes[..bytes.len() / 2]).unwrap();
                0
            }),
        ),
        (
            "a folder where the index should be",
            Box::new(|| {
                let i = index();
                std::fs::remove_file(&i).unwrap();
                std::fs::create_dir_all(i.join("inside")).unwrap();
                0
            }),
        ),
        (
            "an empty entry",
            Box::new(|| {
                std::fs::write(webp(), b"").unwrap();
                1
            }),
        ),
        (
            "an entry cut short",
            Box::new(|| {
                let bytes = std::fs::read(webp()).unwrap();
                std::fs::write(webp(), &bytes[..bytes.len() - 1]).unwrap();
                1
            }),
        ),
        (
            "an entry of the wrong format",
            Box::new(|| {
                let jpeg = files(&cache)
                    .into_iter()
                    .find(|p| p.extension().is_some_and(|e| e == "jpg"));
                std::fs::copy(jpeg.unwrap(), webp()).unwrap();
                1
            }),
        ),
        (
            "a folder where an entry should be",
            Box::new(|| {
                let e = webp();
                std::fs::remove_file(&e).unwrap();
                std::fs::create_dir_all(e.join("inside")).unwrap();
                1
            }),
        ),
        (
            "a check file of garbage",
            Box::new(|| {
                let e = webp();
                let check = files(e.parent().unwrap())
                    .into_iter()
                    .find(|p| p != &e && p.to_string_lossy().starts_with(&*e.to_string_lossy()))
                    .expect("a check file beside the entry");
                std::fs::write(check, b"\x00\xffnot a check").unwrap();
                1
            }),
        ),
        (
            "a file where a shard folder should be",
            Box::new(|| {
                let shard = webp().parent().unwrap().to_path_buf();
                let entries = files(&shard)
                    .iter()
                    .filter(|p| !p.to_string_lossy().ends_with(".check"))
                    .count();
                std::fs::remove_dir_all(&shard).unwrap();
                std::fs::write(&shard, b"not a folder").unwrap();
                entries
            }),
        ),
        (
            "foreign files in the cache",
            Box::new(|| {
                std::fs::write(cache.join("notes.txt"), b"mine").unwrap();
                std::fs::create_dir_all(cache.join("zz")).unwrap();
                std::fs::write(cache.join("zz/zz.webp"), b"RIFF").unwrap();
                0
            }),
        ),
    ];
    for (kind, damage) in kinds {
        let costs = damage();
        let report = match minisite::build(site.path(), &opts) {
            Ok((report, _)) => report,
            Err(e) => panic!("{kind}: the build failed:\n{e}"),
        };
        assert_eq!(report.images.made, costs, "{kind}: variants made again");
        let got = published_photos(&report.output);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{kind}: published photos"
        );
        for (name, (bytes, size)) in &got {
            assert_eq!(*size, want[name].1, "{kind}: {name} decodes at another size");
            assert!(
                *bytes == want[name].0,
                "{kind}: {name} differs from a clean build's"
            );
        }
    }
    let (last, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(last.images.made, 0, "the cache is whole again");
}
