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
    today: &time::Date,
) -> Vec<Diagnostic> {
    let mut out = certifications(config, today);
    out.extend(colours(config));
    out.extend(prices(catalog, crate::feeds::written(config)));
    out.extend(feeds(config, catalog));
    out.extend(categories(catalog));
    out.extend(filters(config, catalog));
    // Each photo with the text of the file that names it, to place its warnings.
    let mut photos: Vec<(&Source, &PhotoSpec)> = Vec::new();
    for p in &catalog.products {
        for ph in &p.data.photos {
            photos.push((&p.source, ph));
        }
    }
    for ph in &config.company.photos {
        photos.push((&config.source, ph));
    }
    out.extend(alt_texts(&photos));
    let largest = config.images.widths.iter().copied().max().unwrap_or(0);
    out.extend(photo_files(root, &photos, plan, largest));
    out.extend(unused_images(config, catalog, plan, root));
    out.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out
}

/// A filter naming a spec no product has would offer buyers nothing to choose.
fn filters(config: &SiteConfig, catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, name) in config.filters.iter().enumerate() {
        let used = |p: &std::sync::Arc<crate::catalog::Product>| {
            p.spec_labels.iter().any(|l| l.trim().eq_ignore_ascii_case(name))
        };
        if name.is_empty() || catalog.products.iter().any(used) {
            continue;
        }
        let mut labels: Vec<&str> = catalog
            .products
            .iter()
            .flat_map(|p| p.spec_labels.iter().map(|l| l.trim()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        labels.truncate(8);
        let field = format!("filters[{i}]");
        let help = match labels.is_empty() {
            true => "no product has specs yet: add `specs:` to products, or remove the filter".to_string(),
            false => format!(
                "name a spec label products use ({}), or remove it",
                labels.join(", ")
            ),
        };
        out.push(
            Diagnostic::new(
                config.source.file(),
                format!("filter `{name}`: no product has a spec labelled so, listings will not offer it"),
            )
            .field(field.clone())
            .help(help)
            .located(config.source.field(&field)),
        );
    }
    out
}

fn certifications(config: &SiteConfig, today: &time::Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, c) in config.company.certifications.iter().enumerate() {
        if let Some(until) = &c.valid_until {
            if until.is_before(*today) {
                let d = Diagnostic::new(
                    config.source.file(),
                    format!("certification `{}` expired on {}", c.name, until.text()),
                )
                .field(format!("company.certifications[{i}].valid_until"))
                .help(
                    "renew it and update valid_until, or remove it: buyers check \
                     (until then pages mark it expired; `company.expired_certifications: hide` leaves it out)",
                );
                out.push(d.located(config.source.value(until.text())));
            }
        }
    }
    out
}

/// Brand colour pairs the theme sets text in, below WCAG AA. Text on the primary and accent
/// fills needs no warning: the theme picks white or dark for those (`contrast::text_on`).
fn colours(config: &SiteConfig) -> Vec<Diagnostic> {
    let c = &config.brand.colors;
    let mut out = Vec::new();
    for (field, colour, says) in [
        ("text", &c.text, "body text"),
        (
            "primary",
            &c.primary,
            "links, prices and headings in the primary colour",
        ),
    ] {
        let ratio = crate::contrast::ratio(colour, &c.background);
        if ratio < crate::contrast::AA {
            let field = format!("brand.colors.{field}");
            let d = Diagnostic::new(
                config.source.file(),
                format!(
                    "{says} ({colour}) on the background ({}) has a contrast of {ratio:.1}:1, below the 4.5:1 that reads easily",
                    c.background
                ),
            )
            .help(format!(
                "make {field} darker or the background lighter (or the other way round for a dark site)"
            ))
            .located(config.source.field(&field));
            out.push(d.field(field));
        }
    }
    out
}

/// Products without a price, and price tiers that start below the MOQ. With `feeds` written, a
/// product without a price is also left out of them, which the seller must know.
fn prices(catalog: &Catalog, feeds: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &catalog.products {
        if p.data.price_tiers.is_empty() && !p.data.draft {
            let message = if feeds {
                "the product has no price, so it is left out of the product feeds (Google, Meta)"
            } else {
                "the product has no price"
            };
            let d = Diagnostic::new(&p.file, message).help(
                "add price_tiers so buyers see a price range; prices \"on request\" get fewer inquiries",
            );
            out.push(d.located(p.source.key("name")));
        }
        let Some(moq) = &p.data.moq else { continue };
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
    out
}

/// Products the feeds leave out for what the platforms refuse (a missing price is told by
/// [`prices`]), and feeds not written for want of an https address.
fn feeds(config: &SiteConfig, catalog: &Catalog) -> Vec<Diagnostic> {
    use crate::feeds::{self, LeftOut};
    let mut out = Vec::new();
    if !feeds::written(config) {
        if let Some(base) = config.base_url.as_deref() {
            out.push(
                Diagnostic::new(
                    config.source.file(),
                    format!("base_url `{base}` is not https: no product feeds are written"),
                )
                .field("base_url")
                .help("Google Merchant Center and Meta take only https links; use the site's https address")
                .located(config.source.key("base_url")),
            );
        }
        return out;
    }
    for p in &catalog.products {
        let (message, help, key) = match feeds::left_out(p) {
            Some(LeftOut::LongId) => (
                format!(
                    "SKU `{}` is longer than {} characters: the product is left out of the product feeds",
                    p.data.sku,
                    feeds::ID_MAX
                ),
                "Google and Meta take ids of at most 50 characters; use a shorter SKU",
                "sku",
            ),
            Some(LeftOut::Currency) => (
                format!(
                    "currency `{}` is not a three-letter ISO 4217 code: the product is left out of the product feeds",
                    p.currency
                ),
                "write the code, e.g. currency: USD, EUR or PKR",
                "currency",
            ),
            _ => continue,
        };
        let d = Diagnostic::new(&p.file, message).field(key).help(help);
        out.push(d.located(p.source.key(key)));
    }
    out
}

/// A category not in categories.yaml that is close to one that is: most likely a typo.
fn categories(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
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
    out
}

fn alt_texts(photos: &[(&Source, &PhotoSpec)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (source, ph) in photos {
        if ph.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            let d = Diagnostic::new(source.file(), format!("photo `{}` has no alt text", ph.path)).help(
                "add alt: a short description of the photo, read to blind buyers and by search engines",
            );
            out.push(d.located(source.value(&ph.path)));
        }
    }
    out
}

/// What the photo files themselves say: too narrow, misnamed, animated, very large. Each photo
/// once, at the first file that uses it.
fn photo_files(
    root: &Path,
    photos: &[(&Source, &PhotoSpec)],
    plan: &ImagePlan,
    largest: u32,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (named_in, ph) in photos {
        if !seen.insert(ph.path.clone()) {
            continue;
        }
        let Some(set) = plan.get(&ph.path) else { continue };
        let source = root.join(&ph.path);
        let mut warn = |message: String, help: &str| {
            let d = Diagnostic::new(named_in.file(), message).help(help);
            out.push(d.located(named_in.value(&ph.path)));
        };
        if set.width < largest {
            warn(
                format!(
                    "photo `{}` is {} px wide, less than the largest width of {largest} px",
                    ph.path, set.width
                ),
                "large screens will show it softer than the rest; use a larger original if you have one",
            );
        }
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
                warn(
                    format!("photo `{}` is {:.0} MB", ph.path, m.len() as f64 / 1_048_576.0),
                    "the site is fine (variants are small), but builds are slower; 4000 px wide is plenty",
                );
            }
        }
    }
    out
}

/// Image files in images/ that nothing uses: forgotten, or a product that lost its photo. A
/// draft's photos are in use: it is only not published yet.
fn unused_images(config: &SiteConfig, catalog: &Catalog, plan: &ImagePlan, root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut used: BTreeSet<String> = plan.sets.keys().cloned().collect();
    for p in &catalog.drafts {
        used.extend(p.data.photos.iter().map(|ph| ph.path.clone()));
    }
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
    out
}
