//! `site.yaml` → [`SiteConfig`]: the shop's identity, brand, company profile, contact and image settings.

use crate::error::Diagnostic;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub clean_links: bool,
    /// Keep raw HTML in markdown (descriptions, pages); off by default so pasted text cannot inject script.
    #[serde(default)]
    pub unsafe_html: bool,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default = "default_per_page")]
    pub per_page: usize,
    #[serde(default)]
    pub brand: Brand,
    #[serde(default)]
    pub company: Company,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub social: Vec<SocialLink>,
    #[serde(default)]
    pub images: ImageSettings,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_currency() -> String {
    "USD".into()
}
fn default_per_page() -> usize {
    24
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub colors: Colors,
    #[serde(default)]
    pub fonts: Fonts,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(default = "c_primary")]
    pub primary: String,
    #[serde(default = "c_accent")]
    pub accent: String,
    #[serde(default = "c_background")]
    pub background: String,
    #[serde(default = "c_text")]
    pub text: String,
}

fn c_primary() -> String {
    "#0f4c81".into()
}
fn c_accent() -> String {
    "#c8702a".into()
}
fn c_background() -> String {
    "#ffffff".into()
}
fn c_text() -> String {
    "#1d232b".into()
}

impl Default for Colors {
    fn default() -> Self {
        Colors {
            primary: c_primary(),
            accent: c_accent(),
            background: c_background(),
            text: c_text(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    #[serde(default = "f_heading")]
    pub heading: String,
    #[serde(default = "f_body")]
    pub body: String,
}

fn f_heading() -> String {
    "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".into()
}
fn f_body() -> String {
    "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".into()
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts {
            heading: f_heading(),
            body: f_body(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tagline: Option<String>,
    #[serde(default)]
    pub founded: Option<u32>,
    #[serde(default)]
    pub business_type: Option<String>,
    #[serde(default)]
    pub employees: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub export_markets: Vec<String>,
    #[serde(default)]
    pub production_capacity: Option<String>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    #[serde(default)]
    pub expired_certifications: ExpiredCertifications,
    #[serde(default)]
    pub photos: Vec<PhotoSpec>,
    #[serde(default)]
    pub about: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub name: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    /// `YYYY-MM-DD`; the text is kept so the page shows what the seller wrote.
    #[serde(default)]
    pub valid_until: Option<crate::date::Day>,
}

/// What pages do with a certification past its `valid_until`: show it marked expired, or leave it out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiredCertifications {
    #[default]
    Show,
    Hide,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub whatsapp: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub form_endpoint: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Avif,
    Webp,
    #[serde(alias = "jpg")]
    Jpeg,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Avif => "avif",
            ImageFormat::Webp => "webp",
            ImageFormat::Jpeg => "jpg",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Avif => "image/avif",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Jpeg => "image/jpeg",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    #[serde(default = "default_formats")]
    pub formats: Vec<ImageFormat>,
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// Cropped, fixed-ratio copies for product grids (smaller than the whole photo scaled down).
    #[serde(default)]
    pub thumbnails: Thumbnails,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Thumbnails {
    /// `W:H`, e.g. `4:3`; `none` turns thumbnails off.
    #[serde(default = "default_ratio")]
    pub ratio: String,
    #[serde(default = "default_thumb_widths")]
    pub widths: Vec<u32>,
}

fn default_ratio() -> String {
    "4:3".into()
}
fn default_thumb_widths() -> Vec<u32> {
    vec![320, 480, 640]
}

impl Default for Thumbnails {
    fn default() -> Self {
        Thumbnails {
            ratio: default_ratio(),
            widths: default_thumb_widths(),
        }
    }
}

impl Thumbnails {
    /// Width divided by height, or `None` when thumbnails are off.
    pub fn ratio(&self) -> Option<f64> {
        let (w, h) = self.ratio.split_once(':')?;
        let (w, h) = (w.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?);
        (w > 0.0 && h > 0.0).then_some(w / h)
    }
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}
fn default_formats() -> Vec<ImageFormat> {
    vec![ImageFormat::Webp, ImageFormat::Jpeg]
}
fn default_quality() -> u8 {
    80
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: default_widths(),
            formats: default_formats(),
            quality: default_quality(),
            thumbnails: Thumbnails::default(),
        }
    }
}

/// A photo: either a bare path or `{path, alt, credit, license}`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PhotoSpec {
    pub path: String,
    pub alt: Option<String>,
    pub credit: Option<String>,
    pub license: Option<String>,
    /// The point to keep in fixed-ratio thumbnails, as fractions of width and height.
    pub focus: Option<(f64, f64)>,
}

/// `center`, `top`, `bottom left`, … or `X% Y%` → fractions of width and height.
pub fn parse_focus(s: &str) -> Option<(f64, f64)> {
    let (mut x, mut y) = (0.5, 0.5);
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() == 2 && words.iter().all(|w| w.ends_with('%')) {
        let pct = |w: &str| {
            w.trim_end_matches('%')
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=100.0).contains(v))
        };
        return Some((pct(words[0])? / 100.0, pct(words[1])? / 100.0));
    }
    if words.is_empty() || words.len() > 2 {
        return None;
    }
    for w in words {
        match w {
            "top" => y = 0.0,
            "bottom" => y = 1.0,
            "left" => x = 0.0,
            "right" => x = 1.0,
            "center" | "centre" => {}
            _ => return None,
        }
    }
    Some((x, y))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhotoFields {
    path: String,
    #[serde(default)]
    alt: Option<String>,
    #[serde(default)]
    credit: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    focus: Option<String>,
}

// Hand-written so that a typo inside the long form still gets serde's precise
// "unknown field" message; an untagged enum would say only "did not match any variant".
impl<'de> Deserialize<'de> for PhotoSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PhotoSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a photo path, or a mapping with `path` and optional `alt`, `credit`, `license`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PhotoSpec, E> {
                Ok(PhotoSpec {
                    path: v.to_string(),
                    ..Default::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PhotoSpec, A::Error> {
                let f = PhotoFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let focus = match f.focus.as_deref() {
                    None => None,
                    Some(s) => Some(parse_focus(s).ok_or_else(|| {
                        serde::de::Error::custom(format!(
                            "focus `{s}` is not a position: use center, top, bottom, left, right, \"top left\" or \"30% 20%\""
                        ))
                    })?),
                };
                Ok(PhotoSpec {
                    path: f.path,
                    alt: f.alt,
                    credit: f.credit,
                    license: f.license,
                    focus,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl SiteConfig {
    /// Parses and checks `site.yaml` text; `shown_as` is the name used in messages.
    pub fn parse(text: &str, shown_as: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let mut cfg: SiteConfig = yaml::parse(text, shown_as).map_err(|d| vec![d])?;
        let problems = cfg.validate(text, shown_as);
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Some(url) = &mut cfg.base_url {
            if !url.ends_with('/') {
                url.push('/');
            }
        }
        Ok(cfg)
    }

    pub fn from_file(site_dir: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let shown = Path::new("site.yaml");
        let path = site_dir.join(shown);
        if !path.is_file() {
            return Err(vec![Diagnostic::new(shown, "no site.yaml in the site folder")
                .help(format!(
                    "is `{}` a minisite folder? `minisite init DIR` makes a starter site",
                    site_dir.display()
                ))]);
        }
        let text = yaml::read_text(&path, shown).map_err(|d| vec![d])?;
        SiteConfig::parse(&text, shown)
    }

    /// Checks values serde cannot: colours, URLs, image settings. `text` locates the field.
    fn validate(&self, text: &str, shown_as: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // Located by the n-th `url:` (links are often `{name: X, url: Y}`), so kept apart from `bad`.
        let mut social = Vec::new();
        let mut bad = |field: &str, key: &str, message: String, help: &str| {
            let mut d = Diagnostic::new(shown_as, message).field(field).help(help);
            if let Some((l, c)) = locate_key(text, key) {
                d = d.at(l, c);
            }
            out.push(d);
        };
        if self.title.trim().is_empty() {
            bad(
                "title",
                "title",
                "the title is empty".into(),
                "give the shop's name",
            );
        }
        let colors = &self.brand.colors;
        for (name, value) in [
            ("primary", &colors.primary),
            ("accent", &colors.accent),
            ("background", &colors.background),
            ("text", &colors.text),
        ] {
            if !is_hex_color(value) {
                bad(
                    &format!("brand.colors.{name}"),
                    name,
                    format!("`{value}` is not a colour"),
                    "write colours as #rrggbb, e.g. \"#0f4c81\" (quoted, because # starts a comment)",
                );
            }
        }
        for (name, value) in [
            ("heading", &self.brand.fonts.heading),
            ("body", &self.brand.fonts.body),
        ] {
            if !is_font_stack(value) {
                bad(
                    &format!("brand.fonts.{name}"),
                    name,
                    format!("`{value}` is not a font list"),
                    "use font names separated by commas, e.g. Georgia, \"Times New Roman\", serif",
                );
            }
        }
        if !crate::theme::names().contains(&self.theme.as_str()) {
            bad(
                "theme",
                "theme",
                format!("there is no theme `{}`", self.theme),
                &format!("built-in themes: {}", crate::theme::names().join(", ")),
            );
        }
        if let Some(url) = &self.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bad(
                    "base_url",
                    "base_url",
                    format!("`{url}` is not an http(s) URL"),
                    "e.g. https://www.example.com/",
                );
            }
        }
        if let Some(url) = &self.contact.form_endpoint {
            if !is_web_url(url) {
                bad(
                    "contact.form_endpoint",
                    "form_endpoint",
                    format!("`{url}` is not an http(s) URL"),
                    "the form service gives you an https:// address",
                );
            }
        }
        for (i, s) in self.social.iter().enumerate() {
            if !is_safe_link(&s.url) {
                let mut d = Diagnostic::new(
                    shown_as,
                    format!("`{}` is not an http(s), mailto or tel link", s.url),
                )
                .field(format!("social[{i}].url"))
                .help("links must start with https://, http://, mailto: or tel:");
                if let Some((l, c)) = locate_nth(text, "url", i) {
                    d = d.at(l, c);
                }
                social.push(d);
            }
        }
        for (i, c) in self.company.certifications.iter().enumerate() {
            if let Some(until) = &c.valid_until {
                if until.date().is_none() {
                    bad(
                        &format!("company.certifications[{i}].valid_until"),
                        "valid_until",
                        format!("`{}` is not a date", until.text()),
                        "write dates as YYYY-MM-DD, e.g. 2027-06-30",
                    );
                }
            }
        }
        if self.per_page == 0 {
            bad(
                "per_page",
                "per_page",
                "per_page must be at least 1".into(),
                "e.g. per_page: 24",
            );
        }
        let img = &self.images;
        if img.widths.is_empty() || img.widths.iter().any(|&w| w == 0 || w > 8192) {
            bad(
                "images.widths",
                "widths",
                "widths must be a non-empty list of numbers from 1 to 8192".into(),
                "e.g. widths: [480, 960, 1600]",
            );
        }
        if img.formats.is_empty() {
            bad(
                "images.formats",
                "formats",
                "formats must list at least one format".into(),
                "e.g. formats: [webp, jpeg]",
            );
        } else if img.formats.last() == Some(&ImageFormat::Avif) {
            bad(
                "images.formats",
                "formats",
                "avif cannot be the last format: the last one is the <img> every browser must show, and older browsers cannot show AVIF".into(),
                "list avif first and a fallback after it, e.g. formats: [avif, webp, jpeg]",
            );
        }
        if img.thumbnails.ratio != "none" && img.thumbnails.ratio().is_none() {
            bad(
                "images.thumbnails.ratio",
                "ratio",
                format!("`{}` is not a ratio", img.thumbnails.ratio),
                "write it as width:height, e.g. \"4:3\" or \"1:1\" (quoted), or none",
            );
        }
        if img.thumbnails.widths.iter().any(|&w| w == 0 || w > 4096) {
            bad(
                "images.thumbnails.widths",
                "widths",
                "thumbnail widths must be from 1 to 4096".into(),
                "e.g. widths: [320, 640]",
            );
        }
        if !(1..=100).contains(&img.quality) {
            bad(
                "images.quality",
                "quality",
                format!("quality {} is outside 1-100", img.quality),
                "80 is a good balance of size and sharpness",
            );
        }
        out.extend(social);
        out
    }

    pub fn company_name(&self) -> &str {
        self.company.name.as_deref().unwrap_or(&self.title)
    }
}

/// Finds `key:` at the start of a line (after indentation) to give validation errors a line.
pub fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let col = line.len() - trimmed.len() + 1;
        trimmed
            .strip_prefix(key)
            .filter(|rest| rest.trim_start().starts_with(':'))
            .map(|_| (i + 1, col))
    })
}

/// The `n`-th (0-based) `key:` anywhere in `text`, also inside `{ }` flow mappings, where
/// [`locate_key`] finds only keys that start a line.
pub fn locate_nth(text: &str, key: &str, n: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(key).map(|p| p + from) {
            let before = line[..pos].chars().next_back();
            let after = line[pos + key.len()..].trim_start();
            let starts_key = before.is_none_or(|c| matches!(c, ' ' | '{' | ',' | '-' | '\t'));
            if starts_key && after.starts_with(':') {
                if seen == n {
                    return Some((i + 1, line[..pos].chars().count() + 1));
                }
                seen += 1;
            }
            from = pos + key.len();
        }
    }
    None
}

/// Where a field path such as `social[1].url` or `brand.logo` is written: its last key, counting
/// occurrences by the last index in the path.
pub fn locate_field(text: &str, field: &str) -> Option<(usize, usize)> {
    let last = field.rsplit('.').next()?;
    let key = last.split('[').next()?;
    let n = field
        .rsplit('[')
        .nth(usize::from(last.contains('[')))
        .filter(|_| field.contains('['))
        .and_then(|s| s.split(']').next()?.parse().ok())
        .unwrap_or(0);
    locate_nth(text, key, n).or_else(|| locate_key(text, key))
}

fn is_hex_color(s: &str) -> bool {
    let h = s.strip_prefix('#').unwrap_or("");
    matches!(h.len(), 3 | 6) && h.chars().all(|c| c.is_ascii_hexdigit())
}

/// Font stacks reach a `<style>` element: allow only what font names need.
fn is_font_stack(s: &str) -> bool {
    !s.trim().is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '-' | '"' | '\'' | '_'))
}

pub fn is_web_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.chars().any(char::is_whitespace)
}

pub fn is_safe_link(s: &str) -> bool {
    is_web_url(s) || s.starts_with("mailto:") || s.starts_with("tel:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_a_minimal_config() {
        let c = SiteConfig::parse("title: Shop\n", Path::new("site.yaml")).unwrap();
        assert_eq!(c.theme, "default");
        assert_eq!(c.images.widths, vec![480, 960, 1600]);
        assert_eq!(c.company_name(), "Shop");
    }

    #[test]
    fn bad_colour_is_located() {
        let e = SiteConfig::parse(
            "title: Shop\nbrand:\n  colors:\n    primary: red;}body{\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert_eq!(e[0].field.as_deref(), Some("brand.colors.primary"));
        assert_eq!(e[0].line, Some(4));
    }

    #[test]
    fn photo_short_and_long_forms() {
        let c = SiteConfig::parse(
            "title: S\ncompany:\n  photos:\n    - a.jpg\n    - {path: b.jpg, alt: B}\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        assert_eq!(c.company.photos[0].path, "a.jpg");
        assert_eq!(c.company.photos[1].alt.as_deref(), Some("B"));
    }

    #[test]
    fn photo_long_form_typo_is_named() {
        let e = SiteConfig::parse(
            "title: S\ncompany:\n  photos:\n    - {path: b.jpg, atl: B}\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert!(e[0].message.contains("unknown field `atl`"), "{}", e[0]);
    }
}
