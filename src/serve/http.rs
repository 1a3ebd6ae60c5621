//! The HTTP side of `minisite serve`: only files of the built site, only for this computer's
//! names (DNS rebinding), HTML with the reload script, and the reload event stream.

use super::reload::{self, Hub};
use super::variants::Variants;
use percent_encoding::percent_decode_str;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// What a redirect's Location keeps as is: printable ASCII (the path passed `parse_path`).
const LOCATION: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// What every request handler shares.
pub struct Ctx {
    /// The served output folder (its files are replaced one at a time, each whole).
    pub output: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub hub: Arc<Hub>,
    /// Photo variants still being made: a request for one waits for it.
    pub variants: Option<Arc<Variants>>,
}

/// How long a request for a photo variant not made yet waits for it.
const VARIANT_WAIT: Duration = Duration::from_secs(60);

/// `addr` as it appears in a URL's host part (`[::1]` for IPv6).
pub fn host_of(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    }
}

impl Ctx {
    pub fn new(
        output: PathBuf,
        bind: IpAddr,
        port: u16,
        hub: Arc<Hub>,
        variants: Option<Arc<Variants>>,
    ) -> Ctx {
        Ctx {
            output,
            bind,
            port,
            hub,
            variants,
        }
    }

    /// Whether a `Host` header names this server: the bound address, `localhost` or a loopback
    /// address, with our port. When bound to all interfaces, any IP address with our port (a
    /// DNS-rebinding attack needs a host *name*).
    pub fn host_ok(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            Some((n, p)) if !p.contains(']') => (n.to_string(), p.parse::<u16>().ok()),
            _ => (host.clone(), Some(80)),
        };
        if port != Some(self.port) {
            return false;
        }
        if name == "localhost" || name == host_of(self.bind) {
            return true;
        }
        let ip = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>();
        match ip {
            Ok(ip) => ip.is_loopback() || self.bind.is_unspecified(),
            Err(_) => false,
        }
    }

    /// An `Origin` header is ours when it is `http://` + a host we accept.
    pub fn origin_ok(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|h| !h.contains('/') && self.host_ok(h))
    }
}

/// Answers requests until the server is unblocked.
pub fn serve(server: &tiny_http::Server, ctx: &Arc<Ctx>) {
    while let Ok(req) = server.recv() {
        // A bug in one answer must not cost the server a worker; the dropped request gets a 500.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(ctx, req)));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn send<R: std::io::Read>(req: Request, resp: Response<R>) {
    let resp = resp
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    // A client that went away is not the server's problem.
    let _ = req.respond(resp);
}

fn request_header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

pub fn handle(ctx: &Arc<Ctx>, req: Request) {
    if !request_header(&req, "Host").is_some_and(|h| ctx.host_ok(h)) {
        return send(req, text(403, "Forbidden: unknown Host\n"));
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        return send(
            req,
            text(405, "Method not allowed\n").with_header(header("Allow", "GET, HEAD")),
        );
    }
    let url = req.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url.as_str(), None),
    };
    let path = path.split('#').next().unwrap_or_default();
    if path == reload::EVENTS_PATH {
        if request_header(&req, "Origin").is_some_and(|o| !ctx.origin_ok(o)) {
            return send(req, text(403, "Forbidden: foreign Origin\n"));
        }
        return events(ctx, req);
    }
    if path == reload::SCRIPT_PATH {
        let resp = Response::from_data(reload::SCRIPT.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        return send(req, resp);
    }
    let segments = match parse_path(path) {
        Ok(s) => s,
        Err(status) => {
            return send(
                req,
                text(
                    status,
                    if status == 400 {
                        "Bad request\n"
                    } else {
                        "Not found\n"
                    },
                ),
            )
        }
    };
    let mut found = if ctx.hub.has_built() {
        lookup(&ctx.output, &segments, path.ends_with('/'))
    } else {
        Found::NotBuilt
    };
    if matches!(found, Found::Missing) {
        if let Some(v) = &ctx.variants {
            if v.wait_for(&segments.join("/"), VARIANT_WAIT) {
                found = lookup(&ctx.output, &segments, path.ends_with('/'));
            }
        }
    }
    match found {
        Found::File(file) => file_response(ctx, req, &file, 200),
        Found::Redirect => {
            // Non-ASCII bytes are percent-encoded: header values are ASCII.
            let mut to = percent_encoding::utf8_percent_encode(path, LOCATION).to_string() + "/";
            if let Some(q) = query {
                to.push('?');
                to.push_str(q);
            }
            send(
                req,
                text(301, "Moved permanently\n").with_header(header("Location", &to)),
            )
        }
        Found::Missing => not_found(ctx, req),
        Found::NotBuilt => {
            let page = "<!doctype html><html><head><meta charset=utf-8><title>minisite</title></head><body><p>The site has not built yet; fix the errors shown in the terminal and save.</p></body></html>";
            let resp = Response::from_data(reload::inject(page).into_bytes())
                .with_status_code(StatusCode(503))
                .with_header(header("Content-Type", "text/html; charset=utf-8"));
            send(req, resp)
        }
    }
}

/// The decoded path segments of a request path, or the status to answer with: 400 for what no
/// browser sends for a real page (`..`, backslashes, NUL, double encoding, invalid UTF-8), 404 for
/// hidden files such as the output's `.minisite` marker.
pub fn parse_path(raw: &str) -> Result<Vec<String>, u16> {
    if !raw.starts_with('/') || raw.starts_with("//") || raw.contains('\\') {
        return Err(400);
    }
    let bytes: Vec<u8> = percent_decode_str(raw).collect();
    // A `%` left after decoding is double encoding (`%252e` → `%2e`): no file of a build has one.
    if bytes.iter().any(|&b| b == 0 || b == b'\\' || b == b'%') {
        return Err(400);
    }
    let decoded = String::from_utf8(bytes).map_err(|_| 400u16)?;
    let mut segments = Vec::new();
    let inner = decoded.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return Ok(segments);
    }
    for seg in inner.split('/') {
        match seg {
            "." | ".." => return Err(400),
            "" => return Err(404),
            s if s.starts_with('.') => return Err(404),
            s => segments.push(s.to_string()),
        }
    }
    Ok(segments)
}

enum Found {
    File(PathBuf),
    Redirect,
    Missing,
    NotBuilt,
}

/// The output folder, canonical; waits out the instant a build swaps it.
fn output_root(output: &Path) -> Option<PathBuf> {
    for _ in 0..20 {
        if let Ok(p) = output.canonicalize() {
            return Some(p);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    None
}

/// Finds the file for `segments` inside `output`, refusing anything (a symlink) that resolves outside.
fn lookup(output: &Path, segments: &[String], trailing_slash: bool) -> Found {
    let Some(root) = output_root(output) else {
        return Found::NotBuilt;
    };
    let mut p = root.clone();
    p.extend(segments);
    let Ok(real) = p.canonicalize() else {
        return Found::Missing;
    };
    if !real.starts_with(&root) {
        return Found::Missing;
    }
    if real.is_dir() {
        if !trailing_slash && !segments.is_empty() {
            return Found::Redirect;
        }
        return match real.join("index.html").canonicalize() {
            Ok(index) if index.starts_with(&root) && index.is_file() => Found::File(index),
            _ => Found::Missing,
        };
    }
    if trailing_slash || !real.is_file() {
        return Found::Missing;
    }
    Found::File(real)
}

/// The Content-Type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn file_response(ctx: &Arc<Ctx>, req: Request, file: &Path, status: u16) {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(_) => return not_found(ctx, req),
    };
    let ct = content_type(file);
    let body = if ct.starts_with("text/html") {
        reload::inject(&String::from_utf8_lossy(&bytes)).into_bytes()
    } else {
        bytes
    };
    let resp = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", ct));
    send(req, resp)
}

/// 404 with the site's own 404.html.
fn not_found(ctx: &Arc<Ctx>, req: Request) {
    let page = output_root(&ctx.output)
        .map(|r| r.join("404.html"))
        .and_then(|p| std::fs::read_to_string(p).ok());
    match page {
        Some(html) => {
            let resp = Response::from_data(reload::inject(&html).into_bytes())
                .with_status_code(StatusCode(404))
                .with_header(header("Content-Type", "text/html; charset=utf-8"));
            send(req, resp)
        }
        None => send(req, text(404, "Not found\n")),
    }
}

/// The reload stream: a thread per open page, writing events as builds finish.
fn events(ctx: &Arc<Ctx>, req: Request) {
    let Some(rx) = ctx.hub.subscribe() else {
        return send(req, text(503, "Too many open pages\n"));
    };
    let head_only = *req.method() == Method::Head;
    std::thread::spawn(move || {
        let mut w = req.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
        if w.write_all(head.as_bytes()).is_err() || head_only {
            let _ = w.flush();
            return;
        }
        let mut next = Some(": connected\nretry: 1000\n\n".to_string());
        loop {
            let msg = match next.take() {
                Some(m) => m,
                None => match rx.recv_timeout(Duration::from_secs(15)) {
                    Ok(m) => m,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                },
            };
            if w.write_all(msg.as_bytes()).is_err() || w.flush().is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(bind: &str) -> Ctx {
        Ctx::new(
            PathBuf::from("/nowhere"),
            bind.parse().unwrap(),
            1111,
            Arc::default(),
            None,
        )
    }

    #[test]
    fn paths() {
        assert_eq!(parse_path("/"), Ok(vec![]));
        assert_eq!(
            parse_path("/products/ball/"),
            Ok(vec!["products".into(), "ball".into()])
        );
        assert_eq!(parse_path("/a%20b.jpg"), Ok(vec!["a b.jpg".into()]));
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/",
            "/%252e%252e/",
            "/a\\b",
            "/a%5cb",
            "/a%00b",
            "/%ff",
            "//evil.example/",
            "relative",
            "/./a",
        ] {
            assert_eq!(parse_path(bad), Err(400), "{bad}");
        }
        assert_eq!(parse_path("/.minisite"), Err(404));
        assert_eq!(parse_path("/a//b"), Err(404));
    }

    #[test]
    fn hosts() {
        let c = ctx("127.0.0.1");
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111", "[::1]:1111"] {
            assert!(c.host_ok(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost:1112",
            "localhost",
            "10.0.0.2:1111",
        ] {
            assert!(!c.host_ok(bad), "{bad}");
        }
        assert!(c.origin_ok("http://localhost:1111"));
        assert!(!c.origin_ok("http://evil.example:1111"));
        assert!(!c.origin_ok("https://localhost:1111/x"));
        let all = ctx("0.0.0.0");
        assert!(all.host_ok("192.168.1.20:1111"));
        assert!(!all.host_ok("evil.example:1111"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_output_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        std::fs::create_dir_all(out.join("inside")).unwrap();
        std::fs::write(out.join("inside/index.html"), "in").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), out.join("up")).unwrap();
        std::os::unix::fs::symlink(out.join("inside"), out.join("alias")).unwrap();
        let seg = |s: &str| parse_path(s).unwrap();
        assert!(matches!(lookup(&out, &seg("/leak.txt"), false), Found::Missing));
        assert!(matches!(
            lookup(&out, &seg("/up/secret.txt"), false),
            Found::Missing
        ));
        assert!(matches!(lookup(&out, &seg("/up/"), true), Found::Missing));
        assert!(matches!(lookup(&out, &seg("/alias/"), true), Found::File(_)));
        assert!(matches!(lookup(&out, &seg("/inside"), false), Found::Redirect));
        assert!(matches!(
            lookup(&tmp.path().join("gone"), &seg("/"), true),
            Found::NotBuilt
        ));
    }

    #[test]
    fn types() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.WEBP")), "image/webp");
        assert_eq!(content_type(Path::new("sitemap.xml")), "application/xml");
    }
}
