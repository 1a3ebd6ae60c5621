//! `minisite build` over its own earlier output: pages made from unchanged inputs are kept (linked
//! from the output being replaced, once their stamp or their bytes show them as published), the
//! rest made again, and the result is always byte for byte what a clean build writes.

use crate::common::*;
use minisite::BuildOptions;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file of `root` with its inode: a file made again is a new file, a kept one a link.
#[cfg(unix)]
fn inodes(root: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    files(root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::metadata(&p).unwrap().ino())
        })
        .collect()
}

fn build_into(site: &Path, out: &Path) -> minisite::BuildReport {
    let opts = BuildOptions {
        output: Some(out.to_path_buf()),
        ..Default::default()
    };
    match minisite::build(site, &opts) {
        Ok((report, _)) => report,
        Err(e) => panic!("build failed: {e:?}"),
    }
}

/// The bytes of every file differ in no way from a clean build of the same site.
fn assert_same_as_clean_build(site: &Path, out: &Path) {
    let clean = tempfile::tempdir().unwrap();
    build_into(site, &clean.path().join("out"));
    let (got, want) = (contents(out), contents(&clean.path().join("out")));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (f, bytes) in &want {
        assert!(got[f] == *bytes, "{f} differs from a clean build's");
    }
}

#[test]
fn a_no_op_build_renders_nothing_and_writes_byte_identical_output() {
    let site = shop();
    let out = site.path().join("public");
    let first = build_into(site.path(), &out);
    assert_eq!(first.rendered, first.pages, "a first build renders every page");
    let before = contents(&out);
    let again = build_into(site.path(), &out);
    assert_eq!(again.rendered, 0, "nothing changed, nothing rendered");
    assert_eq!(contents(&out), before);
    assert_same_as_clean_build(site.path(), &out);
}

#[cfg(unix)]
#[test]
fn an_edit_between_two_builds_renders_exactly_the_pages_it_changes() {
    let site = shop();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let before = inodes(&out);
    let file = site.path().join("products/training-ball.yaml");
    let text = read(&file);
    assert!(text.contains("unit_price: 4.25"));
    std::fs::write(&file, text.replacen("unit_price: 4.25", "unit_price: 3.95", 1)).unwrap();
    let report = build_into(site.path(), &out);
    let after = inodes(&out);
    // The pages that show the price: the product's own, the listings it is on (per_page is 2)
    // and the products showing it as related, and the feeds. Photos and static files are copied by
    // every build; the manifest is always new.
    let made: Vec<&str> = after
        .iter()
        .filter(|(f, ino)| before.get(*f) != Some(*ino))
        .map(|(f, _)| f.as_str())
        .filter(|f| [".html", ".xml", ".txt", ".csv"].iter().any(|e| f.ends_with(e)))
        .collect();
    assert_eq!(
        made,
        [
            "categories/footballs/page/2/index.html",
            // The product feeds carry its price.
            "feeds/google.xml",
            "feeds/meta.csv",
            "products/futsal-ball/index.html",
            "products/match-ball-pro-size-5/index.html",
            "products/page/2/index.html",
            "products/training-ball/index.html",
        ]
    );
    assert_eq!(report.rendered, 5);
    assert!(read(&out.join("products/training-ball/index.html")).contains("US$3.95"));
    assert_same_as_clean_build(site.path(), &out);
}

#[test]
fn a_published_page_edited_by_hand_is_made_again_not_kept() {
    let site = shop();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let page = out.join("contact/index.html");
    let good = read(&page);
    std::fs::write(&page, "edited on the server").unwrap();
    std::fs::remove_file(out.join("faq/index.html")).unwrap();
    let report = build_into(site.path(), &out);
    assert_eq!(report.rendered, 2, "the edited page and the deleted one");
    assert_eq!(read(&page), good);
    assert_same_as_clean_build(site.path(), &out);
}

/// Puts back the modification time `file` had, as a tool that preserves times would.
#[cfg(unix)]
fn set_time(file: &Path, time: std::time::SystemTime) {
    let f = std::fs::File::options().write(true).open(file).unwrap();
    f.set_modified(time).unwrap();
}

/// A kept file is told by its stamp (size, modification time, inode), as git tells its working
/// files, without being read; it is read when the stamp cannot tell. Shown with a change made
/// behind the stamp's back (same size, the time put back): kept while the stamp is trusted,
/// made again once the inode or the manifest's time says the stamp cannot be.
#[cfg(unix)]
#[test]
fn a_kept_file_is_told_by_its_stamp_and_read_when_the_stamp_cannot_tell() {
    let site = shop();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    // A second build stamps the files the first wrote, well before its own manifest is written.
    assert_eq!(build_into(site.path(), &out).rendered, 0);
    let page = out.join("contact/index.html");
    let good = read(&page);
    let forged = "x".repeat(good.len());
    let time = std::fs::metadata(&page).unwrap().modified().unwrap();

    std::fs::write(&page, &forged).unwrap();
    set_time(&page, time);
    assert_eq!(
        build_into(site.path(), &out).rendered,
        0,
        "the stamp is as recorded"
    );
    assert_eq!(read(&page), forged, "so the page was not read");

    // The same bytes and time in a new file put in its place: another inode.
    let other = out.join("contact/forged");
    std::fs::write(&other, &forged).unwrap();
    set_time(&other, time);
    std::fs::rename(&other, &page).unwrap();
    assert_eq!(build_into(site.path(), &out).rendered, 1, "a new inode");
    assert_eq!(read(&page), good);

    // The stamps are kept in the cache folder, not in the output (which stays a clean
    // build's, byte for byte): one file for this output.
    let stamps: Vec<_> = std::fs::read_dir(site.path().join(".minisite-cache/stamps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(stamps.len(), 1, "{stamps:?}");
    let stamps = &stamps[0];
    assert!(read(stamps).contains(" contact/index.html\n"));

    // Stamps written no later than the file's stamp: a change in the same tick of the clock
    // could have left the time as it was, so the file is read.
    let forge = |page: &Path| {
        let time = std::fs::metadata(page).unwrap().modified().unwrap();
        std::fs::write(page, &forged).unwrap();
        set_time(page, time);
        time
    };
    let time = forge(&page);
    set_time(stamps, time - std::time::Duration::from_secs(1));
    assert_eq!(build_into(site.path(), &out).rendered, 1, "a racy stamp");
    assert_eq!(read(&page), good);

    // A damaged stamps file is no stamps at all: every file is read.
    assert_eq!(build_into(site.path(), &out).rendered, 0);
    forge(&page);
    let text = read(stamps);
    std::fs::write(stamps, text.replacen(" contact/", " ../../contact/", 1)).unwrap();
    assert_eq!(build_into(site.path(), &out).rendered, 1, "damaged stamps");
    assert_eq!(read(&page), good);
    assert_same_as_clean_build(site.path(), &out);
}

/// With nothing changed the output is left where it is (the same folder, not a copy swapped
/// in), and only when it is, file for file, what a clean build writes: a file added by hand or
/// a photo variant removed makes the build replace it as before.
#[cfg(unix)]
#[test]
fn a_no_op_build_leaves_the_output_in_place_only_when_it_is_what_a_clean_build_writes() {
    use std::os::unix::fs::MetadataExt;
    let site = shop();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let folder = || std::fs::metadata(&out).unwrap().ino();
    let first = folder();
    assert_eq!(build_into(site.path(), &out).rendered, 0);
    assert_eq!(folder(), first, "left in place");

    std::fs::write(out.join("products/stray.html"), "put there by hand").unwrap();
    assert_eq!(build_into(site.path(), &out).rendered, 0);
    assert_ne!(folder(), first, "replaced");
    assert!(!out.join("products/stray.html").exists());
    assert_same_as_clean_build(site.path(), &out);

    let second = folder();
    let photo = files(&out.join("images")).into_iter().next().unwrap();
    std::fs::remove_file(&photo).unwrap();
    assert_eq!(build_into(site.path(), &out).rendered, 0);
    assert_ne!(folder(), second, "replaced");
    assert!(photo.exists(), "{} is back", photo.display());
    assert_same_as_clean_build(site.path(), &out);

    let third = folder();
    let bytes = std::fs::read(&photo).unwrap();
    let mut changed = bytes.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    std::fs::remove_file(&photo).unwrap();
    std::fs::write(&photo, changed).unwrap();
    build_into(site.path(), &out);
    assert_ne!(folder(), third, "replaced");
    assert_eq!(std::fs::read(&photo).unwrap(), bytes);
    assert_same_as_clean_build(site.path(), &out);
}

#[test]
fn a_damaged_manifest_makes_every_page_again() {
    let site = shop();
    let out = site.path().join("public");
    let first = build_into(site.path(), &out);
    for damage in [
        "".to_string(),
        "minisite-manifest 1 other-code\n".to_string(),
        format!(
            "{}\nnot hex at all\n",
            read(&out.join(".minisite")).lines().next().unwrap()
        ),
        format!(
            "{}\n{} {} ../../etc/passwd\n",
            read(&out.join(".minisite")).lines().next().unwrap(),
            "0".repeat(64),
            "0".repeat(64)
        ),
    ] {
        std::fs::write(out.join(".minisite"), &damage).unwrap();
        let report = build_into(site.path(), &out);
        assert_eq!(report.rendered, first.pages, "manifest {damage:?}");
        assert_same_as_clean_build(site.path(), &out);
    }
}

#[test]
fn a_template_edit_between_two_builds_renders_every_page_again() {
    let site = shop();
    let out = site.path().join("public");
    let first = build_into(site.path(), &out);
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<p>Gone.</p>{% endblock %}",
    )
    .unwrap();
    let report = build_into(site.path(), &out);
    assert_eq!(report.rendered, first.pages);
    assert!(read(&out.join("404.html")).contains("Gone."));
    assert_same_as_clean_build(site.path(), &out);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_no_op_build_leaves_the_old_output_whole() {
    let site = shop();
    // Enough products that a build with nothing to render still takes a while.
    for i in 0..600 {
        std::fs::write(
            site.path().join(format!("products/extra-{i}.yaml")),
            format!(
                "sku: EX-{i}\nname: Extra {i}\ncategory: Footballs\nphotos: [{{path: images/bridge.jpg, alt: Bridge}}]\n"
            ),
        )
        .unwrap();
    }
    let s = site.path().to_str().unwrap();
    assert_eq!(cli(&["build", s]).status.code(), Some(0));
    let out = site.path().join("public");
    let before = contents(&out);
    let o = interrupted_build(site.path());
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(contents(&out) == before, "the published site changed");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
    // And the next build still keeps what it can.
    let again = cli(&["build", s]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("unchanged)"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}
