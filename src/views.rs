//! What templates see: plain data built once per build from config, catalogue, pages and the image plan.
//! Every optional field is present (as `none`) so strict templates can test it with `if`.

use crate::catalog::{Catalog, Category, Product};
use crate::config::{Certification, ExpiredCertifications, PhotoSpec, SiteConfig, SocialLink};
use crate::contrast::text_on;
use crate::images::{ImagePlan, ImageSet, Variant};
use crate::markdown;
use crate::pages::Page;
use crate::strings::Strings;
use crate::view_objects::{Json, Shared};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Debug)]
pub struct SrcItem {
    pub url: String,
    pub width: u32,
}

#[derive(Serialize, Debug)]
pub struct Source {
    pub mime: &'static str,
    pub srcset: Vec<Shared<SrcItem>>,
}

/// A photo as `<picture>` needs it. `src`, `width`, `height` are the fallback variant's.
#[derive(Serialize, Debug)]
pub struct ImageView {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub credit: Option<String>,
    pub license: Option<String>,
    /// Average colour (`#rrggbb`) to show while the photo loads.
    pub color: Option<String>,
    /// Every format, best first; the last one is the `<img>` fallback.
    pub sources: Vec<Shared<Source>>,
    /// The fixed-ratio crop for grids, when thumbnails are on.
    pub thumb: Option<Shared<ImageView>>,
    /// The photo's focus point as a CSS position (`50% 0%`), for themes that crop the whole photo
    /// with `object-fit: cover`; none when the seller gave none.
    pub focus: Option<String>,
}

impl ImageView {
    pub fn new(set: &ImageSet, spec: &PhotoSpec, default_alt: &str, color: Option<String>) -> ImageView {
        let mut view = ImageView::of(&set.variants, spec, default_alt, color.clone())
            .expect("every planned photo has at least one variant");
        view.thumb = ImageView::of(&set.thumbs, spec, default_alt, color).map(Shared::new);
        view
    }

    /// A view of one group of variants (the whole photo, or its thumbnails), best format first.
    fn of(
        variants: &[Variant],
        spec: &PhotoSpec,
        default_alt: &str,
        color: Option<String>,
    ) -> Option<ImageView> {
        let mut sources: Vec<Source> = Vec::new();
        for v in variants {
            let item = Shared::new(SrcItem {
                url: v.url.clone(),
                width: v.width,
            });
            match sources.last_mut() {
                Some(s) if s.mime == v.format.mime() => s.srcset.push(item),
                _ => sources.push(Source {
                    mime: v.format.mime(),
                    srcset: vec![item],
                }),
            }
        }
        let sources = sources.into_iter().map(Shared::new).collect();
        // <img src>: the fallback format at the width closest to 960.
        let fmt = variants.last()?.format;
        let fb = variants
            .iter()
            .filter(|v| v.format == fmt)
            .min_by_key(|v| v.width.abs_diff(960))?;
        Some(ImageView {
            src: fb.url.clone(),
            width: fb.width,
            height: fb.height,
            alt: spec.alt.clone().unwrap_or_else(|| default_alt.to_string()),
            credit: spec.credit.clone(),
            license: spec.license.clone(),
            color,
            sources,
            thumb: None,
            focus: spec
                .focus
                .map(|(x, y)| format!("{}% {}%", (x * 100.0).round(), (y * 100.0).round())),
        })
    }

    /// The largest variant of the fallback format: what OpenGraph previews should show.
    pub fn largest(set: &ImageSet) -> Option<&crate::images::Variant> {
        let fmt = set.variants.last()?.format;
        set.variants
            .iter()
            .filter(|v| v.format == fmt)
            .max_by_key(|v| v.width)
    }
}

#[derive(Serialize, Debug)]
pub struct MenuItem {
    pub title: String,
    pub url: String,
    /// The title's language, when not the page's (an untranslated page).
    pub lang: Option<String>,
}

/// Texts shown in another language than the page's, with every field a view has named (none
/// for a translated one), so templates can ask for any: `lang_attr(p.lang_of.name)`.
pub type LangOfView = BTreeMap<&'static str, Option<String>>;

fn lang_of_view(lang_of: &crate::localize::LangOf, fields: &[&'static str]) -> LangOfView {
    fields.iter().map(|f| (*f, lang_of.get(f).cloned())).collect()
}

const PRODUCT_TEXTS: &[&str] = &[
    "name",
    "summary",
    "description",
    "specs",
    "customization",
    "payment_terms",
    "packaging_note",
    "samples_note",
    "photo_alt",
];
const SITE_TEXTS: &[&str] = &[
    "title",
    "description",
    "company_name",
    "tagline",
    "business_type",
    "location",
    "export_markets",
    "production_capacity",
    "about",
    "certifications",
    "address",
    "hours",
];
const CATEGORY_TEXTS: &[&str] = &["title", "description"];

#[derive(Serialize, Debug)]
pub struct ContactView {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_href: Option<String>,
    pub whatsapp: Option<String>,
    pub whatsapp_url: Option<String>,
    pub address: Option<String>,
    pub hours: Option<String>,
    pub form_endpoint: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct CompanyView {
    pub name: String,
    pub tagline: Option<String>,
    pub founded: Option<u32>,
    pub business_type: Option<String>,
    pub employees: Option<String>,
    pub location: Option<String>,
    pub export_markets: Vec<String>,
    pub production_capacity: Option<String>,
    /// Valid ones, and expired ones (marked) unless the seller hides them.
    pub certifications: Vec<CertificationView>,
    pub photos: Vec<Shared<ImageView>>,
    pub about_html: Option<String>,
    pub about_text: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct CertificationView {
    pub name: String,
    pub issuer: Option<String>,
    pub number: Option<String>,
    /// The day as the page's language writes it (`31.03.2030` in German); as the seller wrote
    /// it when it is no calendar day.
    pub valid_until: Option<String>,
    /// The day in ISO 8601 (`2030-03-31`), for `<time datetime>`.
    pub valid_until_iso: Option<String>,
    /// `valid_until` is before today: themes must not show it like a valid one.
    pub expired: bool,
}

impl CertificationView {
    fn new(c: &Certification, today: time::Date, formats: &crate::locale::Formats) -> CertificationView {
        CertificationView {
            name: c.name.clone(),
            issuer: c.issuer.clone(),
            number: c.number.clone(),
            valid_until: c.valid_until.as_ref().map(|d| {
                d.date()
                    .and_then(|day| formats.date(day))
                    .unwrap_or_else(|| d.text().to_string())
            }),
            valid_until_iso: c.valid_until.as_ref().map(|d| d.text().to_string()),
            expired: c.valid_until.as_ref().is_some_and(|d| d.is_before(today)),
        }
    }
}

fn certifications(
    config: &SiteConfig,
    today: time::Date,
    formats: &crate::locale::Formats,
) -> Vec<CertificationView> {
    let hide = config.company.expired_certifications == ExpiredCertifications::Hide;
    config
        .company
        .certifications
        .iter()
        .map(|c| CertificationView::new(c, today, formats))
        .filter(|c| !(hide && c.expired))
        .collect()
}

#[derive(Serialize, Debug)]
pub struct BrandView {
    pub logo: Option<String>,
    /// The logo's intrinsic size, so the theme can reserve its space (no layout shift).
    pub logo_width: Option<u32>,
    pub logo_height: Option<u32>,
    pub primary: String,
    pub accent: String,
    pub background: String,
    pub text: String,
    /// Text colours readable on the primary and accent colours and on the text colour (the
    /// footer's fill): white on dark brand colours, dark on light ones (WCAG contrast).
    pub on_primary: String,
    pub on_accent: String,
    pub on_text: String,
    pub font_heading: String,
    pub font_body: String,
    /// The site's own font files, one `@font-face` each (`family`, `path` below static/,
    /// `weight`, `style`).
    pub font_faces: Vec<FontFace>,
    /// The one font file worth fetching before the stylesheet asks: the body font's first
    /// (navigation, headings' neighbours and the first paragraph above the fold are body text),
    /// else the heading font's first.
    pub font_preload: Option<String>,
    /// `brand.radius`, when site.yaml sets one (else the theme's own).
    pub radius: Option<String>,
    /// The spacing factor of `brand.density` (`0.75`, `1.3`), none for the theme's own spacing.
    pub density: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct FontFace {
    pub family: String,
    pub path: String,
    pub weight: String,
    pub style: String,
}

/// One face per file: a heading and body font of the same files load them once.
fn font_faces(fonts: &crate::config::Fonts) -> Vec<FontFace> {
    let mut faces: Vec<FontFace> = Vec::new();
    for face in [&fonts.heading, &fonts.body]
        .into_iter()
        .filter_map(|f| match f {
            crate::config::Font::Files(files) => Some(files),
            crate::config::Font::Stack(_) => None,
        })
        .flat_map(|f| {
            f.files.iter().map(|file| FontFace {
                family: f.family.clone(),
                path: file.path().to_string(),
                weight: file.weight(),
                style: file.style().to_string(),
            })
        })
    {
        if !faces
            .iter()
            .any(|f| f.path == face.path && f.family == face.family)
        {
            faces.push(face);
        }
    }
    faces
}

fn preloaded_font(fonts: &crate::config::Fonts) -> Option<String> {
    let first = |f: &crate::config::Font| f.files().first().map(|f| f.path().to_string());
    first(&fonts.body).or_else(|| first(&fonts.heading))
}

#[derive(Serialize, Debug)]
pub struct CategorySummary {
    pub name: String,
    pub title: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
    pub description_html: Option<String>,
    pub description_text: Option<String>,
    pub image: Option<Shared<ImageView>>,
    pub lang_of: LangOfView,
}

#[derive(Serialize, Debug)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// The pages' language (BCP 47) and its direction, `ltr` or `rtl`.
    pub language: String,
    pub dir: &'static str,
    pub default_language: String,
    /// Every language of the site, for the switcher (one entry when there is one language).
    pub languages: Vec<crate::localize::LangLink>,
    pub lang_of: LangOfView,
    pub base_url: Option<String>,
    pub brand: BrandView,
    pub company: CompanyView,
    pub contact: ContactView,
    pub social: Vec<SocialLink>,
    /// Markdown pages with a `menu:` position, in order.
    pub menu: Vec<MenuItem>,
    pub categories: Vec<CategorySummary>,
    pub product_count: usize,
    pub has_inquiry: bool,
    /// The site has a search page (`search:` in site.yaml): the header shows its box.
    pub search: bool,
    /// The seller's analytics service, when they turned one on.
    pub analytics: Option<crate::analytics::Analytics>,
}

#[derive(Serialize, Debug)]
pub struct TierView {
    pub min_qty: u64,
    pub max_qty: Option<u64>,
    pub unit_price: f64,
    pub price: String,
}

#[derive(Serialize, Debug)]
pub struct InquiryView {
    pub mailto: Option<String>,
    pub whatsapp: Option<String>,
    pub form_endpoint: Option<String>,
    /// One line naming the product, for the form's hidden field.
    pub subject: String,
}

#[derive(Serialize, Debug)]
pub struct CategoryRef {
    pub title: String,
    pub url: String,
    pub slug: String,
}

/// A tag as a link to its page: its text exactly as written, and its page's site path.
#[derive(Serialize, Clone, PartialEq, Debug)]
pub struct TagLink {
    pub name: String,
    pub slug: String,
    pub url: String,
}

#[derive(Serialize, Debug)]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub slug: String,
    pub url: String,
    pub category: Option<Shared<CategoryRef>>,
    pub featured: bool,
    /// Templates also read the first as `photo` (see [`ProductView::photo`]).
    pub photos: Vec<Shared<ImageView>>,
    pub summary: Option<String>,
    pub description_html: Option<String>,
    pub specs: Vec<crate::catalog::Spec>,
    pub moq: Option<Shared<crate::catalog::Moq>>,
    pub moq_text: Option<String>,
    /// The MOQ's unit in the plural (`sets`), for headings such as "Quantity (sets)".
    pub units: Option<String>,
    /// The MOQ's unit (pieces without one) in each plural form of the page's language (`one:
    /// set, other: sets`), for scripts that count it: the inquiry list says `1 set` or `40 sets`.
    pub unit_forms: BTreeMap<&'static str, String>,
    /// `unit_forms|tojson`, made once: every card's "add to inquiry" button carries it. Not
    /// serialized (fingerprints hash views): it is made from `unit_forms`.
    #[serde(skip)]
    pub unit_forms_json: Json,
    pub price_tiers: Vec<Shared<TierView>>,
    /// `price_tiers|tojson`, made once, for the same button.
    #[serde(skip)]
    pub price_tiers_json: Json,
    pub price_from: Option<String>,
    pub currency: String,
    pub incoterm: Option<String>,
    pub lead_time: Option<crate::catalog::LeadTime>,
    pub samples: Option<crate::catalog::Samples>,
    /// The sample fee as money; none when there is no fee or it is 0 (see `sample_free`).
    pub sample_fee: Option<String>,
    /// Samples are available at no charge (`fee: 0`): themes say so rather than show a price of 0.
    pub sample_free: bool,
    pub customization: Vec<String>,
    pub oem: bool,
    pub odm: bool,
    pub packaging: Option<crate::catalog::Packaging>,
    pub payment_terms: Vec<String>,
    pub hs_code: Option<String>,
    pub tags: Vec<String>,
    /// The tags with their pages, in the product's order (one per tag that differs by more than case).
    pub tag_links: Vec<TagLink>,
    pub certifications: Vec<String>,
    pub inquiry: Shared<InquiryView>,
    pub lang_of: Shared<LangOfView>,
    /// Not published by `build`: themes mark it (only `serve` and `build --drafts` show it).
    pub draft: bool,
}

impl ProductView {
    /// The main photo: every product has one (the catalogue checks).
    pub fn photo(&self) -> &ImageView {
        &self.photos[0]
    }
}

pub fn product_url(p: &Product) -> String {
    format!("products/{}/", p.slug)
}

pub fn category_url(c: &Category) -> String {
    format!("categories/{}/", c.slug)
}

fn image(plan: &ImagePlan, spec: &PhotoSpec, default_alt: &str) -> Shared<ImageView> {
    let set = plan.get(&spec.path).expect("every photo was planned");
    Shared::new(ImageView::new(set, spec, default_alt, plan.color(&spec.path)))
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

pub fn site_view(site: &crate::Site, logo: Option<(String, Option<(u32, u32)>)>) -> SiteView {
    let (config, catalog, pages, plan, today) =
        (&site.config, &site.catalog, &site.pages, &*site.plan, site.today);
    let c = &config.company;
    let contact = &config.contact;
    let mut menu: Vec<(&Page, i32)> = pages.iter().filter_map(|p| p.menu.map(|m| (p, m))).collect();
    menu.sort_by_key(|(p, m)| (*m, p.slug.clone()));
    let company_name = config.company_name().to_string();
    SiteView {
        title: config.title.clone(),
        description: config
            .description
            .clone()
            .or_else(|| c.tagline.clone())
            .unwrap_or_else(|| config.title.clone()),
        language: config.language.clone(),
        dir: site.lang.dir,
        default_language: site.lang.default.clone(),
        languages: site.links.to_vec(),
        lang_of: lang_of_view(&site.lang_of, SITE_TEXTS),
        base_url: config.base_url.as_deref().map(str::to_string),
        brand: BrandView {
            logo_width: logo.as_ref().and_then(|l| l.1).map(|s| s.0),
            logo_height: logo.as_ref().and_then(|l| l.1).map(|s| s.1),
            logo: logo.map(|l| l.0),
            primary: config.brand.colors.primary.to_string(),
            accent: config.brand.colors.accent.to_string(),
            background: config.brand.colors.background.to_string(),
            text: config.brand.colors.text.to_string(),
            on_primary: text_on(&config.brand.colors.primary, &config.brand.colors.text),
            on_accent: text_on(&config.brand.colors.accent, &config.brand.colors.text),
            on_text: text_on(&config.brand.colors.text, &config.brand.colors.background),
            font_heading: config.brand.fonts.heading.stack(),
            font_body: config.brand.fonts.body.stack(),
            font_faces: font_faces(&config.brand.fonts),
            font_preload: preloaded_font(&config.brand.fonts),
            radius: config.brand.radius.clone(),
            density: (config.brand.density != crate::config::Density::Comfortable)
                .then(|| config.brand.density.factor().to_string()),
        },
        company: CompanyView {
            name: company_name.clone(),
            tagline: c.tagline.clone(),
            founded: c.founded,
            business_type: c.business_type.clone(),
            employees: c.employees.clone(),
            location: c.location.clone(),
            export_markets: c.export_markets.clone(),
            production_capacity: c.production_capacity.clone(),
            certifications: certifications(config, today, site.strings.formats()),
            photos: c.photos.iter().map(|p| image(plan, p, &company_name)).collect(),
            about_html: c
                .about
                .as_deref()
                .map(|a| markdown::to_html(a, config.unsafe_html, config.clean_links)),
            about_text: c.about.as_deref().map(markdown::to_plain),
        },
        contact: ContactView {
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            phone_href: contact.phone.as_deref().map(|p| format!("tel:+{}", digits(p))),
            whatsapp: contact.whatsapp.clone(),
            whatsapp_url: contact
                .whatsapp
                .as_deref()
                .map(|w| format!("https://wa.me/{}", digits(w))),
            // A YAML block (`address: |`) ends in a newline the page should not show.
            address: contact.address.as_deref().map(|a| a.trim().to_string()),
            hours: contact.hours.clone(),
            form_endpoint: contact.form_endpoint.clone(),
        },
        social: config.social.clone(),
        menu: menu
            .into_iter()
            .map(|(p, _)| MenuItem {
                title: p.title.clone(),
                url: format!("{}/", p.slug),
                lang: p.lang.clone(),
            })
            .collect(),
        categories: catalog
            .categories
            .iter()
            .map(|cat| CategorySummary {
                name: cat.name.clone(),
                title: cat.title.clone(),
                slug: cat.slug.clone(),
                url: category_url(cat),
                count: cat.products.len(),
                description_html: cat.description_html.clone(),
                description_text: cat.description_text.clone(),
                image: cat
                    .image
                    .as_ref()
                    .or_else(|| cat.products.first().map(|&i| &catalog.products[i].data.photos[0]))
                    .map(|spec| image(plan, spec, &cat.title)),
                lang_of: lang_of_view(&cat.lang_of, CATEGORY_TEXTS),
            })
            .collect(),
        product_count: catalog.products.len(),
        has_inquiry: contact.email.is_some() || contact.whatsapp.is_some() || contact.form_endpoint.is_some(),
        search: config.search,
        analytics: config.analytics.clone(),
    }
}

pub fn product_view(
    p: &Product,
    catalog: &Catalog,
    config: &SiteConfig,
    plan: &ImagePlan,
    page_url: Option<&str>,
    words: &Strings,
) -> ProductView {
    let d = &p.data;
    let photos: Vec<Shared<ImageView>> = d.photos.iter().map(|ph| image(plan, ph, &d.name)).collect();
    let moq_text = d.moq.as_ref().map(|m| {
        format!(
            "{} {}",
            words.formats().integer(m.quantity),
            words.unit(m.quantity, &m.unit)
        )
    });
    let subject = words.text("product_subject", &[("product", &d.name), ("sku", &d.sku.0)]);
    let body = inquiry_body(
        words,
        config.company_name(),
        &subject,
        moq_text.as_deref(),
        page_url,
    );
    let contact = &config.contact;
    let unit_forms = words.unit_forms(d.moq.as_ref().map_or("piece", |m| m.unit.as_str()));
    let price_tiers: Vec<TierView> = d
        .price_tiers
        .iter()
        .map(|t| TierView {
            min_qty: t.min_qty,
            max_qty: t.max_qty,
            unit_price: t.unit_price,
            price: words.formats().money(t.unit_price, &p.currency),
        })
        .collect();
    ProductView {
        sku: d.sku.0.clone(),
        name: d.name.clone(),
        slug: p.slug.clone(),
        url: product_url(p),
        category: p.category.map(|i| {
            let c = &catalog.categories[i];
            Shared::new(CategoryRef {
                title: c.title.clone(),
                url: category_url(c),
                slug: c.slug.clone(),
            })
        }),
        featured: d.featured,
        photos,
        summary: d.summary.clone(),
        description_html: p.description_html.clone(),
        specs: d.specs.clone(),
        moq: d.moq.clone().map(Shared::new),
        moq_text,
        units: d.moq.as_ref().map(|m| words.units(&m.unit)),
        unit_forms_json: Json::of(&unit_forms),
        unit_forms,
        price_tiers_json: Json::of(&price_tiers),
        price_tiers: price_tiers.into_iter().map(Shared::new).collect(),
        price_from: p.min_price().map(|m| words.formats().money(m, &p.currency)),
        currency: p.currency.clone(),
        incoterm: d.incoterm.clone(),
        lead_time: d.lead_time.clone(),
        samples: d.samples.clone(),
        sample_fee: d
            .samples
            .as_ref()
            .and_then(|s| s.fee)
            .filter(|f| *f > 0.0)
            .map(|f| words.formats().money(f, &p.currency)),
        sample_free: d
            .samples
            .as_ref()
            .is_some_and(|s| s.available && s.fee == Some(0.0)),
        customization: d.customization.clone(),
        oem: d.oem,
        odm: d.odm,
        packaging: d.packaging.clone(),
        payment_terms: d.payment_terms.clone(),
        hs_code: d.hs_code.clone(),
        tags: d.tags.clone(),
        tag_links: tag_links(p, catalog),
        certifications: d.certifications.clone(),
        inquiry: Shared::new(InquiryView {
            mailto: contact.email.as_ref().map(|e| {
                format!(
                    "mailto:{e}?subject={}&body={}",
                    enc(&words.text("inquiry_subject", &[("subject", &subject)])),
                    enc(&body)
                )
            }),
            whatsapp: contact
                .whatsapp
                .as_ref()
                .map(|w| format!("https://wa.me/{}?text={}", digits(w), enc(&body))),
            form_endpoint: contact.form_endpoint.clone(),
            subject,
        }),
        lang_of: Shared::new(lang_of_view(&p.lang_of, PRODUCT_TEXTS)),
        draft: d.draft,
    }
}

/// The links to the pages of `p`'s tags.
pub fn tag_links(p: &Product, catalog: &Catalog) -> Vec<TagLink> {
    let mut out: Vec<TagLink> = Vec::with_capacity(p.data.tags.len());
    for t in &p.data.tags {
        if let Some(tag) = catalog.tags.get(t) {
            if !out.iter().any(|l| l.slug == tag.slug) {
                out.push(TagLink {
                    name: t.trim().to_string(),
                    slug: tag.slug.clone(),
                    url: crate::tags::tag_url(tag),
                });
            }
        }
    }
    out
}

/// The message a buyer's email or WhatsApp starts with: it names the product (the seller reads
/// its SKU) and asks for what a quote needs, leaving blanks after the colons to fill in.
fn inquiry_body(
    words: &Strings,
    company: &str,
    subject: &str,
    moq: Option<&str>,
    page_url: Option<&str>,
) -> String {
    let mut body = format!(
        "{}\n\n{}\n",
        words.text("inquiry_greeting", &[("company", company)]),
        words.text("inquiry_interest", &[("subject", subject)])
    );
    let quantity = match moq {
        Some(m) => words.text("inquiry_quantity_moq", &[("moq", m)]),
        None => words.text("inquiry_quantity", &[]),
    };
    body.push_str(&format!(
        "{quantity} \n{} \n{}\n",
        words.text("inquiry_destination", &[]),
        words.text("inquiry_request", &[])
    ));
    if let Some(u) = page_url {
        body.push_str(&format!("\n{}\n", words.text("inquiry_page", &[("url", u)])));
    }
    body
}

/// Width and height of a logo file: from an SVG's `viewBox` (or `width`/`height`), or a raster header.
pub fn logo_size(path: &std::path::Path, bytes: &[u8]) -> Option<(u32, u32)> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
        let text = std::str::from_utf8(bytes).ok()?;
        let start = text.find("<svg")?;
        let tag = &text[start..start + text[start..].find('>')?];
        let attr = |name: &str| -> Option<&str> {
            let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(&tag[i..i + tag[i..].find('"')?])
        };
        let num = |s: &str| {
            s.trim()
                .trim_end_matches("px")
                .parse::<f64>()
                .ok()
                .filter(|v| *v > 0.0)
        };
        let (w, h) = match attr("viewBox") {
            Some(vb) => {
                let v: Vec<f64> = vb
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                (*v.get(2)?, *v.get(3)?)
            }
            None => (num(attr("width")?)?, num(attr("height")?)?),
        };
        return Some((w.round().max(1.0) as u32, h.round().max(1.0) as u32));
    }
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}
