//! What serde cannot check in `site.yaml` (colours, URLs, dates, image settings), section by
//! section, turning the raw text into typed values; every problem is placed on its field's line.

use super::raw::{RawBrand, RawImages, RawSiteConfig};
use super::{BaseUrl, Brand, Color, Colors, Company, Contact, ImageFormat, ImageSettings, Ratio, SiteConfig};
use super::{Font, SocialLink, Thumbnails};
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
    // Whether the theme exists depends on the site's own `themes/`: `Theme::load` says.
    let base_url = check.base_url(raw.base_url);
    check.contact(&raw.contact);
    check.company(&raw.company);
    check.per_page(raw.per_page);
    let images = check.images(raw.images);
    check.social(&raw.social);
    check.filters(&raw.filters);
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
        filters: raw.filters.iter().map(|f| f.trim().to_string()).collect(),
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

    /// A filter names a spec: an empty name names none.
    fn filters(&mut self, filters: &[String]) {
        for (i, f) in filters.iter().enumerate() {
            if f.trim().is_empty() {
                let field = format!("filters[{i}]");
                self.problems.push(
                    Diagnostic::new(self.source.file(), format!("filter {} is empty", i + 1))
                        .field(field.clone())
                        .help("name a spec label products use, e.g. filters: [Material, Size]")
                        .located(self.source.field(&field).or_else(|| self.source.key("filters"))),
                );
            }
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
        for (name, font) in [("heading", &raw.fonts.heading), ("body", &raw.fonts.body)] {
            self.font(name, font);
        }
        let radius = raw.radius.as_ref().map(|r| r.css());
        if let Some(radius) = &radius {
            if !is_css_length(radius) {
                self.bad(
                    "brand.radius",
                    format!("`{radius}` is not a length"),
                    "write a length such as 0, 6px or .5rem",
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
            radius,
            density: raw.density,
        })
    }

    /// A font list, or a family of WOFF2 files (whether they exist is checked with the site's
    /// files, in `Site::load`).
    fn font(&mut self, name: &str, font: &Font) {
        let field = format!("brand.fonts.{name}");
        match font {
            Font::Stack(stack) => {
                if !is_font_stack(stack) {
                    self.bad(
                        &field,
                        format!("`{stack}` is not a font list"),
                        "use font names separated by commas, e.g. Georgia, \"Times New Roman\", serif",
                    );
                }
            }
            Font::Files(f) => {
                if f.family.trim().is_empty()
                    || f.family.contains(['"', '\'', ','])
                    || !is_font_stack(&f.family)
                {
                    self.bad(
                        &format!("{field}.family"),
                        format!("`{}` is not a font name", f.family),
                        "name the family with letters, digits, spaces and dashes, e.g. Inter",
                    );
                }
                if let Some(fallback) = f.fallback.as_deref().filter(|s| !is_font_stack(s)) {
                    self.bad(
                        &format!("{field}.fallback"),
                        format!("`{fallback}` is not a font list"),
                        "use font names separated by commas, e.g. system-ui, sans-serif",
                    );
                }
                if f.files.is_empty() {
                    self.bad(
                        &format!("{field}.files"),
                        "no font files".into(),
                        "name the WOFF2 files in static/, e.g. files: [fonts/inter-400.woff2]",
                    );
                }
                for (i, file) in f.files.iter().enumerate() {
                    let weight_ok = file
                        .weight()
                        .split(' ')
                        .all(|w| w.parse::<u16>().is_ok_and(|n| (1..=1000).contains(&n)));
                    if !weight_ok {
                        self.bad(&format!("{field}.files[{i}].weight"), format!("`{}` is not a font weight", file.weight()), "write a weight from 1 to 1000 (400 regular, 700 bold), or a range such as 100 900");
                    }
                    if !matches!(file.style(), "normal" | "italic") {
                        self.bad(
                            &format!("{field}.files[{i}].style"),
                            format!("`{}` is not a font style", file.style()),
                            "write normal or italic",
                        );
                    }
                }
            }
        }
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

/// A corner radius reaches a `<style>` element: a number and a unit, nothing else.
fn is_css_length(s: &str) -> bool {
    let unit_at = s
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(unit_at);
    number.parse::<f64>().is_ok_and(|n| n >= 0.0)
        && (matches!(unit, "px" | "rem" | "em" | "%")
            || (unit.is_empty() && number.parse::<f64>() == Ok(0.0)))
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
