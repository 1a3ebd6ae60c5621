//! The one list of every page and text file a site publishes: its kind, its address, and what it
//! is made from. A new kind of page or output is added here once; `build` publishes every route,
//! `serve` the routes whose inputs changed, through the same code (see [`crate::publish`]).

use crate::meta::{self, Crumbs, PageMeta};
use crate::paginate::paginate;
use crate::seo;
use crate::views::{self, SiteView};
use crate::Site;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a route is, which decides its template and where it is written.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    /// A page of the listing of all products.
    Products,
    Product,
    Categories,
    /// A page of one category's listing.
    Category,
    /// The index of every tag.
    Tags,
    /// A page of one tag's listing.
    Tag,
    Company,
    Contact,
    /// A markdown page of `pages/`.
    Page,
    /// The buyer's inquiry list (several products in one request for quotation): a tool page,
    /// filled in the browser, so in no sitemap.
    Inquiry,
    /// The product search page (see [`crate::search`]).
    Search,
    /// A category's printable line sheet (every product, not paginated), published only when
    /// the theme chain has `line-sheet.html`: a theme for catalogue buyers offers it, others
    /// publish nothing new.
    #[serde(rename = "line-sheet")]
    LineSheet,
    /// The comparison of products the buyer chose (`compare/`), filled in the browser like the
    /// inquiry list; published only when the theme chain has `compare.html`.
    Compare,
    #[serde(rename = "404")]
    NotFound,
    Sitemap,
    Robots,
    /// The Google Merchant Center product feed (see [`crate::feeds`]).
    GoogleFeed,
    /// The Meta catalogue CSV.
    MetaFeed,
    /// A listing's products as data for its filters (`products/filter.json`, see [`crate::records`]).
    #[serde(rename = "filter-data")]
    FilterData,
}

impl PageKind {
    /// The theme template an HTML page of this kind is rendered with; none for text files.
    pub fn template(self) -> Option<&'static str> {
        Some(match self {
            PageKind::Home => "home.html",
            PageKind::Products | PageKind::Category | PageKind::Tag => "list.html",
            PageKind::Tags => "tags.html",
            PageKind::Product => "product.html",
            PageKind::Categories => "categories.html",
            PageKind::Company => "company.html",
            PageKind::Contact => "contact.html",
            PageKind::Page => "page.html",
            PageKind::Inquiry => "inquiry.html",
            PageKind::Search => "search.html",
            PageKind::LineSheet => "line-sheet.html",
            PageKind::Compare => "compare.html",
            PageKind::NotFound => "404.html",
            PageKind::Sitemap
            | PageKind::Robots
            | PageKind::GoogleFeed
            | PageKind::MetaFeed
            | PageKind::FilterData => return None,
        })
    }
}

/// One page or file of the output.
pub struct Route {
    pub kind: PageKind,
    /// Site path: `products/ball/` for a page (written to `products/ball/index.html`), the file's
    /// own path for 404.html and the text files.
    pub path: String,
    pub body: Body,
}

pub enum Body {
    /// Rendered from the kind's template.
    Page {
        meta: Meta,
        /// Template variables other than `site`, `root`, `page` and the products in `shows`.
        extra: Value,
        /// The products the page shows, by template variable. Kept apart from `extra` so that a
        /// page's fingerprint can name each product by a short hash instead of its whole view.
        shows: Vec<(&'static str, Shown)>,
    },
    /// A file made without a template (sitemap.xml, robots.txt).
    Text(String),
    /// One of the product feeds, written only when its file is not kept.
    Feed(std::sync::Arc<crate::feeds::Feeds>, crate::feeds::Kind),
    /// A listing's products as filter data: the records of these products, in this order
    /// (see [`crate::records`]). Made from the product views, like the pages that list them.
    Records { head: String, items: Vec<usize> },
}

/// Products a page shows, by index in the catalogue.
pub enum Shown {
    One(usize),
    Many(Vec<usize>),
}

pub enum Meta {
    Ready(Box<PageMeta>),
    /// Product `i`'s page, whose metadata (with its JSON-LD, the costliest part) is made only
    /// when the page is rendered: `minisite serve` renders few of them per edit.
    Product(usize),
}

impl Route {
    /// Where the route is written in the output, e.g. `products/ball/index.html`.
    pub fn file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }

    fn page(kind: PageKind, meta: PageMeta, extra: Value, shows: Vec<(&'static str, Shown)>) -> Route {
        Route {
            kind,
            path: meta.path.clone(),
            body: Body::Page {
                meta: Meta::Ready(Box::new(meta)),
                extra,
                shows,
            },
        }
    }
}

fn home_crumb(site: &Site) -> (String, String) {
    (site.strings.text("home", &[]), String::new())
}

/// Every route of `site`, in a stable order: the HTML pages, 404.html, then the text files.
pub fn routes(site: &Site, view: &SiteView) -> Vec<Route> {
    let mut routes = vec![home(site, view)];
    routes.extend(all_products(site));
    routes.extend(product_pages(site));
    routes.extend(categories(site, view));
    routes.extend(tags(site));
    routes.push(company(site, view));
    routes.push(contact(site));
    routes.extend(markdown_pages(site));
    let drafts = draft_paths(site);
    let paths: Vec<String> = routes
        .iter()
        .map(|r| r.path.clone())
        .filter(|p| !drafts.contains(p))
        .collect();
    // After `paths`: the inquiry list holds nothing a search engine could show.
    routes.extend(inquiry(site));
    // Not in sitemap.xml: a search page without a query is no page for search engines.
    if site.config.search {
        routes.push(search(site));
    }
    // Also after `paths`: a line sheet repeats its category's listing, for print.
    routes.extend(line_sheets(site, view));
    routes.extend(compare(site));
    routes.push(not_found(site, view));
    routes.extend(feeds(site));
    routes.extend(filter_data(site));
    // Every language's pages are at the same paths under its prefix (`de/products/x/`).
    if !site.lang.prefix.is_empty() {
        for r in &mut routes {
            r.path.insert_str(0, &site.lang.prefix);
        }
        return routes;
    }
    // One sitemap and robots.txt for the whole site, at its root: each page with its versions
    // in the other languages.
    let base = site.config.base_url.as_deref();
    let prefixes: Vec<(&str, &str)> = site
        .links
        .iter()
        .map(|l| (l.code.as_str(), l.prefix.as_str()))
        .collect();
    routes.push(Route {
        kind: PageKind::Sitemap,
        path: "sitemap.xml".into(),
        body: Body::Text(seo::sitemap(&paths, base, &prefixes)),
    });
    routes.push(Route {
        kind: PageKind::Robots,
        path: "robots.txt".into(),
        body: Body::Text(seo::robots(base)),
    });
    routes
}

fn home(site: &Site, view: &SiteView) -> Route {
    let cfg = &site.config;
    let mut m = meta::page(
        site,
        PageKind::Home,
        &cfg.title,
        &view.description,
        "",
        vec![home_crumb(site)],
    );
    m.json_ld.push(seo::script_json(&seo::organization(view, cfg)));
    m.og_image = site
        .catalog
        .featured()
        .chain(site.catalog.products.iter())
        .next()
        .and_then(|p| meta::og_image(site, &p.data.photos[0], &p.data.name));
    let featured: Vec<usize> = (0..site.catalog.products.len())
        .filter(|&i| site.catalog.products[i].data.featured)
        .collect();
    Route::page(
        PageKind::Home,
        m,
        Value::from(()),
        vec![("featured", Shown::Many(featured))],
    )
}

fn all_products(site: &Site) -> Vec<Route> {
    let words = &site.strings;
    let company = site.config.company_name();
    let n = site.catalog.products.len();
    let desc = words.count("products_description", n, &[("company", company)]);
    let all: Vec<usize> = (0..n).collect();
    let crumbs = vec![
        home_crumb(site),
        (words.text("products", &[]), "products/".to_string()),
    ];
    listing(
        site,
        PageKind::Products,
        &words.text("all_products", &[]),
        &desc,
        "products/",
        &all,
        &crumbs,
        Value::from(()),
    )
}

/// Product pages; their metadata is made when they are rendered (see [`Meta::Product`]).
fn product_pages(site: &Site) -> impl Iterator<Item = Route> + '_ {
    let cat = &site.catalog;
    cat.products.iter().enumerate().map(move |(i, p)| {
        let related: Vec<usize> = p
            .category
            .map(|c| {
                cat.categories[c]
                    .products
                    .iter()
                    .copied()
                    .filter(|&j| j != i)
                    .take(4)
                    .collect()
            })
            .unwrap_or_default();
        Route {
            kind: PageKind::Product,
            path: views::product_url(p),
            body: Body::Page {
                meta: Meta::Product(i),
                extra: Value::from(()),
                shows: vec![("product", Shown::One(i)), ("related", Shown::Many(related))],
            },
        }
    })
}

fn categories(site: &Site, view: &SiteView) -> Vec<Route> {
    let cat = &site.catalog;
    let words = &site.strings;
    let company = site.config.company_name();
    let mut routes = Vec::new();
    let heading = words.text("categories", &[]);
    let index_crumbs = vec![home_crumb(site), (heading.clone(), "categories/".to_string())];
    if !cat.categories.is_empty() {
        let desc = words.text("categories_description", &[("company", company)]);
        let m = meta::page(
            site,
            PageKind::Categories,
            &heading,
            &desc,
            "categories/",
            index_crumbs.clone(),
        );
        routes.push(Route::page(PageKind::Categories, m, Value::from(()), Vec::new()));
    }
    for (ci, c) in cat.categories.iter().enumerate() {
        let url = views::category_url(c);
        let mut crumbs = index_crumbs.clone();
        crumbs.push((c.title.clone(), url.clone()));
        let desc = c.description_text.clone().unwrap_or_else(|| {
            words.count(
                "category_description",
                c.products.len(),
                &[("category", &c.title), ("company", company)],
            )
        });
        let category = Value::from_serialize(&view.categories[ci]);
        routes.extend(listing(
            site,
            PageKind::Category,
            &c.title,
            &desc,
            &url,
            &c.products,
            &crumbs,
            context! { category },
        ));
    }
    routes
}

/// The tags index and each tag's listing, paginated like categories.
fn tags(site: &Site) -> Vec<Route> {
    let tags = &site.catalog.tags.list;
    let words = &site.strings;
    let company = site.config.company_name();
    let mut routes = Vec::new();
    if tags.is_empty() {
        return routes;
    }
    let heading = words.text("tags", &[]);
    let index_crumbs = vec![home_crumb(site), (heading.clone(), "tags/".to_string())];
    let desc = words.text("tags_description", &[("company", company)]);
    let m = meta::page(
        site,
        PageKind::Tags,
        &heading,
        &desc,
        "tags/",
        index_crumbs.clone(),
    );
    let list: Vec<Value> = tags
        .iter()
        .map(|t| context! { name => t.name, url => crate::tags::tag_url(t), count => t.products.len() })
        .collect();
    routes.push(Route::page(
        PageKind::Tags,
        m,
        context! { tags => list },
        Vec::new(),
    ));
    for t in tags {
        let url = crate::tags::tag_url(t);
        let mut crumbs = index_crumbs.clone();
        crumbs.push((t.name.clone(), url.clone()));
        let desc = words.count(
            "tag_description",
            t.products.len(),
            &[("tag", &t.name), ("company", company)],
        );
        let tag = context! { name => t.name, slug => t.slug, count => t.products.len() };
        routes.extend(listing(
            site,
            PageKind::Tag,
            &t.name,
            &desc,
            &url,
            &t.products,
            &crumbs,
            context! { tag },
        ));
    }
    routes
}

fn company(site: &Site, view: &SiteView) -> Route {
    let cfg = &site.config;
    let about = view
        .company
        .about_text
        .clone()
        .unwrap_or_else(|| view.description.clone());
    let heading = site.strings.text("company_profile", &[]);
    let crumbs = vec![home_crumb(site), (heading.clone(), "company/".into())];
    let mut m = meta::page(site, PageKind::Company, &heading, &about, "company/", crumbs);
    m.json_ld.push(seo::script_json(&seo::organization(view, cfg)));
    m.og_image = cfg
        .company
        .photos
        .first()
        .and_then(|p| meta::og_image(site, p, &view.company.name));
    Route::page(PageKind::Company, m, Value::from(()), Vec::new())
}

fn contact(site: &Site) -> Route {
    let words = &site.strings;
    let desc = words.text("contact_description", &[("company", site.config.company_name())]);
    let crumbs = vec![home_crumb(site), (words.text("contact", &[]), "contact/".into())];
    let heading = words.text("contact_us", &[]);
    let m = meta::page(site, PageKind::Contact, &heading, &desc, "contact/", crumbs);
    Route::page(PageKind::Contact, m, Value::from(()), Vec::new())
}

/// The inquiry list, when the site has a way to receive one (email, WhatsApp or a form).
fn inquiry(site: &Site) -> Option<Route> {
    let contact = &site.config.contact;
    if contact.email.is_none() && contact.whatsapp.is_none() && contact.form_endpoint.is_none() {
        return None;
    }
    let words = &site.strings;
    let heading = words.text("inquiry_list", &[]);
    let desc = words.text(
        "inquiry_list_description",
        &[("company", site.config.company_name())],
    );
    let crumbs = vec![home_crumb(site), (heading.clone(), "inquiry/".into())];
    let m = meta::page(site, PageKind::Inquiry, &heading, &desc, "inquiry/", crumbs);
    // The list is kept across languages: the page names each product and counts its unit in
    // its own language, whichever language the buyer added it in.
    let mut names = BTreeMap::new();
    let mut units = BTreeMap::new();
    for p in site.catalog.products.iter().filter(|p| !p.data.draft) {
        let lang = p.lang_of.get("name").unwrap_or(&site.lang.code);
        names.insert(p.data.sku.0.as_str(), [p.data.name.as_str(), lang.as_str()]);
        let unit = p.data.moq.as_ref().map_or("piece", |m| m.unit.as_str());
        units.entry(unit).or_insert_with(|| words.unit_forms(unit));
    }
    Some(Route::page(
        PageKind::Inquiry,
        m,
        context! { names, units },
        Vec::new(),
    ))
}

/// One line sheet per category (`categories/NAME/line-sheet/`), if the theme has the template.
fn line_sheets(site: &Site, view: &SiteView) -> Vec<Route> {
    let theme_has_it = matches!(site.theme.template("line-sheet.html"), Ok(Some(_)));
    if !theme_has_it {
        return Vec::new();
    }
    let words = &site.strings;
    let company = site.config.company_name();
    let index = (words.text("categories", &[]), "categories/".to_string());
    let cats = site.catalog.categories.iter().enumerate();
    cats.map(|(ci, c)| {
        let url = views::category_url(c);
        let path = format!("{url}line-sheet/");
        let heading = words.text("line_sheet_of", &[("category", &c.title)]);
        let desc = words.count(
            "category_description",
            c.products.len(),
            &[("category", &c.title), ("company", company)],
        );
        let crumbs = vec![
            home_crumb(site),
            index.clone(),
            (c.title.clone(), url),
            (heading.clone(), path.clone()),
        ];
        let m = meta::page(site, PageKind::LineSheet, &heading, &desc, &path, crumbs);
        let category = Value::from_serialize(&view.categories[ci]);
        let shows = vec![("products", Shown::Many(c.products.clone()))];
        Route::page(PageKind::LineSheet, m, context! { category }, shows)
    })
    .collect()
}

/// The comparison page, if the theme has the template: every published product's specs are in
/// it, for the script to show the chosen ones side by side.
fn compare(site: &Site) -> Option<Route> {
    if !matches!(site.theme.template("compare.html"), Ok(Some(_))) {
        return None;
    }
    let words = &site.strings;
    let heading = words.text("compare_heading", &[]);
    let desc = words.text("compare_description", &[("company", site.config.company_name())]);
    let crumbs = vec![home_crumb(site), (heading.clone(), "compare/".into())];
    let m = meta::page(site, PageKind::Compare, &heading, &desc, "compare/", crumbs);
    let all = site.catalog.products.iter().enumerate();
    let shown: Vec<usize> = all.filter(|(_, p)| !p.data.draft).map(|(i, _)| i).collect();
    let shows = vec![("products", Shown::Many(shown))];
    Some(Route::page(PageKind::Compare, m, Value::from(()), shows))
}

fn markdown_pages(site: &Site) -> impl Iterator<Item = Route> + '_ {
    site.pages.iter().map(move |p| {
        let path = format!("{}/", p.slug);
        let crumbs = vec![home_crumb(site), (p.title.clone(), path.clone())];
        let m = meta::page(site, PageKind::Page, &p.title, &p.description, &path, crumbs);
        let content = Value::from_safe_string(p.html.clone());
        let draft = p.draft;
        // An untranslated page's text is the default language's: its element says so.
        let content_lang = p.lang.clone();
        Route::page(
            PageKind::Page,
            m,
            context! { content, draft, content_lang },
            Vec::new(),
        )
    })
}

fn search(site: &Site) -> Route {
    let words = &site.strings;
    let heading = words.text("search", &[]);
    let desc = words.text("search_description", &[("company", site.config.company_name())]);
    let crumbs = vec![home_crumb(site), (heading.clone(), "search/".into())];
    let m = meta::page(site, PageKind::Search, &heading, &desc, "search/", crumbs);
    // The script counts results in the page's language: every plural form, `{count}` unfilled.
    let result_forms: Vec<(String, String)> = words
        .forms("search_results")
        .into_iter()
        .map(|(c, t)| (c.to_string(), t.to_string()))
        .collect();
    // The results' filter panel reads the all-products listing's data, scoped to the results.
    let filter_data = format!("{}products/{}", site.lang.prefix, crate::records::FILE);
    let search_wasm = crate::search::wasm_name(&site.lang.code);
    let extra = context! { result_forms, filter_data, search_wasm };
    Route::page(PageKind::Search, m, extra, Vec::new())
}

fn not_found(site: &Site, view: &SiteView) -> Route {
    let heading = site.strings.text("not_found", &[]);
    let m = PageMeta {
        kind: PageKind::NotFound,
        title: meta::title(site, &heading),
        heading,
        description: view.description.clone(),
        path: "404.html".into(),
        canonical: None,
        alternates: Vec::new(),
        og_image: None,
        og_type: "website",
        breadcrumbs: Vec::new(),
        json_ld: Vec::new(),
    };
    Route::page(PageKind::NotFound, m, Value::from(()), Vec::new())
}

/// The pages of a listing of `items` at `base`, `base/page/2/`, …
#[allow(clippy::too_many_arguments)]
fn listing(
    site: &Site,
    kind: PageKind,
    heading: &str,
    desc: &str,
    base: &str,
    items: &[usize],
    crumbs: &Crumbs,
    extra: Value,
) -> Vec<Route> {
    paginate(base, items, site.config.per_page)
        .into_iter()
        .map(|slice| {
            let numbered = if slice.number == 1 {
                heading.to_string()
            } else {
                let number = slice.number.to_string();
                site.strings
                    .text("listing_page", &[("heading", heading), ("number", &number)])
            };
            let mut m = meta::page(site, kind, &numbered, desc, &slice.path, crumbs.clone());
            m.heading = heading.to_string();
            // The listing's filter data is in the page's language, so under its prefix.
            let filter_data = format!("{}{base}{}", site.lang.prefix, crate::records::FILE);
            let extra = context! {
                pager => Value::from_serialize(&slice.pager),
                filter_data,
                ..extra.clone()
            };
            Route::page(kind, m, extra, vec![("products", Shown::Many(slice.items))])
        })
        .collect()
}

/// The addresses of the drafts a preview publishes (`serve`, `build --drafts`): not for search
/// engines, so not in sitemap.xml.
fn draft_paths(site: &Site) -> std::collections::HashSet<String> {
    let products = site.catalog.products.iter().filter(|p| p.data.draft);
    let pages = site.pages.iter().filter(|p| p.draft);
    products
        .map(|p| views::product_url(p))
        .chain(pages.map(|p| format!("{}/", p.slug)))
        .collect()
}

/// Each listing's filter data, next to its first page: all products, each category, each tag.
fn filter_data(site: &Site) -> Vec<Route> {
    let cat = &site.catalog;
    let all: Vec<usize> = (0..cat.products.len()).collect();
    let listings: Vec<(String, Vec<usize>)> = std::iter::once(("products/".to_string(), all))
        .chain(
            cat.categories
                .iter()
                .map(|c| (views::category_url(c), c.products.clone())),
        )
        .chain(
            cat.tags
                .list
                .iter()
                .map(|t| (crate::tags::tag_url(t), t.products.clone())),
        )
        .collect();
    // On both cores: each head goes over every product its listing has.
    listings
        .into_par_iter()
        .map(|(base, items)| Route {
            kind: PageKind::FilterData,
            path: format!("{base}{}", crate::records::FILE),
            body: Body::Records {
                head: crate::records::head(cat, &site.config, &site.strings, &items),
                items,
            },
        })
        .collect()
}

/// The product feeds, when the site has an address for their links.
fn feeds(site: &Site) -> Vec<Route> {
    if !crate::feeds::written(&site.config) {
        return Vec::new();
    }
    let feeds = std::sync::Arc::new(crate::feeds::Feeds::of(site));
    vec![
        Route {
            kind: PageKind::GoogleFeed,
            path: crate::feeds::GOOGLE.into(),
            body: Body::Feed(feeds.clone(), crate::feeds::Kind::Google),
        },
        Route {
            kind: PageKind::MetaFeed,
            path: crate::feeds::META.into(),
            body: Body::Feed(feeds, crate::feeds::Kind::Meta),
        },
    ]
}
