//! Colour contrast as WCAG 2 measures it: which text colour a brand colour needs, and whether a
//! pair of brand colours can be read.

/// WCAG AA for body text: the ratio below which a pair of colours is hard to read.
pub const AA: f64 = 4.5;

/// `#rgb` or `#rrggbb` → red, green, blue (config validation has checked the form).
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let h = hex.strip_prefix('#')?;
    let digit = |i: usize, len: usize| u8::from_str_radix(h.get(i..i + len)?, 16).ok();
    match h.len() {
        3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
        6 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
        _ => None,
    }
}

/// WCAG relative luminance, 0 (black) to 1 (white).
fn luminance(hex: &str) -> Option<f64> {
    let [r, g, b] = rgb(hex)?.map(|c| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    Some(0.2126 * r + 0.7152 * g + 0.0722 * b)
}

/// The contrast ratio of two colours, 1 (none) to 21 (black on white); `None` for a non-colour.
pub fn ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// The text colour for a button or bar filled with `fill`: white while it is readable (most
/// brand colours are dark), otherwise the site's own text colour if that is readable, else black.
pub fn text_on(fill: &str, site_text: &str) -> String {
    let readable = |c: &str| ratio(fill, c).is_some_and(|r| r >= AA);
    if readable("#ffffff") {
        "#ffffff".into()
    } else if readable(site_text) {
        site_text.into()
    } else {
        "#000000".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_match_wcag() {
        assert!((ratio("#000", "#fff").unwrap() - 21.0).abs() < 1e-9);
        assert!((ratio("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert!((ratio("#F2B134", "#ffffff").unwrap() - 1.9).abs() < 0.05);
        assert_eq!(ratio("red", "#fff"), None);
    }

    #[test]
    fn light_fills_get_dark_text() {
        assert_eq!(text_on("#F2B134", "#1d232b"), "#1d232b");
        assert_eq!(text_on("#F2B134", "#9a9a9a"), "#000000");
        assert_eq!(text_on("#1f4e5f", "#1d232b"), "#ffffff");
    }
}
