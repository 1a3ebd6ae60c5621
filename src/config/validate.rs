//! What serde cannot check in `site.yaml` (colours, URLs, dates, image settings), section by
//! section, turning the raw text into typed values; every problem is placed on its field's line.

use super::raw::{RawBrand, RawImages, RawSiteConfig};
use super::{BaseUrl, Brand, Color, Colors, Company, Contact, ImageFormat, ImageSettings, Ratio, SiteConfig};
use super::{SocialLink, Thumbnails};
use crate::error::Diagnostic;
use crate::source::Source;

pub(super) fn validate(raw: RawSiteConfig, source: Source) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut check = Check {
        source: &source,
        problems: Vec::new(),
    };
    // In the order the fields are usually written, so the list reads down the file.
    check.title(&raw.title);
    let brand = check.brand(raw.brand);
    check.theme(&raw.theme);
    let base_url = check.base_url(raw.base_url);
    check.contact(&raw.contact);
    check.company(&raw.company);
    check.per_page(raw.per_page);
    let images = check.images(raw.images);
    check.social(&raw.social);
    let language = check.language("language", &raw.language);
    let languages = check.languages(&language, raw.languages, &raw.company);
    let analytics = match raw.analytics {
        Some(a) => match crate::analytics::Analytics::check(a, host(&base_url), &source) {
            Ok(a) => Some(a),
            Err(d) => {
                check.problems.extend(d);
                None
            }
        },
        None => None,
    };
    let (Some(brand), Some(images), Some(base_url), true) =
        (brand, images, base_url, check.problems.is_empty())
    else {
        return Err(check.problems);
    };
    Ok(SiteConfig {
        title: raw.title,
        description: raw.description,
        language,
        base_url,
        theme: raw.theme,
        clean_links: raw.clean_links,
        unsafe_html: raw.unsafe_html,
        currency: raw.currency,
        per_page: raw.per_page,
        brand,
        company: raw.company,
        contact: raw.contact,
        social: raw.social,
        images,
        languages,
        page_prefix: String::new(),
        // Without the `minify` cargo feature there is no minifier: pages are written as made.
        minify: raw.minify && cfg!(feature = "minify"),
        compress: raw.compress,
        search: raw.search,
        analytics,
        source,
    })
}

struct Check<'a> {
    source: &'a Source,
    problems: Vec<Diagnostic>,
}

impl Check<'_> {
    /// A language code in canonical form; a malformed one is a problem (and kept as written).
    fn language(&mut self, field: &str, code: &str) -> String {
        match crate::translations::canonical_language(code) {
            Ok(c) => c,
            Err((message, help)) => {
                self.bad(field, message, &help);
                code.to_string()
            }
        }
    }

    fn languages(
        &mut self,
        default: &str,
        raw: crate::translations::Ordered<crate::translations::SiteTexts>,
        company: &Company,
    ) -> Vec<(String, crate::translations::SiteTexts)> {
        let mut out: Vec<(String, crate::translations::SiteTexts)> = Vec::new();
        for (code, texts) in raw.0 {
            let field = format!("languages.{code}");
            let canonical = self.language(&field, &code);
            if canonical == default {
                self.bad(
                    &field,
                    format!("`{code}` is the site's default language (`language: {default}`)"),
                    "list only the other languages under languages:",
                );
            } else if out.iter().any(|(c, _)| *c == canonical) {
                self.bad(
                    &field,
                    format!("`{code}` is listed twice under languages:"),
                    "keep one entry per language",
                );
            }
            let counts = [
                (
                    "certifications",
                    texts.company.certifications.len(),
                    company.certifications.len(),
                ),
                ("photos", texts.company.photos.len(), company.photos.len()),
            ];
            for (what, theirs, ours) in counts {
                if theirs > ours {
                    self.bad(
                        &format!("{field}.company.{what}"),
                        format!("{theirs} translated {what}, but company.{what} has {ours}"),
                        "translate each entry of the list in the same order, and no more",
                    );
                }
            }
            out.push((canonical, texts));
        }
        out
    }

    fn bad(&mut self, field: &str, message: String, help: &str) {
        let d = Diagnostic::new(self.source.file(), message)
            .field(field)
            .help(help)
            .located(self.source.field(field));
        self.problems.push(d);
    }

    fn title(&mut self, title: &str) {
        if title.trim().is_empty() {
            self.bad("title", "the title is empty".into(), "give the shop's name");
        }
    }

    fn theme(&mut self, theme: &str) {
        let names = crate::theme::names();
        if !names.contains(&theme) {
            self.bad(
                "theme",
                format!("there is no theme `{theme}`"),
                &format!("built-in themes: {}", names.join(", ")),
            );
        }
    }

    fn per_page(&mut self, per_page: usize) {
        if per_page == 0 {
            self.bad(
                "per_page",
                "per_page must be at least 1".into(),
                "e.g. per_page: 24",
            );
        }
    }

    fn brand(&mut self, raw: RawBrand) -> Option<Brand> {
        let c = raw.colors;
        let mut color = |name: &str, value: String| {
            let parsed = Color::parse(&value);
            if parsed.is_none() {
                self.bad(
                    &format!("brand.colors.{name}"),
                    format!("`{value}` is not a colour"),
                    "write colours as #rrggbb, e.g. \"#0f4c81\" (quoted, because # starts a comment)",
                );
            }
            parsed
        };
        let colors = (
            color("primary", c.primary),
            color("accent", c.accent),
            color("background", c.background),
            color("text", c.text),
        );
        for (name, value) in [("heading", &raw.fonts.heading), ("body", &raw.fonts.body)] {
            if !is_font_stack(value) {
                self.bad(
                    &format!("brand.fonts.{name}"),
                    format!("`{value}` is not a font list"),
                    "use font names separated by commas, e.g. Georgia, \"Times New Roman\", serif",
                );
            }
        }
        let (Some(primary), Some(accent), Some(background), Some(text)) = colors else {
            return None;
        };
        Some(Brand {
            logo: raw.logo,
            colors: Colors {
                primary,
                accent,
                background,
                text,
            },
            fonts: raw.fonts,
        })
    }

    /// `None` when the URL is refused; `Some(None)` when there is none.
    fn base_url(&mut self, raw: Option<String>) -> Option<Option<BaseUrl>> {
        let Some(url) = raw else {
            return Some(None);
        };
        let parsed = BaseUrl::new(&url);
        if parsed.is_none() {
            self.bad(
                "base_url",
                format!("`{url}` is not an http(s) URL"),
                "e.g. https://www.example.com/",
            );
        }
        parsed.map(Some)
    }

    fn contact(&mut self, contact: &Contact) {
        if let Some(url) = &contact.form_endpoint {
            if !is_web_url(url) {
                self.bad(
                    "contact.form_endpoint",
                    format!("`{url}` is not an http(s) URL"),
                    "the form service gives you an https:// address",
                );
            }
        }
    }

    fn company(&mut self, company: &Company) {
        for (i, c) in company.certifications.iter().enumerate() {
            if let Some(until) = &c.valid_until {
                if until.date().is_none() {
                    self.bad(
                        &format!("company.certifications[{i}].valid_until"),
                        format!("`{}` is not a date", until.text()),
                        "write dates as YYYY-MM-DD, e.g. 2027-06-30",
                    );
                }
            }
        }
    }

    fn images(&mut self, raw: RawImages) -> Option<ImageSettings> {
        if raw.widths.is_empty() || raw.widths.iter().any(|&w| w == 0 || w > 8192) {
            self.bad(
                "images.widths",
                "widths must be a non-empty list of numbers from 1 to 8192".into(),
                "e.g. widths: [480, 960, 1600]",
            );
        }
        if raw.formats.is_empty() {
            self.bad(
                "images.formats",
                "formats must list at least one format".into(),
                "e.g. formats: [webp, jpeg]",
            );
        } else if raw.formats.last() == Some(&ImageFormat::Avif) {
            self.bad(
                "images.formats",
                "avif cannot be the last format: the last one is the <img> every browser must show, and older browsers cannot show AVIF".into(),
                "list avif first and a fallback after it, e.g. formats: [avif, webp, jpeg]",
            );
        }
        let t = raw.thumbnails;
        // `None` turns thumbnails off.
        let ratio = match t.ratio.as_str() {
            "none" => Ok(None),
            written => Ratio::parse(written).map(Some).ok_or(()),
        };
        if ratio.is_err() {
            self.bad(
                "images.thumbnails.ratio",
                format!("`{}` is not a ratio", t.ratio),
                "write it as width:height, e.g. \"4:3\" or \"1:1\" (quoted), or none",
            );
        }
        if t.widths.iter().any(|&w| w == 0 || w > 4096) {
            self.bad(
                "images.thumbnails.widths",
                "thumbnail widths must be from 1 to 4096".into(),
                "e.g. widths: [320, 640]",
            );
        }
        if !(1..=100).contains(&raw.quality) {
            self.bad(
                "images.quality",
                format!("quality {} is outside 1-100", raw.quality),
                "80 is a good balance of size and sharpness",
            );
        }
        Some(ImageSettings {
            widths: raw.widths,
            formats: raw.formats,
            quality: raw.quality,
            thumbnails: Thumbnails {
                ratio: ratio.ok()?,
                widths: t.widths,
            },
        })
    }

    fn social(&mut self, social: &[SocialLink]) {
        for (i, s) in social.iter().enumerate() {
            if !is_safe_link(&s.url) {
                self.bad(
                    &format!("social[{i}].url"),
                    format!("`{}` is not an http(s), mailto or tel link", s.url),
                    "links must start with https://, http://, mailto: or tel:",
                );
            }
        }
    }
}

/// The host of a checked base_url (`https://shop.example/sub/` → `shop.example`).
fn host(base_url: &Option<Option<BaseUrl>>) -> Option<&str> {
    let url = base_url.as_ref()?.as_ref()?.as_str();
    let rest = url.split_once("://")?.1;
    rest.split(['/', ':']).next().filter(|h| !h.is_empty())
}

/// Font stacks reach a `<style>` element: allow only what font names need.
fn is_font_stack(s: &str) -> bool {
    !s.trim().is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '-' | '"' | '\'' | '_'))
}

pub(super) fn is_web_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.chars().any(char::is_whitespace)
}

fn is_safe_link(s: &str) -> bool {
    is_web_url(s) || s.starts_with("mailto:") || s.starts_with("tel:")
}
