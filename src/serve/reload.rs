//! Live reload: open pages listen to a Server-Sent Events stream and reload, swap stylesheets, or
//! show the errors of a broken build in an overlay.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

/// Where the injected script lives and where it listens.
pub const SCRIPT_PATH: &str = "/__minisite/reload.js";
pub const EVENTS_PATH: &str = "/__minisite/events";
/// The tag put before `</body>` of every HTML page the server sends (never in `minisite build` output).
pub const SCRIPT_TAG: &str = "<script src=\"/__minisite/reload.js\"></script>";

/// Open event streams get no more than this many; more are refused.
pub const MAX_CLIENTS: usize = 64;

/// The script: `reload` reloads the page, `css` re-fetches the stylesheets, `error` shows an
/// overlay with the build's errors (file, line, message) until the next good build.
pub const SCRIPT: &str = r#"(() => {
  "use strict";
  if (!window.EventSource) return;
  let box = null;
  const clear = () => { if (box) { box.remove(); box = null; } };
  const show = (text) => {
    clear();
    box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;" +
      "background:rgba(24,8,8,.94);color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
    const head = document.createElement("p");
    head.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ff8a80;";
    head.textContent = "minisite: the last save has errors; this page is the last good build. Fix and save to continue.";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.style.cssText = "float:right;font:inherit;";
    close.onclick = clear;
    const pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap;";
    pre.textContent = text;
    box.append(close, head, pre);
    document.body.append(box);
  };
  const swapCss = () => {
    clear();
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("minisite-reload", Date.now());
      const next = link.cloneNode();
      next.href = url.href;
      next.onload = next.onerror = () => link.remove();
      link.after(next);
    }
  };
  const es = new EventSource("/__minisite/events");
  // Lets a test driving a browser know the page listens (a global, so the page's DOM is untouched).
  es.addEventListener("open", () => { window.__minisiteLive = true; });
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("css", swapCss);
  // A plain "error" Event (no data) is the connection dropping; EventSource reconnects by itself.
  es.addEventListener("error", (e) => { if (typeof e.data === "string") show(e.data); });
})();
"#;

/// Inserts the reload script before the last `</body>`, or at the end when there is none.
pub fn inject(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let at = lower.rfind("</body>").unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + SCRIPT_TAG.len() + 1);
    out.push_str(&html[..at]);
    out.push_str(SCRIPT_TAG);
    out.push('\n');
    out.push_str(&html[at..]);
    out
}

/// One SSE message; multi-line data becomes several `data:` lines.
pub fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The open event streams and the state of the last build.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
    /// The errors of the last build, when it failed.
    error: Mutex<Option<String>>,
    /// Some build succeeded: there are pages to serve.
    good: AtomicBool,
}

impl Hub {
    /// A new listener; when the last build failed it gets its errors at once. None when full.
    pub fn subscribe(&self) -> Option<Receiver<String>> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_CLIENTS {
            return None;
        }
        let (tx, rx) = channel();
        if let Some(text) = &*self.error.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = tx.send(event("error", text));
        }
        clients.push(tx);
        Some(rx)
    }

    /// Sends `msg` to every listener, forgetting the ones that went away.
    fn broadcast(&self, msg: String) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(msg.clone()).is_ok());
    }

    /// A good build: stylesheets only changed (and no errors to clear) → `css`, else `reload`.
    pub fn built(&self, css_only: bool) {
        self.good.store(true, Ordering::SeqCst);
        let had_error = self
            .error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some();
        let name = if css_only && !had_error { "css" } else { "reload" };
        self.broadcast(event(name, ""));
    }

    /// A failed build: the pages stay as they were and show `text` in an overlay.
    pub fn failed(&self, text: String) {
        *self.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(text.clone());
        self.broadcast(event("error", &text));
    }

    /// Whether a build succeeded since the server started.
    pub fn has_built(&self) -> bool {
        self.good.load(Ordering::SeqCst)
    }

    /// Whether the last build failed.
    pub fn has_error(&self) -> bool {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        assert_eq!(
            inject("<p>a</p></BODY></html>"),
            format!("<p>a</p>{SCRIPT_TAG}\n</BODY></html>")
        );
        assert_eq!(inject("<p>a</p>"), format!("<p>a</p>{SCRIPT_TAG}\n"));
    }

    #[test]
    fn multi_line_data() {
        assert_eq!(event("error", "a\r\nb"), "event: error\ndata: a\ndata: b\n\n");
        assert_eq!(event("reload", ""), "event: reload\ndata: \n\n");
    }

    #[test]
    fn late_listeners_see_the_current_error_and_good_builds_clear_it() {
        let hub = Hub::default();
        hub.failed("x.yaml:1: bad".into());
        let rx = hub.subscribe().unwrap();
        assert!(rx.try_recv().unwrap().starts_with("event: error\n"));
        hub.built(true);
        assert!(rx.try_recv().unwrap().starts_with("event: reload\n"));
        hub.built(true);
        assert!(rx.try_recv().unwrap().starts_with("event: css\n"));
        assert!(!hub.has_error());
    }
}
