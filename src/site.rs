//! `Site::load` then `Site::build`: config → theme → catalogue + pages → image plan → images → render → write.

use crate::catalog::Catalog;
use crate::config::{PhotoSpec, SiteConfig};
use crate::error::{Diagnostic, Error, Result};
use crate::images::{self, cache::Cache, sources::SourceIndex, ImagePlan, ImageStats};
use crate::output::{self, Staging};
use crate::pages::{self, Page};
use crate::render::Renderer;
use crate::seo;
use crate::theme::Theme;
use crate::views::{self, MenuItem, ProductView, SiteView};
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
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
}

/// One page to render: where it goes, with which template and data.
struct Job {
    path: String,
    template: &'static str,
    meta: PageMeta,
    extra: Value,
}

impl Site {
    /// Reads and checks everything the build will use; reports every problem found, not just the first.
    pub fn load(dir: &Path, opts: &BuildOptions) -> Result<Site> {
        let root = dir
            .canonicalize()
            .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", dir.display())))?;
        let mut config = SiteConfig::from_file(&root).map_err(Error::Site)?;
        if let Some(url) = &opts.base_url {
            if !config::is_web_url(url) {
                return Err(Error::Usage(format!("--base-url `{url}` is not an http(s) URL")));
            }
            config.base_url = Some(if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            });
        }
        let theme = Theme::load(&config.theme, &root)?;
        let mut problems: Vec<Diagnostic> = Vec::new();
        let catalog = Catalog::load(&root, &config).unwrap_or_else(|d| {
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
            for d in problems.iter_mut().filter(|d| d.line.is_none()) {
                if let (Some(field), Ok(text)) = (&d.field, std::fs::read_to_string(root.join(&d.file))) {
                    if let Some((l, c)) = config::locate_field(&text, field) {
                        *d = d.clone().at(l, c);
                    }
                }
            }
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

        let statics = self.theme.static_files();
        let mut asset_versions = BTreeMap::new();
        for (path, file) in &statics {
            let bytes = file.bytes().map_err(|e| Error::io(path, e))?;
            staging.write(path, &bytes)?;
            asset_versions.insert(path.clone(), blake3::hash(&bytes).to_hex()[..8].to_string());
        }
        let logo_url = match &self.logo {
            Some(p) => {
                let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("img")
                    .to_ascii_lowercase();
                let url = format!("brand/logo-{}.{ext}", &blake3::hash(&bytes).to_hex()[..10]);
                staging.write(&url, &bytes)?;
                Some((url, views::logo_size(p, &bytes)))
            }
            None => None,
        };

        // Photos before pages: pages show each photo's average colour while it loads, and that
        // colour is known only once the photo's variants exist.
        let cache = Cache::new(self.cache_dir.clone());
        let bg = images::ops::parse_hex(&self.config.brand.colors.background);
        let image_stats = images::run::run(
            &self.plan,
            &cache,
            staging.root(),
            self.config.images.quality,
            bg,
            opts.progress,
        )
        .map_err(|d| Error::Site(self.named_in(d)))?;
        let _ = self
            .plan
            .colors
            .set(images::run::colors(&self.plan, &cache, &self.sources, bg));

        let renderer = Renderer::new(&self.theme, self.config.clean_links, asset_versions);
        let site_view = views::site_view(&self.config, &self.catalog, &self.pages, &self.plan, logo_url);
        let jobs = self.jobs(&site_view);
        let site_value = Value::from_serialize(&site_view);

        let rendered: Vec<std::result::Result<(), Error>> = jobs
            .par_iter()
            .map(|job| {
                let root = "../".repeat(job.path.matches('/').count());
                let ctx = context! { site => site_value, root => root, page => Value::from_serialize(&job.meta), ..job.extra.clone() };
                let html = renderer.render(job.template, ctx)?;
                staging.write(&format!("{}index.html", job.path), html.as_bytes())
            })
            .collect();
        let mut problems: Vec<Diagnostic> = Vec::new();
        for r in rendered {
            match r {
                Ok(()) => {}
                Err(Error::Site(d)) => problems.extend(d),
                Err(e) => return Err(e),
            }
        }
        // Template errors repeat once per page; report each once.
        problems.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        problems.dedup();
        if !problems.is_empty() {
            return Err(Error::Site(problems));
        }

        let base = self.config.base_url.as_deref();
        // 404.html is served at any depth, so its links start from the site's root path.
        let root404 = base
            .and_then(|b| b.splitn(4, '/').nth(3).map(|p| format!("/{p}")))
            .unwrap_or_else(|| "/".to_string());
        let meta404 = PageMeta {
            kind: "404",
            title: format!("Page not found | {}", self.config.title),
            heading: "Page not found".into(),
            description: site_view.description.clone(),
            path: "404.html".into(),
            canonical: None,
            og_image: None,
            og_type: "website",
            breadcrumbs: Vec::new(),
            json_ld: Vec::new(),
        };
        let html = renderer.render(
            "404.html",
            context! { site => site_value, root => root404, page => Value::from_serialize(&meta404) },
        )?;
        staging.write("404.html", html.as_bytes())?;

        let paths: Vec<String> = jobs.iter().map(|j| j.path.clone()).collect();
        staging.write("sitemap.xml", seo::sitemap(&paths, base).as_bytes())?;
        staging.write("robots.txt", seo::robots(base).as_bytes())?;

        staging.commit()?;
        // Only a speed-up for the next build: failing to save it is not worth failing this one.
        let _ = self.sources.save();
        Ok(BuildReport {
            output,
            pages: jobs.len() + 1,
            images: image_stats,
            elapsed: started.elapsed(),
        })
    }

    /// Photo problems found while making variants name the photo; report them in the file that
    /// uses it, on its line, as planning does.
    fn named_in(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
                        images::plan::locate_photo(d, &self.root, &photo)
                    }
                    None => d,
                }
            })
            .collect()
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

    /// Every HTML page of the site, in a stable order.
    fn jobs(&self, site: &SiteView) -> Vec<Job> {
        let cfg = &self.config;
        let home = (String::from("Home"), String::new());
        let mut jobs = Vec::new();
        let products: Vec<ProductView> = self
            .catalog
            .products
            .par_iter()
            .map(|p| {
                let url = views::product_url(p);
                views::product_view(p, &self.catalog, cfg, &self.plan, self.abs(&url).as_deref())
            })
            .collect();
        let product_values: Vec<Value> = products.par_iter().map(Value::from_serialize).collect();

        // Home
        let mut meta = self.meta("home", &cfg.title, &site.description, "", vec![home.clone()]);
        meta.json_ld.push(seo::script_json(&seo::organization(site, cfg)));
        meta.og_image = self
            .catalog
            .featured()
            .chain(self.catalog.products.iter())
            .next()
            .and_then(|p| self.og_image(&p.data.photos[0], &p.data.name));
        let featured: Vec<Value> = self
            .catalog
            .products
            .iter()
            .zip(&product_values)
            .filter(|(p, _)| p.data.featured)
            .map(|(_, v)| v.clone())
            .collect();
        jobs.push(Job {
            path: String::new(),
            template: "home.html",
            meta,
            extra: context! { featured => featured },
        });

        // All products, paginated
        let all: Vec<usize> = (0..products.len()).collect();
        let crumbs = vec![home.clone(), ("Products".to_string(), "products/".to_string())];
        let desc = format!(
            "All {} products of {}: prices, MOQ and lead times.",
            products.len(),
            cfg.company_name()
        );
        self.paginate(
            &mut jobs,
            "products",
            "All products",
            &desc,
            "products/",
            &all,
            &product_values,
            &crumbs,
            Value::from(()),
        );

        // Product pages
        for (i, (p, view)) in self.catalog.products.iter().zip(&products).enumerate() {
            let mut crumbs = vec![home.clone(), ("Products".to_string(), "products/".to_string())];
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
            let related: Vec<Value> = p
                .category
                .map(|c| {
                    self.catalog.categories[c]
                        .products
                        .iter()
                        .filter(|&&j| j != i)
                        .take(4)
                        .map(|&j| product_values[j].clone())
                        .collect()
                })
                .unwrap_or_default();
            jobs.push(Job {
                path: view.url.clone(),
                template: "product.html",
                meta,
                extra: context! { product => product_values[i].clone(), related => related },
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
                meta: self.meta("categories", "Categories", &desc, "categories/", crumbs),
                extra: Value::from(()),
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
                    "{} from {}: {} products with prices, MOQ and lead times.",
                    c.title,
                    cfg.company_name(),
                    c.products.len()
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
                &product_values,
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
            meta,
            extra: Value::from(()),
        });
        let desc = format!(
            "Contact {} for quotes, samples and OEM orders.",
            cfg.company_name()
        );
        jobs.push(Job {
            path: "contact/".into(),
            template: "contact.html",
            meta: self.meta(
                "contact",
                "Contact us",
                &desc,
                "contact/",
                vec![home.clone(), ("Contact".into(), "contact/".into())],
            ),
            extra: Value::from(()),
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
                meta,
                extra: context! { content => Value::from_safe_string(p.html.clone()) },
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
        values: &[Value],
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
            let chunk: Vec<Value> = items
                .iter()
                .skip((n - 1) * per)
                .take(per)
                .map(|&i| values[i].clone())
                .collect();
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
                pages: (1..=total)
                    .map(|k| PagerLink {
                        number: k,
                        url: url_of(k),
                    })
                    .collect(),
            };
            jobs.push(Job {
                path,
                template: "list.html",
                meta,
                extra: context! { products => chunk, pager => Value::from_serialize(&pager), ..extra.clone() },
            });
        }
    }
}

use crate::config;
