//! Output ready for fast hosting: minified pages, the `.br`/`.gz` copies of `compress: true`,
//! and a real nginx serving a built shop with the configuration docs/hosting.md gives.

use crate::common::{build, contents, files, html, read, shop};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn set(site: &Path, line: &str) {
    let yaml = site.join("site.yaml");
    std::fs::write(&yaml, format!("{}{line}\n", read(&yaml))).unwrap();
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn is_text(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
    [
        "html",
        "css",
        "js",
        "xml",
        "txt",
        "svg",
        "json",
        "csv",
        "webmanifest",
    ]
    .contains(&ext)
}

/// Checks that every text file of `out` has copies that decompress to its bytes; returns how many.
fn assert_copies_match(out: &Path) -> usize {
    let texts: Vec<PathBuf> = files(out).into_iter().filter(|p| is_text(p)).collect();
    for f in &texts {
        let bytes = std::fs::read(f).unwrap();
        let br = std::fs::read(format!("{}.br", f.display()))
            .unwrap_or_else(|e| panic!("{}.br: {e}", f.display()));
        let gz = std::fs::read(format!("{}.gz", f.display()))
            .unwrap_or_else(|e| panic!("{}.gz: {e}", f.display()));
        assert!(
            unbrotli(&br) == bytes,
            "{}.br is not the file's bytes",
            f.display()
        );
        assert!(ungzip(&gz) == bytes, "{}.gz is not the file's bytes", f.display());
    }
    texts.len()
}

#[test]
fn compress_true_writes_br_and_gz_beside_each_text_file_that_decompress_to_its_bytes() {
    let site = shop();
    set(site.path(), "compress: true");
    let out = build(site.path());
    let n = assert_copies_match(&out);
    assert!(n > 20, "only {n} text files");
    for f in [
        "index.html",
        "style.css",
        "sitemap.xml",
        "robots.txt",
        "feeds/meta.csv",
        "404.html",
    ] {
        assert!(out.join(format!("{f}.br")).is_file(), "{f}.br");
    }
    // Photos are compressed already: no copies of them.
    let photos: Vec<PathBuf> = files(&out.join("images"));
    assert!(photos.iter().any(|p| p.extension().is_some_and(|e| e == "webp")));
    assert!(photos
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".br") && !p.to_string_lossy().ends_with(".gz")));
}

#[test]
fn without_compress_no_copies_are_written() {
    let site = shop();
    let out = build(site.path());
    let copies: Vec<PathBuf> = files(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".br") || p.to_string_lossy().ends_with(".gz"))
        .collect();
    assert!(copies.is_empty(), "{copies:?}");
}

#[cfg(unix)]
#[test]
fn a_no_op_rebuild_keeps_the_compressed_copies_byte_identical() {
    use std::os::unix::fs::MetadataExt;
    let site = shop();
    set(site.path(), "compress: true");
    let out = build(site.path());
    let before = contents(&out);
    let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    let inodes: Vec<u64> = ["index.html.br", "index.html.gz", "style.css.br"]
        .map(ino)
        .to_vec();
    build(site.path());
    assert_eq!(contents(&out), before);
    // Kept (linked from the last output), not made again.
    assert_eq!(
        ["index.html.br", "index.html.gz", "style.css.br"]
            .map(ino)
            .to_vec(),
        inodes
    );
}

#[test]
fn a_page_changed_between_builds_gets_new_br_and_gz() {
    let site = shop();
    set(site.path(), "compress: true");
    let out = build(site.path());
    let page = "products/training-ball/index.html";
    let old_br = std::fs::read(out.join(format!("{page}.br"))).unwrap();
    let file = site.path().join("products/training-ball.yaml");
    let text = read(&file);
    assert!(text.contains("unit_price: 4.25"));
    std::fs::write(&file, text.replacen("unit_price: 4.25", "unit_price: 3.95", 1)).unwrap();
    build(site.path());
    let new = std::fs::read(out.join(page)).unwrap();
    assert!(String::from_utf8_lossy(&new).contains("US$3.95"));
    let br = std::fs::read(out.join(format!("{page}.br"))).unwrap();
    assert_ne!(br, old_br);
    assert!(unbrotli(&br) == new, "the .br is the new page");
    assert!(
        ungzip(&std::fs::read(out.join(format!("{page}.gz"))).unwrap()) == new,
        "the .gz is the new page"
    );
    assert_copies_match(&out);
}

#[test]
fn a_kept_page_whose_copy_was_damaged_is_made_again_with_both_copies() {
    let site = shop();
    set(site.path(), "compress: true");
    let out = build(site.path());
    std::fs::write(out.join("contact/index.html.br"), b"damaged").unwrap();
    std::fs::remove_file(out.join("faq/index.html.gz")).unwrap();
    build(site.path());
    assert_copies_match(&out);
}

#[cfg(feature = "minify")]
#[test]
fn minified_pages_are_smaller_and_show_the_same_text_and_json_ld() {
    let plain_site = shop();
    set(plain_site.path(), "minify: false");
    let plain = build(plain_site.path());
    let site = shop();
    let out = build(site.path());
    let size = |root: &Path, f: &str| std::fs::metadata(root.join(f)).unwrap().len();
    for page in [
        "index.html",
        "products/training-ball/index.html",
        "contact/index.html",
    ] {
        assert!(size(&out, page) < size(&plain, page), "{page} is not smaller");
        let (a, b) = (html(&out.join(page)), html(&plain.join(page)));
        // Spaces between blocks are not shown, so minify leaves them out: compare the rest.
        let words = |d: &scraper::Html| {
            let body = d
                .select(&crate::common::sel("body"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            body.split_whitespace().collect::<String>()
        };
        assert_eq!(words(&a), words(&b), "{page} shows other text");
        let ld = |d: &scraper::Html| {
            d.select(&crate::common::sel("script[type=\"application/ld+json\"]"))
                .map(|s| serde_json::from_str::<serde_json::Value>(&s.text().collect::<String>()).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(ld(&a), ld(&b), "{page}'s JSON-LD");
    }
    assert!(
        size(&out, "style.css") < size(&plain, "style.css"),
        "style.css is not smaller"
    );
    let page = read(&out.join("index.html"));
    let css_link = crate::common::attrs(&html(&out.join("index.html")), "link[rel=stylesheet]", "href");
    assert!(css_link[0].starts_with("style.css?v="), "{css_link:?}");
    // The version names the minified sheet, so a change to minification is a new link.
    let v = &css_link[0]["style.css?v=".len()..];
    assert_eq!(
        v,
        &blake3::hash(&std::fs::read(out.join("style.css")).unwrap()).to_hex()[..8]
    );
    assert!(!page.contains("\n\n"));
}

// ---- nginx ----------------------------------------------------------------------------------

const NGINX: &str = "/usr/sbin/nginx";
const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// The first ```nginx block of docs/hosting.md: the configuration the doc tells sellers to use.
fn documented_config() -> String {
    let doc = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/hosting.md"));
    let start = doc
        .find("```nginx\n")
        .expect("docs/hosting.md has an nginx block")
        + "```nginx\n".len();
    let len = doc[start..].find("```").expect("the nginx block is closed");
    doc[start..start + len].to_string()
}

/// nginx running on a free port over a folder, stopped when dropped.
struct Nginx {
    prefix: tempfile::TempDir,
    child: std::process::Child,
    port: u16,
}

impl Nginx {
    fn start(root: &Path, brotli: bool) -> Nginx {
        assert!(
            Path::new(NGINX).is_file(),
            "no nginx at {NGINX}: run .ci/run, which installs it, or apt-get install nginx libnginx-mod-http-brotli-static"
        );
        let prefix = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = documented_config();
        for (from, to) in [
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
            ("root /var/www/shop;", format!("root {};", root.display())),
        ] {
            assert!(
                server.contains(from),
                "docs/hosting.md's nginx block has no `{from}`"
            );
            server = server.replace(from, &to);
        }
        if !brotli {
            server = server.replace("brotli_static on;", "");
        }
        let p = prefix.path().display();
        // The worker runs as its own user, as on a server; as root (CI) that is www-data, which
        // must be able to read the site. Not root: nginx keeps the user it was started as.
        let root_user = std::fs::metadata("/proc/self").map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.uid() == 0
        });
        let user = if root_user.unwrap_or(false) {
            "user www-data;"
        } else {
            ""
        };
        let module = if brotli {
            format!("load_module {BROTLI_MODULE};")
        } else {
            String::new()
        };
        let conf = format!(
            "{user}\n{module}\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\nevents {{ worker_connections 64; }}\n\
             http {{\ninclude /etc/nginx/mime.types;\ndefault_type application/octet-stream;\naccess_log off;\n\
             client_body_temp_path {p}/body; proxy_temp_path {p}/proxy; fastcgi_temp_path {p}/fastcgi;\n\
             uwsgi_temp_path {p}/uwsgi; scgi_temp_path {p}/scgi;\n{server}\n}}\n"
        );
        std::fs::write(prefix.path().join("nginx.conf"), conf).unwrap();
        let child = std::process::Command::new(NGINX)
            .args([
                "-p",
                &p.to_string(),
                "-e",
                &format!("{p}/error.log"),
                "-c",
                "nginx.conf",
                "-g",
                "daemon off;",
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut nginx = Nginx { prefix, child, port };
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                let log = std::fs::read_to_string(nginx.prefix.path().join("error.log")).unwrap_or_default();
                let mut err = String::new();
                let _ = nginx.child.stderr.take().map(|mut s| s.read_to_string(&mut err));
                panic!("nginx exited ({status}):\n{err}\n{log}");
            }
            assert!(
                started.elapsed().as_secs() < 10,
                "nginx did not start listening in 10 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        nginx
    }

    /// One plain HTTP request; nginx sends static files whole (`Content-Length`, not chunked).
    fn get(&self, path: &str, accept_encoding: Option<&str>) -> Reply {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let ae = accept_encoding
            .map(|e| format!("Accept-Encoding: {e}\r\n"))
            .unwrap_or_default();
        // HTTP/1.1: gzip_static, as gzip, answers 1.0 requests without compression.
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{ae}\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a whole response");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let p = self.prefix.path().display().to_string();
        let stopped = std::process::Command::new(NGINX)
            .args([
                "-p",
                &p,
                "-e",
                &format!("{p}/error.log"),
                "-c",
                "nginx.conf",
                "-s",
                "stop",
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

#[cfg(unix)]
#[test]
fn nginx_serves_the_built_shop_as_docs_hosting_md_configures_it() {
    use std::os::unix::fs::PermissionsExt;
    let site = shop();
    set(site.path(), "compress: true");
    let out = build(site.path());
    // The worker (www-data when the test runs as root) reads the site: a temp dir is private.
    std::fs::set_permissions(site.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let brotli = Path::new(BROTLI_MODULE).is_file();
    if !brotli {
        eprintln!(
            "no {BROTLI_MODULE} (apt-get install libnginx-mod-http-brotli-static): checking gzip copies only"
        );
    }
    let nginx = Nginx::start(&out, brotli);

    let home = nginx.get("/", Some("br, gzip"));
    assert_eq!(home.status, 200);
    assert!(
        home.header("content-type").starts_with("text/html"),
        "{}",
        home.header("content-type")
    );
    let index = std::fs::read(out.join("index.html")).unwrap();
    if brotli {
        assert_eq!(home.header("content-encoding"), "br");
        assert!(unbrotli(&home.body) == index, "the page's .br, sent as it is");
    }
    assert!(
        home.header("cache-control").contains("max-age=300"),
        "{}",
        home.header("cache-control")
    );
    assert!(!home.header("cache-control").contains("immutable"));

    let gz = nginx.get("/products/training-ball/", Some("gzip"));
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert!(ungzip(&gz.body) == std::fs::read(out.join("products/training-ball/index.html")).unwrap());
    let plain = nginx.get("/", None);
    assert_eq!(plain.header("content-encoding"), "");
    assert!(plain.body == index);

    let css_href = &crate::common::attrs(&html(&out.join("index.html")), "link[rel=stylesheet]", "href")[0];
    let css = nginx.get(&format!("/{css_href}"), Some("br"));
    assert_eq!(css.status, 200);
    assert!(
        css.header("content-type").starts_with("text/css"),
        "{}",
        css.header("content-type")
    );
    assert_eq!(css.header("cache-control"), "public, max-age=31536000, immutable");

    let webp = files(&out.join("images"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    let rel = webp.strip_prefix(&out).unwrap().to_string_lossy().to_string();
    let photo = nginx.get(&format!("/{rel}"), Some("br, gzip"));
    assert_eq!(photo.status, 200);
    assert_eq!(photo.header("content-type"), "image/webp");
    assert_eq!(photo.header("content-encoding"), "");
    assert_eq!(
        photo.header("cache-control"),
        "public, max-age=31536000, immutable"
    );

    let sitemap = nginx.get("/sitemap.xml", None);
    assert!(
        sitemap.header("content-type").starts_with("text/xml"),
        "{}",
        sitemap.header("content-type")
    );
    assert!(sitemap.header("cache-control").contains("max-age=300"));

    let missing = nginx.get("/no-such-page/", None);
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html"));
    assert!(
        missing.body == std::fs::read(out.join("404.html")).unwrap(),
        "the 404 page's body"
    );
}
