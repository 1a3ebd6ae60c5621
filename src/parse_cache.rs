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
    /// The file as read: `old` holds the range of each entry's check and JSON in it, the
    /// check tested when the entry is asked for (on every core, not all at the start).
    text: String,
    old: HashMap<blake3::Hash, Entry>,
    /// The old entries this load used.
    used: Mutex<HashSet<blake3::Hash>>,
    /// The entries this load made, as their JSON.
    fresh: Mutex<Vec<(blake3::Hash, String)>>,
}

#[derive(Debug)]
struct Entry {
    check: Range<usize>,
    json: Range<usize>,
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
                let check_start = start + k.len() + 1;
                let json_start = check_start + check.len() + 1;
                let entry = Entry {
                    check: check_start..json_start - 1,
                    json: json_start..json_start + json.len(),
                };
                old.insert(hash, entry);
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
        let entry = self.old.get(key)?;
        let json = &self.text[entry.json.clone()];
        if self.text[entry.check.clone()] != line_check(&key.to_hex(), json) {
            return None;
        }
        let parsed: Parsed = serde_json::from_str(json).ok()?;
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

    /// Whether this load changed what the file should hold: the entries it used and made.
    pub fn changed(&self) -> bool {
        let used = lock(&self.used).len();
        !lock(&self.fresh).is_empty() || used < self.old.len()
    }

    /// Writes the entries this load used and made, when that is not what the file holds. Only a
    /// speed-up: failing to write is not an error.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        if !self.changed() {
            return;
        }
        let used = lock(&self.used);
        let fresh = lock(&self.fresh);
        let mut text =
            String::with_capacity(self.text.len() + fresh.iter().map(|(_, j)| j.len() + 84).sum::<usize>());
        text.push_str(HEADER);
        text.push('\n');
        let mut push = |key: &str, check: &str, json: &str| {
            for part in [key, "\t", check, "\t", json, "\n"] {
                text.push_str(part);
            }
        };
        let mut written = HashSet::new();
        // Only entries that checked when used go back, with the check they have.
        for (key, entry) in &self.old {
            if used.contains(key) {
                let check = &self.text[entry.check.clone()];
                push(&key.to_hex(), check, &self.text[entry.json.clone()]);
                written.insert(*key);
            }
        }
        for (key, json) in fresh.iter() {
            if written.insert(*key) {
                let k = key.to_hex();
                push(&k, &line_check(&k, json), json);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str) -> Parsed {
        Parsed {
            data: serde_yaml::from_str(&format!("sku: A-1\nname: {name}\n")).unwrap(),
            description_html: None,
            description_text: None,
            slug: "a".into(),
            sku_line: Some(1),
            slug_line: Some(2),
        }
    }

    fn keep(cache: &ParseCache, key: blake3::Hash, p: &Parsed) {
        cache.put(
            key,
            &ParsedRef {
                data: &p.data,
                description_html: &p.description_html,
                description_text: &p.description_text,
                slug: &p.slug,
                sku_line: p.sku_line,
                slug_line: p.slug_line,
            },
        );
    }

    #[test]
    fn a_kept_entry_reads_back_and_a_damaged_one_stays_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new("/site");
        let (good, bad) = (blake3::hash(b"good"), blake3::hash(b"bad"));
        let cache = ParseCache::open(dir.path(), root);
        keep(&cache, good, &parsed("Ball"));
        keep(&cache, bad, &parsed("Glove"));
        cache.save();

        let cache = ParseCache::open(dir.path(), root);
        assert_eq!(cache.get(&good).unwrap().data.name, "Ball");
        let file = cache.file.clone().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("Glove", "Glowe")).unwrap();

        // A load that meets the damage, uses the good entry and makes a new one.
        let cache = ParseCache::open(dir.path(), root);
        assert!(cache.get(&bad).is_none(), "a damaged entry is a miss");
        assert!(cache.get(&good).is_some());
        keep(&cache, blake3::hash(b"new"), &parsed("Cap"));
        cache.save();
        assert!(
            !std::fs::read_to_string(&file).unwrap().contains("Glowe"),
            "the damage is not written back"
        );
        let cache = ParseCache::open(dir.path(), root);
        assert!(cache.get(&bad).is_none(), "the damaged entry got a new check");
        assert_eq!(cache.get(&good).unwrap().data.name, "Ball");
        assert_eq!(cache.get(&blake3::hash(b"new")).unwrap().data.name, "Cap");
        assert_eq!(cache.hits(), 2);
    }
}
