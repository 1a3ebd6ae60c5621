//! `products/*.yaml` and `categories.yaml` → a validated, sorted [`Catalog`]; every problem reported at once.

use crate::config::{PhotoSpec, SiteConfig};
use crate::error::{Diagnostic, Problems};
use crate::markdown;
use crate::paths;
use crate::source::Source;
use crate::yaml;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone, Deserialize, Serialize)]
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
    pub slug: String,
    pub data: ProductData,
    pub currency: String,
    pub description_html: Option<String>,
    /// Index into [`Catalog::categories`].
    pub category: Option<usize>,
    /// The file's text as parsed, to place problems found later (see [`Catalog::sources`]).
    pub source: Source,
    sku_line: Option<usize>,
    slug_line: Option<usize>,
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
}

#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    pub title: String,
    pub slug: String,
    pub description_html: Option<String>,
    pub description_text: Option<String>,
    pub image: Option<PhotoSpec>,
    /// Indexes into [`Catalog::products`], sorted by name.
    pub products: Vec<usize>,
    /// Line of its entry in categories.yaml; `None` for categories only products name.
    line: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    /// Sorted by category order, then name, then SKU.
    pub products: Vec<Product>,
    pub categories: Vec<Category>,
    /// categories.yaml's text as parsed, when there is one.
    pub categories_source: Option<Source>,
}

const CATEGORIES_FILE: &str = "categories.yaml";

impl Catalog {
    /// Loads and checks every product and category; photos must exist inside `site_root` (canonical).
    pub fn load(site_root: &Path, config: &SiteConfig) -> Result<Catalog, Vec<Diagnostic>> {
        Catalog::load_reusing(site_root, config, HashMap::new())
    }

    /// [`Catalog::load`], taking the products of the files in `known` from there instead of reading
    /// them again: `minisite serve` keeps the products whose file did not change.
    pub fn load_reusing(
        site_root: &Path,
        config: &SiteConfig,
        mut known: HashMap<PathBuf, Product>,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        let mut problems = Problems::default();
        let files = product_files(site_root);
        if files.is_empty() {
            problems.push(
                Diagnostic::new("products/", "the catalogue has no products")
                    .help("add one YAML file per product in products/, e.g. products/football.yaml"),
            );
        }
        let taken: Vec<Option<Product>> = files.iter().map(|rel| known.remove(rel)).collect();
        let loaded: Vec<Result<Product, Diagnostic>> = files
            .par_iter()
            .zip(taken)
            .map(|(rel, known)| match known {
                Some(p) => Ok(p),
                None => load_product(site_root, rel, config),
            })
            .collect();
        let mut products: Vec<Product> = loaded.into_iter().filter_map(|r| problems.take(r)).collect();

        check_unique(&products, &mut problems);

        let (mut categories, categories_source) = load_categories(site_root, &mut problems, config);
        let known: HashMap<&str, usize> = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let mut extra: BTreeMap<String, ()> = BTreeMap::new();
        for p in &products {
            if let Some(c) = &p.data.category {
                if !known.contains_key(c.as_str()) {
                    if let Some(d) = misspelled_category(p, c, &categories) {
                        problems.push(d);
                        continue;
                    }
                    extra.insert(c.clone(), ());
                }
            }
        }
        for name in extra.into_keys() {
            categories.push(Category {
                slug: slug::slugify(&name),
                title: name.clone(),
                name,
                description_html: None,
                description_text: None,
                image: None,
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
            p.category = p.data.category.as_ref().and_then(|c| index.get(c).copied());
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
        check_categories(&categories, &mut problems);
        for c in &categories {
            if let Some(img) = &c.image {
                if let Err((msg, help)) = paths::resolve_in_site(site_root, &img.path) {
                    problems.push(
                        Diagnostic::new(CATEGORIES_FILE, format!("category `{}`: image {msg}", c.name))
                            .help(help),
                    );
                }
            }
        }
        match problems.finish() {
            Ok(()) => Ok(Catalog {
                products,
                categories,
                categories_source,
            }),
            Err(e) => Err(e.diagnostics().to_vec()),
        }
    }

    pub fn featured(&self) -> impl Iterator<Item = &Product> {
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

fn product_files(site_root: &Path) -> Vec<PathBuf> {
    let dir = site_root.join("products");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        // Links too: a link to a file outside the site is refused by name, not skipped unseen.
        .filter(|e| e.file_type().is_file() || e.path_is_symlink())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            !name.starts_with('.') && (name.ends_with(".yaml") || name.ends_with(".yml"))
        })
        .filter_map(|e| e.path().strip_prefix(site_root).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    files
}

fn load_product(site_root: &Path, rel: &Path, config: &SiteConfig) -> Result<Product, Diagnostic> {
    paths::inside(site_root, &site_root.join(rel)).map_err(|e| {
        Diagnostic::new(rel, "the file is a link to a file outside the site folder").help(format!(
            "copy the file into products/ instead of linking to it ({e})"
        ))
    })?;
    let text = yaml::read_text(&site_root.join(rel), rel)?;
    parse_product(site_root, rel, &text, config)
}

/// Parses and checks one product file's text (`rel` names it in messages); photo paths are
/// resolved inside `site_root`. Public so the fuzz targets reach the same code as a build.
pub fn parse_product(
    site_root: &Path,
    rel: &Path,
    text: &str,
    config: &SiteConfig,
) -> Result<Product, Diagnostic> {
    let data: ProductData = yaml::parse(text, rel)?;
    let source = Source::new(rel, text);
    let locate = |key: &str| source.key(key).map(|l| (l.line, l.column));
    let fail = |key: &str, field: &str, msg: String, help: &str| {
        Diagnostic::new(rel, msg)
            .field(field)
            .help(help)
            .located(source.key(key))
    };
    // Tiers are often written `{min_qty: 1, unit_price: 2}`: find the key inside the braces too.
    let fail_nth = |key: &str, n: usize, field: &str, msg: String, help: &str| {
        Diagnostic::new(rel, msg)
            .field(field)
            .help(help)
            .located(source.nth_key(key, n))
    };
    if data.sku.0.trim().is_empty() {
        return Err(fail(
            "sku",
            "sku",
            "the SKU is empty".into(),
            "give the product's stock-keeping code, e.g. SP-FB-5001",
        ));
    }
    if data.name.trim().is_empty() {
        return Err(fail(
            "name",
            "name",
            "the name is empty".into(),
            "give the product's name as buyers search for it",
        ));
    }
    if data.category.as_deref().is_some_and(|c| c.trim().is_empty()) {
        return Err(fail(
            "category",
            "category",
            "the category is empty".into(),
            "name the product's category, e.g. category: Footballs, or leave the line out",
        ));
    }
    if data.photos.is_empty() {
        return Err(fail(
            "photos",
            "photos",
            "the product has no photo".into(),
            "add at least one: photos: [images/product.jpg]",
        )
        .at_or(locate("name")));
    }
    for (i, ph) in data.photos.iter().enumerate() {
        if let Err((msg, help)) = paths::resolve_in_site(site_root, &ph.path) {
            let mut d = Diagnostic::new(rel, format!("photo {msg}"))
                .field(format!("photos[{i}]"))
                .help(help);
            let at = if ph.path.trim().is_empty() {
                locate("photos")
            } else {
                source.value(&ph.path).map(|l| (l.line, l.column))
            };
            if let Some((l, c)) = at {
                d = d.at(l, c);
            }
            return Err(d);
        }
    }
    for (i, t) in data.price_tiers.iter().enumerate() {
        if !t.unit_price.is_finite() || t.unit_price < 0.0 {
            return Err(fail_nth(
                "unit_price",
                i,
                &format!("price_tiers[{i}].unit_price"),
                format!("unit price {} is not a price", t.unit_price),
                "write a number zero or above, e.g. 9.80",
            ));
        }
        if let Some(max) = t.max_qty {
            if max < t.min_qty {
                return Err(fail_nth(
                    "max_qty",
                    i,
                    &format!("price_tiers[{i}].max_qty"),
                    format!("max_qty {max} is below min_qty {}", t.min_qty),
                    "max_qty must be at least min_qty; leave it out for the last tier",
                ));
            }
        }
    }
    if let Some(s) = &data.samples {
        if let Some(fee) = s.fee {
            if !fee.is_finite() || fee < 0.0 {
                return Err(fail_nth(
                    "fee",
                    0,
                    "samples.fee",
                    format!("sample fee {fee} is not a price"),
                    "write a number zero or above",
                ));
            }
        }
    }
    let slug = match &data.slug {
        Some(s) => {
            let clean = slug::slugify(s);
            if clean != *s {
                return Err(fail(
                    "slug",
                    "slug",
                    format!("slug `{s}` has characters a URL cannot keep"),
                    &format!("use `{clean}`, or leave slug out to make it from the name"),
                ));
            }
            clean
        }
        None => slug::slugify(&data.name),
    };
    if slug.is_empty() {
        return Err(fail(
            "name",
            "name",
            "no URL can be made from this name".into(),
            "add a slug, e.g. slug: match-football",
        ));
    }
    let description_html = data
        .description
        .as_deref()
        .map(|d| markdown::to_html(d, config.unsafe_html, config.clean_links));
    Ok(Product {
        file: rel.to_path_buf(),
        slug,
        currency: data.currency.clone().unwrap_or_else(|| config.currency.clone()),
        description_html,
        category: None,
        sku_line: locate("sku").map(|l| l.0),
        source: source.clone(),
        slug_line: locate("slug").or_else(|| locate("name")).map(|l| l.0),
        data,
    })
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

/// A product's category that categories.yaml spells differently: the same URL (`footballs` for
/// `Footballs`) is an error; only a near spelling is left to a warning (see [`crate::lint`]).
fn misspelled_category(p: &Product, name: &str, categories: &[Category]) -> Option<Diagnostic> {
    let same = categories
        .iter()
        .find(|c| c.line.is_some() && c.slug == slug::slugify(name))?;
    let d = Diagnostic::new(
        &p.file,
        format!("category `{name}` is written `{}` in categories.yaml", same.name),
    )
    .field("category")
    .help(format!(
        "write it exactly as categories.yaml does: category: {}",
        same.name
    ));
    Some(d.located(p.source.key("category")))
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

fn check_unique(products: &[Product], problems: &mut Problems) {
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
        .map(|(i, c)| {
            let slug = c.slug.clone().unwrap_or_else(|| slug::slugify(&c.name));
            Category {
                title: c.title.unwrap_or_else(|| c.name.clone()),
                slug,
                description_html: c
                    .description
                    .as_deref()
                    .map(|d| markdown::to_html(d, config.unsafe_html, config.clean_links)),
                description_text: c.description.as_deref().map(markdown::to_plain),
                image: c.image,
                name: c.name,
                products: Vec::new(),
                line: source.nth_key("name", i).map(|l| l.line),
            }
        })
        .collect();
    (categories, Some(source))
}

fn check_categories(categories: &[Category], problems: &mut Problems) {
    let mut slugs: HashMap<&str, &str> = HashMap::new();
    for c in categories {
        let at = |d: Diagnostic| match c.line {
            Some(l) => d.at(l, 3),
            None => d,
        };
        if c.slug.is_empty() || c.slug != slug::slugify(&c.slug) {
            problems.push(at(Diagnostic::new(
                CATEGORIES_FILE,
                format!("category `{}`: `{}` cannot be a URL", c.name, c.slug),
            )
            .help(
                "give it a `slug:` of lowercase letters, digits and hyphens, e.g. slug: footballs",
            )));
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
        if c.products.is_empty() {
            problems.push(at(Diagnostic::new(
                CATEGORIES_FILE,
                format!("category `{}` has no products", c.name),
            )
            .help("check that products spell the category exactly the same, or remove it")));
        }
    }
}
