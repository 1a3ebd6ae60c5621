//! The shapes serde reads `site.yaml` into, with their defaults; unknown fields are refused so a
//! typo is named. Values that need checking stay text here: [`super::validate`] types them.

use super::{Company, Contact, Fonts, ImageFormat, SocialLink};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSiteConfig {
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
    pub brand: RawBrand,
    #[serde(default)]
    pub company: Company,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub social: Vec<SocialLink>,
    #[serde(default)]
    pub images: RawImages,
    /// The site's other languages, in the order the seller wrote them.
    #[serde(default)]
    pub languages: crate::translations::Ordered<crate::translations::SiteTexts>,
    /// Pages and CSS as small as they can be written; on unless the seller turns it off.
    #[serde(default = "default_minify")]
    pub minify: bool,
    /// `.br` and `.gz` copies beside each text file, for hosts that serve them as they are.
    #[serde(default)]
    pub compress: bool,
    /// The search page and box, with their index; on unless the seller turns it off.
    #[serde(default = "default_search")]
    pub search: bool,
    #[serde(default)]
    pub analytics: Option<crate::analytics::RawAnalytics>,
    /// Spec labels listings can be filtered by (`filters: [Material, Size]`).
    #[serde(default)]
    pub filters: Vec<String>,
}

fn default_minify() -> bool {
    true
}

fn default_search() -> bool {
    true
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBrand {
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub colors: RawColors,
    #[serde(default)]
    pub fonts: Fonts,
    #[serde(default)]
    pub radius: Option<RawLength>,
    #[serde(default)]
    pub density: super::Density,
}

/// A CSS length as written: `6px`, or a bare number (`0`, `6`: pixels).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawLength {
    Number(f64),
    Text(String),
}

impl RawLength {
    pub fn css(&self) -> String {
        match self {
            RawLength::Number(n) if *n == 0.0 => "0".into(),
            RawLength::Number(n) => format!("{n}px"),
            RawLength::Text(t) => t.trim().to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawColors {
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

impl Default for RawColors {
    fn default() -> Self {
        RawColors {
            primary: c_primary(),
            accent: c_accent(),
            background: c_background(),
            text: c_text(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImages {
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    #[serde(default = "default_formats")]
    pub formats: Vec<ImageFormat>,
    #[serde(default = "default_quality")]
    pub quality: u8,
    #[serde(default)]
    pub thumbnails: RawThumbnails,
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

impl Default for RawImages {
    fn default() -> Self {
        RawImages {
            widths: default_widths(),
            formats: default_formats(),
            quality: default_quality(),
            thumbnails: RawThumbnails::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThumbnails {
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

impl Default for RawThumbnails {
    fn default() -> Self {
        RawThumbnails {
            ratio: default_ratio(),
            widths: default_thumb_widths(),
        }
    }
}
