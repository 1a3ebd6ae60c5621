//! A product as a person would write its file: the format's field order, tiers and specs on
//! one line each in braces, `|` blocks for descriptions, quotes only where YAML needs them.
//! serde_yaml's own output quotes and nests differently from the examples sellers copy.

use crate::catalog::{ProductData, Spec};
use crate::config::PhotoSpec;
use std::fmt::Write;

/// The file's text; [`super::rows`]'s tests parse it back to the same product.
pub fn product_yaml(p: &ProductData) -> String {
    let mut o = String::new();
    line(&mut o, 0, "sku", &p.sku.0);
    line(&mut o, 0, "name", &p.name);
    opt(&mut o, 0, "slug", &p.slug);
    opt(&mut o, 0, "category", &p.category);
    let _ = writeln!(o, "featured: {}", p.featured);
    if !p.photos.is_empty() {
        o.push_str("photos:\n");
        for ph in &p.photos {
            photo(&mut o, ph);
        }
    }
    opt(&mut o, 0, "summary", &p.summary);
    opt(&mut o, 0, "description", &p.description);
    specs(&mut o, 0, &p.specs);
    if let Some(m) = &p.moq {
        let _ = writeln!(o, "moq: {{quantity: {}, unit: {}}}", m.quantity, flow(&m.unit));
    }
    if !p.price_tiers.is_empty() {
        o.push_str("price_tiers:\n");
        for t in &p.price_tiers {
            let max = t.max_qty.map(|m| format!(", max_qty: {m}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "  - {{min_qty: {}{max}, unit_price: {}}}",
                t.min_qty,
                number(t.unit_price)
            );
        }
    }
    opt(&mut o, 0, "currency", &p.currency);
    opt(&mut o, 0, "incoterm", &p.incoterm);
    if let Some(l) = &p.lead_time {
        let parts: Vec<String> = [("sample_days", l.sample_days), ("bulk_days", l.bulk_days)]
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
            .collect();
        let _ = writeln!(o, "lead_time: {{{}}}", parts.join(", "));
    }
    if let Some(s) = &p.samples {
        o.push_str("samples:\n");
        let _ = writeln!(o, "  available: {}", s.available);
        if let Some(fee) = s.fee {
            let _ = writeln!(o, "  fee: {}", number(fee));
        }
        opt(&mut o, 1, "note", &s.note);
    }
    list(&mut o, 0, "customization", &p.customization);
    let _ = writeln!(o, "oem: {}\nodm: {}", p.oem, p.odm);
    if let Some(k) = &p.packaging {
        o.push_str("packaging:\n");
        if let Some(u) = k.units_per_carton {
            let _ = writeln!(o, "  units_per_carton: {u}");
        }
        opt(
            &mut o,
            1,
            "carton_size",
            &k.carton_size.as_ref().map(|t| t.0.clone()),
        );
        opt(
            &mut o,
            1,
            "carton_weight",
            &k.carton_weight.as_ref().map(|t| t.0.clone()),
        );
        opt(&mut o, 1, "note", &k.note);
    }
    list(&mut o, 0, "payment_terms", &p.payment_terms);
    opt(&mut o, 0, "hs_code", &p.hs_code);
    if !p.tags.is_empty() {
        let tags: Vec<String> = p.tags.iter().map(|t| flow(t)).collect();
        let _ = writeln!(o, "tags: [{}]", tags.join(", "));
    }
    if !p.certifications.is_empty() {
        let names: Vec<String> = p.certifications.iter().map(|t| flow(t)).collect();
        let _ = writeln!(o, "certifications: [{}]", names.join(", "));
    }
    if p.draft {
        o.push_str("draft: true\n");
    }
    translations(&mut o, p);
    o
}

fn translations(o: &mut String, p: &ProductData) {
    if p.translations.is_empty() {
        return;
    }
    o.push_str("translations:\n");
    for (code, t) in &p.translations {
        let _ = writeln!(o, "  {}:", flow(code));
        opt(o, 2, "name", &t.name);
        opt(o, 2, "summary", &t.summary);
        opt(o, 2, "description", &t.description);
        specs(o, 2, &t.specs);
        list(o, 2, "customization", &t.customization);
        list(o, 2, "payment_terms", &t.payment_terms);
        for (key, note) in [("packaging", &t.packaging), ("samples", &t.samples)] {
            if let Some(n) = note {
                match &n.note {
                    Some(text) => {
                        let _ = writeln!(o, "    {key}: {{note: {}}}", flow(text));
                    }
                    None => {
                        let _ = writeln!(o, "    {key}: {{}}");
                    }
                }
            }
        }
        if !t.photos.is_empty() {
            o.push_str("    photos:\n");
            for a in &t.photos {
                match &a.alt {
                    Some(alt) => {
                        let _ = writeln!(o, "      - {{alt: {}}}", flow(alt));
                    }
                    None => o.push_str("      - {}\n"),
                }
            }
        }
    }
}

fn photo(o: &mut String, ph: &PhotoSpec) {
    if ph.alt.is_none() && ph.credit.is_none() && ph.license.is_none() && ph.focus.is_none() {
        let _ = writeln!(o, "  - {}", block_scalar(&ph.path, 4));
        return;
    }
    let _ = writeln!(o, "  - path: {}", block_scalar(&ph.path, 6));
    opt(o, 2, "alt", &ph.alt);
    opt(o, 2, "credit", &ph.credit);
    opt(o, 2, "license", &ph.license);
    opt(o, 2, "focus", &ph.focus.map(focus_text));
}

/// A focus point as the text `parse_focus` reads back to the same fractions.
pub fn focus_text((x, y): (f64, f64)) -> String {
    let word = |v: f64, low: &'static str, high: &'static str| match v {
        0.0 => Some(low),
        0.5 => Some("center"),
        1.0 => Some(high),
        _ => None,
    };
    match (word(x, "left", "right"), word(y, "top", "bottom")) {
        (Some("center"), Some("center")) => "center".into(),
        (Some(h), Some("center")) => h.into(),
        (Some("center"), Some(v)) => v.into(),
        (Some(h), Some(v)) => format!("{v} {h}"),
        // Rounded: 0.3 × 100 is 30.000000000000004, and "30%" reads back as 0.3 exactly.
        _ => {
            let pct = |v: f64| number((v * 1e8).round() / 1e6);
            format!("{}% {}%", pct(x), pct(y))
        }
    }
}

fn specs(o: &mut String, level: usize, specs: &[Spec]) {
    if specs.is_empty() {
        return;
    }
    let pad = "  ".repeat(level);
    let _ = writeln!(o, "{pad}specs:");
    for s in specs {
        let _ = writeln!(
            o,
            "{pad}  - {{label: {}, value: {}}}",
            flow(&s.label.0),
            flow(&s.value.0)
        );
    }
}

fn list(o: &mut String, level: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let pad = "  ".repeat(level);
    let _ = writeln!(o, "{pad}{key}:");
    for i in items {
        let _ = writeln!(o, "{pad}  - {}", block_scalar(i, level * 2 + 4));
    }
}

fn opt(o: &mut String, level: usize, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        line(o, level, key, v);
    }
}

fn line(o: &mut String, level: usize, key: &str, v: &str) {
    let pad = "  ".repeat(level);
    let _ = writeln!(o, "{pad}{key}: {}", block_scalar(v, level * 2 + 2));
}

/// A number as short as it reads back exactly: `15`, `3.95`, `0.1`.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let short = format!("{}", (v * 1e6).round() / 1e6);
    if short.parse::<f64>() == Ok(v) {
        short
    } else {
        format!("{v}")
    }
}

/// A value in block context: plain when YAML reads it back as this very text, a `|` block for
/// lines of text, else double-quoted.
fn block_scalar(s: &str, indent: usize) -> String {
    if s.contains('\n') {
        return literal(s, indent).unwrap_or_else(|| quoted(s));
    }
    if plain_ok(s, false) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A value inside `{…}` or `[…]`, where commas and brackets end a plain scalar.
fn flow(s: &str) -> String {
    if plain_ok(s, true) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A `|` block, when every line can be written as it is (no trailing spaces, no tabs or
/// control characters, no leading space on the first line, which would set the indentation).
fn literal(s: &str, indent: usize) -> Option<String> {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    if body.is_empty()
        || body.starts_with(' ')
        || body.chars().any(|c| c.is_control() && c != '\n')
        || body.lines().any(|l| l.ends_with(' ') || l.ends_with('\r'))
    {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for l in body.split('\n') {
        out.push('\n');
        if !l.is_empty() {
            out.push_str(&pad);
            out.push_str(l);
        }
    }
    // `|+` keeps the blank lines after the text: they are written as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(out)
}

/// Whether `s` can be written bare: conservative rules, then YAML itself as the judge (a
/// bare `00123`, `yes` or `4911.91` would come back as a number or a boolean, not this text).
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars()
            .any(|c| c.is_control() || c == '\u{feff}' || c == '\u{85}')
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    // Number-like text (`00123`, `1_000`, `0x1F`, `12:30`) is a number to YAML 1.1 readers,
    // even where serde_yaml's YAML 1.2 reads it as text: quoted, every tool keeps the text.
    if s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || "._+-:eExXoObB".contains(c))
    {
        return false;
    }
    let doc = if in_flow {
        format!("[{s}]")
    } else {
        format!("- {s}")
    };
    matches!(
        serde_yaml::from_str::<Vec<serde_yaml::Value>>(&doc).as_deref(),
        Ok([serde_yaml::Value::String(back)]) if back == s
    )
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(s: &str) -> String {
        let doc = format!("k: {}\n", block_scalar(s, 2));
        let v: std::collections::BTreeMap<String, String> = serde_yaml::from_str(&doc).unwrap();
        v["k"].clone()
    }

    #[test]
    fn texts_read_back_as_written() {
        for s in [
            "00123",
            "6403.90",
            "yes",
            "null",
            "~",
            "a: b",
            "#1",
            "- x",
            "Giclée, 6-colour",
            "ends with space ",
            "two\nlines\n",
            "no newline\nat end",
            "trailing\n\n\n",
            " indented\nfirst",
            "tab\there",
            "quote \" and \\ back",
            "",
            "@home",
            "100%",
        ] {
            assert_eq!(back(s), s, "{s:?}");
        }
    }

    #[test]
    fn number_like_codes_are_quoted_for_every_yaml_reader() {
        for code in ["00123", "6403.90", "1_000", "0x1F", "12:30", "1e3"] {
            assert_eq!(block_scalar(code, 2), format!("\"{code}\""));
        }
        assert_eq!(block_scalar("A4 poster", 2), "A4 poster");
    }

    #[test]
    fn numbers_are_short_and_exact() {
        assert_eq!(number(15.0), "15");
        assert_eq!(number(3.40), "3.4");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(10.3), "10.3");
    }

    #[test]
    fn focus_reads_back() {
        for f in ["center", "top", "bottom left", "30% 20%", "33.3% 70%"] {
            let v = crate::config::parse_focus(f).unwrap();
            assert_eq!(crate::config::parse_focus(&focus_text(v)), Some(v), "{f}");
        }
    }
}
