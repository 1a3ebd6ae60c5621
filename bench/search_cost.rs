//! search_cost — where the search index's build time goes (issue #11's budget), without the rest
//! of a build: loads a site, makes its product views and search records as a build does, then
//! times Pagefind's two halves apart (feeding the records, then `get_files`, which builds the
//! index and compresses its files) and [`minisite::search::bundle`] as the build calls it.
//!
//! Run once, in release mode, on a site from bench/make-catalogue-site.sh (built once before,
//! so its photos' sizes and colours are known):
//!   cargo run --release --features minify --example search_cost -- /tmp/minisite-search/site-10000
//! Figures are from one run on whatever else the machine is doing: compare runs of one session.
//! `SEARCH_COST_META=title,sku` feeds only those fields of each record's meta (what the card's
//! other fields cost Pagefind, which also indexes the words of every meta field);
//! `SEARCH_COST_SEARCHABLE=title,sku` feeds them all but has only those fields' words indexed
//! (the patched Pagefind's `searchable_meta`, as the build does); `SEARCH_COST_SEARCHABLE=`
//! (empty) has every field indexed, as Pagefind 1.6 does.

use minisite::documents::Documents;
use minisite::search::{self, Index};
use minisite::{BuildOptions, Site};
use std::collections::BTreeMap;
use std::time::Instant;

/// The allocator the `minisite` binary uses (src/main.rs), so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds this process used so far, all threads (Linux: /proc/self/stat's utime + stime,
/// in clock ticks of 1/100 s): on a shared machine, wall time says little.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As src/main.rs does, so the figures are the build's.
    minisite::allocator::tune();
    let dir = std::env::args().nth(1).ok_or("usage: search_cost SITE_DIR")?;
    let t = Instant::now();
    let site = Site::load(std::path::Path::new(&dir), &BuildOptions::default())?;
    site.note_colors();
    eprintln!("load: {:.2} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut indexes = Vec::new();
    let mut memos = std::collections::HashMap::new();
    for lang in site.languages() {
        let docs = Documents::new(lang, None, |_| None);
        indexes.push(search::index(lang, docs.memos().map(|(_, m)| &*m.view)));
        memos.extend(
            docs.memos()
                .map(|(f, m)| ((lang.lang.code.clone(), f.to_path_buf()), m.clone())),
        );
    }
    eprintln!("views and records: {:.2} s", t.elapsed().as_secs_f64());
    // What making a language's documents costs again when its product views are known.
    let t = Instant::now();
    for lang in site.languages() {
        let code = lang.lang.code.clone();
        let docs = Documents::new(lang, None, |p| {
            memos.get(&(code.clone(), p.file.clone())).cloned()
        });
        std::hint::black_box(docs.len());
    }
    eprintln!("documents again, views known: {:.2} s", t.elapsed().as_secs_f64());
    if let Ok(keep) = std::env::var("SEARCH_COST_META") {
        let keep: Vec<&str> = keep.split(',').collect();
        for i in &mut indexes {
            for r in &mut i.records {
                r.meta.retain(|k, _| keep.contains(&k.as_str()));
            }
        }
    }
    sizes(&indexes);
    // `SEARCH_COST_BUNDLE_ONLY=1`: only `search::bundle`, so the process's peak memory and
    // system time (`/usr/bin/time -v`) are the bundle's, not those of Pagefind's halves too.
    if std::env::var_os("SEARCH_COST_BUNDLE_ONLY").is_some() {
        return bundle(&indexes);
    }

    let t = Instant::now();
    let c = cpu();
    let (fed, fed_cpu, files) = halves(&indexes)?;
    let made = t.elapsed().as_secs_f64();
    eprintln!(
        "pagefind: feeding {fed:.2} s ({:.2} CPU-s), get_files {:.2} s ({:.2} CPU-s)",
        fed_cpu - c,
        made - fed,
        cpu() - fed_cpu
    );
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &files {
        let name = f.filename.to_str().unwrap_or("");
        let kind = [
            ".pf_fragment",
            ".pf_index",
            ".pf_meta",
            ".pf_filter",
            ".pagefind",
            ".js",
        ]
        .into_iter()
        .find(|k| name.ends_with(k))
        .unwrap_or("other");
        let e = kinds.entry(kind).or_default();
        e.0 += 1;
        e.1 += f.contents.len();
    }
    for (kind, (n, bytes)) in &kinds {
        eprintln!("  {kind:>12}: {n:>6} files {:>9.1} KB", *bytes as f64 / 1024.0);
    }
    first_query(&files, &kinds);

    bundle(&indexes)
}

/// Times [`search::bundle`] as the build calls it.
fn bundle(indexes: &[Index]) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let c = cpu();
    let bundle = search::bundle(indexes)?;
    eprintln!(
        "search::bundle (as a build makes it): {:.2} s ({:.2} CPU-s), {} files",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        bundle.len()
    );
    Ok(())
}

/// What the first query ("gloves", stemmed "glove") loads of the index, roughly: the metadata
/// file, the word-index files holding "glove", and a dozen fragments of average size (which ones
/// come first depends on ranking; bench/search.sh measures the real thing in a browser).
fn first_query(files: &[pagefind::api::SyntheticFile], kinds: &BTreeMap<&str, (usize, usize)>) {
    use std::io::Read;
    let chunks: Vec<usize> = files
        .iter()
        .filter(|f| f.filename.to_str().is_some_and(|n| n.ends_with(".pf_index")))
        .filter(|f| {
            let mut raw = Vec::new();
            let _ = flate2::read::GzDecoder::new(&f.contents[..]).read_to_end(&mut raw);
            // The word as CBOR text: a header byte 0x65 (a 5-byte string), then its bytes.
            raw.windows(6).any(|w| w == b"\x65glove")
        })
        .map(|f| f.contents.len())
        .collect();
    let meta = kinds.get(".pf_meta").map_or(0, |k| k.1);
    let fragment = kinds.get(".pf_fragment").map_or(0, |k| k.1 / k.0.max(1));
    eprintln!(
        "first query \"gloves\" (estimate): pf_meta {:.1} KB + index {:?} KB + 12 fragments {:.1} KB",
        meta as f64 / 1024.0,
        chunks
            .iter()
            .map(|b| (*b as f64 / 102.4).round() / 10.0)
            .collect::<Vec<_>>(),
        12.0 * fragment as f64 / 1024.0
    );
}

/// What the records weigh: the text searched, and the card's data Pagefind also indexes.
fn sizes(indexes: &[Index]) {
    for i in indexes {
        let n = i.records.len().max(1);
        let content: usize = i.records.iter().map(|r| r.content.len()).sum();
        let mut meta: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &i.records {
            for (k, v) in &r.meta {
                *meta.entry(k.as_str()).or_default() += v.len();
            }
        }
        let all: usize = meta.values().sum();
        eprintln!(
            "{}: {} records, content {} B/record, meta {} B/record",
            i.lang,
            i.records.len(),
            content / n,
            all / n
        );
        let fields: Vec<String> = meta.iter().map(|(k, b)| format!("{k} {}", b / n)).collect();
        eprintln!("  meta by field (B/record): {}", fields.join(", "));
    }
}

/// Feeds `indexes` to a fresh Pagefind index as [`search::Indexer`] does, then asks its files;
/// returns the seconds the feeding took, the process's CPU seconds when it ended, and the files.
type Halves = (f64, f64, Vec<pagefind::api::SyntheticFile>);
fn halves(indexes: &[Index]) -> Result<Halves, Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // The patched Pagefind's options; unset, each is what Pagefind 1.6 does (every meta field
    // searched, chunks of 20000, excerpts).
    let every_field: std::collections::BTreeSet<String> = indexes
        .iter()
        .flat_map(|i| i.records.iter().flat_map(|r| r.meta.keys().cloned()))
        .collect();
    let searchable = match var("SEARCH_COST_SEARCHABLE") {
        Some(fields) => fields.split(',').map(String::from).collect(),
        None => every_field.into_iter().collect(),
    };
    let options = pagefind::options::PagefindServiceConfig::builder()
        .keep_index_url(true)
        .searchable_meta(searchable)
        .index_chunk_size(
            var("SEARCH_COST_CHUNK")
                .and_then(|s| s.parse().ok())
                .unwrap_or(20000),
        )
        .excerpts(var("SEARCH_COST_EXCERPTS").as_deref() != Some("0"))
        .build();
    let mut pf = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let t = Instant::now();
        let records = indexes
            .iter()
            .flat_map(|i| i.records.iter().map(|r| search::custom_record(&i.lang, r)))
            .collect();
        pf.add_custom_records(records).await.map_err(|e| e.to_string())?;
        let fed = t.elapsed().as_secs_f64();
        let fed_cpu = cpu();
        let files = pf.get_files().await.map_err(|e| e.to_string())?;
        Ok((fed, fed_cpu, files))
    })
}
