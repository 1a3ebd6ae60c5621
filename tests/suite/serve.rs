//! `minisite serve` end to end: a real server process on loopback, real files, real HTTP.

use crate::browser::Browser;
use crate::common;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

// A bound for a hang, not a speed test: generous, since CI machines may be busy.
const WAIT: Duration = Duration::from_secs(60);

/// The server process; killed when dropped, even when a test fails.
struct Server {
    child: Child,
    port: u16,
    /// The temporary folder the server builds into.
    output: PathBuf,
    /// What it printed on stdout, line by line (a thread keeps reading, so it never blocks).
    lines: Receiver<String>,
    /// Every line read so far.
    seen: Vec<String>,
}

impl Server {
    /// Ctrl-C: the server removes its temporary output and exits; None if it still runs after 30 s.
    fn interrupt(&mut self) -> Option<std::process::ExitStatus> {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Some(status);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        None
    }

    /// Waits for a printed line containing `needle`; returns it.
    fn wait_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?} within {WAIT:?}; printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        if self.interrupt().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start(site: &Path) -> Server {
    start_with(site, &["--port", "0"])
}

/// Starts the server; returns once it printed where it builds to (before the first build).
fn spawn(site: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args(["serve", site.to_str().unwrap()])
        .args(extra)
        .env_remove("MINISITE_CACHE_DIR")
        .env_remove("BROWSER")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Owned by the guard from here on: killed even if nothing comes.
    let mut server = Server {
        child,
        port: 0,
        output: Default::default(),
        lines,
        seen: Vec::new(),
    };
    let line = server.wait_line("Output: ");
    server.output = line
        .trim_start_matches("Output: ")
        .rsplit_once(" (temporary")
        .unwrap()
        .0
        .into();
    server
}

fn start_with(site: &Path, extra: &[&str]) -> Server {
    start_env(site, extra, &[])
}

/// Starts the server and waits until it serves.
fn start_env(site: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut server = spawn(site, extra, env);
    let line = server.wait_line("http://127.0.0.1:");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap();
    server.port = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    server
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends `target` as the request target, byte for byte, with `host` as the Host header.
fn raw_get(port: u16, target: &[u8], host: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(format!(" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
    s.write_all(&req).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = String::from_utf8_lossy(&out).to_string();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {out:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str) -> Reply {
    raw_get(port, path.as_bytes(), &format!("127.0.0.1:{port}"))
}

/// Subscribes to the reload stream; yields (event, data) pairs.
fn events(port: u16) -> Receiver<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /__minisite/events HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    let (ready_tx, ready_rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(s);
        let (mut name, mut data) = (String::new(), Vec::<String>::new());
        let mut line = String::new();
        while r.read_line(&mut line).is_ok_and(|n| n > 0) {
            let l = line.trim_end_matches(['\r', '\n']).to_string();
            line.clear();
            if l == ": connected" {
                let _ = ready_tx.send(());
            } else if let Some(n) = l.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = l.strip_prefix("data: ") {
                data.push(d.to_string());
            } else if l.is_empty() && !name.is_empty() {
                if tx.send((std::mem::take(&mut name), data.join("\n"))).is_err() {
                    return;
                }
                data.clear();
            }
        }
    });
    ready_rx
        .recv_timeout(WAIT)
        .expect("the event stream did not open");
    rx
}

/// Waits for the event `name`, skipping others; returns its data.
fn wait_event(rx: &Receiver<(String, String)>, name: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((n, d)) if n == name => return d,
            Ok(_) => {}
            Err(_) => panic!("no `{name}` event within {WAIT:?}"),
        }
    }
}

/// Waits until the page at `path` contains `needle` (a reload event may come from an earlier burst).
fn wait_page(port: u16, path: &str, needle: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let body = get(port, path).body;
        if body.contains(needle) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {needle:?}:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const PRODUCT: &str = "/products/training-ball/";

fn product_yaml(name: &str) -> String {
    format!(
        "sku: FX-FB-002\nslug: training-ball\nname: {name}\ncategory: Footballs\nphotos:\n  - {{path: images/grey.jpg, alt: Grey abstract texture}}\nsummary: Machine-stitched training ball.\nmoq: {{quantity: 500, unit: pieces}}\nprice_tiers:\n  - {{min_qty: 500, unit_price: 4.25}}\n"
    )
}

/// A seller previews a draft while writing it: served with the badge, kept out of the feeds.
#[test]
fn serves_drafts_with_a_draft_badge() {
    let site = common::shop();
    let ball = site.path().join("products/training-ball.yaml");
    let text = common::read(&ball);
    std::fs::write(&ball, format!("{text}draft: true\n")).unwrap();
    let server = start(site.path());
    let port = server.port;

    let page = get(port, PRODUCT);
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.body);
    assert_eq!(common::text(&doc, ".buybox .badge.draft"), "Draft");
    let listing = scraper::Html::parse_document(&get(port, "/categories/footballs/page/2/").body);
    let badged: Vec<String> = listing
        .select(&common::sel("article.card"))
        .filter(|c| c.select(&common::sel(".badge.draft")).count() == 1)
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(badged.len(), 1, "{badged:?}");
    assert!(badged[0].contains("Training Ball"));

    let feed = get(port, "/feeds/meta.csv");
    assert_eq!(feed.status, 200);
    assert_eq!(
        feed.header("Content-Type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(feed.body.contains("FX-FB-001") && !feed.body.contains("FX-FB-002"));
    assert!(!get(port, "/sitemap.xml").body.contains("training-ball"));
}

#[test]
fn serves_the_built_site_safely() {
    let site = common::shop();
    let server = start(site.path());
    let port = server.port;

    let home = get(port, "/");
    assert_eq!(home.status, 200, "{}", home.head);
    assert_eq!(
        home.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(home.header("Access-Control-Allow-Origin").is_none());
    let tag = r#"<script src="/__minisite/reload.js"></script>"#;
    // At the end of the body: minified pages leave out the optional </body>.
    assert!(home.body.trim_end().ends_with(tag), "{}", home.body);

    let page = get(port, PRODUCT);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Training Ball"));

    let redirect = get(port, "/products/training-ball");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location").as_deref(), Some(PRODUCT));

    let css = get(port, "/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("Content-Type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    let js = get(port, "/__minisite/reload.js");
    assert_eq!(js.status, 200);
    assert!(js.body.contains("EventSource"));
    assert_eq!(
        get(port, "/sitemap.xml").header("Content-Type").as_deref(),
        Some("application/xml")
    );

    let missing = get(port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(tag), "the site's 404.html, with the script");

    for bad in [
        &b"/../Cargo.toml"[..],
        b"/%2e%2e/",
        b"/%2e%2e/%2e%2e/Cargo.toml",
        b"/%252e%252e/",
        b"/a\\b",
        b"/a%00b",
        b"/%ff%fe",
        b"/.minisite",
    ] {
        let r = raw_get(port, bad, &format!("127.0.0.1:{port}"));
        assert!(
            r.status == 400 || r.status == 404,
            "{}: {}",
            String::from_utf8_lossy(bad),
            r.status
        );
        assert!(!r.body.contains("[package]"));
        assert_eq!(
            get(port, "/").status,
            200,
            "still up after {}",
            String::from_utf8_lossy(bad)
        );
    }

    // DNS rebinding: a foreign Host is refused, localhost is fine.
    assert_eq!(raw_get(port, b"/", "evil.example").status, 403);
    assert_eq!(raw_get(port, b"/", &format!("evil.example:{port}")).status, 403);
    assert_eq!(raw_get(port, b"/", &format!("localhost:{port}")).status, 200);

    // The reload channel refuses foreign origins.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET /__minisite/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 403"), "{out}");

    // Nothing was written into the site's sources.
    assert!(!site.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_removes_the_output() {
    let site = common::shop();
    let mut server = start(site.path());
    let out = server.output.clone();
    assert!(out.join("index.html").is_file(), "{}", out.display());
    let status = server.interrupt().expect("still running 10 s after Ctrl-C");
    assert!(status.success(), "{status}");
    assert!(!out.exists(), "{} left behind", out.display());
}

#[test]
fn rebuilds_on_edits_and_survives_broken_ones() {
    let site = common::shop();
    let server = start(site.path());
    let port = server.port;
    let file = site.path().join("products/training-ball.yaml");
    let rx = events(port);

    // An in-place save.
    std::fs::write(&file, product_yaml("Training Ball Pro")).unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Pro");

    // A save through a temporary file renamed over the original.
    let tmp = site.path().join("products/training-ball.yaml.tmp");
    std::fs::write(&tmp, product_yaml("Training Ball Max")).unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Max");

    // Editor swap files change nothing.
    std::fs::write(site.path().join("products/.training-ball.yaml.swp"), "x").unwrap();

    // A broken save: an error event with the file and line, the last good page still served.
    std::fs::write(&file, "sku: FX-FB-002\nname: [Training Ball\n").unwrap();
    let error = wait_event(&rx, "error");
    assert!(error.contains("products/training-ball.yaml"), "{error}");
    assert!(error.contains(":2:") || error.contains(":3:"), "{error}");
    let page = get(port, PRODUCT);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Training Ball Max"));

    // A page opened now learns about the error at once.
    let late = events(port);
    wait_event(&late, "error");

    // The fix clears it.
    std::fs::write(&file, product_yaml("Training Ball Fixed")).unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Fixed");
    assert!(!site.path().join("public").exists());
}

/// A product whose file did not change is reused, but its address can still change: another
/// product's name may make the same one and take it (the lower SKU keeps it).
#[test]
fn a_product_moved_by_another_products_name_is_served_at_its_new_address() {
    let site = common::shop();
    let server = start(site.path());
    let port = server.port;
    let rx = events(port);
    std::fs::write(
        site.path().join("products/futsal-ball-2.yaml"),
        "sku: FX-FB-000\nname: Futsal ball!\ncategory: Footballs\nphotos: [images/grey.jpg]\n",
    )
    .unwrap();
    wait_event(&rx, "reload");
    wait_page(port, "/products/futsal-ball/", "FX-FB-000");
    let moved = get(port, "/products/futsal-ball-fx-fb-003/");
    assert_eq!(moved.status, 200);
    assert!(moved.body.contains("FX-FB-003"), "{}", moved.body);
    // The old address is the other product's now (FX-FB-003 may still be shown there as a
    // related product's card: only the page's own SKU line counts).
    let old = get(port, "/products/futsal-ball/").body;
    assert!(old.contains("<bdi>FX-FB-000</bdi>"), "{old}");
    assert!(!old.contains("<bdi>FX-FB-003</bdi>"), "{old}");
}

#[test]
fn a_css_change_swaps_stylesheets() {
    let site = common::shop();
    let dir = site.path().join("static");
    std::fs::create_dir_all(&dir).unwrap();
    // Settled: a stylesheet saved while the photos' refresh rewrites pages is published by it,
    // and the pages are then told to reload, rightly, not to swap stylesheets.
    let server = start_settled(site.path());
    let port = server.port;
    let rx = events(port);
    std::fs::write(dir.join("extra.css"), "body { color: red }\n").unwrap();
    wait_event(&rx, "css");
    let css = get(port, "/extra.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("color:red"), "{}", css.body);
}

#[test]
fn polling_sees_edits() {
    let site = common::shop();
    let server = start_with(site.path(), &["--port", "0", "--poll"]);
    let port = server.port;
    let rx = events(port);
    std::fs::write(
        site.path().join("products/training-ball.yaml"),
        product_yaml("Training Ball Polled"),
    )
    .unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Polled");
    // A second save right after (most likely within the same second of modification time).
    std::fs::write(
        site.path().join("products/training-ball.yaml"),
        product_yaml("Training Ball Polled Again"),
    )
    .unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Polled Again");
}

#[test]
fn a_folder_deleted_and_recreated_is_watched_again() {
    let site = common::shop();
    let server = start(site.path());
    let port = server.port;
    let rx = events(port);
    let pages = site.path().join("pages");
    let faq = "---\ntitle: FAQ\nmenu: 1\n---\nFirst answer.\n";
    std::fs::remove_dir_all(&pages).unwrap();
    wait_event(&rx, "reload");
    let deadline = Instant::now() + WAIT;
    while get(port, "/faq/").status != 404 {
        assert!(Instant::now() < deadline, "/faq/ still served");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join("faq.md"), faq).unwrap();
    wait_page(port, "/faq/", "First answer.");
    // Edits inside the new folder are seen too.
    std::fs::write(pages.join("faq.md"), faq.replace("First", "Second")).unwrap();
    wait_page(port, "/faq/", "Second answer.");
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = common::shop();
    let file = site.path().join("products/training-ball.yaml");
    std::fs::write(&file, "sku: FX-FB-002\nname: [Training Ball\n").unwrap();
    let server = start(site.path());
    let port = server.port;
    let first = get(port, "/");
    assert_eq!(first.status, 503);
    assert!(first.body.contains("/__minisite/reload.js"));
    let rx = events(port);
    assert!(wait_event(&rx, "error").contains("products/training-ball.yaml"));
    std::fs::write(&file, product_yaml("Training Ball Mended")).unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "Training Ball Mended");
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let site = common::shop();
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let server = start_with(site.path(), &["--port", &port]);
    assert_ne!(server.port.to_string(), port);
    assert_eq!(get(server.port, "/").status, 200);
}

#[test]
fn build_output_never_has_the_reload_script() {
    let site = common::shop();
    let out = common::build(site.path());
    for f in common::files(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__minisite"),
            "{}",
            f.display()
        );
    }
}

/// Each file of the served folder with its inode and modification time: a file written again
/// (always through a rename) gets a new inode.
#[cfg(unix)]
fn snapshot(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    common::files(dir)
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).unwrap();
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// The files of `before` that are gone or different in `after`, sorted.
#[cfg(unix)]
fn rewritten(
    before: &BTreeMap<String, (u64, i64, i64)>,
    after: &BTreeMap<String, (u64, i64, i64)>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(f, id)| after.get(*f) != Some(*id))
        .map(|(f, _)| f.clone())
        .collect()
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// A started server whose background photo work is over (it rewrites pages with the photos'
/// colours once), so what changes next is the edits' doing.
fn start_settled(site: &Path) -> Server {
    let mut server = start(site);
    server.wait_line("Photo variants ready");
    server
}

#[cfg(unix)]
#[test]
fn edits_rewrite_only_the_pages_they_change() {
    let site = common::shop();
    let mut server = start_settled(site.path());
    let port = server.port;
    let out = server.output.clone();
    let rx = events(port);

    // A price: the product's page, the listings that show it (page 2 of its category and of all
    // products, per_page being 2), the pages of the products that show it as related, and the
    // product feeds.
    let before = snapshot(&out);
    edit(
        &site.path().join("products/training-ball.yaml"),
        "unit_price: 4.25",
        "unit_price: 3.95",
    );
    wait_event(&rx, "reload");
    let after = snapshot(&out);
    let (search, pages): (Vec<String>, Vec<String>) = rewritten(&before, &after)
        .into_iter()
        .partition(|f| f.starts_with("pagefind/"));
    // The search index: the product's record (its fragment), the language's metadata that lists
    // it, and the entry naming that; its other files are kept, the word index too (a price is
    // shown on the card, not searched).
    assert_eq!(search.len(), 3, "{search:?}");
    assert!(
        !search.iter().any(|f| f.starts_with("pagefind/index/")),
        "{search:?}"
    );
    assert!(
        search.contains(&"pagefind/pagefind-entry.json".to_string()),
        "{search:?}"
    );
    assert_eq!(
        search
            .iter()
            .filter(|f| f.starts_with("pagefind/fragment/"))
            .count(),
        1
    );
    assert_eq!(
        pages,
        [
            "categories/footballs/filter.json",
            "categories/footballs/page/2/index.html",
            "feeds/google.xml",
            "feeds/meta.csv",
            "products/filter.json",
            "products/futsal-ball/index.html",
            "products/match-ball-pro-size-5/index.html",
            "products/page/2/index.html",
            "products/training-ball/index.html",
        ]
    );
    assert!(get(port, "/products/training-ball/").body.contains("US$3.95"));
    // Its card on the listings is made anew, not the one the last pass kept (`cached`).
    let listing = get(port, "/categories/footballs/page/2/").body;
    assert!(
        listing.contains("US$3.95") && !listing.contains("US$4.25"),
        "{listing}"
    );
    assert!(server.wait_line("Rebuilt").contains("5 of 21 pages rendered"));

    // A new URL: the old page goes, the new one comes, and so does the sitemap; still nothing
    // about the other category.
    let before = snapshot(&out);
    edit(
        &site.path().join("products/training-ball.yaml"),
        "name: Training Ball",
        "slug: training-ball-2\nname: Training Ball",
    );
    wait_event(&rx, "reload");
    let after = snapshot(&out);
    let changed = rewritten(&before, &after);
    for f in [
        "sitemap.xml",
        "products/training-ball/index.html",
        "categories/footballs/page/2/index.html",
    ] {
        assert!(changed.contains(&f.to_string()), "{f} not rewritten: {changed:?}");
    }
    for f in [
        "products/keeper-gloves/index.html",
        "categories/gloves/index.html",
        "index.html",
        "faq/index.html",
        "style.css",
        "robots.txt",
    ] {
        assert!(!changed.contains(&f.to_string()), "{f} rewritten: {changed:?}");
    }
    assert!(!after.contains_key("products/training-ball/index.html"));
    assert!(after.contains_key("products/training-ball-2/index.html"));
    assert_eq!(get(port, "/products/training-ball/").status, 404);
    assert!(get(port, "/sitemap.xml")
        .body
        .contains("/products/training-ball-2/</loc>"));

    // A markdown page's text: that page alone.
    let before = snapshot(&out);
    edit(
        &site.path().join("pages/faq.md"),
        "## What is your MOQ?",
        "An answer added while serving.\n\n## What is your MOQ?",
    );
    wait_event(&rx, "reload");
    assert_eq!(rewritten(&before, &snapshot(&out)), ["faq/index.html"]);
    assert!(get(port, "/faq/").body.contains("An answer added while serving."));
    assert!(!site.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn a_photo_edit_remakes_that_photo_only_a_template_or_site_yaml_edit_every_page() {
    let site = common::shop();
    let mut server = start_settled(site.path());
    let port = server.port;
    let out = server.output.clone();
    let rx = events(port);

    // grey.jpg (the training ball's first photo) gets other pixels, saved by rename.
    let before = snapshot(&out);
    let old_variants: Vec<String> = before
        .keys()
        .filter(|f| f.starts_with("images/grey-"))
        .cloned()
        .collect();
    assert!(!old_variants.is_empty());
    let tmp = site.path().join("images/grey.jpg.tmp");
    std::fs::copy(site.path().join("images/bridge.jpg"), &tmp).unwrap();
    std::fs::rename(&tmp, site.path().join("images/grey.jpg")).unwrap();
    wait_event(&rx, "reload");
    assert!(server
        .wait_line("Rebuilt")
        .contains("1 photo's variants are being made"));
    let page = get(port, "/products/training-ball/").body;
    let new_variant = page
        .split(['"', ' ', ','])
        .find(|s| s.starts_with("../../images/grey-") && s.ends_with(".webp"))
        .unwrap_or_else(|| panic!("no grey variant in\n{page}"))
        .trim_start_matches("../../")
        .to_string();
    assert!(!old_variants.contains(&new_variant), "{new_variant} is not new");
    // Asked for at once: the request waits for it rather than getting a 404.
    let img = raw_get(
        port,
        format!("/{new_variant}").as_bytes(),
        &format!("127.0.0.1:{port}"),
    );
    assert_eq!(img.status, 200);
    assert_eq!(img.header("Content-Type").as_deref(), Some("image/webp"));
    server.wait_line("Photo variants ready");
    let after = snapshot(&out);
    // The old version's variants are gone from the served folder: no pile-up over many edits.
    for v in &old_variants {
        assert!(!after.contains_key(v), "{v} still served");
    }
    let changed = rewritten(&before, &after);
    // The other photos' variants stay as they were; pages without the photo too.
    assert!(
        changed
            .iter()
            .all(|f| !f.starts_with("images/") || f.starts_with("images/grey-")),
        "{changed:?}"
    );
    for f in [
        "products/keeper-gloves/index.html",
        "faq/index.html",
        "contact/index.html",
    ] {
        assert!(!changed.contains(&f.to_string()), "{f} rewritten: {changed:?}");
    }
    assert!(changed.contains(&"products/training-ball/index.html".to_string()));

    // A template of the site's own: every page is rendered again, static files and photos are not.
    let before = snapshot(&out);
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let theme_page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    assert!(theme_page.contains("{{ content }}"), "{theme_page}");
    std::fs::write(
        templates.join("page.html"),
        theme_page.replace("{{ content }}", "<p>Own template.</p>{{ content }}"),
    )
    .unwrap();
    wait_event(&rx, "reload");
    wait_page(port, "/faq/", "Own template.");
    let changed = rewritten(&before, &snapshot(&out));
    for (f, _) in before.iter().filter(|(f, _)| f.ends_with(".html")) {
        assert!(changed.contains(f), "{f} not rendered again");
    }
    assert!(changed.iter().all(|f| f.ends_with(".html")), "{changed:?}");

    // site.yaml: everything is loaded and rendered again.
    let before = snapshot(&out);
    edit(
        &site.path().join("site.yaml"),
        "title: Fixture Sports Co.",
        "title: Fixture Sports Company",
    );
    wait_event(&rx, "reload");
    wait_page(port, "/contact/", "Fixture Sports Company");
    let changed = rewritten(&before, &snapshot(&out));
    for (f, _) in before.iter().filter(|(f, _)| f.ends_with(".html")) {
        assert!(changed.contains(f), "{f} not rendered again");
    }
}

fn save_by_rename(file: &Path, bytes: &[u8]) {
    let tmp = file.with_extension("saving");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, file).unwrap();
}

/// A progressive JPEG of `source` whose header (all that is read before serving) is sound but
/// whose second scan's Huffman table has an id out of range: only decoding the whole photo, in
/// the background, finds that out.
fn broken_in_a_later_scan(source: &Path) -> Vec<u8> {
    let rgb = image::open(source).unwrap().to_rgb8();
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    c.set_size(rgb.width() as usize, rgb.height() as usize);
    c.set_quality(80.0);
    c.set_progressive_mode();
    c.set_optimize_coding(true);
    let mut s = c.start_compress(Vec::new()).unwrap();
    s.write_scanlines(rgb.as_raw()).unwrap();
    let mut bytes = s.finish().unwrap();
    let find = |from: usize, marker: [u8; 2]| {
        from + bytes[from..]
            .windows(2)
            .position(|w| w == marker)
            .unwrap_or_else(|| panic!("no {marker:02X?} after byte {from}"))
    };
    let first_scan = find(0, [0xFF, 0xDA]);
    let later_table = find(first_scan + 2, [0xFF, 0xC4]);
    // Table class 1, id 15 (ids go up to 3).
    bytes[later_table + 4] = 0x1F;
    bytes
}

#[test]
fn a_photo_that_fails_in_the_background_is_shown_in_open_pages() {
    let site = common::shop();
    let server = start_settled(site.path());
    let port = server.port;
    let rx = events(port);

    let photo = site.path().join("images/grey.jpg");
    let good = std::fs::read(&photo).unwrap();
    // Saved by rename, as an editor would: a half-written photo has errors of its own.
    let broken = broken_in_a_later_scan(&site.path().join("images/bridge.jpg"));
    save_by_rename(&photo, &broken);
    // Named where `build` names it: the product's line that lists the photo.
    let text = wait_event(&rx, "error");
    assert!(
        text.contains("products/training-ball.yaml:5:") && text.contains("images/grey.jpg"),
        "{text}"
    );
    assert!(text.contains("damaged"), "{text}");
    // A page opened now gets the error at once.
    let late = events(port);
    assert!(wait_event(&late, "error").contains("images/grey.jpg"));

    // Putting the photo back clears the overlay with a reload.
    save_by_rename(&photo, &good);
    wait_event(&rx, "reload");
    let fresh = events(port);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        fresh.try_iter().all(|(name, _)| name != "error"),
        "the error is still shown"
    );
}

#[test]
fn pages_are_served_before_photo_variants_exist() {
    let site = common::shop();
    // A cold image cache: every variant is still to make.
    assert!(!site.path().join(".minisite-cache").exists());
    let mut server = spawn(site.path(), &["--port", "0"], &[]);
    let built = server.wait_line("Built ");
    assert!(built.contains("6 photos' variants are being made"), "{built}");
    let serving = server.wait_line("http://127.0.0.1:");
    let port: u16 = serving
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    server.port = port;
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    let urls: Vec<String> = home
        .body
        .split(['"', ' ', ','])
        .filter(|s| s.starts_with("images/") && (s.ends_with(".webp") || s.ends_with(".jpg")))
        .map(|s| format!("/{s}"))
        .collect();
    assert!(urls.len() >= 4, "{urls:?}");
    // All at once, as a browser does: each waits for its variant.
    let answers: Vec<_> = urls
        .iter()
        .map(|u| {
            let u = u.clone();
            std::thread::spawn(move || (raw_get(port, u.as_bytes(), &format!("127.0.0.1:{port}")), u))
        })
        .collect();
    for a in answers {
        let (r, u) = a.join().unwrap();
        assert_eq!(r.status, 200, "{u}");
        let magic_ok = if u.ends_with(".webp") {
            r.header("Content-Type").as_deref() == Some("image/webp")
        } else {
            r.header("Content-Type").as_deref() == Some("image/jpeg")
        };
        assert!(magic_ok, "{u}: {}", r.head);
    }
    server.wait_line("Photo variants ready");
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_the_first_build_leaves_no_output() {
    let site = common::shop();
    // Enough products for the first build to take a while.
    for i in 0..1500 {
        std::fs::write(
            site.path().join(format!("products/extra-{i}.yaml")),
            format!(
                "sku: EX-{i}\nname: Extra Ball {i}\ncategory: Footballs\nphotos:\n  - {{path: images/grey.jpg, alt: Grey}}\nprice_tiers:\n  - {{min_qty: 10, unit_price: 2.5}}\ndescription: |\n  A **ball** for tests.\n\n  - one\n  - two\n"
            ),
        )
        .unwrap();
    }
    let mut server = spawn(site.path(), &["--port", "0"], &[]);
    let tmp = server.output.parent().unwrap().to_path_buf();
    assert!(tmp.exists());
    let status = server.interrupt().expect("still running 10 s after Ctrl-C");
    assert!(status.success(), "{status}");
    assert!(!tmp.exists(), "{} left behind", tmp.display());
    // The test is about the first build: it must not have finished.
    while let Ok(l) = server.lines.try_recv() {
        server.seen.push(l);
    }
    assert!(
        !server.seen.iter().any(|l| l.starts_with("Serving")),
        "the first build ended before Ctrl-C: {:?}",
        server.seen
    );
}

#[cfg(unix)]
#[test]
fn a_killed_serves_temporary_folder_is_removed_by_the_next_serve() {
    let site = common::shop();
    // A temp folder of this test's own, so other tests' serves are not in the picture.
    let tmp = tempfile::tempdir().unwrap();
    let env = [("TMPDIR", tmp.path().to_str().unwrap())];
    let mut first = start_env(site.path(), &["--port", "0"], &env);
    let abandoned = first.output.parent().unwrap().to_path_buf();
    assert!(abandoned.starts_with(tmp.path()), "{}", abandoned.display());
    // kill -9: no chance to clean up.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(abandoned.join("site/index.html").is_file());
    // A folder of that name that is not a serve's (no `alive` file) is not ours to judge.
    let foreign = tmp.path().join("minisite-serve-not-a-serve");
    std::fs::create_dir(&foreign).unwrap();

    let mut second = start_env(site.path(), &["--port", "0"], &env);
    assert!(!abandoned.exists(), "{} left behind", abandoned.display());
    assert!(foreign.is_dir());
    // A running serve's folder is in use: a third serve leaves it alone.
    let live = second.output.clone();
    let mut third = start_env(site.path(), &["--port", "0"], &env);
    assert!(live.join("index.html").is_file());
    assert_eq!(get(second.port, "/").status, 200);
    let _ = third.interrupt();
    let _ = second.interrupt();
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_on_the_served_address() {
    use std::os::unix::fs::PermissionsExt;
    let site = common::shop();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = start_env(
        site.path(),
        &["--port", "0", "--open"],
        &[("BROWSER", browser.to_str().unwrap())],
    );
    let deadline = Instant::now() + WAIT;
    while !log.exists() {
        assert!(Instant::now() < deadline, "the browser was not started");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().trim(),
        format!("http://127.0.0.1:{}/", server.port)
    );
}

#[test]
fn editor_swap_and_backup_files_do_not_rebuild() {
    let site = common::shop();
    let mut server = start_settled(site.path());
    let products = site.path().join("products");
    for name in [
        ".training-ball.yaml.swp",
        "training-ball.yaml~",
        "4913",
        "training-ball.yaml___jb_tmp___",
        ".#training-ball.yaml",
    ] {
        std::fs::write(products.join(name), "sku: [broken\n").unwrap();
    }
    // Longer than the watcher's quiet time, so the real edit below is a burst of its own.
    std::thread::sleep(Duration::from_millis(500));
    edit(
        &products.join("training-ball.yaml"),
        "unit_price: 4.25",
        "unit_price: 4.5",
    );
    let line = server.wait_line("Rebuilt");
    let quiet = server
        .seen
        .iter()
        .filter(|l| l.contains("No page changed") || l.contains("Rebuilt"))
        .count();
    assert_eq!(quiet, 1, "a rebuild before the real edit: {:?}", server.seen);
    assert!(line.contains("pages rendered"), "{line}");
}

/// A browser opens several connections at once and keeps them open between requests. Each must be
/// answered while the others stay open, also when the machine is busy: tiny_http once queued a
/// second connection for the one thread it had woken, and it waited until another closed (the
/// reload test's photos hung in CI). Busy threads here stand in for a loaded machine.
#[test]
fn connections_opened_at_once_are_each_answered_while_the_others_stay_open() {
    let site = common::shop();
    let server = start_settled(site.path());
    let port = server.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy: Vec<_> = (0..2 * std::thread::available_parallelism().map_or(2, |n| n.get()))
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let mut unanswered = Vec::new();
    for round in 0..10 {
        let mut open: Vec<TcpStream> = (0..8)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let req =
            format!("GET {PRODUCT} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n\r\n");
        for s in &mut open {
            s.write_all(req.as_bytes()).unwrap();
        }
        // One bound for the round: an answer that never comes fails in seconds, not per connection.
        let deadline = Instant::now() + Duration::from_secs(20);
        for (i, s) in open.iter_mut().enumerate() {
            let left = deadline.saturating_duration_since(Instant::now());
            s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut head = [0u8; 12];
            match s.read_exact(&mut head) {
                Ok(()) if &head == b"HTTP/1.1 200" => {}
                other => unanswered.push(format!(
                    "round {round}, connection {i} of 8: {other:?} {:?}",
                    String::from_utf8_lossy(&head)
                )),
            }
        }
        if !unanswered.is_empty() {
            break;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in busy {
        t.join().unwrap();
    }
    assert!(unanswered.is_empty(), "not answered: {unanswered:#?}");
}

#[test]
fn the_reload_script_works_in_a_real_browser() {
    let site = common::shop();
    // The site's own copy of the theme's stylesheet, as a designer has it.
    let static_dir = site.path().join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    let css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap();
    std::fs::write(static_dir.join("style.css"), &css).unwrap();
    let server = start_settled(site.path());
    let port = server.port;
    let mut b = Browser::launch();
    let page = format!("http://localhost:{port}{PRODUCT}");
    b.call("Page.navigate", serde_json::json!({ "url": page }));
    b.wait("document.readyState === 'complete' && window.__minisiteLive === true");
    let file = site.path().join("products/training-ball.yaml");

    // A save reloads the page, which stays the page being edited.
    b.eval("window.__mark = 1");
    std::fs::write(&file, product_yaml("Training Ball Live")).unwrap();
    b.wait("window.__mark === undefined && document.querySelector('h1').textContent.includes('Training Ball Live')");
    assert_eq!(b.eval("location.pathname"), PRODUCT);

    // A stylesheet change is swapped in without a reload.
    b.wait("window.__minisiteLive === true");
    b.eval("window.__mark = 2");
    std::fs::write(
        static_dir.join("style.css"),
        css + "\nbody { outline: 3px dashed rgb(1, 2, 3); }\n",
    )
    .unwrap();
    b.wait("getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'");
    assert_eq!(b.eval("window.__mark"), 2, "the page reloaded for a stylesheet");

    // A broken save: an overlay naming the file, over the last good page; the fix clears it.
    std::fs::write(&file, "sku: FX-FB-002\nname: [Training Ball\n").unwrap();
    b.wait("!!document.querySelector('[role=alert]') && document.querySelector('[role=alert]').textContent.includes('products/training-ball.yaml')");
    assert_eq!(b.eval("window.__mark"), 2);
    assert_eq!(
        b.eval("document.querySelector('h1').textContent.includes('Training Ball Live')"),
        true
    );
    std::fs::write(&file, product_yaml("Training Ball Mended")).unwrap();
    b.wait("window.__mark === undefined && !document.querySelector('[role=alert]') && document.querySelector('h1').textContent.includes('Training Ball Mended')");
}

/// The served folder's files get the umask's ordinary permissions, like a build's: its photo
/// variants are copies, never the image cache's private (0600) files.
#[cfg(unix)]
#[test]
fn served_files_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    // What this process (and so the server it starts) gives a new file and folder.
    let probe = tempfile::tempdir().unwrap();
    std::fs::write(probe.path().join("f"), "").unwrap();
    std::fs::create_dir(probe.path().join("d")).unwrap();
    let (file, dir) = (mode(&probe.path().join("f")), mode(&probe.path().join("d")));
    let site = common::shop();
    let server = start_settled(site.path());
    let mut photos = 0;
    for e in walkdir::WalkDir::new(&server.output)
        .into_iter()
        .filter_map(Result::ok)
    {
        let want = if e.file_type().is_dir() { dir } else { file };
        assert_eq!(
            mode(e.path()),
            want,
            "{} is {:o}",
            e.path().display(),
            mode(e.path())
        );
        photos += e.path().extension().is_some_and(|x| x == "webp") as usize;
    }
    assert!(photos > 0);
}

#[cfg(unix)]
#[test]
fn editing_a_german_text_rewrites_german_pages_only() {
    let site = crate::languages::multilingual();
    let mut server = start_settled(site.path());
    let port = server.port;
    let out = server.output.clone();
    let rx = events(port);
    let before = snapshot(&out);
    edit(
        &site.path().join("products/match-ball.yaml"),
        "summary: Handgenähter PU-Spielball",
        "summary: Handgenähter Spielball aus PU",
    );
    wait_event(&rx, "reload");
    let changed = rewritten(&before, &snapshot(&out));
    for f in [
        "de/products/match-ball-pro-size-5/index.html",
        "de/categories/footballs/index.html",
        "de/index.html",
    ] {
        assert!(changed.contains(&f.to_string()), "{f} not rewritten: {changed:?}");
    }
    // Outside de/, only the German search index and the entry naming it.
    let elsewhere: Vec<&String> = changed
        .iter()
        .filter(|f| !f.starts_with("de/"))
        .filter(|f| !(f.starts_with("pagefind/") && (f.contains("de_") || f.ends_with("entry.json"))))
        .collect();
    assert!(elsewhere.is_empty(), "rewritten outside de/: {elsewhere:?}");
    assert!(get(port, "/de/products/match-ball-pro-size-5/")
        .body
        .contains("Handgenähter Spielball aus PU"));
    assert!(server.wait_line("Rebuilt").contains("pages rendered"));
}

/// The shop with the fixture theme `themes/mine` (extends default) as its theme.
fn shop_with_local_theme() -> tempfile::TempDir {
    let site = common::shop();
    let from = common::fixtures().join("themes/mine");
    for p in common::files(&from) {
        let dest = site
            .path()
            .join("themes/mine")
            .join(p.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&p, &dest).unwrap();
    }
    let yaml = site.path().join("site.yaml");
    let text = common::read(&yaml).replace("theme: default\n", "theme: mine\n");
    std::fs::write(&yaml, text).unwrap();
    site
}

#[test]
fn a_local_theme_css_change_swaps_stylesheets() {
    let site = shop_with_local_theme();
    // Settled, as in a_css_change_swaps_stylesheets.
    let server = start_settled(site.path());
    let port = server.port;
    let rx = events(port);
    let css = site.path().join("themes/mine/static/style.css");
    std::fs::write(&css, ".mine-note { color: red }\n").unwrap();
    wait_event(&rx, "css");
    let served = get(port, "/style.css");
    assert!(served.body.contains(".mine-note{color:red}"), "{}", served.body);
}

#[test]
fn a_local_theme_template_edit_reloads_pages() {
    let site = shop_with_local_theme();
    let server = start(site.path());
    let port = server.port;
    let rx = events(port);
    let partial = site
        .path()
        .join("themes/mine/templates/partials/inquiry-form.html");
    let text = common::read(&partial).replace("mine-note", "mine-note edited");
    std::fs::write(&partial, text).unwrap();
    wait_event(&rx, "reload");
    wait_page(port, PRODUCT, "mine-note edited");
}
