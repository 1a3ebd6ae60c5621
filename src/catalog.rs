//! `products/*.yaml` and `categories.yaml` → a validated, sorted [`Catalog`]; every problem reported at once.

use crate::config::{PhotoSpec, SiteConfig};
use crate::error::{Diagnostic, Problems};
use crate::markdown;
use crate::parse_cache::{self, ParseCache, Parsed, ParsedRef};
use crate::paths;
use crate::source::Source;
use crate::yaml;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A product as the seller wrote it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductData {
    pub sku: Text,
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub photos: Vec<PhotoSpec>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub specs: Vec<Spec>,
    #[serde(default)]
    pub moq: Option<Moq>,
    #[serde(default)]
    pub price_tiers: Vec<PriceTier>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub incoterm: Option<String>,
    #[serde(default)]
    pub lead_time: Option<LeadTime>,
    #[serde(default)]
    pub samples: Option<Samples>,
    #[serde(default)]
    pub customization: Vec<String>,
    #[serde(default)]
    pub oem: bool,
    #[serde(default)]
    pub odm: bool,
    #[serde(default)]
    pub packaging: Option<Packaging>,
    #[serde(default)]
    pub payment_terms: Vec<String>,
    #[serde(default)]
    pub hs_code: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The product's own certificates (`CE`, `ISO 13485`), by name; the company's are in site.yaml.
    #[serde(default)]
    pub certifications: Vec<String>,
    /// Not published yet: left out of `build`, shown (marked) by `serve` and `build --drafts`.
    #[serde(default)]
    pub draft: bool,
    /// The product's texts in the site's other languages, by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: crate::translations::ByLanguage<crate::translations::ProductText>,
}

/// Text that also accepts a bare number or boolean, since `value: 5` is what sellers write.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(if v { "yes" } else { "no" }.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub label: Text,
    pub value: Text,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Moq {
    pub quantity: u64,
    #[serde(default = "default_unit")]
    pub unit: String,
}

fn default_unit() -> String {
    "pieces".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTier {
    pub min_qty: u64,
    #[serde(default)]
    pub max_qty: Option<u64>,
    pub unit_price: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LeadTime {
    #[serde(default)]
    pub sample_days: Option<u32>,
    #[serde(default)]
    pub bulk_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Samples {
    #[serde(default = "yes")]
    pub available: bool,
    #[serde(default)]
    pub fee: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    #[serde(default)]
    pub units_per_carton: Option<u32>,
    #[serde(default)]
    pub carton_size: Option<Text>,
    #[serde(default)]
    pub carton_weight: Option<Text>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked product, ready to render.
#[derive(Debug, Clone)]
pub struct Product {
    /// Path relative to the site folder, e.g. `products/ball.yaml`.
    pub file: PathBuf,
    /// Its address, `products/<slug>/`: `own_slug` unless another product's name made
    /// the same one (see [`assign_slugs`]).
    pub slug: String,
    /// The slug its own file gives: the `slug:` field, else made from the name.
    own_slug: String,
    pub data: ProductData,
    pub currency: String,
    pub description_html: Option<String>,
    /// The description's words as plain text (search records, summaries), from the parse that
    /// made `description_html`.
    pub description_text: Option<String>,
    /// Index into [`Catalog::categories`].
    pub category: Option<usize>,
    /// The file's text as parsed, to place problems found later (see [`Catalog::sources`]).
    pub source: Source,
    sku_line: Option<usize>,
    slug_line: Option<usize>,
    /// Its texts shown in another language than the page's (see [`crate::localize`]).
    pub lang_of: crate::localize::LangOf,
    /// Its specs' labels as written in the default language, which `filters:` of site.yaml
    /// names whatever language a page shows them in.
    pub spec_labels: Vec<String>,
}

impl Product {
    /// The lowest unit price over all tiers: what listings show as "from".
    pub fn min_price(&self) -> Option<f64> {
        self.data
            .price_tiers
            .iter()
            .map(|t| t.unit_price)
            .min_by(|a, b| a.total_cmp(b))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryData {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    image: Option<PhotoSpec>,
    #[serde(default)]
    translations: crate::translations::ByLanguage<crate::translations::CategoryText>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    pub title: String,
    pub slug: String,
    pub description_html: Option<String>,
    pub description_text: Option<String>,
    pub image: Option<PhotoSpec>,
    /// Its title, description and image text in the site's other languages, by canonical code.
    pub translations: crate::translations::ByLanguage<crate::translations::CategoryText>,
    /// Its texts shown in another language than the page's (see [`crate::localize`]).
    pub lang_of: crate::localize::LangOf,
    /// Indexes into [`Catalog::products`], sorted by name.
    pub products: Vec<usize>,
    /// Line of its entry in categories.yaml; `None` for categories only products name.
    line: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    /// Sorted by category order, then name, then SKU. Shared, so that `minisite serve` can take
    /// the products whose files did not change into the next catalogue without copying them.
    pub products: Vec<Arc<Product>>,
    pub categories: Vec<Category>,
    /// What the seller should know but that does not stop the build (an address made unique).
    pub warnings: Vec<Diagnostic>,
    /// categories.yaml's text as parsed, when there is one.
    pub categories_source: Option<Source>,
    /// Drafts left out of this catalogue (see [`Drafts`]): their photos are still the seller's,
    /// not forgotten files.
    pub drafts: Vec<Arc<Product>>,
    /// The tags of the published products, each with its page's address.
    pub tags: crate::tags::Tags,
}

/// What loading does with products marked `draft: true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drafts {
    /// `build`: as if their files were not there, but still checked, so that publishing one
    /// later cannot break the build.
    LeaveOut,
    /// `serve` and `build --drafts`: published like the others, marked as drafts.
    Keep,
}

const CATEGORIES_FILE: &str = "categories.yaml";

impl Catalog {
    /// Loads and checks every product and category; photos must exist inside `site_root` (canonical).
    pub fn load(site_root: &Path, config: &SiteConfig) -> Result<Catalog, Vec<Diagnostic>> {
        Catalog::load_reusing(site_root, config, HashMap::new())
    }

    /// [`Catalog::load`], taking the products of the files in `known` from there instead of reading
    /// them again: `minisite serve` keeps the products whose file did not change. Drafts are left out.
    pub fn load_reusing(
        site_root: &Path,
        config: &SiteConfig,
        known: HashMap<PathBuf, Arc<Product>>,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        Catalog::load_with(site_root, config, known, Drafts::LeaveOut, None)
    }

    /// [`Catalog::load_reusing`], keeping or leaving out drafts as `drafts` says, and taking the
    /// products of files parsed before from `parsed` (which learns the others).
    pub fn load_with(
        site_root: &Path,
        config: &SiteConfig,
        mut known: HashMap<PathBuf, Arc<Product>>,
        drafts: Drafts,
        parsed: Option<&ParseCache>,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        let mut problems = Problems::default();
        let files = product_files(site_root);
        if files.is_empty() {
            problems.push(
                Diagnostic::new("products/", "the catalogue has no products")
                    .help("add one YAML file per product in products/, e.g. products/football.yaml"),
            );
        }
        let taken: Vec<Option<Arc<Product>>> = files.iter().map(|f| known.remove(&f.rel)).collect();
        let photos = PhotoChecks::default();
        let loaded: Vec<Result<Arc<Product>, Vec<Diagnostic>>> = files
            .par_iter()
            .zip(taken)
            .map(|(file, known)| match known {
                Some(p) => Ok(p),
                None => {
                    let cached = parsed.map(|cache| (cache, &photos));
                    load_product(site_root, file, config, cached).map(Arc::new)
                }
            })
            .collect();
        let mut products: Vec<Arc<Product>> = Vec::with_capacity(loaded.len());
        for r in loaded {
            match r {
                Ok(p) => products.push(p),
                Err(ds) => ds.into_iter().for_each(|d| problems.push(d)),
            }
        }

        // Over drafts too: a draft's address is the one it will have once published, and the
        // addresses of the others do not move when it is.
        let warnings = assign_slugs(&mut products);
        check_unique(&products, &mut problems);
        let (mut products, left_out): (Vec<_>, Vec<_>) = products
            .into_iter()
            .partition(|p| drafts == Drafts::Keep || !p.data.draft);
        if products.is_empty() && !left_out.is_empty() {
            problems.push(
                Diagnostic::new("products/", "every product is a draft: the site would have none").help(
                    "remove `draft: true` from a product that is ready, or build with --drafts to preview",
                ),
            );
        }

        let (mut categories, categories_source) = load_categories(site_root, &mut problems, config);
        // Drafts are checked like the rest, so that publishing one later cannot break the build:
        // the categories only they are in, and how they spell theirs.
        check_category_urls(site_root, &categories, &mut problems);
        // Borrowed, not shared: a second reference to each product would make the
        // `Arc::make_mut` below copy all of them (a tenth of a no-op rebuild's memory at 10k).
        let everyone: Vec<&Product> = products.iter().chain(&left_out).map(|p| &**p).collect();
        let published = |name: &str| products.iter().any(|p| p.data.category.as_deref() == Some(name));
        let extra: Vec<String> = extra_categories(&everyone, &categories, &mut problems)
            .into_iter()
            .filter(|name| published(name))
            .collect();
        drop(everyone);
        // A category only drafts are in is a draft too, not a mistake.
        categories.retain(|c| {
            let named = |p: &Arc<Product>| p.data.category.as_deref() == Some(c.name.as_str());
            products.iter().any(named) || !left_out.iter().any(named)
        });
        for name in extra {
            categories.push(Category {
                slug: slug_within(&name, SLUG_MAX),
                title: name.clone(),
                name,
                description_html: None,
                description_text: None,
                image: None,
                translations: Default::default(),
                lang_of: Default::default(),
                products: Vec::new(),
                line: None,
            });
        }
        let index: HashMap<String, usize> = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        for p in &mut products {
            let category = p.data.category.as_ref().and_then(|c| index.get(c).copied());
            // A reused product is shared with the last catalogue: copied only when it changes.
            if p.category != category {
                Arc::make_mut(p).category = category;
            }
        }
        products.sort_by(|a, b| {
            (a.category.unwrap_or(usize::MAX), &a.data.name, &a.data.sku).cmp(&(
                b.category.unwrap_or(usize::MAX),
                &b.data.name,
                &b.data.sku,
            ))
        });
        for (i, p) in products.iter().enumerate() {
            if let Some(c) = p.category {
                categories[c].products.push(i);
            }
        }
        check_categories_used(&categories, &mut problems);
        let tags = crate::tags::Tags::of(&products);
        match problems.finish() {
            Ok(()) => Ok(Catalog {
                tags,
                products,
                categories,
                warnings,
                categories_source,
                drafts: left_out,
            }),
            Err(e) => Err(e.diagnostics().to_vec()),
        }
    }

    pub fn featured(&self) -> impl Iterator<Item = &Arc<Product>> {
        self.products.iter().filter(|p| p.data.featured)
    }

    /// The texts of every product file and categories.yaml, as they were parsed.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.products
            .iter()
            .map(|p| &p.source)
            .chain(&self.categories_source)
    }
}

/// A product file found in products/.
struct ProductFile {
    rel: PathBuf,
    /// Whether the file may be elsewhere than its path says: a link, or in a products/ folder
    /// that is one. The walk does not follow links below products/, so any other file it finds
    /// is inside the site without asking the file system again.
    may_leave: bool,
}

fn product_files(site_root: &Path) -> Vec<ProductFile> {
    let dir = site_root.join("products");
    let linked_dir = !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir());
    let mut files: Vec<ProductFile> = walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        // Links too: a link to a file outside the site is refused by name, not skipped unseen.
        .filter(|e| e.file_type().is_file() || e.path_is_symlink())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            !name.starts_with('.') && (name.ends_with(".yaml") || name.ends_with(".yml"))
        })
        .filter_map(|e| {
            Some(ProductFile {
                rel: e.path().strip_prefix(site_root).ok()?.to_path_buf(),
                may_leave: linked_dir || e.path_is_symlink(),
            })
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// Whether each photo path named by a product read from the parse cache is a file in the site,
/// asked of the file system once per load: thousands of products share a few photos.
#[derive(Default)]
struct PhotoChecks(std::sync::Mutex<HashMap<String, bool>>);

impl PhotoChecks {
    fn all_there(&self, site_root: &Path, data: &ProductData) -> bool {
        !data.photos.is_empty()
            && data.photos.iter().all(|ph| {
                // Asked under the lock: a few distinct paths, so waiting on another thread's
                // answer costs less than asking twice.
                let mut memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(&there) = memo.get(&ph.path) {
                    return there;
                }
                let there = paths::resolve_in_site(site_root, &ph.path).is_ok();
                memo.insert(ph.path.clone(), there);
                there
            })
    }
}

fn load_product(
    site_root: &Path,
    file: &ProductFile,
    config: &SiteConfig,
    parsed: Option<(&ParseCache, &PhotoChecks)>,
) -> Result<Product, Vec<Diagnostic>> {
    let rel = file.rel.as_path();
    if file.may_leave {
        paths::inside(site_root, &site_root.join(rel)).map_err(|e| {
            vec![
                Diagnostic::new(rel, "the file is a link to a file outside the site folder").help(format!(
                    "copy the file into products/ instead of linking to it ({e})"
                )),
            ]
        })?;
    }
    let text = yaml::read_text(&site_root.join(rel), rel).map_err(|d| vec![d])?;
    let Some((cache, photos)) = parsed else {
        return parse_product(site_root, rel, &text, config);
    };
    let key = parse_cache::key(config, &text);
    if let Some(p) = cache.get(&key) {
        // Photos are files: whether they are still there is asked every time; when one is not,
        // a fresh parse says so, at its line.
        if photos.all_there(site_root, &p.data) {
            return Ok(product(rel, Source::new(rel, text), p, config));
        }
        return parse_product(site_root, rel, &text, config);
    }
    let product = parse_product(site_root, rel, &text, config)?;
    cache.put(
        key,
        &ParsedRef {
            data: &product.data,
            description_html: &product.description_html,
            description_text: &product.description_text,
            slug: &product.own_slug,
            sku_line: product.sku_line,
            slug_line: product.slug_line,
        },
    );
    Ok(product)
}

/// The product of the file at `rel` with text `source`, from what parsing it gave.
fn product(rel: &Path, source: Source, p: Parsed, config: &SiteConfig) -> Product {
    Product {
        file: rel.to_path_buf(),
        slug: p.slug.clone(),
        own_slug: p.slug,
        currency: p.data.currency.clone().unwrap_or_else(|| config.currency.clone()),
        description_html: p.description_html,
        description_text: p.description_text,
        category: None,
        sku_line: p.sku_line,
        source,
        slug_line: p.slug_line,
        lang_of: Default::default(),
        spec_labels: p.data.specs.iter().map(|s| s.label.0.clone()).collect(),
        data: p.data,
    }
}

/// Parses and checks one product file's text (`rel` names it in messages); photo paths are
/// resolved inside `site_root`. Every problem the file has is returned, not just the first, unless
/// it cannot be read as a product at all (bad YAML, an unknown field). Public so the fuzz targets
/// reach the same code as a build.
pub fn parse_product(
    site_root: &Path,
    rel: &Path,
    text: &str,
    config: &SiteConfig,
) -> Result<Product, Vec<Diagnostic>> {
    let mut data: ProductData = yaml::parse(text, rel).map_err(|d| vec![d])?;
    let source = Source::new(rel, text);
    let at = Place { rel, source: &source };
    let mut problems = Vec::new();
    check_texts(&data, &at, &mut problems);
    data.translations = check_translations(&data, config, &at, &mut problems);
    check_photos(site_root, &data, &at, &mut problems);
    check_prices(&data, &at, &mut problems);
    let slug = own_slug(&data, &at, &mut problems);
    if !problems.is_empty() {
        problems.iter_mut().for_each(|d| d.keep_text(&source));
        return Err(problems);
    }
    let (description_html, description_text) = data
        .description
        .as_deref()
        .map(|d| markdown::to_html_and_plain(d, config.unsafe_html, config.clean_links))
        .unzip();
    let parsed = Parsed {
        description_html,
        description_text,
        slug,
        sku_line: at.key("sku").map(|l| l.0),
        slug_line: at.key("slug").or_else(|| at.key("name")).map(|l| l.0),
        data,
    };
    Ok(product(rel, source, parsed, config))
}

/// A product file being checked: makes its problems, placed on the line that causes them.
struct Place<'a> {
    rel: &'a Path,
    source: &'a Source,
}

impl Place<'_> {
    fn key(&self, key: &str) -> Option<(usize, usize)> {
        self.source.key(key).map(|l| (l.line, l.column))
    }

    fn fail(&self, key: &str, field: &str, msg: String, help: &str) -> Diagnostic {
        Diagnostic::new(self.rel, msg)
            .field(field)
            .help(help)
            .at_or(self.key(key))
    }

    /// Tiers are often written `{min_qty: 1, unit_price: 2}`: finds the key inside the braces too.
    fn fail_nth(&self, key: &str, n: usize, field: &str, msg: String, help: &str) -> Diagnostic {
        Diagnostic::new(self.rel, msg)
            .field(field)
            .help(help)
            .located(self.source.nth_key(key, n))
    }
}

/// The texts a product needs: SKU, name, and a category when the line is there.
fn check_texts(data: &ProductData, at: &Place, problems: &mut Vec<Diagnostic>) {
    if data.sku.0.trim().is_empty() {
        problems.push(at.fail(
            "sku",
            "sku",
            "the SKU is empty".into(),
            "give the product's stock-keeping code, e.g. SP-FB-5001",
        ));
    }
    if data.name.trim().is_empty() {
        problems.push(at.fail(
            "name",
            "name",
            "the name is empty".into(),
            "give the product's name as buyers search for it",
        ));
    }
    if data.category.as_deref().is_some_and(|c| c.trim().is_empty()) {
        problems.push(at.fail(
            "category",
            "category",
            "the category is empty".into(),
            "name the product's category, e.g. category: Footballs, or leave the line out",
        ));
    }
    // An empty tag would be a page without a name; an empty certification a blank filter option.
    let lists = [
        (
            "tags",
            &data.tags,
            "write the tag, e.g. tags: [leather, winter], or remove the empty entry",
        ),
        (
            "certifications",
            &data.certifications,
            "name the certificate, e.g. certifications: [CE, ISO 13485], or remove the empty entry",
        ),
    ];
    for (field, list, help) in lists {
        for (i, text) in list.iter().enumerate() {
            if text.trim().is_empty() {
                let f = format!("{field}[{i}]");
                problems.push(
                    Diagnostic::new(at.rel, format!("{field} entry {} is empty", i + 1))
                        .field(f.clone())
                        .help(help)
                        .located(at.source.field(&f).or_else(|| at.source.key(field))),
                );
            }
        }
    }
}

/// Each translation is for one of the site's other languages, and its lists match the product's
/// one for one (a translated spec list shorter than the product's would drop specs silently).
/// Returns them keyed by the codes' canonical spelling.
fn check_translations(
    data: &ProductData,
    config: &SiteConfig,
    at: &Place,
    problems: &mut Vec<Diagnostic>,
) -> crate::translations::ByLanguage<crate::translations::ProductText> {
    let mut out = BTreeMap::new();
    for (code, t) in &data.translations {
        let field = format!("translations.{code}");
        let fail = |msg: String, help: &str, sub: &str| {
            let f = if sub.is_empty() {
                field.clone()
            } else {
                format!("{field}.{sub}")
            };
            Diagnostic::new(at.rel, msg)
                .field(f.clone())
                .help(help)
                .located(at.source.field(&f))
        };
        let canonical = match crate::translations::other_language(code, config) {
            Ok(c) => c,
            Err((msg, help)) => {
                problems.push(fail(msg, &help, ""));
                continue;
            }
        };
        if out.contains_key(&canonical) {
            problems.push(fail(
                format!("a second translation into {canonical}"),
                "keep one translation per language",
                "",
            ));
            continue;
        }
        if t.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            problems.push(fail(
                "the translated name is empty".into(),
                "write the name in this language, or leave the line out to show the product's own",
                "name",
            ));
        }
        let lists = [
            ("specs", t.specs.len(), data.specs.len()),
            ("customization", t.customization.len(), data.customization.len()),
            ("payment_terms", t.payment_terms.len(), data.payment_terms.len()),
        ];
        for (what, theirs, ours) in lists {
            if theirs != 0 && theirs != ours {
                problems.push(fail(
                    format!("{theirs} translated {what}, but the product has {ours}"),
                    "translate every entry of the list, in the product's order",
                    what,
                ));
            }
        }
        if t.photos.len() > data.photos.len() {
            problems.push(fail(
                format!(
                    "{} translated photo texts, but the product has {} photos",
                    t.photos.len(),
                    data.photos.len()
                ),
                "give the photos' alt texts in the order of the product's photos, and no more",
                "photos",
            ));
        }
        out.insert(canonical, t.clone());
    }
    out
}

/// At least one photo, each inside the site.
fn check_photos(site_root: &Path, data: &ProductData, at: &Place, problems: &mut Vec<Diagnostic>) {
    if data.photos.is_empty() {
        problems.push(
            at.fail(
                "photos",
                "photos",
                "the product has no photo".into(),
                "add at least one: photos: [images/product.jpg]",
            )
            .at_or(at.key("name")),
        );
    }
    for (i, ph) in data.photos.iter().enumerate() {
        if let Err((msg, help)) = paths::resolve_in_site(site_root, &ph.path) {
            let place = if ph.path.trim().is_empty() {
                at.key("photos")
            } else {
                at.source.value(&ph.path).map(|l| (l.line, l.column))
            };
            problems.push(
                Diagnostic::new(at.rel, format!("photo {msg}"))
                    .field(format!("photos[{i}]"))
                    .help(help)
                    .at_or(place),
            );
        }
    }
}

/// Prices are numbers zero or above; a tier's range does not run backwards.
fn check_prices(data: &ProductData, at: &Place, problems: &mut Vec<Diagnostic>) {
    for (i, t) in data.price_tiers.iter().enumerate() {
        if !t.unit_price.is_finite() || t.unit_price < 0.0 {
            problems.push(at.fail_nth(
                "unit_price",
                i,
                &format!("price_tiers[{i}].unit_price"),
                format!("unit price {} is not a price", t.unit_price),
                "write a number zero or above, e.g. 9.80",
            ));
        }
        if let Some(max) = t.max_qty {
            if max < t.min_qty {
                problems.push(at.fail_nth(
                    "max_qty",
                    i,
                    &format!("price_tiers[{i}].max_qty"),
                    format!("max_qty {max} is below min_qty {}", t.min_qty),
                    "max_qty must be at least min_qty; leave it out for the last tier",
                ));
            }
        }
    }
    let fee = data.samples.as_ref().and_then(|s| s.fee);
    if let Some(fee) = fee.filter(|f| !f.is_finite() || *f < 0.0) {
        problems.push(at.fail_nth(
            "fee",
            0,
            "samples.fee",
            format!("sample fee {fee} is not a price"),
            "write a number zero or above",
        ));
    }
}

/// The longest slug minisite makes or takes, in bytes (slugs are ASCII): a slug is a folder's name
/// in the output, and file systems refuse names longer than this.
const SLUG_MAX: usize = 255;

/// `s` made a slug, cut at a hyphen to at most `max` bytes.
fn slug_within(s: &str, max: usize) -> String {
    let full = slug::slugify(s);
    if full.len() <= max {
        return full;
    }
    let cut = &full[..max];
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut.to_string(),
    }
}

/// The slug the file gives: its `slug:`, which must already be one, else made from the name.
/// Empty when there is a problem (pushed); an empty name was reported by [`check_texts`].
fn own_slug(data: &ProductData, at: &Place, problems: &mut Vec<Diagnostic>) -> String {
    let Some(s) = &data.slug else {
        let slug = slug_within(&data.name, SLUG_MAX);
        if slug.is_empty() && !data.name.trim().is_empty() {
            problems.push(at.fail(
                "name",
                "name",
                "no URL can be made from this name".into(),
                "add a slug, e.g. slug: match-football",
            ));
        }
        return slug;
    };
    let clean = slug::slugify(s);
    if clean.is_empty() {
        let msg = match s.trim() {
            "" => "the slug is empty".to_string(),
            _ => format!("slug `{s}` has no letter or digit a URL can keep"),
        };
        problems.push(at.fail(
            "slug",
            "slug",
            msg,
            "write lowercase letters, digits and hyphens, e.g. slug: match-football, \
             or leave slug out to make it from the name",
        ));
    } else if clean.len() > SLUG_MAX {
        problems.push(at.fail(
            "slug",
            "slug",
            format!(
                "the slug is {} characters long, more than a file name can be",
                clean.len()
            ),
            &format!("write a shorter slug, of at most {SLUG_MAX} characters"),
        ));
    } else if clean != *s {
        problems.push(at.fail(
            "slug",
            "slug",
            format!("slug `{s}` has characters a URL cannot keep"),
            &format!("use `{clean}`, or leave slug out to make it from the name"),
        ));
    }
    clean
}

trait AtOr {
    fn at_or(self, loc: Option<(usize, usize)>) -> Self;
}

impl AtOr for Diagnostic {
    fn at_or(self, loc: Option<(usize, usize)>) -> Self {
        match (self.line, loc) {
            (None, Some((l, c))) => self.at(l, c),
            _ => self,
        }
    }
}

/// The categories products name that categories.yaml does not list, in name order. A category
/// spelled differently from one in categories.yaml or an earlier product but making the same URL
/// (`Footballs`, `footballs`) is an error at the product: both would be published at one address.
/// Only a near spelling is left to a warning (see [`crate::lint`]).
fn extra_categories(
    products: &[&Product],
    categories: &[Category],
    problems: &mut Problems,
) -> BTreeSet<String> {
    let listed: HashMap<&str, &str> = categories
        .iter()
        .map(|c| (c.slug.as_str(), c.name.as_str()))
        .collect();
    let mut extra = BTreeSet::new();
    // Slug → the spelling that first made it, and where.
    let mut seen: HashMap<String, (&str, &Path)> = HashMap::new();
    for p in products {
        let Some(name) = p.data.category.as_deref() else {
            continue;
        };
        if categories.iter().any(|c| c.name == name) {
            continue;
        }
        let slug = slug_within(name, SLUG_MAX);
        if let Some(other) = listed.get(slug.as_str()) {
            problems.push(misspelled_category(p, name, other, None));
            continue;
        }
        match seen.get(&slug) {
            Some((other, file)) if *other != name => {
                problems.push(misspelled_category(p, name, other, Some(file)));
            }
            Some(_) => {}
            None => {
                seen.insert(slug, (name, &p.file));
                extra.insert(name.to_string());
            }
        }
    }
    extra
}

/// A product's category written differently in categories.yaml, or (`in_product`) in an earlier
/// product file.
fn misspelled_category(p: &Product, name: &str, spelled: &str, in_product: Option<&Path>) -> Diagnostic {
    let (place, help) = match in_product {
        Some(file) => (
            file.display().to_string(),
            format!("write it the same in every product: category: {spelled}"),
        ),
        None => (
            CATEGORIES_FILE.to_string(),
            format!("write it exactly as categories.yaml does: category: {spelled}"),
        ),
    };
    Diagnostic::new(
        &p.file,
        format!("category `{name}` is written `{spelled}` in {place}"),
    )
    .field("category")
    .help(help)
    .located(p.source.key("category"))
}

/// Categories that categories.yaml defines, for the near-spelling warning.
pub fn defined_categories(catalog: &Catalog) -> Vec<&str> {
    catalog
        .categories
        .iter()
        .filter(|c| c.line.is_some())
        .map(|c| c.name.as_str())
        .collect()
}

/// Sets every product's address. Products without a `slug:` whose names make the same slug
/// (`Speed Rope Pro`, `speed-rope pro!`) are both valid: the first by SKU (or the one whose `slug:`
/// says so) keeps it, the others get their SKU's slug appended, so the result does not depend on
/// file names or order. Each such product gets a warning. Two explicit slugs that are the same are
/// left for [`check_unique`] to refuse.
fn assign_slugs(products: &mut [Arc<Product>]) -> Vec<Diagnostic> {
    let mut by_slug: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in products.iter().enumerate() {
        by_slug.entry(&p.own_slug).or_default().push(i);
    }
    let mut slugs: Vec<String> = products.iter().map(|p| p.own_slug.clone()).collect();
    let mut warnings = Vec::new();
    for (slug, mut same) in by_slug {
        if same.len() < 2 {
            continue;
        }
        same.sort_by_key(|&i| (products[i].data.slug.is_none(), &products[i].data.sku));
        let keeper = &products[same[0]];
        for &i in &same[1..] {
            let p = &products[i];
            let sku = slug_within(&p.data.sku.0, SLUG_MAX / 2);
            // An explicit slug is what the seller chose, and a SKU without letters or digits
            // adds nothing: both stay as they are, for check_unique to report.
            if p.data.slug.is_some() || sku.is_empty() {
                continue;
            }
            let base = slug_within(slug, SLUG_MAX - sku.len() - 1);
            slugs[i] = format!("{base}-{sku}");
            let mut d = Diagnostic::new(
                &p.file,
                format!(
                    "this product's name makes the URL `products/{slug}/`, which is {}'s: \
                     it is published at `products/{}/` instead",
                    keeper.file.display(),
                    slugs[i]
                ),
            )
            .field("name")
            .help(format!(
                "to choose the address yourself, give one of them a `slug:`, e.g. slug: {}",
                slugs[i]
            ));
            if let Some(l) = p.slug_line {
                d = d.at(l, 1);
            }
            warnings.push(d);
        }
    }
    for (p, slug) in products.iter_mut().zip(slugs) {
        if p.slug != slug {
            Arc::make_mut(p).slug = slug;
        }
    }
    warnings
}

fn check_unique(products: &[Arc<Product>], problems: &mut Problems) {
    let mut skus: HashMap<&str, &Product> = HashMap::new();
    let mut slugs: HashMap<&str, &Product> = HashMap::new();
    for p in products {
        if let Some(first) = skus.insert(&p.data.sku.0, p) {
            let mut d = Diagnostic::new(
                &p.file,
                format!("SKU `{}` is also used by {}", p.data.sku, first.file.display()),
            )
            .field("sku")
            .help("every product needs its own SKU");
            if let Some(l) = p.sku_line {
                d = d.at(l, 1);
            }
            problems.push(d);
        }
        if let Some(first) = slugs.insert(&p.slug, p) {
            let mut d = Diagnostic::new(
                &p.file,
                format!(
                    "this product's URL `products/{}/` is also {}'s",
                    p.slug,
                    first.file.display()
                ),
            )
            .field("slug")
            .help("give one of them a different name or an explicit `slug:`");
            if let Some(l) = p.slug_line {
                d = d.at(l, 1);
            }
            problems.push(d);
        }
    }
}

fn load_categories(
    site_root: &Path,
    problems: &mut Problems,
    config: &SiteConfig,
) -> (Vec<Category>, Option<Source>) {
    let path = site_root.join(CATEGORIES_FILE);
    if !path.exists() {
        return (Vec::new(), None);
    }
    let shown = Path::new(CATEGORIES_FILE);
    let Some(text) = problems.take(yaml::read_text(&path, shown)) else {
        return (Vec::new(), None);
    };
    let source = Source::new(shown, text);
    let Some(list) = problems.take(yaml::parse::<Vec<CategoryData>>(source.text(), shown)) else {
        return (Vec::new(), Some(source));
    };
    let categories = list
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let translations = std::mem::take(&mut c.translations)
                .into_iter()
                .filter_map(
                    |(code, t)| match crate::translations::other_language(&code, config) {
                        Ok(canonical) => Some((canonical, t)),
                        Err((msg, help)) => {
                            let field = format!("[{i}].translations.{code}");
                            problems.push(
                                Diagnostic::new(shown, format!("category `{}`: {msg}", c.name))
                                    .field(field.clone())
                                    .help(help)
                                    .located(source.field(&field)),
                            );
                            None
                        }
                    },
                )
                .collect();
            let slug = c.slug.clone().unwrap_or_else(|| slug_within(&c.name, SLUG_MAX));
            Category {
                title: c.title.unwrap_or_else(|| c.name.clone()),
                slug,
                description_html: c
                    .description
                    .as_deref()
                    .map(|d| markdown::to_html(d, config.unsafe_html, config.clean_links)),
                description_text: c.description.as_deref().map(markdown::to_plain),
                image: c.image,
                translations,
                lang_of: Default::default(),
                name: c.name,
                products: Vec::new(),
                line: source.nth_key("name", i).map(|l| l.line),
            }
        })
        .collect();
    (categories, Some(source))
}

/// Where a category line of categories.yaml is, for its problems.
fn at_category(c: &Category, d: Diagnostic) -> Diagnostic {
    match c.line {
        Some(l) => d.at(l, 3),
        None => d,
    }
}

/// Every category's address is a valid one of its own, and its image is inside the site.
fn check_category_urls(site_root: &Path, categories: &[Category], problems: &mut Problems) {
    let mut slugs: HashMap<&str, &str> = HashMap::new();
    for c in categories {
        let at = |d: Diagnostic| at_category(c, d);
        if c.slug.is_empty() || c.slug != slug::slugify(&c.slug) || c.slug.len() > SLUG_MAX {
            problems.push(at(Diagnostic::new(
                CATEGORIES_FILE,
                format!("category `{}`: `{}` cannot be a URL", c.name, c.slug),
            )
            .help(format!(
                "give it a `slug:` of at most {SLUG_MAX} lowercase letters, digits and hyphens, e.g. slug: footballs"
            ))));
        }
        if let Some(other) = slugs.insert(&c.slug, &c.name) {
            problems.push(at(Diagnostic::new(
                CATEGORIES_FILE,
                format!(
                    "categories `{other}` and `{}` would share the URL categories/{}/",
                    c.name, c.slug
                ),
            )
            .help("give one of them a `slug:` in categories.yaml")));
        }
        if let Some(img) = &c.image {
            if let Err((msg, help)) = paths::resolve_in_site(site_root, &img.path) {
                problems.push(
                    Diagnostic::new(CATEGORIES_FILE, format!("category `{}`: image {msg}", c.name))
                        .help(help),
                );
            }
        }
    }
}

/// A category of categories.yaml that no product is in is most likely a misspelling.
fn check_categories_used(categories: &[Category], problems: &mut Problems) {
    for c in categories {
        if c.products.is_empty() {
            problems.push(at_category(
                c,
                Diagnostic::new(CATEGORIES_FILE, format!("category `{}` has no products", c.name))
                    .help("check that products spell the category exactly the same, or remove it"),
            ));
        }
    }
}
