//! Product feeds for the ad platforms sellers list their catalogue on: a Google Merchant Center
//! feed (RSS 2.0 with Google's `g:` namespace) and a Meta (Facebook, Instagram) catalogue CSV.
//! Both are made from the same [`Item`]s, so the two platforms always get the same products, and
//! are written only when the site has an https `base_url`: every link in a feed must be absolute.
//!
//! A product goes into the feeds only when the platforms would accept it (see [`left_out`]); the
//! others are named in a warning by [`crate::lint`], never given a made-up price.

use crate::catalog::Product;
use crate::config::SiteConfig;
use crate::render::plain_amount;
use crate::views::{self, ImageView};
use crate::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::OnceLock;

/// Where the feeds are written in the output.
pub const GOOGLE: &str = "feeds/google.xml";
pub const META: &str = "feeds/meta.csv";

/// The stricter of Google's and Meta's published limits, in characters. An id is never cut (it
/// would no longer name the product): a longer SKU leaves the product out.
pub const ID_MAX: usize = 50;
pub const TITLE_MAX: usize = 150;
pub const DESCRIPTION_MAX: usize = 5000;
/// Google's limit for `brand` (Meta allows 100).
pub const BRAND_MAX: usize = 70;
/// How many photos besides the first each platform takes.
const MORE_IMAGES_GOOGLE: usize = 10;
const MORE_IMAGES_META: usize = 20;

/// Why a product is not in the feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Not published at all.
    Draft,
    /// Both platforms require a price; 0 would advertise the product as free.
    NoPrice,
    /// The SKU is longer than [`ID_MAX`].
    LongId,
    /// The currency is not an ISO 4217 code, which both platforms require after the amount.
    Currency,
}

/// Whether, and why, product `p` is left out of the feeds.
pub fn left_out(p: &Product) -> Option<LeftOut> {
    if p.data.draft {
        Some(LeftOut::Draft)
    } else if p.min_price().is_none() {
        Some(LeftOut::NoPrice)
    } else if p.data.sku.0.trim().chars().count() > ID_MAX {
        Some(LeftOut::LongId)
    } else if !is_currency_code(&p.currency) {
        Some(LeftOut::Currency)
    } else {
        None
    }
}

fn is_currency_code(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether the site gets feeds: only with an https address, as both platforms link to it.
pub fn written(config: &SiteConfig) -> bool {
    config
        .base_url
        .as_deref()
        .is_some_and(|b| b.starts_with("https://"))
}

/// One product as both feeds give it; every link is absolute.
#[derive(Serialize)]
struct Item {
    id: String,
    title: String,
    description: String,
    link: String,
    image: String,
    more_images: Vec<String>,
    /// `12.34 USD`: the lowest tier's unit price.
    price: String,
    brand: String,
    product_type: Option<String>,
    /// Production lead time in days, as handling time (order to dispatch).
    lead_days: Option<u32>,
    /// Name and value of what a business buyer needs to know besides the price: MOQ, incoterm,
    /// specifications.
    details: Vec<(String, String)>,
}

impl Item {
    /// About the bytes of its texts, to size the strings a feed is written into.
    fn len_hint(&self) -> usize {
        let details: usize = self.details.iter().map(|(n, v)| n.len() + v.len() + 128).sum();
        let more: usize = self.more_images.iter().map(|m| m.len() + 64).sum();
        self.id.len()
            + self.title.len()
            + self.description.len()
            + self.link.len()
            + self.image.len()
            + self.price.len()
            + self.brand.len()
            + self.product_type.as_deref().map_or(0, str::len)
            + details
            + more
    }
}

/// The products that go into the feeds, in catalogue order.
fn items(site: &Site) -> Vec<Item> {
    site.catalog
        .products
        .par_iter()
        .filter(|p| left_out(p).is_none())
        .filter_map(|p| item(site, p))
        .collect()
}

fn item(site: &Site, p: &Product) -> Option<Item> {
    let d = &p.data;
    let photo = |spec: &crate::config::PhotoSpec| {
        let set = site.plan.get(&spec.path)?;
        site.absolute(&ImageView::largest(set)?.url)
    };
    let mut photos = d.photos.iter().filter_map(photo);
    let image = photos.next()?;
    // The words the product page shows, from the parse that made its HTML: table cells as
    // words and typographic quotes and dashes, not markdown's pipes and tildes.
    let description = p
        .description_text
        .clone()
        .or_else(|| d.summary.clone())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| d.name.clone());
    let mut details = Vec::new();
    if let Some(m) = &d.moq {
        let qty = site.strings.unit(m.quantity, &m.unit);
        details.push((
            site.strings.text("minimum_order", &[]),
            format!("{} {qty}", m.quantity),
        ));
    }
    if let Some(i) = &d.incoterm {
        details.push((site.strings.text("feed_incoterm", &[]), i.clone()));
    }
    details.extend(d.specs.iter().map(|s| (s.label.0.clone(), s.value.0.clone())));
    Some(Item {
        id: d.sku.0.trim().to_string(),
        title: truncate_words(&d.name, TITLE_MAX),
        description: truncate_words(&description, DESCRIPTION_MAX),
        link: site.absolute(&views::product_url(p))?,
        image,
        more_images: photos.collect(),
        price: format!("{} {}", plain_amount(p.min_price()?, &p.currency), p.currency),
        brand: truncate_words(site.config.company_name(), BRAND_MAX),
        product_type: p.category.map(|c| site.catalog.categories[c].title.clone()),
        lead_days: d.lead_time.as_ref().and_then(|l| l.bulk_days),
        details,
    })
}

/// The feed of Google Merchant Center, or Meta's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Google,
    Meta,
}

/// Both feeds of a site, made from one list of items. Their texts (tens of MB on a large
/// catalogue) are written only when asked for: a rebuild that finds the same [`Feeds::print`]
/// keeps the files it has.
pub struct Feeds {
    channel: Channel,
    /// Until the texts are written from them.
    items: std::sync::Mutex<Vec<Item>>,
    print: blake3::Hash,
    texts: OnceLock<(String, String)>,
}

/// What the Google feed says of the site itself.
#[derive(Serialize)]
struct Channel {
    title: String,
    link: String,
    description: String,
}

impl Feeds {
    pub fn of(site: &Site) -> Feeds {
        let cfg = &site.config;
        let channel = Channel {
            title: cfg.title.clone(),
            link: cfg.base_url.as_deref().unwrap_or_default().to_string(),
            description: cfg.description.clone().unwrap_or_else(|| cfg.title.clone()),
        };
        let items = items(site);
        // The texts are a function of these and of this code, which the print names too.
        let print = crate::documents::json_hash(&(env!("MINISITE_CODE_ID"), &channel, &items));
        Feeds {
            channel,
            items: std::sync::Mutex::new(items),
            print,
            texts: OnceLock::new(),
        }
    }

    /// A hash of all the feeds' texts are made from: the same print, the same bytes.
    pub fn print(&self) -> blake3::Hash {
        self.print
    }

    /// The text of one feed, written the first time either is asked for.
    pub fn text(&self, kind: Kind) -> &str {
        let (google_text, meta_text) = self.texts.get_or_init(|| {
            let items = std::mem::take(&mut *self.items.lock().unwrap_or_else(|e| e.into_inner()));
            rayon::join(|| google(&self.channel, &items), || meta(&items))
        });
        match kind {
            Kind::Google => google_text,
            Kind::Meta => meta_text,
        }
    }
}

/// The Google Merchant Center feed.
fn google(channel: &Channel, items: &[Item]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\">\n<channel>\n",
    );
    tag(&mut out, 1, "title", &channel.title);
    tag(&mut out, 1, "link", &channel.link);
    tag(&mut out, 1, "description", &channel.description);
    // Each item's text on both cores: the feed is one serial string otherwise, a tenth of a
    // no-op rebuild at 10,000 products.
    let texts: Vec<String> = items
        .par_iter()
        .map(|it| {
            // Sized from the start: grown by doubling, 10,000 items' strings were copied and
            // their pages first touched twice over.
            let mut out = String::with_capacity(it.len_hint() + 1024);
            out.push_str("  <item>\n");
            tag(&mut out, 2, "g:id", &it.id);
            tag(&mut out, 2, "title", &it.title);
            tag(&mut out, 2, "description", &it.description);
            tag(&mut out, 2, "link", &it.link);
            tag(&mut out, 2, "g:image_link", &it.image);
            for more in it.more_images.iter().take(MORE_IMAGES_GOOGLE) {
                tag(&mut out, 2, "g:additional_image_link", more);
            }
            // Made to order: a B2B seller quotes and produces; the lead time says how long.
            tag(&mut out, 2, "g:availability", "in_stock");
            tag(&mut out, 2, "g:price", &it.price);
            tag(&mut out, 2, "g:brand", &it.brand);
            tag(&mut out, 2, "g:condition", "new");
            if let Some(t) = &it.product_type {
                tag(&mut out, 2, "g:product_type", t);
            }
            if let Some(days) = it.lead_days {
                // The production lead time is both the shortest and longest time to dispatch.
                tag(&mut out, 2, "g:min_handling_time", &days.to_string());
                tag(&mut out, 2, "g:max_handling_time", &days.to_string());
            }
            for (name, value) in &it.details {
                out.push_str("    <g:product_detail>\n");
                tag(&mut out, 3, "g:attribute_name", &truncate_words(name, 140));
                tag(&mut out, 3, "g:attribute_value", &truncate_words(value, 1000));
                out.push_str("    </g:product_detail>\n");
            }
            out.push_str("  </item>\n");
            out
        })
        .collect();
    out.reserve(texts.iter().map(String::len).sum::<usize>() + 32);
    for t in texts {
        out.push_str(&t);
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// The Meta catalogue feed: one header row naming Meta's fields, one row per product.
fn meta(items: &[Item]) -> String {
    let header = [
        "id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "additional_image_link",
        "brand",
        "product_type",
    ];
    // Writing into memory cannot fail, and every row has the header's length.
    let row = |fields: &[&str]| {
        let size = fields.iter().map(|f| f.len() + 3).sum::<usize>();
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(size + 16)
            .from_writer(Vec::with_capacity(size + 16));
        let _ = w.write_record(fields);
        w.into_inner().unwrap_or_default()
    };
    // Row by row on both cores: a CSV row's quoting depends on its own fields only.
    let rows: Vec<Vec<u8>> = items
        .par_iter()
        .map(|it| {
            let more = it
                .more_images
                .iter()
                .take(MORE_IMAGES_META)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(",");
            row(&[
                it.id.as_str(),
                &it.title,
                &it.description,
                "in stock",
                "new",
                &it.price,
                &it.link,
                &it.image,
                &more,
                &it.brand,
                it.product_type.as_deref().unwrap_or_default(),
            ])
        })
        .collect();
    let mut bytes = row(&header);
    bytes.reserve(rows.iter().map(Vec::len).sum());
    for r in rows {
        bytes.extend_from_slice(&r);
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// `s` cut to `max` characters at a word boundary, or inside a word too long to keep whole.
fn truncate_words(s: &str, max: usize) -> String {
    let cut = crate::pages::truncate_words(s, max);
    if cut != "…" {
        return cut;
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `<name>text</name>` on its own line, `depth` levels in.
fn tag(out: &mut String, depth: usize, name: &str, text: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_xml_text(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Text escaped for XML, without the control characters XML 1.0 cannot hold at all (YAML's
/// `"\x01"` can put one in a product's name), which would make the whole feed unreadable.
fn push_xml_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_escapes_and_drops_what_xml_cannot_hold() {
        let mut out = String::new();
        push_xml_text(&mut out, "a & <b>\u{1}\tc");
        assert_eq!(out, "a &amp; &lt;b&gt;\tc");
    }

    #[test]
    fn long_words_are_cut_too() {
        let long = "x".repeat(200);
        let cut = truncate_words(&long, TITLE_MAX);
        assert_eq!(cut.chars().count(), TITLE_MAX);
        assert_eq!(truncate_words("short name", TITLE_MAX), "short name");
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        assert!(is_currency_code("USD"));
        assert!(!is_currency_code("usd"));
        assert!(!is_currency_code("US$"));
        assert!(!is_currency_code("EURO"));
    }
}
