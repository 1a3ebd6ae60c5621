//! Helpers shared by the integration tests: copy a fixture site to a temp dir, build it, read the output.

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `tests/fixtures/<name>` (or any folder) into a fresh temp dir; tests never write into `tests/`.
pub fn copy_site(from: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let rel_s = rel.to_string_lossy();
        if rel_s.starts_with("public") || rel_s.starts_with(".minisite-cache") {
            continue;
        }
        let to = tmp.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    tmp
}

pub fn shop() -> tempfile::TempDir {
    copy_site(&fixtures().join("shop"))
}

/// A copy of the example shop (`examples/chenab-prints`) whose image cache already holds the
/// variants of its 47 photos. The photos are made once per test process, by whichever test asks
/// first (the others wait): tests of pages, themes and warnings need the variants, not the work
/// of making them again, which cost each of them minutes of CI's two cores. Tests of the image
/// pipeline itself use their own sites and caches.
pub fn example() -> tempfile::TempDir {
    static WARM: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chenab-prints");
    let warm = WARM.get_or_init(|| {
        let site = copy_site(&from);
        build(site.path());
        site
    });
    let site = copy_site(&from);
    link_tree(
        &warm.path().join(".minisite-cache"),
        &site.path().join(".minisite-cache"),
    );
    site
}

/// Hard links every file of `from` into `to` (a copy where links are refused). A build replaces
/// cache files by renaming new ones over them, so a linked file is never written through.
fn link_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if std::fs::hard_link(e.path(), &target).is_err() {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Turns `minify` off, for tests that read markup or CSS as the theme writes it.
pub fn unminified(site: &Path) {
    let yaml = site.join("site.yaml");
    std::fs::write(&yaml, format!("{}minify: false\n", read(&yaml))).unwrap();
}

/// Builds with the library into `SITE/public`, returning the output folder.
pub fn build(site: &Path) -> PathBuf {
    let opts = minisite::BuildOptions::default();
    match minisite::build(site, &opts) {
        Ok((report, _)) => report.output,
        Err(e) => panic!("build failed:\n{e}"),
    }
}

pub fn build_err(site: &Path) -> minisite::Error {
    match minisite::build(site, &minisite::BuildOptions::default()) {
        Ok(_) => panic!("build succeeded but should have failed"),
        Err(e) => e,
    }
}

pub fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args(args)
        .env_remove("MINISITE_CACHE_DIR")
        .output()
        .unwrap()
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn html(p: &Path) -> Html {
    Html::parse_document(&read(p))
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

pub fn html_files(root: &Path) -> Vec<PathBuf> {
    files(root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// Texts of `attr` of every element matching `css`.
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

pub fn text(doc: &Html, css: &str) -> String {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Resolves a relative link found in `page` to a file in the output (dropping `?query` and `#fragment`).
pub fn resolve(page: &Path, link: &str) -> PathBuf {
    let link = link.split(['#', '?']).next().unwrap();
    let mut p = page.parent().unwrap().to_path_buf();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                p.pop();
            }
            other => p.push(other),
        }
    }
    if link.ends_with('/') || link.is_empty() {
        p.push("index.html");
    }
    p
}

/// Decodes a published photo to RGB. JPEGs go through jpeg-decoder, a decoder independent of
/// mozjpeg, which wrote them, and of zune-jpeg (inside `image`), which has shown valid JPEGs in
/// wrong colours.
pub fn decode_rgb(p: &Path) -> image::RgbImage {
    let bytes = std::fs::read(p).unwrap();
    if p.extension().is_some_and(|e| e == "jpg") {
        let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(&bytes));
        let px = d.decode().unwrap();
        let info = d.info().unwrap();
        assert_eq!(
            info.pixel_format,
            jpeg_decoder::PixelFormat::RGB24,
            "{}",
            p.display()
        );
        image::RgbImage::from_raw(info.width as u32, info.height as u32, px).unwrap()
    } else {
        image::load_from_memory(&bytes).unwrap().to_rgb8()
    }
}

/// Staging or set-aside folders of a build, left beside the output.
pub fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("minisite-build") || n.contains("minisite-old"))
        .collect()
}

/// Runs `minisite build SITE` and sends it Ctrl-C (SIGINT) as soon as its staging folder appears
/// beside the output; returns what it printed and its exit code.
#[cfg(unix)]
pub fn interrupted_build(site: &Path) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args(["build", site.to_str().unwrap()])
        .env_remove("MINISITE_CACHE_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while leftovers(site).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the build never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    child.wait_with_output().unwrap()
}

/// Every file of `root` with its bytes, by path (forward slashes) below `root`.
pub fn contents(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files(root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The first problem of a site error.
pub fn first(e: &minisite::Error) -> minisite::Diagnostic {
    e.diagnostics()
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("not a site error: {e}"))
}
