//! Product search: one Pagefind record per published product in each language, made from the
//! catalogue and the same product views the cards show (no second parse of the HTML), and the
//! Pagefind bundle built from them (`pagefind/`: its script, one wasm and index per language).
//! The theme's `search.js` asks Pagefind's JS API and draws the results as product cards.
//!
//! Pagefind's `extended` feature (a CJK word segmenter) is off: no example shop is in Chinese,
//! and it segments only at indexing time, not the buyer's query; Chinese text is still found by
//! prefix of its runs of characters.

use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::views::ProductView;
use crate::Site;
use std::collections::BTreeMap;

/// Where the bundle is in the output; pages load `pagefind/pagefind.js` from the site's root.
pub const DIR: &str = "pagefind/";

/// Pagefind's files the theme does not use: its own UIs (we draw our own cards), the highlight
/// script and the playground.
fn unused(name: &str) -> bool {
    name.starts_with("pagefind-ui.")
        || name.starts_with("pagefind-modular-ui.")
        || name.starts_with("pagefind-component-ui.")
        || name.starts_with("pagefind-highlight.")
        || name.starts_with("playground/")
}

/// The meta fields whose words Pagefind indexes (the patched Pagefind's `searchable_meta`, see
/// vendor/pagefind/PATCHES.md): the name and SKU, which the content has too. The card's other
/// fields (image addresses, sizes, the inquiry's JSON) are only shown: indexed, as Pagefind 1.6
/// does, their words were a quarter of the index's word locations and ~40 % of its build time
/// (bench/search_cost.rs), and a query such as "webp" found every product.
const SEARCHED_META: [&str; 2] = ["title", "sku"];

/// Word locations per file of the word index (Pagefind's default 20000): a query loads the
/// files its words are in, so smaller files are fewer bytes for the first query, at the cost of
/// a longer list of them in the metadata file every search loads first (bench/search_cost.rs).
const INDEX_CHUNK: usize = 4000;

/// The languages Pagefind 1.6 ships a stemming wasm for (`vendor/pagefind/vendor/wasm/`).
const STEMMED: &[&str] = &[
    "ar", "ca", "da", "de", "el", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "hi", "hu", "hy", "id",
    "it", "lt", "nb", "ne", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sr", "sv", "ta", "tr", "yi",
];

/// The name Pagefind gives the wasm of an index in language `code` (`wasm.{name}.pagefind`), so
/// the search page can ask for it with the page: the whole code, lower-cased, when Pagefind
/// stems the code's first part (`pt-br`), else `unknown`. A wrong name would only cost one
/// fetch; a test checks it against the bundles Pagefind makes.
pub fn wasm_name(code: &str) -> String {
    let code = code.to_lowercase();
    let base = code.split('-').next().unwrap_or(&code);
    if STEMMED.contains(&base) {
        code
    } else {
        "unknown".to_string()
    }
}

/// One product as search finds and shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Record {
    /// The product page's address from the site root (`/de/products/ball/`): Pagefind's script
    /// puts the page's own root (`baseUrl`) before it, so results work in a sub-folder.
    pub url: String,
    /// What is searched: words in heavier blocks (name, SKU) rank first.
    pub content: String,
    /// What the result card shows, already in the page's language.
    pub meta: BTreeMap<String, String>,
    /// Pagefind filters: the record's key ([`KEY_FILTER`]).
    pub filters: BTreeMap<String, Vec<String>>,
}

/// A language's records, with the language Pagefind stems and picks by (`<html lang>`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Index {
    pub lang: String,
    pub records: Vec<Record>,
}

/// The records of `site`'s products in its language; `views` are the views its pages show, in
/// catalogue order.
pub fn index<'a>(site: &Site, views: impl Iterator<Item = &'a ProductView>) -> Index {
    use rayon::prelude::*;
    // On both cores: the build makes the records before it renders any page.
    let views: Vec<&ProductView> = views.collect();
    let records = site
        .catalog
        .products
        .par_iter()
        .zip(views)
        .map(|(p, v)| record(site, p, v))
        .collect();
    Index {
        lang: site.lang.code.to_lowercase(),
        records,
    }
}

fn record(site: &Site, p: &Product, v: &ProductView) -> Record {
    let mut url = format!("/{}{}", site.lang.prefix, v.url);
    if !site.config.clean_links {
        url.push_str("index.html");
    }
    let text_len = p.description_text.as_deref().map_or(0, str::len);
    let mut content = String::with_capacity(text_len + 1024);
    weighted(&mut content, 10.0, &v.name);
    weighted(&mut content, 8.0, &sku_forms(&v.sku));
    let mut named = v.tags.join(" ");
    if let Some(c) = &v.category {
        named.push(' ');
        named.push_str(&c.title);
    }
    weighted(&mut content, 4.0, &named);
    let specs: Vec<String> = v
        .specs
        .iter()
        .map(|s| format!("{} {}", s.label.0, s.value.0))
        .collect();
    weighted(&mut content, 2.0, &specs.join(" "));
    if let Some(summary) = &v.summary {
        push_words(&mut content, &crate::markdown::to_plain(summary));
    }
    if let Some(text) = &p.description_text {
        push_words(&mut content, text);
    }
    // Values only: the card's words (MOQ, "from", SKU) are the theme's, in the search page.
    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), v.name.clone());
    meta.insert("sku".to_string(), v.sku.clone());
    // An untranslated name is in the default language: the card's title says so.
    if let Some(Some(lang)) = v.lang_of.get("name") {
        meta.insert("title_lang".to_string(), lang.clone());
    }
    if let Some(price) = &v.price_from {
        meta.insert("price".to_string(), price.clone());
        if v.price_tiers.len() > 1 {
            meta.insert("from".to_string(), "1".to_string());
        }
    }
    if let Some(moq) = &v.moq_text {
        meta.insert("moq".to_string(), moq.clone());
    }
    let photo = v.photo().thumb.as_deref().unwrap_or(v.photo());
    meta.insert("image".to_string(), photo.src.clone());
    meta.insert("image_width".to_string(), photo.width.to_string());
    meta.insert("image_height".to_string(), photo.height.to_string());
    // The smallest variants of the best format: a result card is a small thumbnail.
    if let Some(best) = photo.sources.first() {
        let set: Vec<String> = best
            .srcset
            .iter()
            .map(|i| format!("{} {}w", i.url, i.width))
            .collect();
        meta.insert("image_srcset".to_string(), set.join(", "));
        meta.insert("image_type".to_string(), best.mime.to_string());
    }
    if let Some(c) = &photo.color {
        meta.insert("image_color".to_string(), c.clone());
    }
    meta.insert("inquiry".to_string(), inquiry(v));
    // One value per record: with the filter's file loaded (only when the buyer opens the filter
    // panel), a search's response names every match by SKU without loading its fragment.
    let filters = BTreeMap::from([(KEY_FILTER.to_string(), vec![v.sku.clone()])]);
    Record {
        url,
        content,
        meta,
        filters,
    }
}

/// The Pagefind filter naming each record by its SKU (the key of the listings' `filter.json`).
const KEY_FILTER: &str = "sku";

/// What the result card's "add to inquiry" button needs beyond the fields the card shows
/// (name, SKU, photo): `path|moq|unit|currency|tiers`, tiers as `min_qty:unit_price` pairs. The
/// fragment is loaded for each result shown, and the button's full `data-` attributes (JSON
/// with the unit's every plural form and each tier's formatted price) were a third of its
/// bytes; the inquiry page has the unit's words of its own language.
fn inquiry(v: &ProductView) -> String {
    let (moq, unit) = v
        .moq
        .as_ref()
        .map_or((1, "piece"), |m| (m.quantity, m.unit.as_str()));
    let tiers: Vec<String> = v
        .price_tiers
        .iter()
        .map(|t| format!("{}:{}", t.min_qty, t.unit_price))
        .collect();
    // The unit last: it is the seller's word, the one part that might hold a `|`.
    format!("{}|{moq}|{}|{}|{unit}", v.url, v.currency, tiers.join(" "))
}

/// `FX-FB-002`, and also `FXFB002` and its parts, so a buyer typing the code without its
/// hyphens, or only its start, finds it (Pagefind matches word prefixes).
fn sku_forms(sku: &str) -> String {
    let joined: String = sku.chars().filter(|c| c.is_alphanumeric()).collect();
    let parts: Vec<&str> = sku
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = vec![sku.to_string()];
    if joined != sku {
        out.push(joined);
        out.extend(parts.iter().map(|s| s.to_string()));
    }
    out.join(" ")
}

/// Pagefind reads `___PAGEFIND_WEIGHT___n … ___END_PAGEFIND_WEIGHT___` in a custom record's
/// content as `data-pagefind-weight` in HTML.
fn weighted(out: &mut String, weight: f32, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    out.push_str(&format!(" ___PAGEFIND_WEIGHT___{weight} "));
    push_words(out, text);
    out.push_str(" ___END_PAGEFIND_WEIGHT___ ");
}

/// The seller's words, none of them read as one of Pagefind's markers (which start with `_`).
fn push_words(out: &mut String, text: &str) {
    for w in text.split_whitespace() {
        out.push(' ');
        out.push_str(w.trim_start_matches('_'));
    }
}

/// A hash of everything the bundle is made from: the same records (and the same Pagefind)
/// give the same files, so a rebuild keeps them.
pub fn fingerprint(indexes: &[Index]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(b"pagefind 1.6 patched ");
    h.update(SEARCHED_META.join(",").as_bytes());
    h.update(&INDEX_CHUNK.to_le_bytes());
    h.update(&COMPRESSION_LEVEL.to_le_bytes());
    // Streamed into the hash: the records' JSON is tens of MB on a large catalogue.
    crate::documents::hash_json(&mut h, &indexes);
    h.finalize()
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::io(
        DIR,
        std::io::Error::other(format!("the search index could not be made: {e}")),
    )
}

/// The bundle's files (paths under [`DIR`]) for `indexes`, made afresh.
pub fn bundle(indexes: &[Index]) -> Result<Vec<(String, Vec<u8>)>> {
    // Not an [`Indexer`]: nothing is kept for a next update, so the records are not copied
    // into one.
    let pf = pagefind::api::PagefindIndex::new(Some(options())).map_err(failed)?;
    let records = indexes
        .iter()
        .flat_map(|i| i.records.iter().map(|r| custom_record(&i.lang, r)))
        .collect();
    // In one pass on rayon's threads (the patched Pagefind, PATCHES.md): each record is read,
    // indexed and its words dropped, so the words of all are never in memory together.
    let files = runtime()?
        .block_on(pf.records_into_files(records))
        .map_err(failed)?;
    Ok(bundle_files(files))
}

/// Pagefind's API is async only to share its index between tasks; one thread drives it.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::io(DIR, e))
}

/// Pagefind's files the theme uses, by path in the output, sorted.
fn bundle_files(files: Vec<pagefind::api::SyntheticFile>) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            (!unused(&name)).then(|| (format!("{DIR}{name}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A Pagefind index kept between publications (`minisite serve`): only the records that changed
/// are read again (Pagefind replaces a record by its URL); the index and its files are then
/// made from all of them. A record gone (a product deleted or renamed) starts it afresh, since
/// Pagefind cannot drop one.
#[derive(Default)]
pub struct Indexer {
    state: Option<(pagefind::api::PagefindIndex, Fed)>,
    /// How many records the last update read.
    read: usize,
}

/// The records an index was fed, by URL, with their language.
type Fed = BTreeMap<String, (String, Record)>;

impl Indexer {
    /// How many records the last [`Indexer::update`] read (the others were kept).
    pub fn last_read(&self) -> usize {
        self.read
    }

    /// The bundle's files for `indexes`.
    pub fn update(&mut self, indexes: &[Index]) -> Result<Vec<(String, Vec<u8>)>> {
        self.read = 0;
        let wanted: BTreeMap<&str, (&str, &Record)> = indexes
            .iter()
            .flat_map(|i| {
                i.records
                    .iter()
                    .map(move |r| (r.url.as_str(), (i.lang.as_str(), r)))
            })
            .collect();
        let holds = |fed: &Fed| {
            fed.iter()
                .all(|(url, (lang, _))| wanted.get(url.as_str()).is_some_and(|(l, _)| *l == lang.as_str()))
        };
        if !self.state.as_ref().is_some_and(|(_, fed)| holds(fed)) {
            let pf = pagefind::api::PagefindIndex::new(Some(options())).map_err(failed)?;
            self.state = Some((pf, BTreeMap::new()));
        }
        let Some((pf, fed)) = self.state.as_mut() else {
            unreachable!("made above")
        };
        let runtime = runtime()?;
        // In catalogue order, so the same site gives the same files.
        let mut changed = Vec::new();
        for index in indexes {
            for r in &index.records {
                if fed
                    .get(&r.url)
                    .is_some_and(|(l, old)| *l == index.lang && old == r)
                {
                    continue;
                }
                changed.push(custom_record(&index.lang, r));
                fed.insert(r.url.clone(), (index.lang.clone(), r.clone()));
            }
        }
        self.read = changed.len();
        let result = runtime.block_on(async {
            // All at once: the patched Pagefind reads them on rayon's threads (PATCHES.md).
            pf.add_custom_records(changed).await.map_err(failed)?;
            pf.get_files().await.map_err(failed)
        });
        let files = match result {
            Ok(files) => files,
            Err(e) => {
                // Half fed: the next update starts afresh.
                self.state = None;
                return Err(e);
            }
        };
        Ok(bundle_files(files))
    }
}

/// The gzip level (libdeflate's) of the fragments and word index files: on 10,000
/// products level 1 gzipped the word index in 0.05 s against level 6's 0.20 (zlib's 6, before:
/// 0.29) for 11 % more bytes, the fragments in 0.07 s for 0.5 % more; a query loads a few
/// kilobytes of them. The metadata file every search loads first, and the filter file, are at
/// libdeflate's best
/// (vendor/pagefind/PATCHES.md, items 11 and 17).
const COMPRESSION_LEVEL: u32 = 1;

fn options() -> pagefind::options::PagefindServiceConfig {
    pagefind::options::PagefindServiceConfig::builder()
        .keep_index_url(true)
        .searchable_meta(SEARCHED_META.iter().map(|f| f.to_string()).collect())
        .index_chunk_size(INDEX_CHUNK)
        // The cards show no excerpt: a fragment without the product's text is about half the
        // bytes of each result a query loads.
        .excerpts(false)
        .compression_level(COMPRESSION_LEVEL)
        .build()
}

/// `r` as Pagefind's custom record in language `lang`.
pub fn custom_record(lang: &str, r: &Record) -> pagefind::api::CustomRecord {
    pagefind::api::CustomRecord {
        url: r.url.clone(),
        content: r.content.clone(),
        language: lang.to_string(),
        meta: r.meta.clone(),
        filters: r.filters.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sku_is_searchable_whole_joined_and_by_parts() {
        assert_eq!(sku_forms("FX-FB-002"), "FX-FB-002 FXFB002 FX FB 002");
        assert_eq!(sku_forms("ABC123"), "ABC123");
    }

    fn shop(names: &[&str]) -> Vec<Index> {
        let records = names
            .iter()
            .enumerate()
            .map(|(i, name)| Record {
                url: format!("/products/p{i}/"),
                content: format!("{name} SKU-{i}"),
                meta: BTreeMap::from([("title".to_string(), name.to_string())]),
                filters: BTreeMap::new(),
            })
            .collect();
        vec![Index {
            lang: "en".into(),
            records,
        }]
    }

    #[test]
    fn an_edit_reads_only_the_changed_record_and_gives_the_files_of_a_fresh_index() {
        let mut indexer = Indexer::default();
        indexer.update(&shop(&["ball", "gloves", "net"])).unwrap();
        assert_eq!(indexer.last_read(), 3);
        let edited = shop(&["ball", "keeper gloves", "net"]);
        let files = indexer.update(&edited).unwrap();
        assert_eq!(indexer.last_read(), 1);
        assert_eq!(files, bundle(&edited).unwrap());
        // A product gone: Pagefind cannot drop its record, so every record is read again.
        let fewer = shop(&["ball", "keeper gloves"]);
        let files = indexer.update(&fewer).unwrap();
        assert_eq!(indexer.last_read(), 2);
        assert_eq!(files, bundle(&fewer).unwrap());
    }

    /// The patched Pagefind reads a batch of records on several threads: the index must be the
    /// one reading them one by one, in order, gives (Pagefind 1.6's `add_custom_record`).
    #[test]
    fn records_fed_at_once_give_the_files_of_records_fed_one_by_one() {
        let mut indexes = shop(&["keeper gloves", "match ball", "goal net", "gloves bag"]);
        indexes.push(Index {
            lang: "de".into(),
            ..shop(&["Torwarthandschuhe", "Spielball"]).remove(0)
        });
        for (i, r) in indexes[1].records.iter_mut().enumerate() {
            r.url = format!("/de/products/p{i}/");
        }
        assert_eq!(bundle(&indexes).unwrap(), one_by_one(&indexes));
    }

    /// Pagefind leaves out a record without words (renumbering those after it) and keeps the
    /// later of two records with one URL: the one-pass bundle falls back to Pagefind's own way
    /// for those, so its files are still the ones feeding them one by one gives.
    #[test]
    fn records_without_words_or_with_one_url_give_the_files_of_records_fed_one_by_one() {
        let plain = shop(&["keeper gloves", "match ball", "goal net"]);
        let mut wordless = plain.clone();
        wordless[0].records[1].content = " — · ".to_string();
        let mut twice = plain.clone();
        twice[0].records[2].url = twice[0].records[0].url.clone();
        for indexes in [&wordless, &twice] {
            assert_eq!(bundle(indexes).unwrap(), one_by_one(indexes));
        }
        // The record without words is left out: the shop's files are those without it.
        let mut without = plain;
        without[0].records.remove(1);
        assert_eq!(bundle(&wordless).unwrap(), bundle(&without).unwrap());
    }

    /// The files of `indexes` fed one record at a time (Pagefind 1.6's `add_custom_record`).
    fn one_by_one(indexes: &[Index]) -> Vec<(String, Vec<u8>)> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let files = runtime.block_on(async {
            let mut pf = pagefind::api::PagefindIndex::new(Some(options())).unwrap();
            for index in indexes {
                for r in &index.records {
                    let c = custom_record(&index.lang, r);
                    pf.add_custom_record(c.url, c.content, c.language, Some(c.meta), None, None)
                        .await
                        .unwrap();
                }
            }
            pf.get_files().await.unwrap()
        });
        bundle_files(files)
    }

    #[test]
    fn the_sellers_words_cannot_be_read_as_pagefind_markers() {
        let mut out = String::new();
        push_words(&mut out, "a ___PAGEFIND_WEIGHT___9 b");
        assert_eq!(out, " a PAGEFIND_WEIGHT___9 b");
    }

    #[test]
    fn the_wasm_named_for_each_language_is_the_one_its_bundle_has() {
        let mut codes: Vec<&str> = STEMMED.to_vec();
        codes.extend(["pt-BR", "zh-Hans", "ur", "sw"]);
        for code in codes {
            let index = Index {
                lang: code.to_lowercase(),
                ..shop(&["ball"]).remove(0)
            };
            let files = bundle(&[index]).unwrap();
            let wasm: Vec<&str> = files
                .iter()
                .map(|(path, _)| path.as_str())
                .filter(|p| p.starts_with("pagefind/wasm.") && *p != "pagefind/wasm.unknown.pagefind")
                .collect();
            let expected = match wasm_name(code).as_str() {
                "unknown" => vec![],
                name => vec![format!("pagefind/wasm.{name}.pagefind")],
            };
            assert_eq!(wasm, expected, "{code}");
        }
    }
}
