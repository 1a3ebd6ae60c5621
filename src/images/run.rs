//! Makes the planned variants: cached ones are checked and copied, missing ones made from one
//! decode per photo.

use crate::config::ImageFormat;
use crate::images::cache::Cache;
use crate::images::ops;
use crate::images::plan::{ImagePlan, ImageSet, Variant};
use crate::images::remote::Remote;
use crate::images::sources::SourceIndex;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImageStats {
    /// Variants encoded in this build.
    pub made: usize,
    /// Variants taken from the cache.
    pub reused: usize,
    /// Variants taken from the remote cache (`--cache-url`), not counted in `reused`.
    pub fetched: usize,
}

/// A photo whose variants could not be made.
#[derive(Debug)]
pub struct PhotoFailure {
    /// The photo's path in the site.
    pub photo: String,
    pub fault: Fault,
    /// What went wrong, as a phrase after the photo's name ("cannot be read: …").
    pub message: String,
}

/// Whose the failure is, which decides what the seller is told to do.
#[derive(Debug)]
pub enum Fault {
    /// The photo itself: unreadable, undecodable, damaged inside.
    Photo,
    /// Where its variants go (the output, the served folder or the image cache) refused `path`.
    Storage {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
}

impl PhotoFailure {
    pub fn new(photo: &str, fault: Fault, message: String) -> PhotoFailure {
        PhotoFailure {
            photo: photo.to_string(),
            fault,
            message,
        }
    }
}

/// Fills `out_root` with every planned variant.
///
/// Photos run in parallel, largest first so the longest jobs do not start last; inside a photo the
/// widths and formats are encoded in parallel too, so both cores stay busy to the end. Memory stays
/// bounded by the number of threads (each holds at most one decoded photo), not the number of photos.
pub fn run(
    plan: &ImagePlan,
    cache: &Cache,
    out_root: &Path,
    quality: u8,
    background: [u8; 3],
    progress: bool,
    remote: Option<&Remote>,
) -> Result<ImageStats, Vec<PhotoFailure>> {
    let mut sets: Vec<&ImageSet> = plan.sets.values().collect();
    // The second tier first: what another machine already made is not made here.
    let wanted = remote.map(|_| missing_locally(&sets, cache)).unwrap_or_default();
    let fetched = match remote {
        Some(r) if !wanted.is_empty() => r.fetch(cache, &wanted),
        _ => Vec::new(),
    };
    sets.sort_by_key(|s| std::cmp::Reverse(s.width as u64 * s.height as u64));
    // A bar only when there is real work: a rebuild from the cache should stay silent.
    let todo = sets
        .iter()
        .filter(|s| s.all().any(|v| !cache.has(&v.key, v.format.extension())))
        .count();
    let bar = if progress && todo > 0 {
        let bar = indicatif::ProgressBar::new(todo as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} photos, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message("Making photo variants");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results: Vec<Result<ImageStats, PhotoFailure>> = sets
        .par_iter()
        .with_max_len(1)
        .map(|set| {
            let r = make_set(set, cache, out_root, quality, background);
            if matches!(&r, Ok(s) if s.made > 0) {
                bar.inc(1);
            }
            r
        })
        .collect();
    bar.finish_and_clear();
    if let Some(r) = remote {
        // Uploaded is only what this build made, once whole in the local cache.
        let fetched: std::collections::HashSet<_> = fetched.iter().collect();
        let made: Vec<_> = wanted
            .iter()
            .filter(|e| !fetched.contains(e) && cache.has(&e.0, e.1))
            .cloned()
            .collect();
        if !made.is_empty() {
            r.upload(cache, &made);
        }
    }
    let mut stats = ImageStats {
        fetched: fetched.len(),
        ..ImageStats::default()
    };
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(s) => {
                stats.made += s.made;
                stats.reused += s.reused;
            }
            Err(d) => problems.push(d),
        }
    }
    // Fetched entries were then found in the local cache like any other.
    stats.reused = stats.reused.saturating_sub(stats.fetched);
    if problems.is_empty() {
        Ok(stats)
    } else {
        Err(problems)
    }
}

/// The (key, extension) of every planned variant the local cache has no whole entry for, once each.
fn missing_locally(sets: &[&ImageSet], cache: &Cache) -> Vec<(String, &'static str)> {
    let mut seen = std::collections::BTreeSet::new();
    sets.iter()
        .flat_map(|s| s.all())
        .map(|v| (v.key.clone(), v.format.extension()))
        .filter(|(key, ext)| !cache.has(key, ext) && seen.insert((key.clone(), *ext)))
        .collect()
}

fn make_set(
    set: &ImageSet,
    cache: &Cache,
    out_root: &Path,
    quality: u8,
    background: [u8; 3],
) -> Result<ImageStats, PhotoFailure> {
    let fail = |msg: String| PhotoFailure::new(&set.path, Fault::Photo, msg);
    let unwritable = |path: std::path::PathBuf, error: std::io::Error, place: &str| {
        let message = format!("cannot be written to {place}: {error}");
        PhotoFailure::new(&set.path, Fault::Storage { path, error }, message)
    };
    let put_out = |v: &Variant, bytes: &[u8]| {
        let to = out_root.join(&v.url);
        publish(&to, bytes).map_err(|e| unwritable(to, e, "the output"))
    };
    // What the cache holds is published only once it checks out; anything else is made again.
    let mut missing = Vec::new();
    for v in set.all() {
        match cache.get(&v.key, v.format.extension()) {
            Some(bytes) => put_out(v, &bytes)?,
            None => missing.push(v),
        }
    }
    if !missing.is_empty() {
        let bytes = std::fs::read(&set.source).map_err(|e| fail(format!("cannot be read: {e}")))?;
        // A decoder bug must cost one photo, not the whole build.
        let decoded = std::panic::catch_unwind(|| ops::decode(&bytes, set.shrink))
            .map_err(|_| fail("made the image decoder crash; export it again from an image editor".into()))?
            .map_err(|e| fail(e.to_string()))?;
        drop(bytes);
        let mut shapes: Vec<Shape> = missing.iter().map(|v| shape(v)).collect();
        shapes.sort_unstable();
        shapes.dedup();
        // Each size (and crop) is cut from the one decode once; its formats are encoded side by side.
        shapes.par_iter().rev().try_for_each(|s| {
            let (w, h) = (s.0, s.1);
            let crop = missing.iter().find(|v| shape(v) == *s).and_then(|v| v.crop);
            let mut pixels =
                ops::resize(&decoded, w, h, crop).map_err(|e| fail(format!("cannot be resized: {e}")))?;
            decoded.to_srgb(&mut pixels);
            missing.par_iter().filter(|v| shape(v) == *s).try_for_each(|v| {
                let encoded = ops::encode(&pixels, w, h, decoded.has_alpha, v.format, quality, background)
                    .map_err(|e| fail(format!("cannot be encoded: {e}")))?;
                cache.put(&v.key, v.format.extension(), &encoded).map_err(|e| {
                    unwritable(cache.path(&v.key, v.format.extension()), e, "the image cache")
                })?;
                put_out(v, &encoded)
            })
        })?;
    }
    Ok(ImageStats {
        made: missing.len(),
        reused: set.all().count() - missing.len(),
        fetched: 0,
    })
}

/// What one resize produces: width, height and crop (as bits, so it can be sorted and compared).
type Shape = (u32, u32, Option<[u64; 4]>);

fn shape(v: &Variant) -> Shape {
    (v.width, v.height, v.crop.map(|c| c.map(f64::to_bits)))
}

/// Writes one variant into the output: from the checked bytes themselves, so what was checked is
/// what is published, in a file of its own (never the cache's inode) that, created by this
/// process, gets the umask's ordinary permissions (0644 under umask 022), not the cache's 0600.
fn publish(to: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // An interrupted build is removing its output: do not re-create folders in it (and make
    // the removal wait for this write, once it is under way).
    let Some(_writing) = crate::output::Writing::begin() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "the build was interrupted",
        ));
    };
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(to, bytes)
}

/// The average colour of every photo, from the index when known, else from its smallest variant
/// (a few milliseconds each, once). Pages show it while the photo loads.
pub fn colors(
    plan: &ImagePlan,
    cache: &Cache,
    index: &SourceIndex,
    background: [u8; 3],
) -> BTreeMap<String, [u8; 3]> {
    plan.sets
        .par_iter()
        .filter_map(|(path, set)| {
            let mut known = index.seen(&set.source)?;
            if known.color.is_none() {
                // The smallest WebP or JPEG (`image` reads no AVIF), WebP first: it keeps transparency,
                // which is then laid on the background the same way as in the JPEGs.
                let smallest = set
                    .variants
                    .iter()
                    .filter(|v| v.format != ImageFormat::Avif)
                    .min_by_key(|v| (v.format != ImageFormat::Webp, v.width))?;
                let bytes = cache.get(&smallest.key, smallest.format.extension())?;
                let img = image::load_from_memory(&bytes).ok()?.to_rgba8();
                let n = (img.width() as u64 * img.height() as u64).max(1);
                let mut sum = [0u64; 3];
                for p in img.pixels() {
                    let a = p[3] as u64;
                    for c in 0..3 {
                        sum[c] += (p[c] as u64 * a + background[c] as u64 * (255 - a)) / 255;
                    }
                }
                known.color = Some(sum.map(|s| (s / n) as u8));
                index.note(&set.source, known.clone());
            }
            Some((path.clone(), known.color?))
        })
        .collect()
}
