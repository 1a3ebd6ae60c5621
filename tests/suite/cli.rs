//! The command line: exit codes, help, the build summary and error reports.

use crate::common::*;

#[test]
fn build_succeeds_with_exit_0_and_prints_a_summary() {
    let site = shop();
    let o = cli(&["build", site.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("Built 21 pages") && stdout.contains("32 made, 0 reused"),
        "{stdout}"
    );
    let again = cli(&["build", site.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 made, 32 reused"));
}

#[test]
fn output_and_base_url_options_are_honoured() {
    let site = shop();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("www");
    let o = cli(&[
        "build",
        site.path().to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
        "--base-url",
        "https://other.example/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let canon = attrs(
        &html(&target.join("products/training-ball/index.html")),
        "link[rel=canonical]",
        "href",
    );
    assert_eq!(canon, ["https://other.example/products/training-ball/"]);
    assert!(!site.path().join("public").exists());
}

#[test]
fn site_errors_exit_1_and_name_the_file_and_line() {
    let site = shop();
    std::fs::write(
        site.path().join("products/training-ball.yaml"),
        "sku: X\nname: Y\nphotos: [images/grey.jpg]\nmoq: {quantity: one hundred}\n",
    )
    .unwrap();
    let o = cli(&["build", site.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("products/training-ball.yaml:4"), "{err}");
    assert!(err.contains("moq.quantity"), "{err}");
    assert!(
        !site.path().join("public").exists(),
        "nothing is written on error"
    );
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(cli(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(cli(&["frobnicate"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let o = cli(&["build", tmp.path().join("missing").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn every_command_has_help() {
    for args in [&["--help"][..], &["build", "--help"], &["init", "--help"]] {
        let o = cli(args);
        assert_eq!(o.status.code(), Some(0));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Usage: minisite"), "{out}");
    }
    let o = cli(&["build", "--help"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("--output") && out.contains("--base-url"), "{out}");
}

/// The benches print `--version` to say which JPEG code was measured (issue #14).
#[test]
fn the_long_version_names_the_jpeg_code_the_binary_has() {
    let long = String::from_utf8_lossy(&cli(&["--version"]).stdout).into_owned();
    let short = String::from_utf8_lossy(&cli(&["-V"]).stdout).into_owned();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(short.trim(), format!("minisite {version}"));
    let expected = if minisite::images::ops::jpeg_simd() {
        "(JPEG with libjpeg-turbo's SIMD)"
    } else {
        "(JPEG in plain C, without SIMD (nasm was missing when this minisite was built))"
    };
    assert_eq!(long.trim(), format!("minisite {version} {expected}"));
}

#[test]
fn output_folder_that_is_the_site_folder_is_refused() {
    let site = shop();
    let o = cli(&[
        "build",
        site.path().to_str().unwrap(),
        "-o",
        site.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(site.path().join("site.yaml").is_file());
    let o = cli(&[
        "build",
        site.path().to_str().unwrap(),
        "-o",
        site.path().join("products/out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cache_prune_removes_only_what_the_site_no_longer_uses() {
    let site = shop();
    let dir = site.path().to_str().unwrap();
    assert_eq!(cli(&["build", dir]).status.code(), Some(0));
    let photo = site.path().join("images/grey.jpg");
    image::open(&photo).unwrap().fliph().save(&photo).unwrap();
    assert_eq!(cli(&["build", dir]).status.code(), Some(0));
    let o = cli(&["cache", "prune", dir]);
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Removed 6 unused cached variants"), "{stdout}");
    // Everything still in use stayed: a rebuild makes nothing.
    let again = cli(&["build", dir]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 made, 32 reused"));
    assert!(
        site.path().join("images/grey.jpg").is_file(),
        "sources are never touched"
    );
}
