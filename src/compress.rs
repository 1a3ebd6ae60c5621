//! `compress: true`: a `.br` and a `.gz` beside each text file, for hosts that serve them as
//! they are (nginx's `gzip_static`/`brotli_static`, see docs/hosting.md) instead of compressing
//! each response. Made as the file is written, on the thread that made it, and kept with it.

use crate::error::Result;
use crate::publish::{Entry, PhotoWork, Published, Sink};
use crate::Site;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

/// Brotli quality, measured on 300 pages of a generated 1,000-product shop (6.0 MB): q8 makes
/// 16.5% of the bytes in 0.6 s, q10 15.1% in 4.8 s, q11 14.7% in 11 s (q7 and q9 are slower
/// than q8 for the same size). q10: most of q11's gain at under half its time, and only pages
/// that changed are compressed again.
const BROTLI_QUALITY: u32 = 10;
/// Brotli's window (log2 of bytes): 22 is its default and what decoders expect.
const BROTLI_WINDOW: u32 = 22;

/// The files hosts send as text, which compress well (photos are compressed already).
pub fn is_text(rel: &str) -> bool {
    let ext = rel.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "html" | "css" | "js" | "mjs" | "xml" | "txt" | "svg" | "json" | "csv" | "webmanifest"
    )
}

/// The two encodings, by file name suffix.
const SUFFIXES: [&str; 2] = [".br", ".gz"];

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        lgwin: BROTLI_WINDOW as i32,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut input = bytes;
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    // No file name or time in the header (flate2 writes neither by default): the same page
    // gives the same bytes, so rebuilds and deploys see no change.
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// A sink that writes the compressed copies of each text file beside it, through `inner`.
pub struct Compressing<'a> {
    pub inner: &'a dyn Sink,
    /// The output being replaced: a kept file keeps its copies only if they were published.
    pub last: Option<&'a Published>,
    made: Mutex<HashMap<String, Entry>>,
}

impl<'a> Compressing<'a> {
    pub fn new(inner: &'a dyn Sink, last: Option<&'a Published>) -> Self {
        Compressing {
            inner,
            last,
            made: Mutex::default(),
        }
    }

    /// Adds the copies written or kept to `published`, which lists the files themselves.
    pub fn finish(self, published: &mut Published) {
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        // Only copies of files this publication has: one whose file failed later is not listed.
        for (path, entry) in made {
            let file = SUFFIXES.iter().find_map(|s| path.strip_suffix(s));
            if file.is_some_and(|f| published.files.contains_key(f)) {
                published.files.insert(path, entry);
            }
        }
    }

    fn note(&self, rel: String, entry: Entry) {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel, entry);
    }
}

impl Sink for Compressing<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.inner.put(rel, bytes)?;
        if !is_text(rel) {
            return Ok(());
        }
        let content = blake3::hash(bytes);
        for (suffix, packed) in SUFFIXES.iter().zip([brotli(bytes), gzip(bytes)]) {
            let path = format!("{rel}{suffix}");
            self.inner.put(&path, &packed)?;
            // A copy is made from its file's bytes: their hash is its fingerprint.
            let entry = Entry {
                print: content,
                content: blake3::hash(&packed),
            };
            self.note(path, entry);
        }
        Ok(())
    }

    /// A file is kept only with both its copies as published with it, so a kept page never
    /// has a missing or stale `.br` beside it: otherwise it is made again, copies and all.
    fn keep(&self, rel: &str, content: &blake3::Hash) -> bool {
        if !is_text(rel) {
            return self.inner.keep(rel, content);
        }
        let last = |path: &str| self.last.and_then(|l| l.files.get(path)).copied();
        let copies: Vec<(String, Entry)> = SUFFIXES
            .iter()
            .map(|s| format!("{rel}{s}"))
            .filter_map(|p| last(&p).filter(|e| e.print == *content).map(|e| (p, e)))
            .collect();
        if copies.len() != SUFFIXES.len() || !self.inner.keep(rel, content) {
            return false;
        }
        for (path, entry) in copies {
            if !self.inner.keep(&path, &entry.content) {
                return false;
            }
            self.note(path, entry);
        }
        true
    }

    fn photos(&self, site: &Site) -> Result<PhotoWork> {
        self.inner.photos(site)
    }

    fn stopping(&self) -> bool {
        self.inner.stopping()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_are_told_by_their_extension() {
        for t in [
            "index.html",
            "style.css",
            "feeds/google.XML",
            "robots.txt",
            "a/site.webmanifest",
            "logo.svg",
        ] {
            assert!(is_text(t), "{t}");
        }
        for b in [
            "images/a-1-480x360.webp",
            "brand/logo.png",
            "index.html.br",
            "noext",
        ] {
            assert!(!is_text(b), "{b}");
        }
    }

    #[test]
    fn gzip_of_the_same_bytes_is_the_same_bytes() {
        let page = "<p>hello</p>".repeat(100);
        assert_eq!(gzip(page.as_bytes()), gzip(page.as_bytes()));
        assert!(brotli(page.as_bytes()).len() < page.len() / 10);
    }
}
