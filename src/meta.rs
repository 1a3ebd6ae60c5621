//! Page metadata every template gets as `page`: title, description, canonical address, link
//! preview (OpenGraph) image, breadcrumbs and JSON-LD.

use crate::config::PhotoSpec;
use crate::routes::PageKind;
use crate::seo;
use crate::views::{self, MenuItem, ProductView, SiteView};
use crate::Site;
use serde::Serialize;

/// Metadata every template gets as `page`.
#[derive(Serialize)]
pub struct PageMeta {
    pub kind: PageKind,
    /// Full text of `<title>`.
    pub title: String,
    /// The page's own heading.
    pub heading: String,
    pub description: String,
    /// Site path of this page, e.g. `products/ball/`, the same in every language (a German
    /// page is written at `de/` + this path).
    pub path: String,
    pub canonical: Option<String>,
    /// The page in every language of the site, and `x-default`; none for a one-language site.
    pub alternates: Vec<Alternate>,
    pub og_image: Option<OgImage>,
    pub og_type: &'static str,
    pub breadcrumbs: Vec<MenuItem>,
    pub json_ld: Vec<String>,
}

/// One language's version of a page, for `<link rel="alternate" hreflang>` and the switcher.
#[derive(Serialize, Clone)]
pub struct Alternate {
    /// BCP 47 code, or `x-default`.
    pub hreflang: String,
    /// Where that language's pages are (`de/`); `url(page.path, prefix=…)` links to it.
    pub prefix: String,
    /// Its absolute address, when the site has a `base_url`.
    pub href: Option<String>,
}

/// The versions of the page at `path` in each language, with the default as `x-default`.
pub fn alternates(site: &Site, path: &str) -> Vec<Alternate> {
    if site.links.len() < 2 {
        return Vec::new();
    }
    let base = site.config.base_url.as_deref();
    let at = |prefix: &str| base.map(|b| format!("{b}{prefix}{path}"));
    let mut out: Vec<Alternate> = site
        .links
        .iter()
        .map(|l| Alternate {
            hreflang: l.code.clone(),
            prefix: l.prefix.clone(),
            href: at(&l.prefix),
        })
        .collect();
    out.push(Alternate {
        hreflang: "x-default".into(),
        prefix: String::new(),
        href: at(""),
    });
    out
}

#[derive(Serialize, Clone)]
pub struct OgImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// A breadcrumb trail: (title, site path) from home to the page.
pub type Crumbs = Vec<(String, String)>;

/// The metadata of a page at `path` titled `heading`.
pub fn page(
    site: &Site,
    kind: PageKind,
    heading: &str,
    description: &str,
    path: &str,
    crumbs: Crumbs,
) -> PageMeta {
    let cfg = &site.config;
    let title = if path.is_empty() {
        match &cfg.company.tagline {
            Some(t) => site
                .strings
                .text("title_home", &[("site", &cfg.title), ("tagline", t)]),
            None => cfg.title.clone(),
        }
    } else {
        title(site, heading)
    };
    let description = crate::pages::truncate_words(description, 160);
    let mut json_ld = Vec::new();
    // Products and organisations have no language in schema.org; the page that shows them
    // does: search engines learn which version of the page this is.
    if site.links.len() > 1 {
        json_ld.push(seo::script_json(&seo::web_page(
            &title,
            &description,
            &site.lang.code,
            site.absolute(path).as_deref(),
        )));
    }
    if crumbs.len() > 1 {
        json_ld.push(seo::script_json(&seo::breadcrumbs(&crumbs, cfg)));
    }
    PageMeta {
        kind,
        title,
        heading: heading.to_string(),
        description,
        path: path.to_string(),
        canonical: site.absolute(path),
        alternates: alternates(site, path),
        og_image: None,
        og_type: "website",
        breadcrumbs: crumbs
            .into_iter()
            .map(|(title, url)| MenuItem {
                title,
                url,
                lang: None,
            })
            .collect(),
        json_ld,
    }
}

/// The `<title>` of a page headed `heading` (not home's, which names the site first).
pub fn title(site: &Site, heading: &str) -> String {
    site.strings
        .text("title_page", &[("page", heading), ("site", &site.config.title)])
}

/// The link preview image of a photo: its largest variant, when the site has a `base_url`
/// (previews need absolute addresses).
pub fn og_image(site: &Site, spec: &PhotoSpec, alt: &str) -> Option<OgImage> {
    let set = site.plan.get(&spec.path)?;
    let v = views::ImageView::largest(set)?;
    Some(OgImage {
        url: site.absolute(&v.url)?,
        width: v.width,
        height: v.height,
        alt: spec.alt.clone().unwrap_or_else(|| alt.to_string()),
    })
}

/// The metadata of product `i`'s page: a function of its view and the site's, which is why a
/// product page's fingerprint can name those two by their hashes instead.
pub fn product(site: &Site, i: usize, view: &ProductView, site_view: &SiteView) -> PageMeta {
    let cfg = &site.config;
    let p = &site.catalog.products[i];
    let words = &site.strings;
    let mut crumbs = vec![
        (words.text("home", &[]), String::new()),
        (words.text("products", &[]), "products/".to_string()),
    ];
    if let Some(c) = p.category {
        let c = &site.catalog.categories[c];
        crumbs.push((c.title.clone(), views::category_url(c)));
    }
    crumbs.push((p.data.name.clone(), view.url.clone()));
    let desc = p
        .data
        .summary
        .clone()
        .or_else(|| p.description_text.clone())
        .unwrap_or_else(|| {
            words.text(
                "product_description",
                &[("product", &p.data.name), ("company", cfg.company_name())],
            )
        });
    let mut meta = page(site, PageKind::Product, &p.data.name, &desc, &view.url, crumbs);
    meta.og_type = "product";
    meta.og_image = og_image(site, &p.data.photos[0], &p.data.name);
    meta.json_ld
        .insert(0, seo::script_json(&seo::product(view, site_view, cfg)));
    meta
}
