//! Colour contrast as WCAG 2 measures it: which text colour a brand colour needs, and whether a
//! pair of brand colours can be read. Colours come parsed ([`Color`], checked by config).

use crate::config::Color;

/// WCAG AA for body text: the ratio below which a pair of colours is hard to read.
pub const AA: f64 = 4.5;

/// WCAG relative luminance, 0 (black) to 1 (white).
fn luminance(c: &Color) -> f64 {
    let [r, g, b] = c.rgb().map(|c| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

/// The contrast ratio of two colours, 1 (none) to 21 (black on white).
pub fn ratio(a: &Color, b: &Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour for a button or bar filled with `fill`: white while it is readable (most
/// brand colours are dark), otherwise the site's own text colour if that is readable, else black.
pub fn text_on(fill: &Color, site_text: &Color) -> String {
    let readable = |c: &Color| ratio(fill, c) >= AA;
    let (white, black) = (Color::white(), Color::black());
    if readable(&white) {
        white.to_string()
    } else if readable(site_text) {
        site_text.to_string()
    } else {
        black.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Color {
        Color::parse(s).unwrap()
    }

    #[test]
    fn ratios_match_wcag() {
        assert!((ratio(&c("#000"), &c("#fff")) - 21.0).abs() < 1e-9);
        assert!((ratio(&c("#777777"), &c("#ffffff")) - 4.48).abs() < 0.01);
        assert!((ratio(&c("#F2B134"), &c("#ffffff")) - 1.9).abs() < 0.05);
    }

    #[test]
    fn light_fills_get_dark_text() {
        assert_eq!(text_on(&c("#F2B134"), &c("#1d232b")), "#1d232b");
        assert_eq!(text_on(&c("#F2B134"), &c("#9a9a9a")), "#000000");
        assert_eq!(text_on(&c("#1f4e5f"), &c("#1d232b")), "#ffffff");
    }
}
