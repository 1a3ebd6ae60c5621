//! Nothing is lost: an interrupted, failed or refused build leaves the published site as it was and
//! no temporary folder behind, and no command ever changes the site's sources.

use crate::common::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::SystemTime;

/// Every file under `root` with its bytes (and, for sources, its modification time).
fn snapshot(
    root: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, (Vec<u8>, Option<SystemTime>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0)
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().to_string();
            if skip(&rel) {
                return None;
            }
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let bytes = if m.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            Some((rel, (bytes, m.modified().ok(), m.permissions().mode())))
        })
        .collect()
}

fn output_files(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(out)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(out).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Adds `n` products, each with its own photo (the bridge with a distinct trailer, so no two
/// share a cache entry): a build with real work to interrupt.
fn add_products(site: &Path, n: usize) {
    let photo = std::fs::read(site.join("images/bridge.jpg")).unwrap();
    for i in 0..n {
        let mut bytes = photo.clone();
        bytes.extend_from_slice(format!("extra {i}").as_bytes());
        std::fs::write(site.join(format!("images/extra-{i}.jpg")), bytes).unwrap();
        std::fs::write(
            site.join(format!("products/extra-{i}.yaml")),
            format!(
                "sku: EX-{i}\nname: Extra {i}\ncategory: Footballs\nphotos: [{{path: images/extra-{i}.jpg, alt: Bridge}}]\nprice_tiers: [{{min_qty: 1, unit_price: 3}}]\n"
            ),
        )
        .unwrap();
    }
}

#[test]
fn ctrl_c_during_a_build_keeps_the_published_site_and_leaves_no_temporary_folder() {
    let site = shop();
    let s = site.path().to_str().unwrap();
    assert_eq!(cli(&["build", s]).status.code(), Some(0));
    let out = site.path().join("public");
    let before = output_files(&out);
    add_products(site.path(), 12);

    // Interrupted as soon as the build has started writing its new copy.
    let o = interrupted_build(site.path());
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Interrupted: the build stopped. The published site was not changed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(output_files(&out), before, "the published site changed");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn a_full_disk_names_the_file_keeps_the_published_site_and_leaves_no_temporary_folder() {
    let site = shop();
    let s = site.path().to_str().unwrap();
    assert_eq!(cli(&["build", s]).status.code(), Some(0));
    let out = site.path().join("public");
    let before = output_files(&out);
    // A new title: every page must be written again (unchanged ones would be linked, not written).
    let yaml = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replacen("title: ", "title: New ", 1)).unwrap();
    // A file size limit fails writes the way a full disk does, without root or a small disk:
    // every file larger than 4 kB (the style sheet, most pages) cannot be written.
    // SIGXFSZ is ignored so the write fails with an error instead of killing minisite.
    let o = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; exec prlimit --fsize=4096 \"$0\" build \"$1\"",
            env!("CARGO_BIN_EXE_minisite"),
            s,
        ])
        .env_remove("MINISITE_CACHE_DIR")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    // The file is named where it would be published, not in the hidden staging folder.
    let named = err.lines().next().unwrap();
    assert!(named.starts_with(&format!("error: {}/", out.display())), "{err}");
    assert!(!named.contains("minisite-build"), "{err}");
    assert!(err.contains("help: the disk is full"), "{err}");
    assert!(err.contains("The published site was not changed."), "{err}");
    assert_eq!(output_files(&out), before);
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

fn is_root() -> bool {
    let o = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim() == "0"
}

/// Runs minisite as an unprivileged user: root may write anywhere, whatever the permissions say.
fn minisite_unprivileged(args: &[&str]) -> Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_minisite"),
        ]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_minisite"))
    };
    cmd.args(args).env_remove("MINISITE_CACHE_DIR").output().unwrap()
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A built shop that an unprivileged user may read, with its photo cache warm.
fn built_shop_for_others() -> (tempfile::TempDir, PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    let site = shop();
    let s = site.path().to_str().unwrap();
    assert_eq!(cli(&["build", s]).status.code(), Some(0));
    for e in walkdir::WalkDir::new(site.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        chmod(e.path(), if e.file_type().is_dir() { 0o755 } else { 0o644 });
    }
    let out = site.path().join("public");
    let before = output_files(&out);
    (site, out, before)
}

#[test]
fn a_read_only_output_folder_keeps_the_published_site_and_leaves_no_temporary_folder() {
    let (site, out, before) = built_shop_for_others();
    // The site folder (the output's parent) is writable, the output itself is not: the new copy
    // is made, but the old one cannot be moved aside.
    chmod(site.path(), 0o777);
    chmod(&site.path().join(".public.minisite-lock"), 0o666);
    chmod(&out, 0o555);
    // A change to publish: with nothing changed the output would be left as it is.
    let product = site.path().join("products/training-ball.yaml");
    let text = read(&product);
    assert!(text.contains("unit_price: 4.25"));
    std::fs::write(&product, text.replacen("unit_price: 4.25", "unit_price: 3.95", 1)).unwrap();
    let o = minisite_unprivileged(&["build", site.path().to_str().unwrap()]);
    chmod(&out, 0o755);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("error: {}: Permission denied", out.display())),
        "{err}"
    );
    assert!(err.contains("help: minisite may not write there"), "{err}");
    assert_eq!(output_files(&out), before);
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn a_read_only_parent_folder_is_reported_before_anything_is_written() {
    let (site, out, before) = built_shop_for_others();
    let lock = site.path().join(".public.minisite-lock");
    let _ = std::fs::remove_file(&lock);
    chmod(site.path(), 0o555);
    let o = minisite_unprivileged(&["build", site.path().to_str().unwrap()]);
    chmod(site.path(), 0o755);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("error: {}: Permission denied", lock.display())),
        "{err}"
    );
    assert!(
        err.contains("choose an output folder you can write to (-o DIR)"),
        "{err}"
    );
    assert_eq!(output_files(&out), before);
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn an_output_folder_inside_the_sources_is_refused() {
    let site = shop();
    let s = site.path().to_str().unwrap();
    let sources = snapshot(site.path(), &|_| false);
    for (out, says) in [
        (s.to_string(), "is the site folder itself"),
        (
            site.path().parent().unwrap().display().to_string(),
            "contains the site folder",
        ),
        (format!("{s}/products/out"), "inside the site's products/ folder"),
        (format!("{s}/images"), "inside the site's images/ folder"),
        (format!("{s}/pages/www"), "inside the site's pages/ folder"),
        (
            format!("{s}/templates/site"),
            "inside the site's templates/ folder",
        ),
        (format!("{s}/static/x"), "inside the site's static/ folder"),
    ] {
        let o = cli(&["build", s, "-o", &out, "--force"]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{out}: {}", stderr(&o));
    }
    assert_eq!(snapshot(site.path(), &|_| false), sources);
}

/// What minisite may add beside the sources: its output, its lock and its cache.
fn is_output(rel: &str) -> bool {
    rel == "public"
        || rel.starts_with("public/")
        || rel.starts_with(".public.minisite")
        || rel == ".minisite-cache"
        || rel.starts_with(".minisite-cache/")
}

#[test]
fn build_check_and_serve_never_change_the_sources() {
    let site = shop();
    let s = site.path().to_str().unwrap();
    let before = snapshot(site.path(), &is_output);
    assert!(before.len() > 15, "{:?}", before.keys());

    assert_eq!(cli(&["build", s]).status.code(), Some(0));
    assert_eq!(cli(&["check", s]).status.code(), Some(0));
    // A failed build too.
    let copy = copy_site(site.path());
    std::fs::write(copy.path().join("products/broken.yaml"), "sku: [\n").unwrap();
    let broken_before = snapshot(copy.path(), &is_output);
    assert_eq!(
        cli(&["build", copy.path().to_str().unwrap()]).status.code(),
        Some(1)
    );
    assert_eq!(snapshot(copy.path(), &is_output), broken_before);

    let mut serve = Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args(["serve", s, "--port", "0"])
        .env_remove("MINISITE_CACHE_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.starts_with("Watching for changes"));
    assert!(ready, "serve did not start");
    Command::new("kill")
        .args(["-INT", &serve.id().to_string()])
        .status()
        .unwrap();
    // Not its exit status: serve announces itself a moment before it handles Ctrl-C.
    serve.wait().unwrap();

    let after = snapshot(site.path(), &is_output);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (rel, (bytes, mtime, mode)) in &before {
        let (b, m, md) = &after[rel];
        assert!(b == bytes && m == mtime && md == mode, "{rel} was changed");
    }
}
