//! Showing problems to a person: the file, a few lines of it with the spot marked, and what to do.

use crate::error::Diagnostic;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Severity};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// Renders `d` with a source snippet when the file can be read from `site_root` and has a line.
pub fn render(d: &Diagnostic, level: Level, site_root: Option<&Path>, color: bool) -> String {
    let title = match &d.field {
        Some(f) => format!("`{f}`: {}", d.message),
        None => d.message.clone(),
    };
    let location = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file.display()),
        (Some(l), None) => format!("{}:{l}", d.file.display()),
        _ => d.file.display().to_string(),
    };
    let mut m = MietteDiagnostic::new(format!("{location}: {title}")).with_severity(match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
    });
    if let Some(h) = &d.help {
        m = m.with_help(h.clone());
    }
    let source = site_root.zip(d.line).and_then(|(root, line)| {
        std::fs::read_to_string(root.join(&d.file))
            .ok()
            .map(|t| (t, line))
    });
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    let rendered = match source {
        Some((text, line)) => match offset(&text, line, d.column.unwrap_or(1)) {
            Some(off) => {
                let line_len = text[off..].find(['\n', '\r']).unwrap_or(text.len() - off);
                let len = match d.length {
                    Some(chars) => text[off..]
                        .char_indices()
                        .nth(chars)
                        .map_or(text.len() - off, |(i, _)| i)
                        .min(line_len.max(1)),
                    None => line_len.clamp(1, 60),
                };
                let m = m.with_label(LabeledSpan::at(off..off + len, "here"));
                let src = NamedSource::new(d.file.display().to_string(), text);
                let report = miette::Report::new(m).with_source_code(src);
                handler.render_report(&mut out, report.as_ref())
            }
            None => handler.render_report(&mut out, &m),
        },
        None => handler.render_report(&mut out, &m),
    };
    if rendered.is_err() {
        // Rendering into a String cannot fail in practice; fall back to the one-line form.
        return d.to_string();
    }
    out
}

/// Byte offset of 1-based `line`, `column` (in characters) in `text`.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    if start > text.len() {
        return None;
    }
    let rest = &text[start..];
    let col = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    Some(start + col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_the_spot() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.yaml"), "sku: A\nnme: B\n").unwrap();
        let d = Diagnostic::new("p.yaml", "unknown field `nme`")
            .at(2, 1)
            .help("did you mean `name`?");
        let out = render(&d, Level::Error, Some(dir.path()), false);
        assert!(out.contains("p.yaml:2:1"), "{out}");
        assert!(out.contains("nme: B"), "{out}");
        assert!(out.contains("did you mean `name`?"), "{out}");
    }

    #[test]
    fn offsets_count_characters() {
        assert_eq!(offset("ab\nçd\n", 2, 2), Some(5));
        assert_eq!(offset("ab\n", 1, 1), Some(0));
    }
}

/// `n` and the noun, plural unless there is one: "1 product", "12 products", "1 category",
/// "3 categories". Nouns are minisite's own English words, so these two rules cover them.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod count_tests {
    use super::count;

    #[test]
    fn one_is_singular_and_y_becomes_ies() {
        assert_eq!(count(1, "product"), "1 product");
        assert_eq!(count(0, "product"), "0 products");
        assert_eq!(count(47, "product"), "47 products");
        assert_eq!(count(1, "category"), "1 category");
        assert_eq!(count(5, "category"), "5 categories");
    }
}
