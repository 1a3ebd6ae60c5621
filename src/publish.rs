//! The one publish sequence of `build` and `serve`: static files and logo, photos, then every
//! route rendered and written through a [`Sink`] (the staging folder of a build, the served folder
//! of `serve`). Each file is written only when its fingerprint differs from the one last
//! published, so `serve` decides *which* files to publish by what it passes as the last
//! publication, never *how*: a new kind of page added to [`crate::routes`] reaches both.

use crate::assets::{self, Asset};
use crate::catalog::Product;
use crate::documents::{Documents, ProductMemo};
use crate::error::{Error, Result};
use crate::images::run::{Fault, PhotoFailure};
use crate::images::{self, ImageStats};
use crate::output::Staging;
use crate::render::Renderer;
use crate::Site;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Where published files go.
pub trait Sink: Sync {
    /// Writes the output file at `rel` (forward slashes).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Makes the variants of the site's photos available to the pages about to be published.
    fn photos(&self, site: &Site) -> Result<PhotoWork>;
    /// Keeps the file at `rel` as last published, whose bytes hashed to `content`; false when
    /// it cannot (it is gone, or not what was published): then it is made again.
    fn keep(&self, rel: &str, content: &blake3::Hash) -> bool;
    /// The search bundle's files for `indexes`. Made afresh unless the sink keeps an index from
    /// one publication to the next (`serve`: see [`crate::search::Indexer`]).
    fn search(&self, indexes: &[crate::search::Index]) -> Result<Vec<(String, Vec<u8>)>> {
        crate::search::bundle(indexes)
    }
    /// Whether publishing should stop early (the server is shutting down).
    fn stopping(&self) -> bool {
        false
    }
}

/// What [`Sink::photos`] did.
pub enum PhotoWork {
    /// Every variant is in the output.
    Made(ImageStats),
    /// This many photos' variants will be made after the pages are published.
    Queued(usize),
}

/// Every file published, by path in the output.
#[derive(Default, Debug, PartialEq)]
pub struct Published {
    pub files: HashMap<String, Entry>,
    /// What the file system said of each file once the publication was complete (see
    /// [`Stamp`]); a file without one is read and hashed before it is kept.
    pub stamps: HashMap<String, Stamp>,
    /// When the stamps were written: a file whose stamp is not older cannot be told apart
    /// from one changed just after it was stamped (see [`Published::unchanged`]).
    pub written: Option<std::time::SystemTime>,
    /// The hash of the manifest this was read from, which names the stamps that go with it.
    pub manifest: Option<blake3::Hash>,
}

/// A file's size, modification time and inode, as git's index keeps them: an edit changes
/// the time (and usually the size), a replacement changes the inode, so a file whose stamp is
/// the one recorded still has the bytes recorded, without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: std::time::SystemTime,
    inode: u64,
}

impl Stamp {
    /// The stamp of the regular file at `path`; none for anything else, or where the platform
    /// has no inode numbers (there every kept file is read).
    pub fn of(path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::symlink_metadata(path).ok()?;
            if !m.file_type().is_file() {
                return None;
            }
            Some(Stamp {
                size: m.len(),
                modified: m.modified().ok()?,
                inode: m.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    fn text(&self) -> String {
        let t = self
            .modified
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        format!(
            "{}.{}.{}.{}",
            self.size,
            t.as_secs(),
            t.subsec_nanos(),
            self.inode
        )
    }

    fn parse(text: &str) -> Option<Stamp> {
        let mut parts = text.split('.').map(str::parse::<u64>);
        let (size, secs, nanos, inode) = (
            parts.next()?.ok()?,
            parts.next()?.ok()?,
            parts.next()?.ok()?,
            parts.next()?.ok()?,
        );
        let nanos = u32::try_from(nanos).ok().filter(|n| *n < 1_000_000_000)?;
        let modified = std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(secs, nanos))?;
        parts.next().is_none().then_some(Stamp {
            size,
            modified,
            inode,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Fingerprint of what the file was made from.
    pub print: blake3::Hash,
    /// Hash of the bytes written.
    pub content: blake3::Hash,
}

/// First line of a manifest: its format and the code that wrote it. Output written by other
/// code may differ for the same inputs, so its files are never kept.
fn manifest_header() -> String {
    format!("minisite-manifest 1 {}", env!("MINISITE_CODE_ID"))
}

/// First line of a stamps file: its format and the manifest whose files it stamps.
fn stamps_header(manifest: &blake3::Hash) -> String {
    format!("minisite-stamps 1 {}", manifest.to_hex())
}

impl Published {
    /// The manifest of the output at `output` (in its marker file), or none when there is none,
    /// or it is damaged or another version's: then every file is made anew.
    pub fn read(output: &Path) -> Option<Published> {
        let text = std::fs::read_to_string(output.join(crate::output::MARKER)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != manifest_header() {
            return None;
        }
        let mut files = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let print = blake3::Hash::from_hex(parts.next()?).ok()?;
            let content = blake3::Hash::from_hex(parts.next()?).ok()?;
            let path = parts.next()?;
            // A manifest naming a path outside the output is not ours: trust none of it.
            if path.is_empty() || path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty())
            {
                return None;
            }
            files.insert(path.to_string(), Entry { print, content });
        }
        Some(Published {
            files,
            manifest: Some(blake3::hash(text.as_bytes())),
            ..Published::default()
        })
    }

    /// Takes the stamps in `file` (written by [`Published::save_stamps`]) when they are of this
    /// manifest's files; any other file, or a damaged one, leaves every file to be read.
    pub fn read_stamps(&mut self, file: &Path) {
        let Some(manifest) = self.manifest else {
            return;
        };
        let Ok(text) = std::fs::read_to_string(file) else {
            return;
        };
        let mut lines = text.lines();
        if lines.next() != Some(stamps_header(&manifest).as_str()) {
            return;
        }
        let mut stamps = HashMap::new();
        for line in lines {
            let stamp = line.split_once(' ').and_then(|(stamp, path)| {
                let known = self.files.contains_key(path);
                Some((path.to_string(), Stamp::parse(stamp).filter(|_| known)?))
            });
            match stamp {
                Some((path, stamp)) => stamps.insert(path, stamp),
                None => return,
            };
        }
        self.written = std::fs::metadata(file).and_then(|m| m.modified()).ok();
        self.stamps = stamps;
    }

    /// Stamps every file published, as it is in the folder `root` now that all are there.
    pub fn stamp(&mut self, root: &Path) {
        self.stamps = self
            .files
            .par_iter()
            .filter_map(|(path, _)| Some((path.clone(), Stamp::of(&root.join(path))?)))
            .collect();
    }

    /// Writes the stamps of the files of `manifest` (this publication's, as written) to `file`,
    /// after the output is in place. Best effort: without it the next build reads every file.
    /// Not in the manifest itself: inodes and times are this machine's, and the output stays
    /// byte for byte a clean build's.
    pub fn save_stamps(&self, file: &Path, manifest: &str) {
        let mut paths: Vec<&String> = self.stamps.keys().collect();
        paths.sort();
        let mut out = stamps_header(&blake3::hash(manifest.as_bytes()));
        out.push('\n');
        for p in paths {
            out.push_str(&format!("{} {p}\n", self.stamps[p].text()));
        }
        let saved = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(file, out));
        if saved.is_err() {
            let _ = std::fs::remove_file(file);
        }
    }

    /// Whether the file at `path`, published as `rel`, is provably as published without reading
    /// it: its stamp is the one recorded, and was recorded before the stamps were written, so
    /// a change made after the stamp was taken would have given it a later time. A stamp no
    /// older than the stamps file is "racy" (git's word): a change in the same tick of the clock
    /// would leave the time as it was, so such a file is read.
    pub fn unchanged(&self, rel: &str, path: &Path) -> bool {
        match (self.stamps.get(rel), self.written) {
            (Some(stamp), Some(written)) => stamp.modified < written && Stamp::of(path) == Some(*stamp),
            _ => false,
        }
    }

    /// The manifest text, in path order so the same site gives the same bytes.
    pub fn manifest(&self) -> String {
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let mut out = manifest_header();
        out.push('\n');
        for p in paths {
            let e = &self.files[p];
            out.push_str(&format!("{} {} {p}\n", e.print.to_hex(), e.content.to_hex()));
        }
        out
    }

    /// Files of `last` that this publication no longer has.
    pub fn gone<'a>(&'a self, last: &'a Published) -> impl Iterator<Item = &'a str> {
        last.files
            .keys()
            .filter(|f| !self.files.contains_key(*f))
            .map(String::as_str)
    }
}

/// What one publication did.
pub struct Outcome {
    pub published: Published,
    /// HTML pages the site has (404.html included).
    pub pages: usize,
    /// HTML pages rendered this time (the others were kept).
    pub rendered: usize,
    pub photos: PhotoWork,
    /// The product views made, by language and product file, for the next publication to reuse
    /// (none unless [`Input::keep_memos`]).
    pub memos: HashMap<(String, PathBuf), ProductMemo>,
}

/// What to publish.
pub struct Input<'a, K> {
    pub site: &'a Site,
    pub statics: &'a [Asset],
    pub renderer: &'a Renderer,
    /// The publication in the output now, whose unchanged files are not written again.
    pub last: Option<&'a Published>,
    /// A product view an earlier publication made in a language, when still right (see
    /// [`Documents::new`]).
    pub known: K,
    /// Hand back the product views made ([`Outcome::memos`]) for the next publication: `serve`
    /// reuses them, a build would only keep every language's alive to the end.
    pub keep_memos: bool,
    /// The process ends after this publication (see [`crate::BuildOptions::exits_after`]): the
    /// last language's documents are left to the system rather than freed one by one.
    pub exits_after: bool,
}

/// Publishes `input.site` through `sink`.
pub fn publish<K>(input: Input<'_, K>, sink: &dyn Sink) -> Result<Outcome>
where
    K: Fn(&str, &Product) -> Option<ProductMemo> + Sync,
{
    let Input {
        site,
        statics,
        renderer,
        last,
        known,
        keep_memos,
        exits_after,
    } = input;
    let mut published = Published::default();
    // A file is kept when it was made from the same inputs and the sink still has it as written.
    let kept = |file: &str, print: &blake3::Hash| match last.and_then(|l| l.files.get(file)) {
        Some(e) if e.print == *print => sink.keep(file, &e.content),
        _ => false,
    };
    let mut copy = |path: &str, bytes: &[u8]| -> Result<()> {
        let print = blake3::hash(bytes);
        if !kept(path, &print) {
            sink.put(path, bytes)?;
        }
        let entry = Entry {
            print,
            content: print,
        };
        published.files.insert(path.to_string(), entry);
        Ok(())
    };
    for (path, bytes) in statics {
        copy(path, bytes)?;
    }
    let logo = assets::logo(site)?;
    if let Some(l) = &logo {
        copy(&l.url, &l.bytes)?;
    }

    // Photos before pages: pages show each photo's average colour while it loads, known only
    // once the photo's variants exist (or from the index of an earlier build).
    let photos = sink.photos(site)?;
    site.note_colors();

    // Every language's product views first, so the search records (made from them, not from the
    // HTML) are known before any page is rendered: the index is then built on its own thread
    // while the pages render, instead of after them. The views are kept for the pages, and for
    // the next publication (`memos`) as before.
    let mut views = Vec::new();
    let mut search = Vec::new();
    for lang in site.languages() {
        let code = lang.lang.code.as_str();
        let memos = crate::documents::product_memos(lang, |p: &Product| known(code, p));
        if site.config.search {
            search.push(crate::search::index(lang, memos.iter().map(|m| &*m.view)));
        }
        views.push(memos);
    }
    let mut pages = 0;
    let mut rendered = 0;
    let mut memos = HashMap::new();
    let indexed = std::thread::scope(|scope| -> Result<Option<Vec<(String, Entry)>>> {
        let indexing = site.config.search.then(|| {
            scope.spawn(|| {
                // One thread of its own, all the index's work on it: in the pool that renders
                // the pages, the index's parallel parts queued behind every page, so the index
                // ran mostly after them, alone, while a core idled. On a thread of its own from
                // the start, the system shares the cores between it and the pages.
                let run = || publish_search(&search, last, sink);
                match rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(|_| "minisite-search".to_string())
                    .build()
                {
                    Ok(pool) => pool.install(run),
                    Err(_) => run(),
                }
            })
        });
        // One language at a time: a language's documents are dropped before the next one's are made.
        let languages = views.len();
        for (n, (lang, views)) in site.languages().zip(views).enumerate() {
            let code = lang.lang.code.as_str();
            let docs = Documents::with_views(lang, logo.as_ref(), views);
            let done = publish_documents(&docs, renderer, last, sink, &mut published, site.config.minify)?;
            pages += docs.pages();
            rendered += done;
            if keep_memos {
                memos.extend(
                    docs.memos()
                        .map(|(f, m)| ((code.to_string(), f.to_path_buf()), m.clone())),
                );
            }
            if exits_after && n + 1 == languages {
                // Freeing 10,000 products' views and records took a twentieth of a no-op rebuild.
                std::mem::forget(docs);
            }
        }
        match indexing {
            Some(thread) => thread.join().map_err(|_| failed_thread())?.map(Some),
            None => Ok(None),
        }
    })?;
    published.files.extend(indexed.into_iter().flatten());
    Ok(Outcome {
        published,
        pages,
        rendered,
        photos,
        memos,
    })
}

/// Renders and writes the documents of one language whose fingerprints differ from `last`'s,
/// and notes every one in `published`; returns how many pages were rendered.
fn publish_documents(
    docs: &Documents,
    renderer: &Renderer,
    last: Option<&Published>,
    sink: &dyn Sink,
    published: &mut Published,
    minify: bool,
) -> Result<usize> {
    let kept = |file: &str, print: &blake3::Hash| match last.and_then(|l| l.files.get(file)) {
        Some(e) if e.print == *print => sink.keep(file, &e.content),
        _ => false,
    };
    let files: Vec<String> = (0..docs.len()).map(|i| docs.file(i)).collect();
    let renderer_key = renderer.key();
    // Each print hashes the page's metadata and the views it shows: both cores, as rendering.
    let prints: Vec<blake3::Hash> = (0..docs.len())
        .into_par_iter()
        .map(|i| {
            let print = docs.fingerprint(i);
            if docs.is_page(i) {
                // A page is made from its data *and* the templates: a new renderer renders anew.
                let mut h = blake3::Hasher::new();
                h.update(print.as_bytes()).update(renderer_key.as_bytes());
                h.update(&[minify as u8]);
                h.finalize()
            } else {
                print
            }
        })
        .collect();
    let rendered = AtomicUsize::new(0);
    let contents: Vec<OnceLock<blake3::Hash>> = (0..docs.len()).map(|_| OnceLock::new()).collect();
    docs.render_each(
        renderer,
        |i| !sink.stopping() && !kept(&files[i], &prints[i]),
        |i, text| {
            if docs.is_page(i) {
                rendered.fetch_add(1, Ordering::Relaxed);
            }
            let minified;
            let bytes = if minify && docs.is_page(i) {
                minified = crate::minify::html(text);
                &minified[..]
            } else {
                text.as_bytes()
            };
            let _ = contents[i].set(blake3::hash(bytes));
            sink.put(&files[i], bytes)
        },
    )?;
    if sink.stopping() {
        return Err(Error::io(
            "the output",
            std::io::Error::new(std::io::ErrorKind::Interrupted, "stopping"),
        ));
    }
    for ((file, print), content) in files.into_iter().zip(prints).zip(contents) {
        // Not written this time: kept, so its bytes are the last publication's.
        let content = match content.into_inner() {
            Some(c) => c,
            None => match last.and_then(|l| l.files.get(&file)) {
                Some(e) => e.content,
                None => continue,
            },
        };
        published.files.insert(file, Entry { print, content });
    }
    Ok(rendered.into_inner())
}

/// Writes the search bundle of `indexes`, or keeps the last one when it was made from the same
/// records: building it is the costly part (a second for thousands of products), and Pagefind
/// names its files by their content, so the same records give the same files. Returns the
/// bundle's entries for the publication's manifest (the caller adds them: this runs on its own
/// thread while pages render).
fn publish_search(
    indexes: &[crate::search::Index],
    last: Option<&Published>,
    sink: &dyn Sink,
) -> Result<Vec<(String, Entry)>> {
    let print = crate::search::fingerprint(indexes);
    let old: Vec<(&String, &Entry)> = last
        .map(|l| {
            l.files
                .iter()
                .filter(|(p, _)| p.starts_with(crate::search::DIR))
                .collect()
        })
        .unwrap_or_default();
    let same = !old.is_empty() && old.iter().all(|(_, e)| e.print == print);
    if same && old.iter().all(|(p, e)| sink.keep(p, &e.content)) {
        return Ok(old.into_iter().map(|(p, e)| (p.clone(), *e)).collect());
    }
    // Most files of the new bundle are often the last one's (Pagefind names its index files by
    // their content, and an edit changes a few): those are kept, not written again.
    let last_content = |path: &str| last.and_then(|l| l.files.get(path)).map(|e| e.content);
    let mut entries = Vec::new();
    for (path, bytes) in sink.search(indexes)? {
        let content = blake3::hash(&bytes);
        if last_content(&path) != Some(content) || !sink.keep(&path, &content) {
            sink.put(&path, &bytes)?;
        }
        entries.push((path, Entry { print, content }));
    }
    Ok(entries)
}

/// The search thread panicked: a bug, reported as the index failing rather than as a crash.
fn failed_thread() -> Error {
    Error::io(
        crate::search::DIR,
        std::io::Error::other("the search index could not be made (its thread stopped)"),
    )
}

/// The sink of `minisite build`: a staging folder swapped in as the output when all is written;
/// photos are made into it before any page.
/// Files unchanged since the output being replaced was built are kept from it instead of made
/// again, once their stamps (or, where a stamp cannot tell, their bytes) match its manifest:
/// linked into the staging folder when the output is replaced, and left where they are when
/// nothing changed at all (see [`Folder::unchanged`]).
pub struct Folder<'a> {
    staging: &'a Staging,
    progress: bool,
    /// The output the staging folder will replace.
    old: &'a Path,
    /// Its manifest, whose stamps tell which of its files are as published without reading them.
    last: Option<&'a Published>,
    /// The files kept, not linked yet (see [`Folder::link_kept`]).
    kept: std::sync::Mutex<Vec<String>>,
    /// Whether a file was written (not kept).
    wrote: std::sync::atomic::AtomicBool,
}

impl<'a> Folder<'a> {
    pub fn new(staging: &'a Staging, progress: bool, old: &'a Path, last: Option<&'a Published>) -> Self {
        Folder {
            staging,
            progress,
            old,
            last,
            kept: Default::default(),
            wrote: Default::default(),
        }
    }

    /// Whether the output already is, file for file, what this publication (whose manifest is
    /// `manifest`) would swap in: nothing written, the same manifest, the same photos, and no
    /// file more or less. Then the output is left as it is, and a rebuild with nothing changed
    /// neither links every file into a new folder nor deletes the old one's (most of such a
    /// rebuild's file-system work on a large site).
    pub fn unchanged(&self, manifest: &str) -> bool {
        if self.wrote.load(Ordering::Relaxed) {
            return false;
        }
        let Some(last) = self.last else {
            return false;
        };
        if last.manifest != Some(blake3::hash(manifest.as_bytes())) {
            return false;
        }
        // The photos are made into the staging folder, outside the manifest: the output must
        // have each as it is there, and besides them only the manifest's files and itself.
        let mut photos = 0;
        for e in walkdir::WalkDir::new(self.staging.root()).min_depth(1) {
            let Ok(e) = e else {
                return false;
            };
            if e.file_type().is_dir() {
                continue;
            }
            let Ok(rel) = e.path().strip_prefix(self.staging.root()) else {
                return false;
            };
            if rel == Path::new(crate::output::MARKER) {
                continue;
            }
            if !same_file(e.path(), &self.old.join(rel)) {
                return false;
            }
            photos += 1;
        }
        count_files(self.old) == Some(last.files.len() + photos + 1)
    }

    /// Links the files kept into the staging folder, but for one written there after all.
    pub fn link_kept(&self) -> Result<()> {
        let kept = std::mem::take(&mut *self.kept.lock().unwrap_or_else(|e| e.into_inner()));
        kept.par_iter().with_min_len(64).try_for_each(|rel| {
            if std::fs::symlink_metadata(self.staging.root().join(rel)).is_ok() {
                return Ok(());
            }
            self.staging.link(rel, &self.old.join(rel))
        })
    }

    /// A photo that could not be stored is a file-system failure of the build, reported like
    /// any other (the file as it would be published, the disk's own advice); a photo that could
    /// not be made is the seller's to fix, on the line that names it.
    fn failed(&self, site: &Site, failures: Vec<PhotoFailure>) -> Error {
        let mut photos = Vec::new();
        for f in failures {
            match f.fault {
                Fault::Storage { path, error } => {
                    let shown = match path.strip_prefix(self.staging.root()) {
                        Ok(rel) => self.old.join(rel),
                        Err(_) => path,
                    };
                    return Error::io(shown, error);
                }
                Fault::Photo => photos.push(f),
            }
        }
        Error::Site(crate::photo_refs::named_in(site, photos))
    }
}

impl Sink for Folder<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.wrote.store(true, Ordering::Relaxed);
        self.staging.write(rel, bytes)
    }

    fn keep(&self, rel: &str, content: &blake3::Hash) -> bool {
        let from = self.old.join(rel);
        // A file edited or replaced since it was published is made again: its stamp tells, or
        // where it cannot, its bytes are read.
        let same = self.last.is_some_and(|l| l.unchanged(rel, &from))
            || std::fs::read(&from).is_ok_and(|b| blake3::hash(&b) == *content);
        if same {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.push(rel.to_string());
        }
        same
    }

    fn photos(&self, site: &Site) -> Result<PhotoWork> {
        images::run::run(
            &site.plan,
            &site.cache(),
            self.staging.root(),
            site.config.images.quality,
            site.background(),
            self.progress,
            site.remote(),
        )
        .map(PhotoWork::Made)
        .map_err(|failures| self.failed(site, failures))
    }
}

/// The regular files under `dir`, counted on every core (a walk of 12,000 folders one by one
/// was a tenth of a no-op rebuild); `None` when anything there is neither a file nor a folder
/// (a link), or cannot be read.
fn count_files(dir: &Path) -> Option<usize> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .ok()?
        .collect::<std::io::Result<_>>()
        .ok()?;
    entries
        .par_iter()
        .map(|e| match e.file_type().ok()? {
            t if t.is_dir() => count_files(&e.path()),
            t if t.is_file() => Some(1),
            _ => None,
        })
        .sum()
}

/// Whether `a` and `b` are regular files with the same bytes: one file (a link of the other),
/// or read and compared.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) else {
        return false;
    };
    if !ma.file_type().is_file() || !mb.file_type().is_file() || ma.len() != mb.len() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (ma.dev(), ma.ino()) == (mb.dev(), mb.ino()) {
            return true;
        }
    }
    matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}
