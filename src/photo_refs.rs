//! Which file names which photo: the list the image plan is made from, and the way back from a
//! photo that fails to the product, category or site.yaml line that names it.

use crate::catalog::Catalog;
use crate::config::{PhotoSpec, SiteConfig};
use crate::error::Diagnostic;
use crate::images::run::{Fault, PhotoFailure};
use crate::Site;
use std::path::{Path, PathBuf};

/// A photo the site shows, with the file naming it.
pub struct PhotoRef<'a> {
    pub named_in: PathBuf,
    pub spec: &'a PhotoSpec,
    /// Shown in a grid (a product's first photo, a category's image): those get fixed-ratio
    /// thumbnails too.
    pub in_grid: bool,
}

/// Every photo of the site: company photos, each product's, each category's. Company photos
/// outside the site folder are reported in `problems` and left out.
pub fn collect<'a>(
    root: &Path,
    config: &'a SiteConfig,
    catalog: &'a Catalog,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PhotoRef<'a>> {
    let mut photos = Vec::new();
    for (i, ph) in config.company.photos.iter().enumerate() {
        match crate::paths::resolve_in_site(root, &ph.path) {
            Ok(_) => photos.push(PhotoRef {
                named_in: PathBuf::from("site.yaml"),
                spec: ph,
                in_grid: false,
            }),
            Err((msg, help)) => problems.push(
                Diagnostic::new("site.yaml", format!("photo {msg}"))
                    .field(format!("company.photos[{i}]"))
                    .help(help),
            ),
        }
    }
    for p in &catalog.products {
        photos.extend(p.data.photos.iter().enumerate().map(|(i, ph)| PhotoRef {
            named_in: p.file.clone(),
            spec: ph,
            in_grid: i == 0,
        }));
    }
    for c in &catalog.categories {
        photos.extend(c.image.iter().map(|ph| PhotoRef {
            named_in: PathBuf::from("categories.yaml"),
            spec: ph,
            in_grid: true,
        }));
    }
    photos
}

/// The file that names `photo`: the first product listing it, else categories.yaml, else
/// site.yaml when the photo is in the plan (a company photo).
fn user(site: &Site, photo: &str) -> Option<PathBuf> {
    let cat = &site.catalog;
    cat.products
        .iter()
        .find(|p| p.data.photos.iter().any(|ph| ph.path == photo))
        .map(|p| p.file.clone())
        .or_else(|| {
            cat.categories
                .iter()
                .any(|c| c.image.as_ref().is_some_and(|i| i.path == photo))
                .then(|| PathBuf::from("categories.yaml"))
        })
        .or_else(|| site.plan.get(photo).map(|_| PathBuf::from("site.yaml")))
}

/// Photos that failed while their variants were made, reported in the file that names each, on
/// its line, as planning does.
pub fn named_in(site: &Site, failures: Vec<PhotoFailure>) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = failures
        .into_iter()
        .map(|f| {
            let Some(file) = user(site, &f.photo) else {
                return Diagnostic::new(&f.photo, format!("the photo {}", f.message));
            };
            let help = match f.fault {
                Fault::Storage { .. } => {
                    "free some disk space, or check the folders' permissions, and build again"
                }
                Fault::Photo => "open the photo in an image editor and export it again as JPEG",
            };
            Diagnostic::new(file, format!("photo `{}`: {}", f.photo, f.message))
                .help(help)
                .near(&f.photo)
        })
        .collect();
    // On the line naming the photo, in the texts as they were loaded.
    let kept = std::iter::once(&site.config.source).chain(site.catalog.sources());
    crate::error::place_all(&mut diags, kept);
    diags
}
