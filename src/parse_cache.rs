//! Products as an earlier build parsed them, by the text of their file: a rebuild reads each
//! unchanged product back from JSON instead of parsing its YAML and markdown again (YAML parsing
//! was about a quarter of a no-op rebuild's CPU at 10,000 products).
//!
//! Only speed: a missing, damaged or foreign file, a line that does not check, or an entry this
//! minisite cannot read is a miss, and the product is parsed as if new. Only products that
//! passed every check are kept, so every error still comes from a fresh parse, with its place.

use crate::catalog::ProductData;
use crate::config::SiteConfig;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The first line of the file; a file that starts otherwise is not read.
const HEADER: &str = concat!("minisite-products 1 ", env!("MINISITE_CODE_ID"));

/// What parsing and checking a product file gave, but the file's own text.
#[derive(Debug, Serialize, Deserialize)]
pub struct Parsed {
    /// With its translations keyed by canonical codes, as checking leaves them.
    pub data: ProductData,
    pub description_html: Option<String>,
    pub description_text: Option<String>,
    pub slug: String,
    pub sku_line: Option<usize>,
    pub slug_line: Option<usize>,
}

/// [`Parsed`] borrowed from a product, to keep it without copying it.
#[derive(Serialize)]
pub struct ParsedRef<'a> {
    pub data: &'a ProductData,
    pub description_html: &'a Option<String>,
    pub description_text: &'a Option<String>,
    pub slug: &'a str,
    pub sku_line: Option<usize>,
    pub slug_line: Option<usize>,
}

/// One site's parsed products, read at the start of a load and written back after it.
#[derive(Debug, Default)]
pub struct ParseCache {
    file: Option<PathBuf>,
    /// The file as read: `old` holds the range of each entry's JSON in it.
    text: String,
    old: HashMap<blake3::Hash, Range<usize>>,
    /// The old entries this load used.
    used: Mutex<HashSet<blake3::Hash>>,
    /// The entries this load made, as their JSON.
    fresh: Mutex<Vec<(blake3::Hash, String)>>,
}

/// The key of a product file's text: everything its parse depends on besides the text is in it,
/// so a change to any of those is a miss rather than a stale product.
pub fn key(config: &SiteConfig, text: &str) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(HEADER.as_bytes());
    // Translations are checked against the site's languages and keyed by them.
    h.update(config.language.as_bytes());
    for (code, _) in &config.languages {
        h.update(b"\0");
        h.update(code.as_bytes());
    }
    h.update(&[u8::from(config.unsafe_html), u8::from(config.clean_links), b'\n']);
    h.update(text.as_bytes());
    h.finalize()
}

/// The start of the hash of an entry's key and JSON: an entry changed by anything but minisite
/// no longer matches and is ignored.
fn line_check(key: &str, json: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(key.as_bytes());
    h.update(b"\t");
    h.update(json.as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

impl ParseCache {
    /// Reads the entries kept in `cache_dir` for the site at `site_root` (one file per site, as
    /// sites may share a cache folder).
    pub fn open(cache_dir: &Path, site_root: &Path) -> ParseCache {
        let name = blake3::hash(site_root.as_os_str().as_encoded_bytes()).to_hex();
        let file = cache_dir.join("products").join(&name[..32]);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut old = HashMap::new();
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim_end) == Some(HEADER) {
            let mut at = HEADER.len() + 1;
            for line in lines {
                let start = at;
                at += line.len();
                let Some(body) = line.strip_suffix('\n') else {
                    continue; // cut short by a crash or a full disk
                };
                let mut cols = body.splitn(3, '\t');
                let (Some(k), Some(check), Some(json)) = (cols.next(), cols.next(), cols.next()) else {
                    continue;
                };
                let Ok(hash) = blake3::Hash::from_hex(k) else {
                    continue;
                };
                if check == line_check(k, json) {
                    let json_start = start + k.len() + check.len() + 2;
                    old.insert(hash, json_start..json_start + json.len());
                }
            }
        }
        ParseCache {
            file: Some(file),
            text,
            old,
            ..Default::default()
        }
    }

    /// The product kept under `key`, if there is one this minisite can read.
    pub fn get(&self, key: &blake3::Hash) -> Option<Parsed> {
        let range = self.old.get(key)?;
        let parsed: Parsed = serde_json::from_str(&self.text[range.clone()]).ok()?;
        lock(&self.used).insert(*key);
        Some(parsed)
    }

    /// How many products this load took from here.
    pub fn hits(&self) -> usize {
        lock(&self.used).len()
    }

    /// Keeps `parsed` under `key` for the next load, if it reads back as itself (a value JSON
    /// cannot carry exactly is simply parsed again next time).
    pub fn put(&self, key: blake3::Hash, parsed: &ParsedRef) {
        let Ok(json) = serde_json::to_string(parsed) else {
            return;
        };
        let again = serde_json::from_str::<Parsed>(&json).and_then(|p| serde_json::to_string(&p));
        if again.is_ok_and(|a| a == json) {
            lock(&self.fresh).push((key, json));
        }
    }

    /// Writes the entries back when this load changed them: the ones it used and made, and with
    /// `keep_unused` the others too (`serve` takes unchanged products from memory, not from here).
    /// Only a speed-up: failing to write is not an error.
    pub fn save(&self, keep_unused: bool) {
        let Some(file) = &self.file else { return };
        let used = lock(&self.used);
        let fresh = lock(&self.fresh);
        if fresh.is_empty() && (keep_unused || used.len() == self.old.len()) {
            return;
        }
        let mut text =
            String::with_capacity(self.text.len() + fresh.iter().map(|(_, j)| j.len() + 84).sum::<usize>());
        text.push_str(HEADER);
        text.push('\n');
        let mut push = |key: &blake3::Hash, json: &str| {
            let k = key.to_hex();
            text.push_str(&k);
            text.push('\t');
            text.push_str(&line_check(&k, json));
            text.push('\t');
            text.push_str(json);
            text.push('\n');
        };
        let mut written = HashSet::new();
        for (key, range) in &self.old {
            if keep_unused || used.contains(key) {
                push(key, &self.text[range.clone()]);
                written.insert(*key);
            }
        }
        for (key, json) in fresh.iter() {
            if written.insert(*key) {
                push(key, json);
            }
        }
        let _ = write_atomically(file, text.as_bytes());
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // A folder in the file's place is a damaged cache; left there, no load would be saved.
    if std::fs::symlink_metadata(file).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(file)?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}
