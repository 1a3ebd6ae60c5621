//! Rebuilding only what an edit changed. The last good site stays loaded between edits; an edit
//! reloads the site reusing every product whose file (and photos) did not change, then renders
//! only the documents whose inputs changed: each document has a fingerprint of everything it is
//! made from (its data, the products it shows, the site-wide data every page shows), and a page is
//! rendered again only when its fingerprint differs from the one written. So a product edit
//! re-renders that product's page and the pages that list it (its category pages, product
//! listings, home when it is featured, its neighbours' "related" boxes), and the sitemap when a
//! URL changed; an edit that changes what every page shows (site.yaml, categories, a page's menu
//! title) re-renders every page. Templates and static files are not data: an edit of either makes
//! a new renderer and re-renders every page (asset links carry a hash of the static files).
//!
//! A failed edit changes nothing: the last good site stays loaded and served, and what changed is
//! kept for the next attempt, so no edit is lost however many broken saves come in between.

use super::reload::Hub;
use super::served::{Batch, Served};
use super::variants::Variants;
use super::watch::Changes;
use crate::assets;
use crate::catalog::Product;
use crate::documents::ProductMemo;
use crate::error::{Error, Result};
use crate::images::run::PhotoFailure;
use crate::publish::{self, PhotoWork, Published, Sink};
use crate::render::Renderer;
use crate::report::{render, Level};
use crate::{BuildOptions, Diagnostic, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The last good build: what is served.
struct Last {
    site: Site,
    renderer: Renderer,
    /// The asset versions `renderer` links with.
    versions: BTreeMap<String, String>,
    published: Published,
}

/// What changed since the last good build.
#[derive(Default, Debug)]
pub struct Todo {
    /// site.yaml changed, or the watcher lost track: reload and re-render everything.
    pub everything: bool,
    /// A template changed: a new renderer, every page re-rendered.
    pub templates: bool,
    /// Every changed path, absolute.
    pub paths: BTreeSet<PathBuf>,
}

impl Todo {
    pub fn add(&mut self, root: &Path, changes: &Changes) {
        self.everything |= changes.rescan;
        for p in &changes.paths {
            let rel = p.strip_prefix(root).unwrap_or(p);
            // The string tables' words are in every page and product view, like site.yaml's.
            if rel == Path::new("site.yaml") || rel.starts_with("strings") {
                self.everything = true;
            }
            if rel.starts_with("templates") {
                self.templates = true;
            }
            // The site's own themes (`themes/NAME/…`): their templates are templates; their
            // theme.yaml (which one it extends) and strings change what every page is made of.
            if let Ok(inner) = rel.strip_prefix("themes") {
                let mut parts = inner.components().skip(1);
                match parts.next().map(|c| c.as_os_str()) {
                    Some(c) if c == "templates" => self.templates = true,
                    Some(c) if c == "static" => {}
                    _ => self.everything = true,
                }
            }
            self.paths.insert(p.clone());
        }
    }

    /// Whether the change at `rel` (relative to `root`) or a folder holding it is in this todo.
    fn touches(&self, root: &Path, rel: &Path) -> bool {
        let abs = root.join(rel);
        self.paths.iter().any(|d| abs.starts_with(d))
    }

    /// Only stylesheets changed: open pages can swap them without reloading.
    fn css_only(&self) -> bool {
        !self.everything
            && !self.paths.is_empty()
            && self
                .paths
                .iter()
                .all(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css")))
    }

    /// The products of `site` that can be taken as they are: their file and photos did not change.
    fn reusable(&self, site: &Site) -> HashMap<PathBuf, std::sync::Arc<Product>> {
        if self.everything {
            return HashMap::new();
        }
        site.catalog
            .products
            .par_iter()
            .filter(|p| {
                !self.touches(&site.root, &p.file)
                    && !p
                        .data
                        .photos
                        .iter()
                        .any(|ph| self.touches(&site.root, Path::new(&ph.path)))
            })
            .map(|p| (p.file.clone(), std::sync::Arc::clone(p)))
            .collect()
    }
}

/// What one good rebuild did.
struct Done {
    pages: usize,
    rendered: usize,
    written: usize,
    removed: usize,
    photos_queued: usize,
    warnings: Vec<Diagnostic>,
}

pub struct Rebuilder {
    root: PathBuf,
    opts: BuildOptions,
    served: Arc<Served>,
    variants: Arc<Variants>,
    hub: Arc<Hub>,
    last: Option<Last>,
    todo: Todo,
    /// The product views of the last good build, by product file.
    memos: HashMap<(String, PathBuf), ProductMemo>,
    /// The search index, kept so an edit reads only the records it changed.
    indexer: std::sync::Mutex<crate::search::Indexer>,
    /// A quiet refresh wrote files open pages were not told of. It reads the site from disk,
    /// so it may publish an edit saved just before it whose change the watcher reports after:
    /// that rebuild then finds nothing left to write, and must still tell the pages.
    unannounced: bool,
}

impl Rebuilder {
    pub fn new(
        root: PathBuf,
        cache_dir: Option<PathBuf>,
        served: Arc<Served>,
        variants: Arc<Variants>,
        hub: Arc<Hub>,
    ) -> Rebuilder {
        Rebuilder {
            root,
            opts: BuildOptions {
                cache_dir,
                // The seller previews what they are still writing, marked as a draft.
                drafts: true,
                ..Default::default()
            },
            served,
            variants,
            hub,
            last: None,
            todo: Todo::default(),
            memos: HashMap::new(),
            indexer: Default::default(),
            unannounced: false,
        }
    }

    /// The first build: every page, no photo variant (they are made in the background).
    pub fn first(&mut self) {
        self.todo.everything = true;
        self.run(false);
    }

    /// Rebuilds what `changes` touched and tells open pages.
    pub fn rebuild(&mut self, changes: &Changes) {
        self.todo.add(&self.root, changes);
        self.run(false);
    }

    /// Re-renders the pages whose photos' colours became known once their variants were made;
    /// open pages are not told (a placeholder colour is not worth a reload). Skipped while an edit
    /// is failing: its own next save will render everything anew.
    pub fn refresh(&mut self) {
        if self.last.is_some() && self.todo.paths.is_empty() && !self.todo.everything {
            self.run(true);
        }
    }

    /// A photo failed in the background. `build` fails on it, so open pages say so too (the
    /// seller is looking at the browser, not the terminal), named in the file that uses the photo
    /// as `build` names it; the next good rebuild clears it (and queues the photo again).
    pub fn photo_failed(&mut self, failures: Vec<PhotoFailure>) {
        let diags = match &self.last {
            Some(last) => crate::photo_refs::named_in(&last.site, failures),
            None => failures
                .into_iter()
                .map(|f| Diagnostic::new(&f.photo, format!("the photo {}", f.message)))
                .collect(),
        };
        show(&diags, Level::Error, &self.root);
        self.hub.failed(describe(&Error::Site(diags), &self.root));
    }

    fn run(&mut self, quiet: bool) {
        let started = Instant::now();
        let first = self.last.is_none();
        match self.attempt(quiet) {
            Ok(done) => {
                let css_only = self.todo.css_only();
                self.todo = Todo::default();
                if first {
                    show(&done.warnings, Level::Warning, &self.root);
                }
                let wrote = done.written + done.removed > 0;
                if quiet {
                    self.unannounced |= wrote;
                    return;
                }
                print_done(&done, first, started.elapsed());
                if wrote || std::mem::take(&mut self.unannounced) {
                    // What the refresh wrote may be more than stylesheets.
                    self.hub.built(css_only && wrote);
                } else if self.hub.has_error() {
                    // The fix restored what is served: the overlay must still go.
                    self.hub.built(false);
                }
            }
            Err(e) => {
                match &e {
                    Error::Site(diags) => show(diags, Level::Error, &self.root),
                    other => eprintln!("error: {other}"),
                }
                eprintln!(
                    "{}",
                    if first {
                        "The site has errors; fix them and save, the page reloads on its own."
                    } else {
                        "The site has errors; still serving the last good build."
                    }
                );
                self.hub.failed(describe(&e, &self.root));
            }
        }
    }

    /// `recolor`: photos' colours may have changed since the last build.
    fn attempt(&mut self, recolor: bool) -> Result<Done> {
        let everything = self.todo.everything || self.last.is_none();
        let reuse = match &self.last {
            Some(last) => self.todo.reusable(&last.site),
            None => HashMap::new(),
        };
        let reused: HashSet<PathBuf> = reuse.keys().cloned().collect();
        let site = Site::load_reusing(&self.root, &self.opts, reuse)?;
        // The first load parsed everything: kept for the next `build` (later loads keep none).
        site.save_parsed();
        let statics = assets::statics(&site)?;
        let versions = assets::versions(&statics);
        // Templates are read when a renderer is made: a template edit or new asset versions
        // need a new one; otherwise the last one is still right (and has its templates parsed).
        let last = self.last.as_ref();
        let kept = last.filter(|l| !everything && !self.todo.templates && l.versions == versions);
        let new_renderer = match kept {
            Some(_) => None,
            None => Some(site.renderer(&statics)),
        };
        let renderer = match (&new_renderer, kept) {
            (Some(r), _) | (None, Some(Last { renderer: r, .. })) => r,
            (None, None) => unreachable!("a renderer is made whenever none is kept"),
        };

        // A product's view is made from the product, its category's title and slug, site.yaml
        // and its photos (with their colours); when none changed, the last one is still right.
        let views_hold =
            !everything && !recolor && !self.todo.touches(&self.root, Path::new("categories.yaml"));
        let memos = &self.memos;
        let batch = Batch::new(&self.served).map_err(|e| Error::io(self.served.root(), e))?;
        let sink = ServedSink {
            batch: &batch,
            variants: &self.variants,
            served: &self.served,
            indexer: &self.indexer,
        };
        let input = publish::Input {
            site: &site,
            statics: &statics,
            renderer,
            last: last.map(|l| &l.published),
            known: |lang: &str, p: &Product| {
                if !views_hold || !reused.contains(&p.file) {
                    return None;
                }
                // Its address also depends on the other products' names (see catalog::assign_slugs).
                let key = (lang.to_string(), p.file.clone());
                // Its tags' addresses too (see tags::Tags::of).
                let tags = crate::views::tag_links(p, &site.catalog);
                memos
                    .get(&key)
                    .filter(|m| m.view.slug == p.slug && m.view.tag_links == tags)
                    .cloned()
            },
            keep_memos: true,
            exits_after: false,
        };
        // A failure publishes nothing: the batch is dropped and the last good build stays.
        let outcome = publish::publish(input, &sink)?;
        let written = batch.commit().map_err(|e| Error::io(self.served.root(), e))?;

        let mut gone: Vec<String> = match last {
            Some(l) => outcome.published.gone(&l.published).map(str::to_string).collect(),
            None => Vec::new(),
        };
        gone.extend(self.variants.unused(&site));
        for f in &gone {
            self.served.remove(f).map_err(|e| Error::io(f, e))?;
        }
        site.save_index();
        let done = Done {
            pages: outcome.pages,
            rendered: outcome.rendered,
            written,
            removed: gone.len(),
            photos_queued: match outcome.photos {
                PhotoWork::Queued(n) => n,
                PhotoWork::Made(_) => 0,
            },
            warnings: site.warnings.clone(),
        };
        self.memos = outcome.memos;
        let renderer = match new_renderer {
            Some(r) => r,
            None => match self.last.take() {
                Some(l) => l.renderer,
                None => unreachable!("a renderer is made whenever none is kept"),
            },
        };
        self.last = Some(Last {
            site,
            renderer,
            versions,
            published: outcome.published,
        });
        Ok(done)
    }
}

/// The served folder as a publish sink: files are staged in a batch renamed into place at the
/// end; photo variants are queued for the background worker instead of made first.
struct ServedSink<'a> {
    batch: &'a Batch<'a>,
    variants: &'a Variants,
    served: &'a Served,
    indexer: &'a std::sync::Mutex<crate::search::Indexer>,
}

impl Sink for ServedSink<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.batch.put(rel, bytes).map_err(|e| Error::io(rel, e))
    }

    fn photos(&self, site: &Site) -> Result<PhotoWork> {
        Ok(PhotoWork::Queued(self.variants.queue(site)))
    }

    fn search(&self, indexes: &[crate::search::Index]) -> Result<Vec<(String, Vec<u8>)>> {
        self.indexer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .update(indexes)
    }

    /// Only this server writes the served folder: what it published is still there.
    fn keep(&self, _rel: &str, _content: &blake3::Hash) -> bool {
        true
    }

    fn stopping(&self) -> bool {
        self.served.is_stopping()
    }
}

fn print_done(done: &Done, first: bool, elapsed: Duration) {
    let ms = elapsed.as_secs_f64() * 1000.0;
    let w = match done.warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    let photos = match done.photos_queued {
        0 => String::new(),
        1 => "; 1 photo's variants are being made".to_string(),
        n => format!("; {n} photos' variants are being made"),
    };
    if first {
        println!("Built {} pages in {ms:.0} ms{photos}{w}", done.pages);
    } else if done.written + done.removed == 0 {
        println!("No page changed ({ms:.0} ms){w}");
    } else {
        println!(
            "Rebuilt in {ms:.0} ms: {} of {} pages rendered, {} files written, {} removed{photos}{w}",
            done.rendered, done.pages, done.written, done.removed
        );
    }
}

pub fn show(diags: &[Diagnostic], level: Level, root: &Path) {
    let color = std::io::stderr().is_terminal();
    for d in diags {
        eprint!("{}", render(d, level, Some(root), color));
    }
}

/// The text the browser overlay shows: the same as the terminal, without colours.
pub fn describe(e: &Error, root: &Path) -> String {
    match e {
        Error::Site(diags) => diags
            .iter()
            .map(|d| render(d, Level::Error, Some(root), false))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("error: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(paths: &[&str], rescan: bool) -> Changes {
        Changes {
            paths: paths.iter().map(PathBuf::from).collect(),
            rescan,
        }
    }

    #[test]
    fn what_each_change_asks_for() {
        let root = Path::new("/s");
        let mut t = Todo::default();
        t.add(root, &changes(&["/s/products/a.yaml"], false));
        assert!(!t.everything && !t.templates);
        assert!(t.touches(root, Path::new("products/a.yaml")));
        assert!(!t.touches(root, Path::new("products/b.yaml")));

        t.add(root, &changes(&["/s/templates/base.html"], false));
        assert!(t.templates && !t.everything);

        let mut t = Todo::default();
        t.add(root, &changes(&["/s/site.yaml"], false));
        assert!(t.everything);

        // The site's string table: its words are in every page, like site.yaml's.
        let mut t = Todo::default();
        t.add(root, &changes(&["/s/strings/en.yaml"], false));
        assert!(t.everything);

        // A local theme's templates are templates; which theme it extends and its words are
        // in every page.
        let mut t = Todo::default();
        t.add(
            root,
            &changes(&["/s/themes/mine/templates/partials/x.html"], false),
        );
        assert!(t.templates && !t.everything);
        for changed in [
            "/s/themes/mine/theme.yaml",
            "/s/themes/mine/strings/de.yaml",
            "/s/themes/mine",
        ] {
            let mut t = Todo::default();
            t.add(root, &changes(&[changed], false));
            assert!(t.everything, "{changed}");
        }

        // An overflow or rescan: everything, once.
        let mut t = Todo::default();
        t.add(root, &changes(&[], true));
        assert!(t.everything);

        // A folder that went away takes its files with it.
        let mut t = Todo::default();
        t.add(root, &changes(&["/s/products/balls"], false));
        assert!(t.touches(root, Path::new("products/balls/a.yaml")));
    }

    #[test]
    fn stylesheets_alone_swap_without_a_reload() {
        let mut t = Todo::default();
        t.add(Path::new("/s"), &changes(&["/s/static/style.css"], false));
        assert!(t.css_only());
        t.add(
            Path::new("/s"),
            &changes(&["/s/themes/mine/static/theme.css"], false),
        );
        assert!(t.css_only());
        t.add(Path::new("/s"), &changes(&["/s/products/a.yaml"], false));
        assert!(!t.css_only());
    }
}
