//! Which variants each photo gets, with final file names, before any pixel is touched.

use crate::config::{ImageFormat, ImageSettings, PhotoSpec};
use crate::error::Diagnostic;
use crate::images::kind::{self, Kind};
use crate::images::ops;
use crate::images::sources::{self, Known, SourceIndex};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One output file of one photo.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// Path in the output, relative to the site root, e.g. `images/ball-3f2a9c01d4-480.webp`.
    pub url: String,
    /// Content-addressed cache key: hash of the source bytes and everything that shapes the output.
    #[serde(skip)]
    pub key: String,
    /// For thumbnails: the part of the (oriented) photo to keep, as left, top, width, height.
    #[serde(skip)]
    pub crop: Option<[f64; 4]>,
}

/// All variants of one source photo.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSet {
    /// Path as written by the seller, relative to the site folder.
    pub path: String,
    #[serde(skip)]
    pub source: PathBuf,
    /// Size after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// JPEG decode shrink shared by all variants (see [`ops::jpeg_shrink`]).
    #[serde(skip)]
    pub shrink: u32,
    pub variants: Vec<Variant>,
    /// Fixed-ratio crops for grids (see `images.thumbnails`); empty when thumbnails are off.
    pub thumbs: Vec<Variant>,
}

impl ImageSet {
    /// Every file this photo publishes.
    pub fn all(&self) -> impl Iterator<Item = &Variant> {
        self.variants.iter().chain(&self.thumbs)
    }
}

/// Every photo the site publishes, keyed by the path the seller wrote.
#[derive(Debug, Default)]
pub struct ImagePlan {
    pub sets: BTreeMap<String, ImageSet>,
    /// Average colour of each photo, known once its variants exist (see [`crate::images::run::colors`]).
    pub colors: std::sync::OnceLock<BTreeMap<String, [u8; 3]>>,
}

/// Where a photo is first named, its focus point, and whether it is shown in a grid.
type Mention<'a> = (&'a Path, Option<(f64, f64)>, bool);

/// Bumped whenever the pipeline changes what it writes, so stale cache entries are not reused.
const PIPELINE_VERSION: &str = "minisite-images-2";

impl ImagePlan {
    /// Reads every photo's header and hash. `photos` pairs each photo with the file that names it,
    /// so a broken photo is reported against the product that uses it.
    pub fn make(
        site_root: &Path,
        photos: &[(PathBuf, &PhotoSpec, bool)],
        settings: &ImageSettings,
        index: &SourceIndex,
    ) -> Result<ImagePlan, Vec<Diagnostic>> {
        // A photo used twice is made once; the first mention's focus point is used.
        let mut unique: BTreeMap<&str, Mention> = BTreeMap::new();
        for (file, ph, grid) in photos {
            let e = unique.entry(ph.path.as_str()).or_insert((file, ph.focus, *grid));
            e.1 = e.1.or(ph.focus);
            e.2 |= *grid;
        }
        let fingerprint = format!("{PIPELINE_VERSION};q={}", settings.quality);
        let results: Vec<Result<ImageSet, Diagnostic>> = unique
            .par_iter()
            .map(|(rel, (named_in, focus, grid))| {
                let thumbs = grid.then_some(focus.unwrap_or((0.5, 0.5)));
                plan_one(site_root, rel, named_in, thumbs, settings, &fingerprint, index)
            })
            .collect();
        let mut sets = BTreeMap::new();
        let mut problems = Vec::new();
        for r in results {
            match r {
                Ok(set) => {
                    sets.insert(set.path.clone(), set);
                }
                Err(d) => problems.push(d),
            }
        }
        if problems.is_empty() {
            Ok(ImagePlan {
                sets,
                colors: Default::default(),
            })
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, path: &str) -> Option<&ImageSet> {
        self.sets.get(path)
    }

    /// `#rrggbb` to show while `path` loads, when known.
    pub fn color(&self, path: &str) -> Option<String> {
        let [r, g, b] = *self.colors.get()?.get(path)?;
        Some(format!("#{r:02x}{g:02x}{b:02x}"))
    }
}

fn plan_one(
    site_root: &Path,
    rel: &str,
    named_in: &Path,
    // Where to centre the thumbnail crop; `None`: the photo gets no thumbnails.
    thumbs_focus: Option<(f64, f64)>,
    settings: &ImageSettings,
    fingerprint: &str,
    index: &SourceIndex,
) -> Result<ImageSet, Diagnostic> {
    let source = site_root.join(rel);
    let fail = |msg: String, help: &str| {
        // Placed on the line naming the photo by `Site::load`, which holds the files' texts.
        Diagnostic::new(named_in, format!("photo `{rel}`: {msg}"))
            .help(help.to_string())
            .near(rel)
    };
    let known = inspect(&source, index).map_err(|(msg, help)| fail(msg, help))?;
    index.note(&source, known.clone());
    let (width, height, source_hash) = (known.width, known.height, known.hash);
    let stem = Path::new(rel)
        .file_stem()
        .and_then(|s| s.to_str())
        .map(slug::slugify)
        .unwrap_or_default();
    let stem: String = if stem.is_empty() {
        "photo".into()
    } else {
        stem.chars().take(48).collect()
    };

    let mut widths: Vec<u32> = settings.widths.iter().copied().filter(|&w| w <= width).collect();
    if widths.is_empty() {
        // A photo narrower than every configured width is published at its own width, never upscaled.
        widths.push(width);
    }
    widths.sort_unstable();
    widths.dedup();

    let whole = |w: u32| ((height as u64 * w as u64 + width as u64 / 2) / width as u64).max(1) as u32;

    let grid = thumb_grid(settings, width, height, thumbs_focus);

    // The largest output decides how far a JPEG may shrink while decoding; it is part of every key,
    // so a variant always comes from the same decode whatever else is in the cache.
    let mut min_ratio = widths.last().map_or(1.0, |&w| {
        (width as f64 / w as f64).min(height as f64 / whole(w) as f64)
    });
    if let Some((crop, sizes)) = &grid {
        for &(w, h) in sizes {
            min_ratio = min_ratio.min((crop[2] / w as f64).min(crop[3] / h as f64));
        }
    }
    let shrink = ops::jpeg_shrink(min_ratio);
    let at = Shape { shrink, crop: None };

    let mut variants = Vec::new();
    for &format in &settings.formats {
        for &w in &widths {
            variants.push(variant(&source_hash, fingerprint, &stem, format, w, whole(w), at));
        }
    }
    let mut thumbs = Vec::new();
    if let Some((crop, sizes)) = &grid {
        let at = Shape {
            crop: Some(*crop),
            ..at
        };
        for &format in &settings.formats {
            for &(w, h) in sizes {
                thumbs.push(variant(&source_hash, fingerprint, &stem, format, w, h, at));
            }
        }
    }
    Ok(ImageSet {
        path: rel.to_string(),
        source,
        width,
        height,
        shrink,
        variants,
        thumbs,
    })
}

/// What the plan needs to know of a photo: from the index when its file is unchanged, else
/// read from the file (checked to be a photo minisite can publish).
fn inspect(source: &Path, index: &SourceIndex) -> Result<Known, (String, &'static str)> {
    let stamp = sources::stamp(source);
    if let Some(k) = stamp.as_deref().and_then(|st| index.get(source, st)) {
        return Ok(k);
    }
    let bytes = std::fs::read(source)
        .map_err(|e| (format!("cannot be read: {e}"), "check the file's permissions"))?;
    not_readable(&bytes)?;
    // A decoder bug must cost one photo, not the whole check or build.
    let size = std::panic::catch_unwind(|| ops::oriented_size(&bytes))
        .unwrap_or_else(|_| Err("made the image decoder crash".into()));
    let (width, height) = size.map_err(|e| {
        (
            e,
            "open the photo in an image editor and export it again as JPEG or PNG",
        )
    })?;
    Ok(Known {
        stamp: stamp.unwrap_or_default(),
        hash: *blake3::hash(&bytes).as_bytes(),
        width,
        height,
        color: None,
    })
}

/// A crop box in source pixels: x, y, width, height.
type Crop = [f64; 4];

/// The fixed-ratio crop of a grid thumbnail around `focus`, and its (width, height) sizes; none
/// when thumbnails are off or the photo is not shown in a grid.
fn thumb_grid(
    settings: &ImageSettings,
    width: u32,
    height: u32,
    focus: Option<(f64, f64)>,
) -> Option<(Crop, Vec<(u32, u32)>)> {
    let ratio = settings.thumbnails.ratio?.value();
    let crop = crop_box(width, height, ratio, focus?);
    let mut tw: Vec<u32> = settings
        .thumbnails
        .widths
        .iter()
        .copied()
        .filter(|&w| w as f64 <= crop[2])
        .collect();
    if tw.is_empty() {
        tw.push(crop[2].floor().max(1.0) as u32);
    }
    tw.sort_unstable();
    tw.dedup();
    let sizes = tw
        .iter()
        .map(|&w| (w, ((w as f64 / ratio).round() as u32).max(1)))
        .collect();
    Some((crop, sizes))
}

/// How a variant is cut from its photo, besides its size.
#[derive(Clone, Copy)]
struct Shape {
    /// JPEG decode shrink (see [`ops::jpeg_shrink`]).
    shrink: u32,
    crop: Option<[f64; 4]>,
}

/// Refuses files that are not in a format minisite reads, saying what they are instead.
fn not_readable(bytes: &[u8]) -> Result<(), (String, &'static str)> {
    match kind::detect(&bytes[..bytes.len().min(64)]) {
        Kind::Readable(_) if kind::cut_short(bytes) => Err((
            "is cut short: the file ends before the picture does".into(),
            "copy the photo again from the camera, phone or editor; the copy was interrupted",
        )),
        Kind::Readable(_) => Ok(()),
        Kind::Empty => Err((
            "is empty (0 bytes)".into(),
            "copy the photo into the folder again; the copy was probably interrupted",
        )),
        Kind::Heic => Err((
            "is a HEIC photo (the iPhone's own format), which web browsers cannot show".into(),
            "export it as JPEG (on the iPhone: Settings → Camera → Formats → Most Compatible)",
        )),
        Kind::OtherImage(ext) => Err((
            format!(
                "is a {} image; minisite reads JPEG, PNG, WebP and GIF",
                ext.to_uppercase()
            ),
            "open it in an image editor and export it as JPEG (photos) or PNG (drawings)",
        )),
        Kind::NotAnImage => Err((
            "is not an image (its content is not JPEG, PNG, WebP or GIF)".into(),
            "check that this is the right file; if it is a photo, export it again as JPEG",
        )),
    }
}

/// One output file: its cache key hashes the source and everything that shapes the pixels.
fn variant(
    source_hash: &[u8; 32],
    fingerprint: &str,
    stem: &str,
    format: ImageFormat,
    w: u32,
    h: u32,
    Shape { shrink, crop }: Shape,
) -> Variant {
    let mut hasher = blake3::Hasher::new();
    hasher.update(source_hash);
    let mut shape = format!(
        "{fingerprint};{};{};{w}x{h}",
        format.extension(),
        ops::encoder(format)
    );
    if shrink > 1 {
        shape.push_str(&format!(";shrink={shrink}"));
    }
    if let Some(c) = crop {
        shape.push_str(&format!(";crop={:?}", c.map(|v| (v * 100.0).round() / 100.0)));
    }
    hasher.update(shape.as_bytes());
    let key = hasher.finalize().to_hex().to_string();
    // Thumbnails name both sides (`-320x240`); whole-photo variants only the width (`-480`).
    let size = if crop.is_some() {
        format!("{w}x{h}")
    } else {
        w.to_string()
    };
    Variant {
        format,
        width: w,
        height: h,
        url: format!("images/{stem}-{}-{size}.{}", &key[..10], format.extension()),
        key,
        crop,
    }
}

/// The largest `ratio` box inside a `w`×`h` photo, placed so `focus` is as central as it can be.
fn crop_box(w: u32, h: u32, ratio: f64, focus: (f64, f64)) -> [f64; 4] {
    let (w, h) = (w as f64, h as f64);
    let (cw, ch) = if w / h > ratio {
        (h * ratio, h)
    } else {
        (w, w / ratio)
    };
    let left = (focus.0 * w - cw / 2.0).clamp(0.0, w - cw);
    let top = (focus.1 * h - ch / 2.0).clamp(0.0, h - ch);
    [left, top, cw, ch]
}
