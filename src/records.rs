//! Products as data for scripts: one record per product, shaped for showing a card and for
//! filtering, with its texts already written the way the page's language writes them (the
//! script never formats a number or picks a word). Listings publish theirs as `filter.json`
//! beside their first page; search results can show the same records.

use crate::catalog::{Catalog, Product};
use crate::config::SiteConfig;
use crate::strings::Strings;
use crate::views::{ImageView, ProductView};
use serde::Serialize;
use std::collections::BTreeMap;

/// The file name of a listing's data, beside its first page (`products/filter.json`).
pub const FILE: &str = "filter.json";

/// One product, as a listing's script needs it.
#[derive(Serialize, Debug, PartialEq)]
pub struct Record {
    /// Site path of the product's page, with the language's prefix (`de/products/x/`).
    pub url: String,
    pub sku: String,
    pub name: String,
    pub thumb: Thumb,
    /// The category's slug.
    pub category: Option<String>,
    /// Its tags' slugs.
    pub tags: Vec<String>,
    pub moq: Option<u64>,
    pub moq_text: Option<String>,
    /// The lowest unit price; none when there is no price (never 0 in its place).
    pub price: Option<f64>,
    pub price_text: Option<String>,
    /// Several tiers: the price is a "from" price.
    pub from: bool,
    /// The price's currency; none without a price, so nothing compares it.
    pub currency: Option<String>,
    pub oem: bool,
    pub odm: bool,
    pub samples: bool,
    /// Production lead time in days (its upper bound).
    pub lead_days: Option<u32>,
    pub lead_text: Option<String>,
    pub certifications: Vec<String>,
    /// The values of the specs site.yaml's `filters:` names, by that name.
    pub specs: BTreeMap<String, String>,
    /// The card's "add to inquiry" button's `data-` attributes, as the theme's `inquiry_add`
    /// macro writes them: cards drawn by a script carry the same button as the template's.
    pub inquiry: BTreeMap<&'static str, String>,
}

/// A card's photo: site paths, to be joined to the page's root.
#[derive(Serialize, Debug, PartialEq)]
pub struct Thumb {
    pub src: String,
    /// The `<img>` fallback format's variants, `path width` pairs as in `srcset`.
    pub srcset: String,
    /// The better formats, best first, for `<source>`.
    pub sources: Vec<ThumbSource>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct ThumbSource {
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub srcset: String,
}

fn srcset(items: &[crate::view_objects::Shared<crate::views::SrcItem>]) -> String {
    items
        .iter()
        .map(|i| format!("{} {}w", i.url, i.width))
        .collect::<Vec<_>>()
        .join(", ")
}

fn thumb(photo: &ImageView, name: &str) -> Thumb {
    let img = photo.thumb.as_deref().unwrap_or(photo);
    let (last, better) = img
        .sources
        .split_last()
        .map_or((None, &[][..]), |(l, b)| (Some(l), b));
    Thumb {
        src: img.src.clone(),
        srcset: last.map(|s| srcset(&s.srcset)).unwrap_or_default(),
        sources: better
            .iter()
            .map(|s| ThumbSource {
                mime: s.mime,
                srcset: srcset(&s.srcset),
            })
            .collect(),
        width: img.width,
        height: img.height,
        // As on cards: no alt text repeating the name next to it.
        alt: if img.alt == name {
            String::new()
        } else {
            img.alt.clone()
        },
    }
}

/// The record of product `p`, whose view `view` was made for a page in `prefix`'s language.
pub fn product_record(p: &Product, view: &ProductView, config: &SiteConfig, words: &Strings) -> Record {
    let d = &p.data;
    let lead_days = d.lead_time.as_ref().and_then(|l| l.bulk_days);
    let specs = config
        .filters
        .iter()
        .filter_map(|name| {
            let i = p
                .spec_labels
                .iter()
                .position(|l| l.trim().eq_ignore_ascii_case(name))?;
            Some((name.clone(), d.specs.get(i)?.value.0.clone()))
        })
        .collect();
    Record {
        url: format!("{}{}", config.page_prefix, view.url),
        sku: view.sku.clone(),
        name: view.name.clone(),
        thumb: thumb(view.photo(), &view.name),
        category: view.category.as_ref().map(|c| c.slug.clone()),
        tags: view.tag_links.iter().map(|t| t.slug.clone()).collect(),
        moq: d.moq.as_ref().map(|m| m.quantity),
        moq_text: view.moq_text.clone(),
        price: p.min_price(),
        price_text: view.price_from.clone(),
        from: d.price_tiers.len() > 1,
        currency: p.min_price().map(|_| p.currency.clone()),
        oem: d.oem,
        odm: d.odm,
        samples: d.samples.as_ref().is_some_and(|s| s.available),
        lead_days,
        lead_text: lead_days.map(|n| words.count("days", n as usize, &[])),
        certifications: d.certifications.clone(),
        specs,
        inquiry: inquiry(view, &config.language),
    }
}

/// The `data-` attributes of product `view`'s "add to inquiry" button, on a page in `lang`;
/// keep in step with `inquiry_add` in the default theme's macros.html.
pub fn inquiry(view: &ProductView, lang: &str) -> BTreeMap<&'static str, String> {
    let (moq, unit) = view
        .moq
        .as_ref()
        .map_or((1, "piece".to_string()), |m| (m.quantity, m.unit.clone()));
    let name_lang = view.lang_of.get("name").cloned().flatten();
    BTreeMap::from([
        ("sku", view.sku.clone()),
        ("name", view.name.clone()),
        ("name-lang", name_lang.unwrap_or_else(|| lang.to_string())),
        ("path", view.url.clone()),
        ("moq", moq.to_string()),
        ("unit", unit),
        (
            "units",
            serde_json::to_string(&view.unit_forms).unwrap_or_default(),
        ),
        ("currency", view.currency.clone()),
        (
            "tiers",
            serde_json::to_string(&view.price_tiers).unwrap_or_default(),
        ),
        (
            "thumb",
            view.photo().thumb.as_deref().unwrap_or(view.photo()).src.clone(),
        ),
    ])
}

/// What a listing's script needs besides its records: the names to show for the categories,
/// tags and filterable specs its products have, in this language.
#[derive(Serialize)]
struct Head<'a> {
    categories: BTreeMap<&'a str, &'a str>,
    tags: BTreeMap<&'a str, &'a str>,
    /// `[name in site.yaml, label as this language's products show it]`, in site.yaml's order.
    specs: Vec<(&'a str, &'a str)>,
    /// The forms of "12 products" by CLDR plural category, for the script's live count.
    count: BTreeMap<&'a str, &'a str>,
}

/// The start of the filter data of a listing of `items`, up to its records: `{…,"products":[`.
pub fn head(catalog: &Catalog, config: &SiteConfig, words: &Strings, items: &[usize]) -> String {
    let mut h = Head {
        categories: BTreeMap::new(),
        tags: BTreeMap::new(),
        specs: Vec::new(),
        count: words.forms("products_count"),
    };
    for &i in items {
        let p = &catalog.products[i];
        if let Some(c) = p.category.map(|c| &catalog.categories[c]) {
            h.categories.insert(&c.slug, &c.title);
        }
        for t in &p.data.tags {
            if let Some(tag) = catalog.tags.get(t) {
                h.tags.insert(&tag.slug, &tag.name);
            }
        }
    }
    for name in &config.filters {
        let label = items.iter().find_map(|&i| {
            let p = &catalog.products[i];
            let at = p
                .spec_labels
                .iter()
                .position(|l| l.trim().eq_ignore_ascii_case(name))?;
            p.data.specs.get(at).map(|s| s.label.0.as_str())
        });
        h.specs.push((name, label.unwrap_or(name)));
    }
    let mut out = serde_json::to_string(&h).unwrap_or_else(|_| "{}".into());
    out.pop();
    out.push_str(",\"products\":[");
    out
}
