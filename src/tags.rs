//! Tags as pages: each tag's address (`tags/<slug>/`), and which products carry it.
//!
//! A tag's slug keeps the letters and digits of any script (`qualität`, Arabic tags in Arabic
//! letters), so buyers read their own words in the address; the folder is written in UTF-8 and
//! browsers percent-encode the link when they ask for it. Symbols and emoji are dropped
//! (`⭐ bestseller` → `bestseller`). Tags that differ only by case are one tag, shown as its first
//! product (in catalogue order) writes it. Two different tags that would get the same slug, a tag
//! with no letter or digit, and a tag whose slug is a name reserved inside `tags/` get a short
//! hash of their text appended (or as their slug), so every address is distinct, never empty and
//! the same from one build to the next for the same tags.

use crate::catalog::Product;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Slugs that are not a tag's own: `page` is where a paginated tags index would go.
const RESERVED: &[&str] = &["page"];

/// A tag address longer than this is cut (file names are at most 255 bytes; Arabic letters
/// take two bytes each).
const MAX_CHARS: usize = 80;

/// One tag of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// As the seller wrote it (its first spelling in catalogue order).
    pub name: String,
    pub slug: String,
    /// Indexes into the catalogue's products, in catalogue order.
    pub products: Vec<usize>,
}

/// Every tag of a catalogue, in the order of their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    pub list: Vec<Tag>,
    /// Index into `list` by the tag's [`key`].
    by_key: HashMap<String, usize>,
}

/// What makes two tags the same tag: their text without case or surrounding spaces.
fn key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// The slug a tag's text makes on its own, possibly empty: lowercase letters and digits of any
/// script, runs of anything else between them as one `-`, symbols and emoji dropped.
pub fn base_slug(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else if c.is_whitespace() || is_separator(c) {
            gap = true;
        }
        // Anything else (emoji, symbols, marks) is dropped without separating the words.
    }
    cut(&out, MAX_CHARS)
}

/// Punctuation that separates words in a tag (`blue/green`, `hand-made`, `a.b`).
fn is_separator(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '،' | '؛' | '、' | '，' | '·' | '–' | '—')
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    match head.rfind('-') {
        Some(i) if i > 0 => head[..i].to_string(),
        _ => head,
    }
}

/// A short, stable name for a tag's text.
fn short_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..8].to_string()
}

impl Tags {
    /// The tags of `products`, each with its address and the products carrying it.
    pub fn of(products: &[Arc<Product>]) -> Tags {
        let mut names: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (i, p) in products.iter().enumerate() {
            for t in &p.data.tags {
                let entry = names
                    .entry(key(t))
                    .or_insert_with(|| (t.trim().to_string(), Vec::new()));
                // A product naming a tag twice is listed once.
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            }
        }
        // Slugs are given in the order of the tags' keys: which of two colliding tags keeps the
        // plain slug does not depend on the order products are read in.
        let mut taken: HashSet<String> = HashSet::new();
        let mut list = Vec::with_capacity(names.len());
        let mut by_key = HashMap::with_capacity(names.len());
        for (k, (name, items)) in names {
            let base = base_slug(&name);
            let plain_ok = !base.is_empty() && !RESERVED.contains(&base.as_str());
            let mut slug = if plain_ok && !taken.contains(&base) {
                base.clone()
            } else if base.is_empty() {
                format!("tag-{}", short_hash(&k))
            } else {
                format!("{base}-{}", short_hash(&k))
            };
            // A hashed slug equal to another tag's own text (`x-1a2b3c4d`) is hashed again.
            while taken.contains(&slug) {
                slug = format!("{slug}-{}", short_hash(&slug));
            }
            taken.insert(slug.clone());
            by_key.insert(k, list.len());
            list.push(Tag {
                name,
                slug,
                products: items,
            });
        }
        Tags { list, by_key }
    }

    /// The tag `text` names (any case), if a product carries it.
    pub fn get(&self, text: &str) -> Option<&Tag> {
        self.by_key.get(&key(text)).map(|&i| &self.list[i])
    }
}

/// Site path of a tag's page.
pub fn tag_url(tag: &Tag) -> String {
    format!("tags/{}/", tag.slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_every_script_and_drop_symbols() {
        assert_eq!(base_slug("Qualität"), "qualität");
        assert_eq!(base_slug("quality"), "quality");
        assert_eq!(base_slug("⭐ bestseller"), "bestseller");
        assert_eq!(base_slug("Blue / Green  cotton"), "blue-green-cotton");
        assert_eq!(base_slug("جلد طبيعي"), "جلد-طبيعي");
        assert_eq!(base_slug("★★★"), "");
        assert_eq!(base_slug("100% cotton"), "100-cotton");
    }

    #[test]
    fn long_tags_are_cut_at_a_word() {
        let long = "word ".repeat(40);
        let s = base_slug(&long);
        assert!(s.chars().count() <= MAX_CHARS && !s.ends_with('-'), "{s}");
    }
}
