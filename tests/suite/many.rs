//! Several sites in one command: `minisite build A B C`, a folder of sites, one shared cache, and
//! the table at the end.

use crate::common::*;
use std::path::{Path, PathBuf};

/// A folder holding a copy of the shop fixture under each of `names`.
fn sellers(names: &[&str]) -> tempfile::TempDir {
    let parent = tempfile::tempdir().unwrap();
    for name in names {
        let site = shop();
        let to = parent.path().join(name);
        std::fs::rename(site.path(), &to).unwrap_or_else(|_| {
            // A temp dir on another file system: copy it instead.
            copy_into(site.path(), &to);
        });
    }
    parent
}

fn copy_into(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn break_site(site: &Path) {
    std::fs::write(
        site.join("products/training-ball.yaml"),
        "sku: X\nname: Y\nphotos: [images/grey.jpg]\nmoq: {quantity: one hundred}\n",
    )
    .unwrap();
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The cells of the table row of `site` (the time is two cells: number and unit).
fn row(stdout: &str, site: &Path) -> Vec<String> {
    let name = site.display().to_string();
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name.as_str()))
        .unwrap_or_else(|| panic!("no row for {name} in:\n{stdout}"));
    line.split_whitespace().skip(1).map(str::to_string).collect()
}

fn out(o: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn three_sites_one_broken_the_other_two_are_built_whole_and_the_exit_code_is_1() {
    let dir = sellers(&["acme", "broken", "crest"]);
    let [acme, broken, crest]: [PathBuf; 3] = ["acme", "broken", "crest"].map(|n| dir.path().join(n));
    break_site(&broken);
    let cache = dir.path().join("cache");
    let o = cli(&[
        "build",
        arg(&acme),
        arg(&broken),
        arg(&crest),
        "--cache-dir",
        arg(&cache),
    ]);
    let (stdout, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    for site in [&acme, &crest] {
        assert_eq!(
            row(&stdout, site)[0],
            "21",
            "pages of {}:\n{stdout}",
            site.display()
        );
        assert_eq!(html_files(&site.join("public")).len(), 21, "{}", site.display());
        assert!(site.join("public/products/training-ball/index.html").is_file());
    }
    // The broken site: no counts, one error, nothing written.
    assert_eq!(row(&stdout, &broken)[..5], ["-", "-", "-", "0", "1"], "{stdout}");
    assert!(!broken.join("public").exists());
    assert!(stdout.contains("3 sites: 2 built, 1 failed."), "{stdout}");
    // Its problem is shown as a one-site build shows it, under the seller's folder.
    let heading = format!("== {} ==", broken.display());
    let at = stderr.find(&heading).unwrap_or_else(|| panic!("{stderr}"));
    assert!(stderr[at..].contains("products/training-ball.yaml:4"), "{stderr}");
}

#[test]
fn a_folder_of_sites_builds_each_subfolder_with_a_site_yaml() {
    let dir = sellers(&["acme", "bolt"]);
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    let cache = dir.path().join("cache");
    let o = cli(&["build", arg(dir.path()), "--cache-dir", arg(&cache)]);
    let (stdout, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    for name in ["acme", "bolt"] {
        let site = dir.path().join(name);
        assert_eq!(row(&stdout, &site)[0], "21", "{stdout}");
        assert!(site.join("public/index.html").is_file());
    }
    assert!(!stdout.contains("notes"), "{stdout}");
    assert!(stdout.contains("2 sites: 2 built, 0 failed."), "{stdout}");
}

#[test]
fn with_a_shared_cache_the_second_site_with_the_same_photos_makes_none() {
    let dir = sellers(&["acme", "bolt"]);
    let [acme, bolt] = ["acme", "bolt"].map(|n| dir.path().join(n));
    let cache = dir.path().join("cache");
    let o = cli(&["build", arg(&acme), arg(&bolt), "--cache-dir", arg(&cache)]);
    let (stdout, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(row(&stdout, &acme)[..3], ["21", "32", "0"], "{stdout}");
    assert_eq!(row(&stdout, &bolt)[..3], ["21", "0", "32"], "{stdout}");
    assert_eq!(
        contents(&acme.join("public/images")),
        contents(&bolt.join("public/images"))
    );
}

#[test]
fn check_over_several_sites_tables_each_and_writes_nothing() {
    let dir = sellers(&["acme", "broken"]);
    let [acme, broken] = ["acme", "broken"].map(|n| dir.path().join(n));
    break_site(&broken);
    let o = cli(&["check", arg(&acme), arg(&broken)]);
    let (stdout, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    // products, categories, pages, photos, warnings, errors
    assert_eq!(
        row(&stdout, &acme)[..6],
        ["4", "2", "2", "6", "9", "0"],
        "{stdout}"
    );
    assert_eq!(row(&stdout, &broken)[4..6], ["0", "1"], "{stdout}");
    assert!(
        stdout.contains("2 sites: 1 without errors, 1 with errors."),
        "{stdout}"
    );
    assert!(stderr.contains("products/training-ball.yaml:4"), "{stderr}");
    for site in [&acme, &broken] {
        assert!(!site.join("public").exists());
        assert!(!site.join(".minisite-cache").exists());
    }
}

#[test]
fn output_with_several_sites_is_a_folder_of_one_output_per_site_name() {
    let dir = sellers(&["acme", "bolt"]);
    let www = dir.path().join("www");
    let cache = dir.path().join("cache");
    let (acme, bolt) = (dir.path().join("acme"), dir.path().join("bolt"));
    let o = cli(&[
        "build",
        arg(&acme),
        arg(&bolt),
        "-o",
        arg(&www),
        "--cache-dir",
        arg(&cache),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o).1);
    assert!(www.join("acme/index.html").is_file());
    assert!(www.join("bolt/index.html").is_file());
    assert!(!acme.join("public").exists());
}

#[test]
fn two_sites_of_one_name_with_output_exit_2_before_anything_is_built() {
    let a = sellers(&["shop"]);
    let b = sellers(&["shop"]);
    let (one, two) = (a.path().join("shop"), b.path().join("shop"));
    let www = a.path().join("www");
    let o = cli(&["build", arg(&one), arg(&two), "-o", arg(&www)]);
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("are both named `shop`"), "{stderr}");
    assert!(!www.exists());
}

#[test]
fn a_missing_folder_among_several_exits_2_and_builds_none() {
    let dir = sellers(&["acme"]);
    let acme = dir.path().join("acme");
    let missing = dir.path().join("nobody");
    let o = cli(&["build", arg(&acme), arg(&missing)]);
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot open the site folder") && stderr.contains("nobody"),
        "{stderr}"
    );
    assert!(!acme.join("public").exists());
}

#[test]
fn base_url_with_several_sites_exits_2_and_builds_none() {
    let dir = sellers(&["acme", "bolt"]);
    let (acme, bolt) = (dir.path().join("acme"), dir.path().join("bolt"));
    let o = cli(&[
        "build",
        arg(&acme),
        arg(&bolt),
        "--base-url",
        "https://one.example/",
    ]);
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("base_url in each site.yaml"), "{stderr}");
    assert!(!acme.join("public").exists() && !bolt.join("public").exists());
}
