//! The routes of a site made ready to render: the views templates read, and a fingerprint of
//! everything each document is made from, so a publisher can skip the ones that did not change.

use crate::assets::Logo;
use crate::catalog::Product;
use crate::error::{Diagnostic, Error, Result};
use crate::render::Renderer;
use crate::routes::{self, Body, Meta, PageKind, Route, Shown};
use crate::view_objects::product_value;
use crate::views::{self, ProductView, SiteView};
use crate::Site;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What a page needs of one product, kept by `minisite serve` from one edit to the next for the
/// products that did not change (see [`Documents::new`]).
#[derive(Clone)]
pub struct ProductMemo {
    pub view: Arc<ProductView>,
    /// Hash of the view, standing in for it in fingerprints.
    pub key: blake3::Hash,
    /// The product's record for listings' filter data, as JSON (see [`crate::records`]).
    pub record: Arc<str>,
}

/// Every file made from templates and data, in the order of [`routes::routes`].
pub struct Documents<'a> {
    owner: &'a Site,
    site_view: SiteView,
    site: Value,
    /// Hash of the site view, which every page shows (menus, categories, company, brand).
    site_key: blake3::Hash,
    products: Vec<ProductMemo>,
    routes: Vec<Route>,
    /// The root path 404.html's links start from (it is served at any depth).
    root404: String,
}

/// The view of each product of `site`, in catalogue order: `known`'s when it has one (see
/// [`Documents::new`]), else made. Also what search records are made from, before any page.
pub fn product_memos(
    site: &Site,
    known: impl Fn(&Product) -> Option<ProductMemo> + Sync,
) -> Vec<ProductMemo> {
    site.catalog
        .products
        .par_iter()
        .map(|p| known(p).unwrap_or_else(|| memo(site, p)))
        .collect()
}

impl<'a> Documents<'a> {
    /// `known` may give the view of a product as an earlier `Documents` made it (see
    /// [`Documents::memos`]), but only when nothing the view is made from changed: the product,
    /// its category's title and slug, site.yaml, its photos and their colours.
    pub fn new(
        site: &'a Site,
        logo: Option<&Logo>,
        known: impl Fn(&Product) -> Option<ProductMemo> + Sync,
    ) -> Documents<'a> {
        Documents::with_views(site, logo, product_memos(site, known))
    }

    /// [`Documents::new`] with the products' views already made ([`product_memos`]).
    pub fn with_views(site: &'a Site, logo: Option<&Logo>, products: Vec<ProductMemo>) -> Documents<'a> {
        let cfg = &site.config;
        let logo_url = logo.map(|l| (l.url.clone(), l.size));
        let site_view = views::site_view(site, logo_url);
        let routes = routes::routes(site, &site_view);
        let root404 = cfg
            .base_url
            .as_deref()
            .and_then(|b| b.splitn(4, '/').nth(3).map(|p| format!("/{p}")))
            .unwrap_or_else(|| "/".to_string());
        Documents {
            owner: site,
            site_key: json_hash(&site_view),
            site: Value::from_serialize(&site_view),
            site_view,
            products,
            routes,
            root404,
        }
    }

    /// Each product's file with what its pages were made from, for the next `Documents`.
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
        self.routes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// How many of them are HTML pages (404.html included).
    pub fn pages(&self) -> usize {
        self.routes.iter().filter(|r| self.is_page_route(r)).count()
    }

    fn is_page_route(&self, r: &Route) -> bool {
        matches!(r.body, Body::Page { .. })
    }

    /// Whether document `i` is rendered from a template (sitemap.xml and robots.txt are not).
    pub fn is_page(&self, i: usize) -> bool {
        self.is_page_route(&self.routes[i])
    }

    /// Where document `i` goes in the output, e.g. `products/ball/index.html`.
    pub fn file(&self, i: usize) -> String {
        self.routes[i].file()
    }

    fn root(&self, route: &Route) -> String {
        if route.kind == PageKind::NotFound {
            self.root404.clone()
        } else {
            "../".repeat(route.path.matches('/').count())
        }
    }

    /// A hash of everything document `i` is made from but the templates: two equal fingerprints
    /// mean the same output as long as the renderer (templates, asset versions) is the same.
    pub fn fingerprint(&self, i: usize) -> blake3::Hash {
        let route = &self.routes[i];
        let mut h = blake3::Hasher::new();
        let (meta, extra, shows) = match &route.body {
            Body::Text(text) => {
                h.update(route.path.as_bytes())
                    .update(&[0])
                    .update(text.as_bytes());
                return h.finalize();
            }
            // What the feed's text is made from, not the text: it is written only if needed.
            Body::Feed(feeds, _) => {
                h.update(route.path.as_bytes())
                    .update(b"\0feed\0")
                    .update(feeds.print().as_bytes());
                return h.finalize();
            }
            // The records themselves: they hold words of the string table, which a product's
            // key (its view's hash) does not cover.
            Body::Records { head, items } => {
                h.update(route.path.as_bytes())
                    .update(&[0])
                    .update(head.as_bytes());
                for &i in items {
                    h.update(&[0]).update(self.products[i].record.as_bytes());
                }
                return h.finalize();
            }
            Body::Page { meta, extra, shows } => (meta, extra, shows),
        };
        h.update(self.site_key.as_bytes());
        let template = route.kind.template().unwrap_or_default();
        for part in [route.path.as_str(), template, &self.root(route)] {
            h.update(part.as_bytes()).update(&[0]);
        }
        match meta {
            Meta::Ready(meta) => h.update(json_hash(meta).as_bytes()),
            // A function of the product's view (its key is below) and the site view (above).
            Meta::Product(_) => h.update(b"product-meta"),
        };
        h.update(json_hash(extra).as_bytes());
        for (name, shown) in shows {
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
    /// A text document is lent as it is: the feeds of a large catalogue run to tens of MB.
    pub fn render(&self, i: usize, renderer: &Renderer) -> std::result::Result<Cow<'_, str>, Diagnostic> {
        let route = &self.routes[i];
        let (meta, extra, shows) = match &route.body {
            Body::Text(text) => return Ok(Cow::Borrowed(text)),
            Body::Feed(feeds, kind) => return Ok(Cow::Borrowed(feeds.text(*kind))),
            Body::Records { head, items } => return Ok(Cow::Owned(self.records(head, items))),
            Body::Page { meta, extra, shows } => (meta, extra, shows),
        };
        let shown: BTreeMap<&str, Value> = shows
            .iter()
            .map(|(name, s)| {
                let v = match s {
                    Shown::One(i) => product_value(&self.products[*i].view),
                    Shown::Many(v) => Value::from(
                        v.iter()
                            .map(|&i| product_value(&self.products[i].view))
                            .collect::<Vec<_>>(),
                    ),
                };
                (*name, v)
            })
            .collect();
        let page = match meta {
            Meta::Ready(meta) => Value::from_serialize(meta),
            Meta::Product(i) => Value::from_serialize(crate::meta::product(
                self.owner,
                *i,
                &self.products[*i].view,
                &self.site_view,
            )),
        };
        let own = context! {
            site => self.site,
            root => self.root(route),
            page => page,
            lang => self.owner.lang.code,
            lang_prefix => self.owner.config.page_prefix,
        };
        let ctx = minijinja::value::merge_maps([own, Value::from(shown), extra.clone()]);
        renderer
            .render(route.kind.template().unwrap_or_default(), ctx)
            .map(Cow::Owned)
    }

    /// A listing's filter data: its head, then the records of `items` in order.
    fn records(&self, head: &str, items: &[usize]) -> String {
        let size: usize = items.iter().map(|&i| self.products[i].record.len() + 1).sum();
        let mut out = String::with_capacity(head.len() + size + 2);
        out.push_str(head);
        for (n, &i) in items.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&self.products[i].record);
        }
        out.push_str("]}");
        out
    }

    /// Renders the documents `want` picks, in parallel, and hands each to `write`; template errors
    /// are reported once each, whatever the number of pages they broke. Returns how many were
    /// rendered.
    pub fn render_each(
        &self,
        renderer: &Renderer,
        want: impl Fn(usize) -> bool + Sync,
        write: impl Fn(usize, &str) -> Result<()> + Sync,
    ) -> Result<usize> {
        renderer.new_pass();
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
        renderer.new_pass();
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

fn memo(site: &Site, p: &Product) -> ProductMemo {
    let url = views::product_url(p);
    let view = views::product_view(
        p,
        &site.catalog,
        &site.config,
        &site.plan,
        site.absolute(&url).as_deref(),
        &site.strings,
    );
    let record = crate::records::product_record(p, &view, &site.config, &site.strings);
    ProductMemo {
        key: json_hash(&view),
        record: serde_json::to_string(&record).unwrap_or_default().into(),
        view: Arc::new(view),
    }
}

/// Hash of a value's JSON form.
pub fn json_hash(v: &impl Serialize) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    hash_json(&mut h, v);
    h.finalize()
}

/// Feeds a value's JSON form into `h`. Writing into a hasher cannot fail; the views have
/// string keys only. Buffered: serde writes a few bytes at a time, and BLAKE3 hashes many
/// chunks at once only when given them at once (unbuffered, hashing was a sixth of a no-op
/// rebuild): 16 KiB is 16 of its chunks, the most its SIMD code hashes together.
pub fn hash_json(h: &mut blake3::Hasher, v: &impl Serialize) {
    let mut w = std::io::BufWriter::with_capacity(16 * 1024, HashWriter(h));
    let _ = serde_json::to_writer(&mut w, v);
    let _ = std::io::Write::flush(&mut w);
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
