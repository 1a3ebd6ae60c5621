//! Warnings: what a seller should fix but that does not stop a build.

use crate::catalog::Catalog;
use crate::config::{PhotoSpec, SiteConfig};
use crate::error::Diagnostic;
use crate::images::kind::{self, Kind};
use crate::images::ImagePlan;
use crate::source::Source;
use std::collections::BTreeSet;
use std::path::Path;

/// Originals above this many bytes slow every cold build and fill the seller's upload.
const LARGE_FILE: u64 = 15 * 1024 * 1024;

pub fn warnings(
    root: &Path,
    config: &SiteConfig,
    catalog: &Catalog,
    plan: &ImagePlan,
    today: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let largest = config.images.widths.iter().copied().max().unwrap_or(0);

    for (i, c) in config.company.certifications.iter().enumerate() {
        if let Some(until) = &c.valid_until {
            if until.as_str() < today {
                let d = Diagnostic::new(
                    config.source.file(),
                    format!("certification `{}` expired on {until}", c.name),
                )
                .field(format!("company.certifications[{i}].valid_until"))
                .help("renew it and update valid_until, or remove it: buyers check");
                out.push(d.located(config.source.value(until)));
            }
        }
    }

    // Each photo with the text of the file that names it, to place its warnings.
    let mut photos: Vec<(&Source, &PhotoSpec)> = Vec::new();
    for p in &catalog.products {
        for ph in &p.data.photos {
            photos.push((&p.source, ph));
        }
        if p.data.price_tiers.is_empty() {
            let d = Diagnostic::new(&p.file, "the product has no price").help(
                "add price_tiers so buyers see a price range; prices \"on request\" get fewer inquiries",
            );
            out.push(d.located(p.source.key("name")));
        }
        if let Some(moq) = &p.data.moq {
            for (i, t) in p.data.price_tiers.iter().enumerate() {
                if t.min_qty < moq.quantity {
                    let field = format!("price_tiers[{i}].min_qty");
                    let d = Diagnostic::new(
                        &p.file,
                        format!(
                            "a price tier starts at {} but the MOQ is {}",
                            t.min_qty, moq.quantity
                        ),
                    )
                    .help("start the first tier at the MOQ, or lower the MOQ")
                    .located(p.source.field(&field));
                    out.push(d.field(field));
                }
            }
        }
    }
    for ph in &config.company.photos {
        photos.push((&config.source, ph));
    }

    let defined = crate::catalog::defined_categories(catalog);
    for p in &catalog.products {
        let Some(c) = p.data.category.as_deref() else {
            continue;
        };
        if defined.contains(&c) {
            continue;
        }
        if let Some(near) = crate::yaml::suggest(c, &defined) {
            let d = Diagnostic::new(
                &p.file,
                format!("category `{c}` is not in categories.yaml; it gets a page of its own"),
            )
            .field("category")
            .help(format!(
                "did you mean `{near}`? If not, add `{c}` to categories.yaml"
            ));
            out.push(d.located(p.source.key("category")));
        }
    }

    for (source, ph) in &photos {
        if ph.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            let d = Diagnostic::new(source.file(), format!("photo `{}` has no alt text", ph.path)).help(
                "add alt: a short description of the photo, read to blind buyers and by search engines",
            );
            out.push(d.located(source.value(&ph.path)));
        }
    }
    let mut seen = BTreeSet::new();
    for (named_in, ph) in &photos {
        let file = named_in.file();
        if !seen.insert(ph.path.clone()) {
            continue;
        }
        let Some(set) = plan.get(&ph.path) else { continue };
        if set.width < largest {
            let d = Diagnostic::new(
                file,
                format!(
                    "photo `{}` is {} px wide, less than the largest width of {largest} px",
                    ph.path, set.width
                ),
            )
            .help("large screens will show it softer than the rest; use a larger original if you have one");
            out.push(d.located(named_in.value(&ph.path)));
        }
        let source = root.join(&ph.path);
        let mut warn = |message: String, help: &str| {
            let d = Diagnostic::new(file, message).help(help);
            out.push(d.located(named_in.value(&ph.path)));
        };
        if let Ok(Kind::Readable(real)) = kind::detect_file(&source) {
            match kind::from_extension(&ph.path) {
                Some(said) if said != real => warn(
                    format!(
                        "photo `{}` is a {} file, but its name says {}",
                        ph.path,
                        kind::name(real),
                        kind::name(said)
                    ),
                    "it is published correctly, but rename the file to match (some tools trust the name)",
                ),
                _ => {}
            }
            if real != image::ImageFormat::Jpeg {
                if let Some(f) = kind::animated_file(&source) {
                    warn(
                        format!(
                            "animated {}: only the first frame is shown (photo `{}`)",
                            kind::name(f),
                            ph.path
                        ),
                        "product pages show still photos; export the frame you want as JPEG, or a video elsewhere",
                    );
                }
            }
        }
        if let Ok(m) = std::fs::metadata(&source) {
            if m.len() > LARGE_FILE {
                let d = Diagnostic::new(
                    file,
                    format!("photo `{}` is {:.0} MB", ph.path, m.len() as f64 / 1_048_576.0),
                )
                .help("the site is fine (variants are small), but builds are slower; 4000 px wide is plenty");
                out.push(d.located(named_in.value(&ph.path)));
            }
        }
    }

    let mut used: BTreeSet<String> = plan.sets.keys().cloned().collect();
    if let Some(logo) = &config.brand.logo {
        used.insert(logo.clone());
    }
    for entry in walkdir::WalkDir::new(root.join("images"))
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = crate::paths::slash(rel);
        let name = entry.file_name().to_string_lossy();
        let is_image = ["jpg", "jpeg", "png", "webp", "gif", "svg"]
            .iter()
            .any(|e| name.to_ascii_lowercase().ends_with(&format!(".{e}")));
        if is_image && !name.starts_with('.') && !used.contains(&rel) {
            out.push(
                Diagnostic::new(
                    &rel,
                    "this photo is not used by any product, category or the company profile",
                )
                .help("add it to a product's photos, or delete it"),
            );
        }
    }
    out.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out
}

/// Today's date as `YYYY-MM-DD` (UTC), for comparing with `valid_until`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
