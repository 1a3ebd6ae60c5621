//! `minisite serve` end to end: a real server process on loopback, real files, real HTTP.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// The server process; killed when dropped, even when a test fails.
struct Server {
    child: Child,
    port: u16,
    /// The temporary folder the server builds into.
    output: std::path::PathBuf,
}

impl Server {
    /// Ctrl-C: the server removes its temporary output and exits; true if it did within 10 s.
    fn interrupt(&mut self) -> Option<std::process::ExitStatus> {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Some(status);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.interrupt().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start(site: &Path) -> Server {
    start_with(site, &["--port", "0"])
}

fn start_with(site: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args(["serve", site.to_str().unwrap()])
        .args(extra)
        .env_remove("MINISITE_CACHE_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Owned by the guard from here on: killed even if the URL never comes.
    let mut server = Server {
        child,
        port: 0,
        output: Default::default(),
    };
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match rx.recv_timeout(left) {
            Ok(l) => l,
            Err(_) => panic!("the server printed no URL within {WAIT:?}"),
        };
        if let Some(out) = line.strip_prefix("Output: ") {
            server.output = out.rsplit_once(" (temporary").unwrap().0.into();
        }
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
        {
            let port = url
                .trim_start_matches("http://127.0.0.1:")
                .trim_end_matches('/')
                .parse()
                .unwrap();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || {
                while let Ok(l) = rx.recv() {
                    eprintln!("OUT {l}");
                }
            });
            server.port = port;
            return server;
        }
    }
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
    assert!(home.body.contains(&format!("{tag}\n</body>")), "{}", home.body);

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

#[test]
fn a_css_change_swaps_stylesheets() {
    let site = common::shop();
    let dir = site.path().join("static");
    std::fs::create_dir_all(&dir).unwrap();
    let server = start(site.path());
    let port = server.port;
    let rx = events(port);
    std::fs::write(dir.join("extra.css"), "body { color: red }\n").unwrap();
    wait_event(&rx, "css");
    let css = get(port, "/extra.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("color: red"));
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
