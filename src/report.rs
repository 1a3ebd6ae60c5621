//! Showing problems to a person: the file, a few lines of it with the spot marked, and what to do.

use crate::error::Diagnostic;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError, MietteSpanContents,
    Severity, SourceCode, SourceSpan, SpanContents,
};
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
    // The text the problem was found in; read from the file only when none was kept.
    let source = d.line.and_then(|line| match d.text() {
        Some(t) => Some((t.to_string(), line)),
        None => site_root
            .and_then(|root| std::fs::read_to_string(root.join(&d.file)).ok())
            .map(|t| (t, line)),
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
                let len = match d.length {
                    // Exactly the marked expression (a template's `page.subtitel`), within its line.
                    Some(chars) => {
                        let line = mark_len(&text[off..])
                            .max(text[off..].find(['\n', '\r']).unwrap_or(text.len() - off));
                        text[off..]
                            .char_indices()
                            .nth(chars)
                            .map_or(text.len() - off, |(i, _)| i)
                            .min(line.max(1))
                    }
                    None => mark_len(&text[off..]),
                };
                let m = m.with_label(LabeledSpan::at(off..off + len, "here"));
                let src = CharColumns {
                    name: d.file.display().to_string(),
                    text,
                };
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

/// Byte offset of 1-based `line`, `column` (in characters) in `text`; a column past the end
/// of its line is the line's end, never a place on the next line.
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
    let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let col = rest[..line_len]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_len, |(i, _)| i);
    Some(start + col)
}

/// Bytes to mark from the spot: the rest of its line, at most 60 characters; at least the line
/// break when the spot is at the end of a line, nothing at the end of the text.
fn mark_len(from: &str) -> usize {
    let line = &from[..from.find(['\n', '\r']).unwrap_or(from.len())];
    let end = line.char_indices().nth(60).map_or(line.len(), |(i, _)| i);
    end.max(1).min(from.len())
}

/// The file's text for miette, whose snippet header (`╭─[file:line:column]`) would count the
/// column in bytes: after `Größe` or Urdu text it then disagreed with the message's own
/// `file:line:column`, which counts characters. The marker itself is drawn by display width,
/// so it stands under the right character even after wide (CJK) ones; columns stay characters,
/// as editors count them, not display widths.
struct CharColumns {
    name: String,
    text: String,
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let column = if inner.column() == 0 {
            0
        } else {
            let at = span.offset().min(self.text.len());
            let line_start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            self.text.get(line_start..at).map_or(0, |s| s.chars().count())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
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
        assert_eq!(
            offset("ab\ncd\n", 1, 9),
            Some(2),
            "past the end: the end of the line"
        );
    }

    #[test]
    fn the_mark_ends_on_a_character_boundary() {
        let long = "ö".repeat(100);
        assert_eq!(mark_len(&long), 120);
        assert_eq!(mark_len("\n"), 1);
        assert_eq!(mark_len(""), 0);
    }

    #[test]
    fn snippet_header_counts_characters_like_the_message() {
        let dir = tempfile::tempdir().unwrap();
        for (column, wide) in [(18, "name: Größe گول کیپر"), (8, "name: 足球足球 x")] {
            std::fs::write(dir.path().join("p.yaml"), format!("{wide}\nsku: A\n")).unwrap();
            let d = Diagnostic::new("p.yaml", "here").at(1, column);
            let out = render(&d, Level::Error, Some(dir.path()), false);
            assert!(out.contains(&format!("p.yaml:1:{column}: here")), "{out}");
            assert!(out.contains(&format!("[p.yaml:1:{column}]")), "{out}");
        }
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
