//! Headless Chromium over the DevTools protocol, and a plain static file server to point it at:
//! what the browser tests (live reload, layout, search, filters, the inquiry list) share.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

// A bound for a hang, not a speed test: generous, since CI machines may be busy.
const WAIT: Duration = Duration::from_secs(60);

/// Headless Chromium driven over the DevTools protocol: the injected script in a real browser
/// (and, from `build`, the theme's layout at phone widths).
pub(crate) struct Browser {
    ws: tungstenite::WebSocket<TcpStream>,
    next: u64,
    // Dropped after the socket: the browser is killed last, its profile removed after it.
    _child: KillOnDrop,
    _profile: tempfile::TempDir,
}

/// Owns the browser process from the moment it starts, so a failing step of `launch` (or of a
/// test) never leaves a headless Chromium running after the tests.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Browser {
    pub(crate) fn launch() -> Browser {
        let exe = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(&exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {exe} ({e}); .ci/run installs it: apt-get install -y chromium")
            });
        let stderr = child.stderr.take().unwrap();
        let child = KillOnDrop(child);
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let browser_ws = rx
            .recv_timeout(WAIT)
            .expect("Chromium did not open its DevTools port");
        let port: u16 = browser_ws
            .trim_start_matches("ws://127.0.0.1:")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // The page target opened on about:blank.
        let list = devtools_list(port);
        let targets: serde_json::Value = serde_json::from_str(&list).unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .unwrap_or_else(|| panic!("no page target in {list}"));
        let url = page["webSocketDebuggerUrl"].as_str().unwrap().to_string();
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).unwrap();
        Browser {
            _child: child,
            ws,
            next: 0,
            _profile: profile,
        }
    }

    pub(crate) fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// The reply's result, or its error object.
    fn try_call(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        self.next += 1;
        let id = self.next;
        let msg = serde_json::json!({"id": id, "method": method, "params": params});
        self.ws.send(tungstenite::Message::text(msg.to_string())).unwrap();
        loop {
            let reply = self.ws.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            if v["id"] == id {
                return match v.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(v["result"].clone()),
                };
            }
        }
    }

    /// The value of a JavaScript expression in the page. A live reload can land between two
    /// steps of a test; Chromium then answers "Inspected target navigated or closed" (or has no
    /// context yet), so the expression is asked again in the new page until WAIT runs out.
    pub(crate) fn eval(&mut self, expr: &str) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let params = serde_json::json!({"expression": expr, "returnByValue": true});
            match self.try_call("Runtime.evaluate", params) {
                Ok(r) => return r["result"]["value"].clone(),
                Err(e) if Instant::now() < deadline && navigating(&e) => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(e) => panic!("Runtime.evaluate {expr}: {e}"),
            }
        }
    }

    /// Waits until `expr` is true in the page.
    pub(crate) fn wait(&mut self, expr: &str) {
        let deadline = Instant::now() + WAIT;
        while self.eval(expr) != serde_json::Value::Bool(true) {
            if Instant::now() >= deadline {
                let why = self.eval("JSON.stringify({state: document.readyState, href: location.href, live: window.__minisiteLive, pending: Array.from(document.images).filter(i => !i.complete).map(i => i.currentSrc || i.src), title: document.title})");
                panic!("never true in the browser: {expr}\nthe page then: {why}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Chromium's errors for a page that is between two documents.
fn navigating(error: &serde_json::Value) -> bool {
    let message = error["message"].as_str().unwrap_or_default();
    message.contains("navigated or closed") || message.contains("context")
}

/// The DevTools HTTP endpoint's list of targets (it keeps the connection open: read by length).
fn devtools_list(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(s, "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut len = 0;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                len = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

impl Browser {
    /// Opens `url` and waits until the page and its deferred scripts have run.
    pub(crate) fn goto(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({ "url": url }));
        self.wait(&format!(
            "location.href === {} && document.readyState === 'complete'",
            serde_json::Value::String(url.to_string())
        ));
    }
}

/// A plain static web server on loopback for a built output folder, as any host serves one:
/// `DIR/` answers with `DIR/index.html`, a missing file with `404.html` and status 404, the
/// query string is ignored. `prefix` ("/" or "/shop/") puts the site in a sub-folder.
/// The thread ends with the test process.
pub(crate) struct StaticServer {
    /// `http://127.0.0.1:PORT/prefix/`, ending in '/'.
    pub(crate) base: String,
}

impl StaticServer {
    pub(crate) fn start(root: &Path, prefix: &str) -> StaticServer {
        assert!(prefix.starts_with('/') && prefix.ends_with('/'), "{prefix}");
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = root.to_path_buf();
        let prefix = prefix.to_string();
        let base = format!("http://127.0.0.1:{port}{prefix}");
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (root, prefix) = (root.clone(), prefix.clone());
                std::thread::spawn(move || answer(stream, &root, &prefix));
            }
        });
        StaticServer { base }
    }
}

fn answer(stream: TcpStream, root: &Path, prefix: &str) {
    let _ = stream.set_read_timeout(Some(WAIT));
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers are read and dropped: this server answers every request the same way.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim_end().is_empty() => break,
            Ok(_) => {}
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, file) = match lookup(root, prefix, path) {
        Some(file) => ("200 OK", file),
        None => ("404 Not Found", root.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        content_type(&file),
        body.len()
    );
    let mut stream = &stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The file a request path names, never one outside `root`.
fn lookup(root: &Path, prefix: &str, path: &str) -> Option<PathBuf> {
    let rel = path.strip_prefix(prefix)?;
    let rel = percent_encoding::percent_decode_str(rel).decode_utf8().ok()?;
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    let mut file = root.join(rel.as_ref());
    if rel.is_empty() || rel.ends_with('/') {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A seller's site hosted in a sub-folder of someone else's domain: every link and the
/// stylesheet resolve inside the folder, because pages link relative to themselves.
#[test]
fn a_built_site_works_in_a_sub_folder() {
    let site = crate::common::shop();
    let out = crate::common::build(site.path());
    let server = StaticServer::start(&out, "/shop/");
    let mut b = Browser::launch();
    b.goto(&server.base);
    assert_eq!(
        b.eval("[...document.styleSheets].some(s => s.href && s.href.includes('/shop/') && s.cssRules.length > 0)"),
        true,
        "the stylesheet did not load from the sub-folder"
    );
    let product = b.eval("document.querySelector('.card-link').href");
    let product = product.as_str().unwrap().to_string();
    assert!(product.starts_with(&server.base), "{product}");
    b.goto(&product);
    assert_eq!(
        b.eval("!!document.querySelector('h1') && document.title.length > 0"),
        true
    );
    let missing = format!("{}no-such-page/", server.base);
    b.goto(&missing);
    assert_eq!(
        b.eval("document.querySelector('h1').textContent.length > 0"),
        true,
        "the 404 page"
    );
}
