//! `site.yaml` → [`SiteConfig`]: the shop's identity, brand, company profile, contact and image settings.
//!
//! Read as the catalogue is, in two steps: serde fills the shapes in [`raw`] (unknown fields
//! refused), then [`validate`] checks what serde cannot and gives the typed values below, so the
//! rest of minisite never checks a URL, colour or ratio again.

mod photo;
mod raw;
mod validate;

pub use photo::{parse_focus, PhotoSpec};

use crate::error::Diagnostic;
use crate::source::Source;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use std::path::Path;

/// A checked `site.yaml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub base_url: Option<BaseUrl>,
    pub theme: String,
    pub clean_links: bool,
    /// Keep raw HTML in markdown (descriptions, pages); off by default so pasted text cannot inject script.
    pub unsafe_html: bool,
    pub currency: String,
    pub per_page: usize,
    pub brand: Brand,
    pub company: Company,
    pub contact: Contact,
    pub social: Vec<SocialLink>,
    pub images: ImageSettings,
    /// The languages other than `language`, each with its shop texts, in the seller's order;
    /// codes in canonical BCP 47 form (`zh-Hans`, `pt-BR`).
    pub languages: Vec<(String, crate::translations::SiteTexts)>,
    /// Where pages are in the output: `""`, or `de/` for a site's German version (see
    /// [`crate::localize`]). Files (photos, styles) are shared by every language, at the root.
    pub page_prefix: String,
    /// Minify pages and CSS (see [`crate::minify`]).
    pub minify: bool,
    /// Write `.br` and `.gz` beside each text file (see [`crate::compress`]).
    pub compress: bool,
    /// The search page, the header's search box and the index they use (see [`crate::search`]).
    pub search: bool,
    /// The seller's analytics service; none unless they name one.
    pub analytics: Option<crate::analytics::Analytics>,
    /// The spec labels listings can be filtered by, as products write them (`Material`).
    pub filters: Vec<String>,
    /// The text it was read from, to place problems found later (a logo outside the site).
    pub source: Source,
}

/// The site's address: http(s), without spaces, ending in `/` so paths can follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks an address from `site.yaml` or `--base-url` and adds the trailing `/`.
    pub fn new(url: &str) -> Option<BaseUrl> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        if rest.is_empty() || url.chars().any(char::is_whitespace) {
            return None;
        }
        let mut url = url.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        Some(BaseUrl(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for BaseUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `#rgb` or `#rrggbb` colour, kept as written (that is what the theme's CSS shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Color {
    written: String,
    rgb: [u8; 3],
}

impl Color {
    pub fn parse(s: &str) -> Option<Color> {
        let h = s.strip_prefix('#')?;
        if !matches!(h.len(), 3 | 6) || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let full: String = if h.len() == 3 {
            h.chars().flat_map(|c| [c, c]).collect()
        } else {
            h.to_string()
        };
        let v = u32::from_str_radix(&full, 16).ok()?;
        Some(Color {
            written: s.to_string(),
            rgb: [(v >> 16) as u8, (v >> 8) as u8, v as u8],
        })
    }

    pub fn rgb(&self) -> [u8; 3] {
        self.rgb
    }

    pub fn white() -> Color {
        Color {
            written: "#ffffff".into(),
            rgb: [255; 3],
        }
    }

    pub fn black() -> Color {
        Color {
            written: "#000000".into(),
            rgb: [0; 3],
        }
    }

    pub fn as_str(&self) -> &str {
        &self.written
    }
}

impl Deref for Color {
    type Target = str;
    fn deref(&self) -> &str {
        &self.written
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

#[derive(Debug, Clone)]
pub struct Brand {
    pub logo: Option<String>,
    pub colors: Colors,
    pub fonts: Fonts,
    /// The corner radius of buttons, cards and photos (`0`, `6px`), when site.yaml sets one.
    pub radius: Option<String>,
    pub density: Density,
}

#[derive(Debug, Clone)]
pub struct Colors {
    pub primary: Color,
    pub accent: Color,
    pub background: Color,
    pub text: Color,
}

// The sections below are used as serde reads them: validation only checks them.

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    #[serde(default = "f_heading")]
    pub heading: Font,
    #[serde(default = "f_body")]
    pub body: Font,
}

/// A brand font: a CSS font list (`Georgia, serif`, fonts the visitor has), or a family of the
/// site's own WOFF2 files in `static/` which the theme loads with `@font-face`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Font {
    Stack(String),
    Files(FontFiles),
}

// By hand rather than `#[serde(untagged)]`, whose only message is "did not match any variant":
// a mapping is read as font files, so a missing `files:` or a misspelt key is named.
impl<'de> Deserialize<'de> for Font {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Font, D::Error> {
        struct FontVisitor;
        impl<'de> serde::de::Visitor<'de> for FontVisitor {
            type Value = Font;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a font list such as `Georgia, serif`, or {family: …, files: […]}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Font, E> {
                Ok(Font::Stack(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Font, A::Error> {
                FontFiles::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Font::Files)
            }
        }
        d.deserialize_any(FontVisitor)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FontFiles {
    /// The name the files are given in CSS (`Inter`).
    pub family: String,
    /// Below `static/`: `fonts/inter-400.woff2`, or `{path, weight, style}` for each face.
    pub files: Vec<FontFile>,
    /// What shows while the files load and for the characters they lack [default: system fonts].
    #[serde(default)]
    pub fallback: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FontFile {
    Path(String),
    Face {
        path: String,
        /// `400`, `700`, or a range `100 900` for a variable font [default: 400].
        #[serde(default)]
        weight: Option<FontWeight>,
        /// `normal` or `italic` [default: normal].
        #[serde(default)]
        style: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FontWeight {
    Number(u16),
    Range(String),
}

impl fmt::Display for FontWeight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FontWeight::Number(n) => write!(f, "{n}"),
            FontWeight::Range(r) => f.write_str(r),
        }
    }
}

impl FontFile {
    pub fn path(&self) -> &str {
        match self {
            FontFile::Path(p) | FontFile::Face { path: p, .. } => p,
        }
    }

    pub fn weight(&self) -> String {
        match self {
            FontFile::Face { weight: Some(w), .. } => w.to_string(),
            _ => "400".into(),
        }
    }

    pub fn style(&self) -> &str {
        match self {
            FontFile::Face { style: Some(s), .. } => s,
            _ => "normal",
        }
    }
}

impl Font {
    /// The CSS font list the theme sets text in: the family of the site's files first.
    pub fn stack(&self) -> String {
        match self {
            Font::Stack(s) => s.clone(),
            Font::Files(f) => format!(
                "\"{}\", {}",
                f.family,
                f.fallback.clone().unwrap_or_else(system_fonts)
            ),
        }
    }

    /// The site's own font files of this font (none for a font list).
    pub fn files(&self) -> &[FontFile] {
        match self {
            Font::Stack(_) => &[],
            Font::Files(f) => &f.files,
        }
    }
}

fn system_fonts() -> String {
    "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".into()
}
fn f_heading() -> Font {
    Font::Stack(system_fonts())
}
fn f_body() -> Font {
    Font::Stack(system_fonts())
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts {
            heading: f_heading(),
            body: f_body(),
        }
    }
}

/// How much room the theme leaves around things: `brand.density`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Density {
    Compact,
    #[default]
    Comfortable,
    Spacious,
}

impl Density {
    /// The factor the theme's spacing is multiplied by (`--density`).
    pub fn factor(self) -> &'static str {
        match self {
            Density::Compact => "0.75",
            Density::Comfortable => "1",
            Density::Spacious => "1.3",
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

#[derive(Debug, Clone)]
pub struct ImageSettings {
    pub widths: Vec<u32>,
    pub formats: Vec<ImageFormat>,
    pub quality: u8,
    /// Cropped, fixed-ratio copies for product grids (smaller than the whole photo scaled down).
    pub thumbnails: Thumbnails,
}

#[derive(Debug, Clone)]
pub struct Thumbnails {
    /// The crop's shape; `None` when thumbnails are off (`ratio: none`).
    pub ratio: Option<Ratio>,
    pub widths: Vec<u32>,
}

/// A thumbnail's shape, written `W:H` (`4:3`, `1:1`); both sides positive and finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    width: f64,
    height: f64,
}

impl Ratio {
    pub fn parse(s: &str) -> Option<Ratio> {
        let (w, h) = s.split_once(':')?;
        let (width, height) = (w.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?);
        let fine = |v: f64| v.is_finite() && v > 0.0;
        (fine(width) && fine(height)).then_some(Ratio { width, height })
    }

    /// Width divided by height.
    pub fn value(self) -> f64 {
        self.width / self.height
    }
}

impl SiteConfig {
    /// Parses and checks `site.yaml` text; `shown_as` is the name used in messages.
    pub fn parse(text: &str, shown_as: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let raw: raw::RawSiteConfig = yaml::parse(text, shown_as).map_err(|d| vec![d])?;
        let source = Source::new(shown_as, text);
        validate::validate(raw, source.clone()).map_err(|mut all| {
            all.iter_mut().for_each(|d| d.keep_text(&source));
            all
        })
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

    /// Every language of the site, the default first.
    pub fn all_languages(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.language.as_str()).chain(self.languages.iter().map(|(c, _)| c.as_str()))
    }

    /// Whether `code` is one of the site's languages other than the default.
    pub fn is_other_language(&self, code: &str) -> bool {
        self.languages.iter().any(|(c, _)| c == code)
    }

    pub fn company_name(&self) -> &str {
        self.company.name.as_deref().unwrap_or(&self.title)
    }
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
    fn base_url_gets_one_trailing_slash_and_must_be_a_web_address() {
        assert_eq!(
            BaseUrl::new("https://a.example").unwrap().as_str(),
            "https://a.example/"
        );
        assert_eq!(
            BaseUrl::new("http://a.example/x/").unwrap().as_str(),
            "http://a.example/x/"
        );
        for bad in ["ftp://a.example", "https://", "https://a b.example", "a.example"] {
            assert!(BaseUrl::new(bad).is_none(), "{bad}");
        }
        let c = SiteConfig::parse("title: S\nbase_url: https://a.example\n", Path::new("site.yaml")).unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://a.example/"));
        let e = SiteConfig::parse("title: S\nbase_url: www.a.example\n", Path::new("site.yaml")).unwrap_err();
        assert_eq!((e[0].field.as_deref(), e[0].line), (Some("base_url"), Some(2)));
    }

    #[test]
    fn colours_keep_their_spelling_and_know_their_value() {
        let c = Color::parse("#FA0").unwrap();
        assert_eq!((c.as_str(), c.rgb()), ("#FA0", [0xff, 0xaa, 0x00]));
        assert_eq!(Color::parse("#0f4c81").unwrap().rgb(), [0x0f, 0x4c, 0x81]);
        for bad in ["0f4c81", "#0f4c8", "#ggg", "red"] {
            assert!(Color::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn thumbnail_ratio_is_a_ratio_or_none() {
        let parse = |r: &str| {
            SiteConfig::parse(
                &format!("title: S\nimages:\n  thumbnails:\n    ratio: \"{r}\"\n"),
                Path::new("s"),
            )
        };
        assert_eq!(
            parse("4:3").unwrap().images.thumbnails.ratio.map(Ratio::value),
            Some(4.0 / 3.0)
        );
        assert_eq!(parse("none").unwrap().images.thumbnails.ratio, None);
        for bad in ["4/3", "0:1", "inf:1", "1:NaN", "wide"] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e[0].field.as_deref(), Some("images.thumbnails.ratio"), "{bad}");
            assert_eq!(e[0].line, Some(4), "{bad}");
        }
    }

    #[test]
    fn social_links_are_located_in_their_own_entry() {
        let e = SiteConfig::parse(
            "title: S\nsocial:\n  - {name: A, url: https://a.example}\n  - name: B\n    url: javascript:x\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert_eq!(e[0].field.as_deref(), Some("social[1].url"));
        assert_eq!((e[0].line, e[0].column), (Some(5), Some(5)));
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
