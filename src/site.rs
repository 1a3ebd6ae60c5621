//! `Site::load` then `Site::build`: config → theme → catalogue + pages → image plan → images → render → write.

use crate::catalog::{Catalog, Product};
use crate::config::{BaseUrl, PhotoSpec, SiteConfig};
use crate::error::{Diagnostic, Error, Result};
use crate::images::{self, cache::Cache, sources::SourceIndex, ImagePlan, ImageStats};
use crate::output::{self, Staging};
use crate::pages::{self, Page};
use crate::render::Renderer;
use crate::report::count;
use crate::seo;
use crate::theme::Theme;
use crate::views::{self, MenuItem, ProductView, SiteView};
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A loaded, fully checked site: nothing here can fail to render for lack of data.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub theme: Theme,
    pub catalog: Catalog,
    pub pages: Vec<Page>,
    pub plan: ImagePlan,
    logo: Option<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    cache_dir: PathBuf,
    sources: SourceIndex,
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; default `SITE/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Image cache folder; default `SITE/.minisite-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Show a progress bar while photos are made (for a terminal).
    pub progress: bool,
    /// Replace an output folder that minisite did not create.
    pub force: bool,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub images: ImageStats,
    pub elapsed: Duration,
}

/// Metadata every template gets as `page`.
#[derive(Serialize)]
struct PageMeta {
    kind: &'static str,
    /// Full text of `<title>`.
    title: String,
    /// The page's own heading.
    heading: String,
    description: String,
    /// Site path of this page, e.g. `products/ball/`.
    path: String,
    canonical: Option<String>,
    og_image: Option<OgImage>,
    og_type: &'static str,
    breadcrumbs: Vec<MenuItem>,
    json_ld: Vec<String>,
}

#[derive(Serialize, Clone)]
struct OgImage {
    url: String,
    width: u32,
    height: u32,
    alt: String,
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PagerLink>,
}

#[derive(Serialize)]
struct PagerLink {
    number: usize,
    url: String,
    /// Page numbers are left out before this one.
    gap: bool,
}

/// Pages a pager links to: the first, the last, and two either side of `current`. Linking every
/// page would make each listing page's size, and a catalogue's build time, grow with the square
/// of its number of pages (417 pages of all products at 10,000 products).
fn pager_numbers(current: usize, total: usize) -> Vec<usize> {
    (1..=total)
        .filter(|&k| k == 1 || k == total || k.abs_diff(current) <= 2)
        .collect()
}

/// One page to render: where it goes, with which template and data.
struct Job {
    /// Site path, e.g. `products/ball/`; the page is written to `{path}index.html`.
    path: String,
    template: &'static str,
    meta: Meta,
    /// Template variables other than `site`, `root`, `page` and the products in `shows`.
    extra: Value,
    /// The products the page shows, by template variable. Kept apart from `extra` so that a page's
    /// fingerprint can name each product by a short hash instead of its whole view.
    shows: Vec<(&'static str, Shown)>,
}

enum Shown {
    One(usize),
    Many(Vec<usize>),
}

enum Meta {
    Ready(Box<PageMeta>),
    /// Product `i`'s page, whose metadata (with its JSON-LD, the costliest part) is made only
    /// when the page is rendered: `minisite serve` renders few of them per edit.
    Product(usize),
}

/// What a page needs of one product, kept by `minisite serve` from one edit to the next for the
/// products that did not change (see [`Site::documents`]).
#[derive(Clone)]
pub struct ProductMemo {
    pub view: std::sync::Arc<ProductView>,
    pub value: Value,
    /// Hash of the view, standing in for it in fingerprints.
    pub key: blake3::Hash,
}

/// The logo as published.
pub struct Logo {
    /// Path in the output, named after its content.
    pub url: String,
    pub bytes: Vec<u8>,
    pub size: Option<(u32, u32)>,
}

/// Every file made from templates and data: the HTML pages (404.html last), then sitemap.xml and
/// robots.txt. `minisite build` renders them all; `minisite serve` only those whose
/// [`Documents::fingerprint`] changed since it last wrote them.
pub struct Documents<'a> {
    owner: &'a Site,
    site_view: SiteView,
    site: Value,
    /// Hash of the site view, which every page shows (menus, categories, company, brand).
    site_key: blake3::Hash,
    products: Vec<ProductMemo>,
    jobs: Vec<Job>,
    /// The root path 404.html's links start from (it is served at any depth).
    root404: String,
    texts: Vec<(&'static str, String)>,
}

impl Site {
    /// Reads and checks everything the build will use; reports every problem found, not just the first.
    pub fn load(dir: &Path, opts: &BuildOptions) -> Result<Site> {
        Site::load_reusing(dir, opts, HashMap::new())
    }

    /// [`Site::load`], taking the products of the files in `known` as they are instead of reading
    /// those files again (see [`Catalog::load_reusing`]).
    pub fn load_reusing(dir: &Path, opts: &BuildOptions, known: HashMap<PathBuf, Product>) -> Result<Site> {
        let root = dir
            .canonicalize()
            .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", dir.display())))?;
        let mut config = SiteConfig::from_file(&root).map_err(Error::Site)?;
        if let Some(url) = &opts.base_url {
            let url = BaseUrl::new(url)
                .ok_or_else(|| Error::Usage(format!("--base-url `{url}` is not an http(s) URL")))?;
            config.base_url = Some(url);
        }
        let theme = Theme::load(&config.theme, &root)?;
        let mut problems: Vec<Diagnostic> = Vec::new();
        let catalog = Catalog::load_reusing(&root, &config, known).unwrap_or_else(|d| {
            problems.extend(d);
            Catalog::default()
        });
        let pages = pages::load(&root, &config).unwrap_or_else(|d| {
            problems.extend(d);
            Vec::new()
        });
        let logo = match &config.brand.logo {
            Some(l) => match crate::paths::resolve_in_site(&root, l) {
                Ok(p) => Some(p),
                Err((msg, help)) => {
                    problems.push(
                        Diagnostic::new("site.yaml", format!("logo {msg}"))
                            .field("brand.logo")
                            .help(help),
                    );
                    None
                }
            },
            None => None,
        };
        // (file naming it, photo, shown in a grid: those get fixed-ratio thumbnails)
        let mut photos: Vec<(PathBuf, &PhotoSpec, bool)> = Vec::new();
        for (i, ph) in config.company.photos.iter().enumerate() {
            match crate::paths::resolve_in_site(&root, &ph.path) {
                Ok(_) => photos.push((PathBuf::from("site.yaml"), ph, false)),
                Err((msg, help)) => problems.push(
                    Diagnostic::new("site.yaml", format!("photo {msg}"))
                        .field(format!("company.photos[{i}]"))
                        .help(help),
                ),
            }
        }
        for p in &catalog.products {
            photos.extend(
                p.data
                    .photos
                    .iter()
                    .enumerate()
                    .map(|(i, ph)| (p.file.clone(), ph, i == 0)),
            );
        }
        for c in &catalog.categories {
            photos.extend(
                c.image
                    .iter()
                    .map(|ph| (PathBuf::from("categories.yaml"), ph, true)),
            );
        }
        let cache_dir = opts
            .cache_dir
            .clone()
            .unwrap_or_else(|| root.join(".minisite-cache"));
        let sources = SourceIndex::load(Some(&cache_dir));
        let plan = ImagePlan::make(&root, &photos, &config.images, &sources).unwrap_or_else(|d| {
            problems.extend(d);
            ImagePlan::default()
        });
        if !problems.is_empty() {
            // In the texts as they were read: under `serve` a file may have changed since.
            let kept = std::iter::once(&config.source).chain(catalog.sources());
            crate::error::place_all(&mut problems, kept);
            problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            return Err(Error::Site(problems));
        }
        let mut warnings = crate::lint::warnings(&root, &config, &catalog, &plan, &crate::lint::today());
        if config.base_url.is_none() {
            warnings.push(
                Diagnostic::new(
                    "site.yaml",
                    "no base_url: canonical links, sitemap.xml and link previews need the site's address",
                )
                .help("add base_url: https://www.your-shop.com/ (or pass --base-url)"),
            );
        }
        Ok(Site {
            root,
            config,
            theme,
            catalog,
            pages,
            plan,
            logo,
            warnings,
            cache_dir,
            sources,
        })
    }

    /// Deletes cache entries this site does not use; returns (files, bytes) removed.
    pub fn prune_cache(&self) -> Result<(usize, u64)> {
        let keep: std::collections::HashSet<&str> = self
            .plan
            .sets
            .values()
            .flat_map(|s| s.all().map(|v| v.key.as_str()))
            .collect();
        Cache::new(self.cache_dir.clone())
            .prune(&keep)
            .map_err(|e| Error::io(&self.cache_dir, e))
    }

    pub fn default_output(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Renders every page and writes the whole site; the output changes only if all of it succeeded.
    pub fn build(&self, opts: &BuildOptions) -> Result<BuildReport> {
        let started = Instant::now();
        let output = output::absolute(&opts.output.clone().unwrap_or_else(|| self.default_output()));
        output::check_output_location(&self.root, &output)?;
        let staging = Staging::begin(&output, opts.force)?;

        let statics = self.statics()?;
        for (path, bytes) in &statics {
            staging.write(path, bytes)?;
        }
        let logo = self.logo()?;
        if let Some(l) = &logo {
            staging.write(&l.url, &l.bytes)?;
        }

        // Photos before pages: pages show each photo's average colour while it loads, and that
        // colour is known only once the photo's variants exist.
        let image_stats = images::run::run(
            &self.plan,
            &self.cache(),
            staging.root(),
            self.config.images.quality,
            self.background(),
            opts.progress,
        )
        .map_err(|d| Error::Site(self.named_in(d)))?;
        self.note_colors();

        let renderer = self.renderer(&statics);
        let docs = self.documents(logo.as_ref(), |_| None);
        docs.render_each(
            &renderer,
            |_| true,
            |i, text| staging.write(&docs.file(i), text.as_bytes()),
        )?;

        staging.commit()?;
        // Only a speed-up for the next build: failing to save it is not worth failing this one.
        let _ = self.sources.save();
        Ok(BuildReport {
            output,
            pages: docs.pages(),
            images: image_stats,
            elapsed: started.elapsed(),
        })
    }

    /// Photo problems found while making variants name the photo; report them in the file that
    /// uses it, on its line, as planning does.
    pub fn named_in(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .map(|d| {
                let photo = crate::paths::slash(&d.file);
                let user = self
                    .catalog
                    .products
                    .iter()
                    .find(|p| p.data.photos.iter().any(|ph| ph.path == photo))
                    .map(|p| p.file.clone())
                    .or_else(|| {
                        let by_category = self
                            .catalog
                            .categories
                            .iter()
                            .any(|c| c.image.as_ref().is_some_and(|i| i.path == photo));
                        by_category.then(|| PathBuf::from("categories.yaml"))
                    })
                    .or_else(|| self.plan.get(&photo).map(|_| PathBuf::from("site.yaml")));
                match user {
                    Some(file) => {
                        let msg = d.message.strip_prefix("the photo ").unwrap_or(&d.message);
                        let help = if msg.contains("cannot be written") {
                            "free some disk space, or check the folders' permissions, and build again"
                        } else {
                            "open the photo in an image editor and export it again as JPEG"
                        };
                        let d = Diagnostic::new(file, format!("photo `{photo}`: {msg}")).help(help);
                        let kept = std::iter::once(&self.config.source).chain(self.catalog.sources());
                        images::plan::locate_photo(d, kept, &photo)
                    }
                    None => d,
                }
            })
            .collect()
    }

    pub fn cache(&self) -> Cache {
        Cache::new(self.cache_dir.clone())
    }

    /// The colour transparent photos are flattened on.
    pub fn background(&self) -> [u8; 3] {
        images::ops::parse_hex(&self.config.brand.colors.background)
    }

    /// Every static file to publish (the theme's, and the site's own that replace or add to them)
    /// with its bytes, by path in the output.
    pub fn statics(&self) -> Result<Vec<(String, Cow<'static, [u8]>)>> {
        self.theme
            .static_files()
            .into_iter()
            .map(|(path, file)| {
                let bytes = file.bytes().map_err(|e| Error::io(&path, e))?;
                Ok((path, bytes))
            })
            .collect()
    }

    /// The logo, named after its content so browsers never show a stale one.
    pub fn logo(&self) -> Result<Option<Logo>> {
        let Some(p) = &self.logo else { return Ok(None) };
        let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("img")
            .to_ascii_lowercase();
        Ok(Some(Logo {
            url: format!("brand/logo-{}.{ext}", &blake3::hash(&bytes).to_hex()[..10]),
            size: views::logo_size(p, &bytes),
            bytes,
        }))
    }

    /// The template engine, with `asset()` links versioned by the content of `statics`.
    pub fn renderer(&self, statics: &[(String, Cow<'static, [u8]>)]) -> Renderer {
        let versions = statics
            .iter()
            .map(|(path, bytes)| (path.clone(), blake3::hash(bytes).to_hex()[..8].to_string()))
            .collect();
        Renderer::new(&self.theme, self.config.clean_links, versions)
    }

    /// Learns each photo's average colour, from the source index or from a variant in the cache;
    /// photos with no variant made yet get none.
    pub fn note_colors(&self) {
        let colors = images::run::colors(&self.plan, &self.cache(), &self.sources, self.background());
        let _ = self.plan.colors.set(colors);
    }

    /// Saves what was learnt of the photos (hashes, sizes, colours) for the next build; only a
    /// speed-up, so failing to save is not an error.
    pub fn save_index(&self) {
        let _ = self.sources.save();
    }

    /// Every page, 404.html, sitemap.xml and robots.txt, ready to render. `known` may give the
    /// view of a product as an earlier `documents` made it (see [`Documents::memos`]), but only
    /// when nothing the view is made from changed: the product, its category's title and slug,
    /// site.yaml, its photos and their colours.
    pub fn documents(
        &self,
        logo: Option<&Logo>,
        known: impl Fn(&Product) -> Option<ProductMemo> + Sync,
    ) -> Documents<'_> {
        let cfg = &self.config;
        let logo_url = logo.map(|l| (l.url.clone(), l.size));
        let site_view = views::site_view(cfg, &self.catalog, &self.pages, &self.plan, logo_url);
        let products: Vec<ProductMemo> = self
            .catalog
            .products
            .par_iter()
            .map(|p| {
                known(p).unwrap_or_else(|| {
                    let url = views::product_url(p);
                    let view =
                        views::product_view(p, &self.catalog, cfg, &self.plan, self.abs(&url).as_deref());
                    ProductMemo {
                        value: Value::from_serialize(&view),
                        key: json_hash(&view),
                        view: std::sync::Arc::new(view),
                    }
                })
            })
            .collect();
        let mut jobs = self.jobs(&site_view, &products);

        let base = cfg.base_url.as_deref();
        let root404 = base
            .and_then(|b| b.splitn(4, '/').nth(3).map(|p| format!("/{p}")))
            .unwrap_or_else(|| "/".to_string());
        let paths: Vec<String> = jobs.iter().map(|j| j.path.clone()).collect();
        jobs.push(Job {
            path: "404.html".into(),
            template: "404.html",
            meta: Meta::Ready(Box::new(PageMeta {
                kind: "404",
                title: format!("Page not found | {}", cfg.title),
                heading: "Page not found".into(),
                description: site_view.description.clone(),
                path: "404.html".into(),
                canonical: None,
                og_image: None,
                og_type: "website",
                breadcrumbs: Vec::new(),
                json_ld: Vec::new(),
            })),
            extra: Value::from(()),
            shows: Vec::new(),
        });
        Documents {
            owner: self,
            site_key: json_hash(&site_view),
            site: Value::from_serialize(&site_view),
            site_view,
            products,
            jobs,
            root404,
            texts: vec![
                ("sitemap.xml", seo::sitemap(&paths, base)),
                ("robots.txt", seo::robots(base)),
            ],
        }
    }

    fn abs(&self, path: &str) -> Option<String> {
        seo::absolute(self.config.base_url.as_deref(), path)
    }

    fn meta(
        &self,
        kind: &'static str,
        heading: &str,
        description: &str,
        path: &str,
        crumbs: Vec<(String, String)>,
    ) -> PageMeta {
        let title = if path.is_empty() {
            match &self.config.company.tagline {
                Some(t) => format!("{} – {t}", self.config.title),
                None => self.config.title.clone(),
            }
        } else {
            format!("{heading} | {}", self.config.title)
        };
        let mut json_ld = Vec::new();
        if crumbs.len() > 1 {
            json_ld.push(seo::script_json(&seo::breadcrumbs(&crumbs, &self.config)));
        }
        PageMeta {
            kind,
            title,
            heading: heading.to_string(),
            description: pages::truncate_words(description, 160),
            path: path.to_string(),
            canonical: self.abs(path),
            og_image: None,
            og_type: "website",
            breadcrumbs: crumbs
                .into_iter()
                .map(|(title, url)| MenuItem { title, url })
                .collect(),
            json_ld,
        }
    }

    fn og_image(&self, spec: &PhotoSpec, alt: &str) -> Option<OgImage> {
        let set = self.plan.get(&spec.path)?;
        let v = views::ImageView::largest(set)?;
        Some(OgImage {
            url: self.abs(&v.url)?,
            width: v.width,
            height: v.height,
            alt: spec.alt.clone().unwrap_or_else(|| alt.to_string()),
        })
    }

    /// The metadata of product `i`'s page: a function of its view and the site's, which is why a
    /// product page's fingerprint can name those two by their hashes instead.
    fn product_meta(&self, i: usize, view: &ProductView, site: &SiteView) -> PageMeta {
        let cfg = &self.config;
        let p = &self.catalog.products[i];
        let mut crumbs = vec![
            (String::from("Home"), String::new()),
            ("Products".to_string(), "products/".to_string()),
        ];
        if let Some(c) = p.category {
            let c = &self.catalog.categories[c];
            crumbs.push((c.title.clone(), views::category_url(c)));
        }
        crumbs.push((p.data.name.clone(), view.url.clone()));
        let desc = p
            .data
            .summary
            .clone()
            .or_else(|| p.data.description.as_deref().map(crate::markdown::to_plain))
            .unwrap_or_else(|| format!("{} by {}", p.data.name, cfg.company_name()));
        let mut meta = self.meta("product", &p.data.name, &desc, &view.url, crumbs);
        meta.og_type = "product";
        meta.og_image = self.og_image(&p.data.photos[0], &p.data.name);
        meta.json_ld
            .insert(0, seo::script_json(&seo::product(view, site, cfg)));
        meta
    }

    /// Every HTML page of the site but 404.html, in a stable order.
    fn jobs(&self, site: &SiteView, products: &[ProductMemo]) -> Vec<Job> {
        let cfg = &self.config;
        let home = (String::from("Home"), String::new());
        let mut jobs = Vec::new();

        // Home
        let mut meta = self.meta("home", &cfg.title, &site.description, "", vec![home.clone()]);
        meta.json_ld.push(seo::script_json(&seo::organization(site, cfg)));
        meta.og_image = self
            .catalog
            .featured()
            .chain(self.catalog.products.iter())
            .next()
            .and_then(|p| self.og_image(&p.data.photos[0], &p.data.name));
        let featured: Vec<usize> = (0..products.len())
            .filter(|&i| self.catalog.products[i].data.featured)
            .collect();
        jobs.push(Job {
            path: String::new(),
            template: "home.html",
            meta: Meta::Ready(Box::new(meta)),
            extra: Value::from(()),
            shows: vec![("featured", Shown::Many(featured))],
        });

        // All products, paginated
        let all: Vec<usize> = (0..products.len()).collect();
        let crumbs = vec![home.clone(), ("Products".to_string(), "products/".to_string())];
        let desc = match products.len() {
            1 => format!(
                "The product of {}: prices, MOQ and lead times.",
                cfg.company_name()
            ),
            n => format!(
                "All {} of {}: prices, MOQ and lead times.",
                count(n, "product"),
                cfg.company_name()
            ),
        };
        self.paginate(
            &mut jobs,
            "products",
            "All products",
            &desc,
            "products/",
            &all,
            &crumbs,
            Value::from(()),
        );

        // Product pages; their metadata is made when they are rendered (see `Meta::Product`).
        for (i, (p, memo)) in self.catalog.products.iter().zip(products).enumerate() {
            let related: Vec<usize> = p
                .category
                .map(|c| {
                    self.catalog.categories[c]
                        .products
                        .iter()
                        .copied()
                        .filter(|&j| j != i)
                        .take(4)
                        .collect()
                })
                .unwrap_or_default();
            jobs.push(Job {
                path: memo.view.url.clone(),
                template: "product.html",
                meta: Meta::Product(i),
                extra: Value::from(()),
                shows: vec![("product", Shown::One(i)), ("related", Shown::Many(related))],
            });
        }

        // Categories
        if !self.catalog.categories.is_empty() {
            let crumbs = vec![
                home.clone(),
                ("Categories".to_string(), "categories/".to_string()),
            ];
            let desc = format!("Product categories of {}.", cfg.company_name());
            jobs.push(Job {
                path: "categories/".into(),
                template: "categories.html",
                meta: Meta::Ready(Box::new(self.meta(
                    "categories",
                    "Categories",
                    &desc,
                    "categories/",
                    crumbs,
                ))),
                extra: Value::from(()),
                shows: Vec::new(),
            });
        }
        for (ci, c) in self.catalog.categories.iter().enumerate() {
            let url = views::category_url(c);
            let crumbs = vec![
                home.clone(),
                ("Categories".to_string(), "categories/".to_string()),
                (c.title.clone(), url.clone()),
            ];
            let desc = c.description_text.clone().unwrap_or_else(|| {
                format!(
                    "{} from {}: {} with prices, MOQ and lead times.",
                    c.title,
                    cfg.company_name(),
                    count(c.products.len(), "product")
                )
            });
            let cat_value = Value::from_serialize(&site.categories[ci]);
            self.paginate(
                &mut jobs,
                "category",
                &c.title,
                &desc,
                &url,
                &c.products,
                &crumbs,
                context! { category => cat_value },
            );
        }

        // Company and contact
        let about = site
            .company
            .about_text
            .clone()
            .unwrap_or_else(|| site.description.clone());
        let mut meta = self.meta(
            "company",
            "Company profile",
            &about,
            "company/",
            vec![home.clone(), ("Company profile".into(), "company/".into())],
        );
        meta.json_ld.push(seo::script_json(&seo::organization(site, cfg)));
        meta.og_image = cfg
            .company
            .photos
            .first()
            .and_then(|p| self.og_image(p, &site.company.name));
        jobs.push(Job {
            path: "company/".into(),
            template: "company.html",
            meta: Meta::Ready(Box::new(meta)),
            extra: Value::from(()),
            shows: Vec::new(),
        });
        let desc = format!(
            "Contact {} for quotes, samples and OEM orders.",
            cfg.company_name()
        );
        jobs.push(Job {
            path: "contact/".into(),
            template: "contact.html",
            meta: Meta::Ready(Box::new(self.meta(
                "contact",
                "Contact us",
                &desc,
                "contact/",
                vec![home.clone(), ("Contact".into(), "contact/".into())],
            ))),
            extra: Value::from(()),
            shows: Vec::new(),
        });

        // Markdown pages
        for p in &self.pages {
            let path = format!("{}/", p.slug);
            let meta = self.meta(
                "page",
                &p.title,
                &p.description,
                &path,
                vec![home.clone(), (p.title.clone(), path.clone())],
            );
            jobs.push(Job {
                path,
                template: "page.html",
                meta: Meta::Ready(Box::new(meta)),
                extra: context! { content => Value::from_safe_string(p.html.clone()) },
                shows: Vec::new(),
            });
        }
        jobs
    }

    /// Splits `items` into pages of `per_page`: `base`, `base/page/2/`, …
    #[allow(clippy::too_many_arguments)]
    fn paginate(
        &self,
        jobs: &mut Vec<Job>,
        kind: &'static str,
        heading: &str,
        desc: &str,
        base: &str,
        items: &[usize],
        crumbs: &[(String, String)],
        extra: Value,
    ) {
        let per = self.config.per_page.max(1);
        let total = items.len().div_ceil(per).max(1);
        let url_of = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}page/{n}/")
            }
        };
        for n in 1..=total {
            let chunk: Vec<usize> = items.iter().skip((n - 1) * per).take(per).copied().collect();
            let path = url_of(n);
            let heading_n = if n == 1 {
                heading.to_string()
            } else {
                format!("{heading} – page {n}")
            };
            let mut meta = self.meta(kind, &heading_n, desc, &path, crumbs.to_vec());
            meta.heading = heading.to_string();
            let pager = Pager {
                current: n,
                total,
                prev: (n > 1).then(|| url_of(n - 1)),
                next: (n < total).then(|| url_of(n + 1)),
                pages: {
                    let numbers = pager_numbers(n, total);
                    let mut last = 0;
                    numbers
                        .into_iter()
                        .map(|k| {
                            let gap = k > last + 1;
                            last = k;
                            PagerLink {
                                number: k,
                                url: url_of(k),
                                gap,
                            }
                        })
                        .collect()
                },
            };
            jobs.push(Job {
                path,
                template: "list.html",
                meta: Meta::Ready(Box::new(meta)),
                extra: context! { pager => Value::from_serialize(&pager), ..extra.clone() },
                shows: vec![("products", Shown::Many(chunk))],
            });
        }
    }
}

impl Documents<'_> {
    /// Each product's file with what its pages were made from, for the next `documents`.
    pub fn memos(&self) -> impl Iterator<Item = (&Path, &ProductMemo)> {
        self.owner
            .catalog
            .products
            .iter()
            .map(|p| p.file.as_path())
            .zip(&self.products)
    }

    /// How many documents there are.
    pub fn len(&self) -> usize {
        self.jobs.len() + self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of them are HTML pages (404.html included).
    pub fn pages(&self) -> usize {
        self.jobs.len()
    }

    /// Whether document `i` is rendered from a template (sitemap.xml and robots.txt are not).
    pub fn is_page(&self, i: usize) -> bool {
        i < self.jobs.len()
    }

    /// Where document `i` goes in the output, e.g. `products/ball/index.html`.
    pub fn file(&self, i: usize) -> Cow<'_, str> {
        match self.jobs.get(i) {
            Some(j) if j.template == "404.html" => Cow::Borrowed(&j.path),
            Some(j) => Cow::Owned(format!("{}index.html", j.path)),
            None => Cow::Borrowed(self.texts[i - self.jobs.len()].0),
        }
    }

    fn root(&self, job: &Job) -> String {
        if job.template == "404.html" {
            self.root404.clone()
        } else {
            "../".repeat(job.path.matches('/').count())
        }
    }

    /// A hash of everything document `i` is made from but the templates: two equal fingerprints
    /// mean the same output as long as the renderer (templates, asset versions) is the same.
    pub fn fingerprint(&self, i: usize) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        let Some(job) = self.jobs.get(i) else {
            let (file, text) = &self.texts[i - self.jobs.len()];
            h.update(file.as_bytes()).update(&[0]).update(text.as_bytes());
            return h.finalize();
        };
        h.update(self.site_key.as_bytes());
        for part in [job.path.as_str(), job.template, &self.root(job)] {
            h.update(part.as_bytes()).update(&[0]);
        }
        match &job.meta {
            Meta::Ready(meta) => h.update(json_hash(meta).as_bytes()),
            // A function of the product's view (its key is below) and the site view (above).
            Meta::Product(_) => h.update(b"product-meta"),
        };
        h.update(json_hash(&job.extra).as_bytes());
        for (name, shown) in &job.shows {
            h.update(name.as_bytes()).update(&[0]);
            let ids: &[usize] = match shown {
                Shown::One(i) => std::slice::from_ref(i),
                Shown::Many(v) => v,
            };
            h.update(&(ids.len() as u64).to_le_bytes());
            for &id in ids {
                h.update(self.products[id].key.as_bytes());
            }
        }
        h.finalize()
    }

    /// Renders document `i`.
    pub fn render(&self, i: usize, renderer: &Renderer) -> std::result::Result<String, Diagnostic> {
        let Some(job) = self.jobs.get(i) else {
            return Ok(self.texts[i - self.jobs.len()].1.clone());
        };
        let shown: BTreeMap<&str, Value> = job
            .shows
            .iter()
            .map(|(name, s)| {
                let v = match s {
                    Shown::One(i) => self.products[*i].value.clone(),
                    Shown::Many(v) => Value::from(
                        v.iter()
                            .map(|&i| self.products[i].value.clone())
                            .collect::<Vec<_>>(),
                    ),
                };
                (*name, v)
            })
            .collect();
        let page = match &job.meta {
            Meta::Ready(meta) => Value::from_serialize(meta),
            Meta::Product(i) => Value::from_serialize(self.owner.product_meta(
                *i,
                &self.products[*i].view,
                &self.site_view,
            )),
        };
        let own = context! { site => self.site, root => self.root(job), page => page };
        let ctx = minijinja::value::merge_maps([own, Value::from(shown), job.extra.clone()]);
        renderer.render(job.template, ctx)
    }

    /// Renders the documents `want` picks, in parallel, and hands each to `write`; template errors
    /// are reported once each, whatever the number of pages they broke.
    pub fn render_each(
        &self,
        renderer: &Renderer,
        want: impl Fn(usize) -> bool + Sync,
        write: impl Fn(usize, &str) -> Result<()> + Sync,
    ) -> Result<usize> {
        let results: Vec<Result<bool>> = (0..self.len())
            .into_par_iter()
            .map(|i| {
                if !want(i) {
                    return Ok(false);
                }
                write(i, &self.render(i, renderer)?)?;
                Ok(true)
            })
            .collect();
        let mut problems: Vec<Diagnostic> = Vec::new();
        let mut done = 0;
        for r in results {
            match r {
                Ok(wrote) => done += wrote as usize,
                Err(Error::Site(d)) => problems.extend(d),
                Err(e) => return Err(e),
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        problems.dedup();
        if problems.is_empty() {
            Ok(done)
        } else {
            Err(Error::Site(problems))
        }
    }
}

/// Hash of a value's JSON form.
fn json_hash(v: &impl Serialize) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    // Writing into a hasher cannot fail; the views have string keys only.
    let _ = serde_json::to_writer(HashWriter(&mut h), v);
    h.finalize()
}

struct HashWriter<'a>(&'a mut blake3::Hasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::pager_numbers;

    #[test]
    fn pagers_link_the_ends_and_the_neighbourhood() {
        assert_eq!(pager_numbers(1, 3), [1, 2, 3]);
        assert_eq!(pager_numbers(1, 10), [1, 2, 3, 10]);
        assert_eq!(pager_numbers(6, 10), [1, 4, 5, 6, 7, 8, 10]);
        assert_eq!(pager_numbers(10, 417).len(), 7);
    }
}
