//! The one publish sequence of `build` and `serve`: static files and logo, photos, then every
//! route rendered and written through a [`Sink`] (the staging folder of a build, the served folder
//! of `serve`). Each file is written only when its fingerprint differs from the one last
//! published, so `serve` decides *which* files to publish by what it passes as the last
//! publication, never *how*: a new kind of page added to [`crate::routes`] reaches both.

use crate::assets::{self, Asset};
use crate::catalog::Product;
use crate::documents::{Documents, ProductMemo};
use crate::error::{Error, Result};
use crate::images::{self, ImageStats};
use crate::output::Staging;
use crate::render::Renderer;
use crate::Site;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where published files go.
pub trait Sink: Sync {
    /// Writes the output file at `rel` (forward slashes).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Makes the variants of the site's photos available to the pages about to be published.
    fn photos(&self, site: &Site) -> Result<PhotoWork>;
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

/// Every file published, by path in the output, with the fingerprint of what it was made from.
#[derive(Default)]
pub struct Published {
    pub files: HashMap<String, blake3::Hash>,
}

impl Published {
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
    /// Documents rendered from templates or data this time.
    pub rendered: usize,
    pub photos: PhotoWork,
    /// The product views made, by product file, for the next publication to reuse.
    pub memos: HashMap<PathBuf, ProductMemo>,
}

/// What to publish.
pub struct Input<'a, K> {
    pub site: &'a Site,
    pub statics: &'a [Asset],
    pub renderer: &'a Renderer,
    /// The publication in the output now, whose unchanged files are not written again.
    pub last: Option<&'a Published>,
    /// A product view an earlier publication made, when still right (see [`Documents::new`]).
    pub known: K,
}

/// Publishes `input.site` through `sink`.
pub fn publish<K>(input: Input<'_, K>, sink: &dyn Sink) -> Result<Outcome>
where
    K: Fn(&Product) -> Option<ProductMemo> + Sync,
{
    let Input {
        site,
        statics,
        renderer,
        last,
        known,
    } = input;
    let mut published = Published::default();
    let changed = |file: &str, print: &blake3::Hash| last.and_then(|l| l.files.get(file)) != Some(print);

    for (path, bytes) in statics {
        let print = blake3::hash(bytes);
        if changed(path, &print) {
            sink.put(path, bytes)?;
        }
        published.files.insert(path.clone(), print);
    }
    let logo = assets::logo(site)?;
    if let Some(l) = &logo {
        let print = blake3::hash(&l.bytes);
        if changed(&l.url, &print) {
            sink.put(&l.url, &l.bytes)?;
        }
        published.files.insert(l.url.clone(), print);
    }

    // Photos before pages: pages show each photo's average colour while it loads, known only
    // once the photo's variants exist (or from the index of an earlier build).
    let photos = sink.photos(site)?;
    site.note_colors();

    let docs = Documents::new(site, logo.as_ref(), known);
    let files: Vec<String> = (0..docs.len()).map(|i| docs.file(i)).collect();
    let renderer_key = renderer.key();
    let prints: Vec<blake3::Hash> = (0..docs.len())
        .map(|i| {
            let print = docs.fingerprint(i);
            if docs.is_page(i) {
                // A page is made from its data *and* the templates: a new renderer renders anew.
                let mut h = blake3::Hasher::new();
                h.update(print.as_bytes()).update(renderer_key.as_bytes());
                h.finalize()
            } else {
                print
            }
        })
        .collect();
    let rendered = AtomicUsize::new(0);
    docs.render_each(
        renderer,
        |i| !sink.stopping() && changed(&files[i], &prints[i]),
        |i, text| {
            rendered.fetch_add(1, Ordering::Relaxed);
            sink.put(&files[i], text.as_bytes())
        },
    )?;
    if sink.stopping() {
        return Err(Error::io(
            "the output",
            std::io::Error::new(std::io::ErrorKind::Interrupted, "stopping"),
        ));
    }
    let pages = docs.pages();
    let memos = docs.memos().map(|(f, m)| (f.to_path_buf(), m.clone())).collect();
    published.files.extend(files.into_iter().zip(prints));
    Ok(Outcome {
        published,
        pages,
        rendered: rendered.into_inner(),
        photos,
        memos,
    })
}

/// The sink of `minisite build`: a staging folder swapped in as the output when all is written;
/// photos are made into it before any page.
pub struct Folder<'a> {
    pub staging: &'a Staging,
    pub progress: bool,
}

impl Sink for Folder<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.staging.write(rel, bytes)
    }

    fn photos(&self, site: &Site) -> Result<PhotoWork> {
        images::run::run(
            &site.plan,
            &site.cache(),
            self.staging.root(),
            site.config.images.quality,
            site.background(),
            self.progress,
        )
        .map(PhotoWork::Made)
        .map_err(|d| Error::Site(crate::photo_refs::named_in(site, d)))
    }
}
