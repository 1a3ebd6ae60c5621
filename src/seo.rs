//! What search engines and link previews read: JSON-LD, sitemap.xml, robots.txt.

use crate::config::SiteConfig;
use crate::render::plain_amount;
use crate::views::{ProductView, SiteView};
use serde_json::{json, Map, Value};

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` are escaped so product
/// text can never close the script element.
pub fn script_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Absolute URL of a site path, when the site has a base URL: a page's in the config's
/// language (`de/` in front for German), a file's at the root every language shares.
pub fn absolute(config: &SiteConfig, path: &str) -> Option<String> {
    let base = config.base_url.as_deref()?;
    let prefix = if crate::render::is_page_path(path) {
        config.page_prefix.as_str()
    } else {
        ""
    };
    Some(format!("{base}{prefix}{path}"))
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<impl Into<Value>>) {
    if let Some(v) = v {
        m.insert(key.to_string(), v.into());
    }
}

pub fn organization(site: &SiteView, config: &SiteConfig) -> Value {
    let mut m = Map::new();
    m.insert("@context".into(), "https://schema.org".into());
    m.insert("@type".into(), "Organization".into());
    m.insert("name".into(), site.company.name.clone().into());
    put(&mut m, "url", absolute(config, ""));
    put(
        &mut m,
        "logo",
        site.brand.logo.as_ref().and_then(|l| absolute(config, l)),
    );
    put(&mut m, "description", site.company.tagline.clone());
    put(&mut m, "email", site.contact.email.clone());
    put(&mut m, "telephone", site.contact.phone.clone());
    put(
        &mut m,
        "foundingDate",
        site.company.founded.map(|y| y.to_string()),
    );
    if let Some(addr) = &site.contact.address {
        m.insert(
            "address".into(),
            json!({"@type": "PostalAddress", "streetAddress": addr.replace('\n', ", ")}),
        );
    }
    // Only valid certifications are credentials: an expired one the page may still show (marked)
    // must not reach search engines as current.
    let credentials: Vec<Value> = site
        .company
        .certifications
        .iter()
        .filter(|c| !c.expired)
        .map(|c| {
            let mut m = Map::new();
            m.insert("@type".into(), "EducationalOccupationalCredential".into());
            m.insert("credentialCategory".into(), "certification".into());
            m.insert("name".into(), c.name.clone().into());
            put(&mut m, "identifier", c.number.clone());
            put(&mut m, "expires", c.valid_until.clone());
            if let Some(issuer) = &c.issuer {
                m.insert(
                    "recognizedBy".into(),
                    json!({"@type": "Organization", "name": issuer}),
                );
            }
            Value::Object(m)
        })
        .collect();
    if !credentials.is_empty() {
        m.insert("hasCredential".into(), credentials.into());
    }
    if !site.social.is_empty() {
        m.insert(
            "sameAs".into(),
            site.social
                .iter()
                .map(|s| s.url.clone())
                .collect::<Vec<_>>()
                .into(),
        );
    }
    Value::Object(m)
}

pub fn product(p: &ProductView, site: &SiteView, config: &SiteConfig) -> Value {
    let base = config.base_url.as_deref();
    let mut m = Map::new();
    m.insert("@context".into(), "https://schema.org".into());
    m.insert("@type".into(), "Product".into());
    m.insert("name".into(), p.name.clone().into());
    m.insert("sku".into(), p.sku.clone().into());
    put(&mut m, "description", p.summary.clone());
    put(&mut m, "category", p.category.as_ref().map(|c| c.title.clone()));
    put(&mut m, "url", absolute(config, &p.url));
    if base.is_some() {
        let images: Vec<Value> = p
            .photos
            .iter()
            .filter_map(|i| absolute(config, &i.src))
            .map(Value::from)
            .collect();
        m.insert("image".into(), images.into());
    }
    m.insert(
        "brand".into(),
        json!({"@type": "Brand", "name": site.company.name}),
    );
    if let Some(hs) = &p.hs_code {
        m.insert(
            "additionalProperty".into(),
            json!([{"@type": "PropertyValue", "name": "HS code", "value": hs}]),
        );
    }
    if !p.price_tiers.is_empty() {
        let unit = p.moq.as_ref().map(|m| m.unit.clone());
        let specs: Vec<Value> = p
            .price_tiers
            .iter()
            .map(|t| {
                let mut q = Map::new();
                q.insert("@type".into(), "QuantitativeValue".into());
                q.insert("minValue".into(), t.min_qty.into());
                put(&mut q, "maxValue", t.max_qty);
                put(&mut q, "unitText", unit.clone());
                json!({
                    "@type": "UnitPriceSpecification",
                    "price": plain_amount(t.unit_price, &p.currency),
                    "priceCurrency": p.currency,
                    "eligibleQuantity": Value::Object(q),
                })
            })
            .collect();
        let low = p
            .price_tiers
            .iter()
            .map(|t| t.unit_price)
            .fold(f64::INFINITY, f64::min);
        let mut offer = Map::new();
        offer.insert("@type".into(), "Offer".into());
        offer.insert("price".into(), plain_amount(low, &p.currency).into());
        offer.insert("priceCurrency".into(), p.currency.clone().into());
        offer.insert("availability".into(), "https://schema.org/InStock".into());
        put(&mut offer, "url", absolute(config, &p.url));
        if let Some(moq) = &p.moq {
            offer.insert(
                "eligibleQuantity".into(),
                json!({"@type": "QuantitativeValue", "minValue": moq.quantity, "unitText": moq.unit}),
            );
        }
        offer.insert("priceSpecification".into(), specs.into());
        offer.insert(
            "seller".into(),
            json!({"@type": "Organization", "name": site.company.name}),
        );
        m.insert("offers".into(), Value::Object(offer));
    }
    Value::Object(m)
}

/// The page itself, in its language (`inLanguage`), for a site in several languages.
pub fn web_page(name: &str, description: &str, language: &str, url: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("@context".into(), "https://schema.org".into());
    m.insert("@type".into(), "WebPage".into());
    m.insert("name".into(), name.into());
    if !description.is_empty() {
        m.insert("description".into(), description.into());
    }
    m.insert("inLanguage".into(), language.into());
    put(&mut m, "url", url);
    Value::Object(m)
}

/// `crumbs` are (title, site path) from home to the current page.
pub fn breadcrumbs(crumbs: &[(String, String)], config: &SiteConfig) -> Value {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, path))| {
            let mut m = Map::new();
            m.insert("@type".into(), "ListItem".into());
            m.insert("position".into(), (i + 1).into());
            m.insert("name".into(), name.clone().into());
            put(&mut m, "item", absolute(config, path));
            Value::Object(m)
        })
        .collect();
    json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items})
}

/// `path` with every byte outside ASCII percent-encoded (`tags/%D8%AC…/`), the rest as it is.
fn ascii_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::CONTROLS).to_string()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Sitemap of every page path, in every language (`languages`: code and path prefix, the
/// default first): each language's address of a page is a `<url>` listing all of them as
/// `xhtml:link` alternates, as Google reads them. Without a base URL the locations are
/// root-relative (search engines need the base URL: the build warns).
pub fn sitemap(paths: &[String], base: Option<&str>, languages: &[(&str, &str)]) -> String {
    let several = languages.len() > 1;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if several {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    let root = base.unwrap_or("/");
    // Sitemaps take URLs in ASCII: a tag's address in Arabic letters is percent-encoded.
    let paths: Vec<String> = paths.iter().map(|p| ascii_path(p)).collect();
    let single = [("", "")];
    let languages = if several { languages } else { &single };
    for p in &paths {
        for (_, prefix) in languages {
            out.push_str("  <url><loc>");
            out.push_str(&xml_escape(&format!("{root}{prefix}{p}")));
            out.push_str("</loc>");
            if several {
                for (code, other) in languages {
                    let href = xml_escape(&format!("{root}{other}{p}"));
                    out.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{code}\" href=\"{href}\"/>"
                    ));
                }
                let href = xml_escape(&format!("{root}{p}"));
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>"
                ));
            }
            out.push_str("</url>\n");
        }
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(base: Option<&str>) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if let Some(b) = base {
        out.push_str(&format!("\nSitemap: {b}sitemap.xml\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script"));
        assert_eq!(
            serde_json::from_str::<Value>(&s).unwrap()["name"],
            "</script><script>alert(1)</script>"
        );
    }

    #[test]
    fn sitemap_escapes() {
        let s = sitemap(&["a&b/".into()], Some("https://x.example/"), &[("en", "")]);
        assert!(s.contains("<loc>https://x.example/a&amp;b/</loc>"));
    }
}
