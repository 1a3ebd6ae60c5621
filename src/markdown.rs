//! Markdown → HTML for descriptions, about texts and pages, with raw HTML and script links defused.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders markdown. Unless `allow_html`, raw HTML is shown as text and links or images
/// whose scheme could run script (`javascript:`, `data:`, `vbscript:`) point nowhere.
/// Unless `clean_links`, relative links to a folder (`../faq/`) get `index.html`, as the
/// theme's own links do, so they also work opened from disk.
pub fn to_html(src: &str, allow_html: bool, clean_links: bool) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let events = Parser::new_ext(src, opts).map(|ev| {
        let ev = match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !clean_links => Event::Start(Tag::Link {
                link_type,
                dest_url: with_index(dest_url),
                title,
                id,
            }),
            other => other,
        };
        if allow_html {
            return ev;
        }
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: defuse(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: defuse(dest_url),
                title,
                id,
            }),
            other => other,
        }
    });
    let mut out = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn with_index(url: CowStr<'_>) -> CowStr<'_> {
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(path_end);
    let relative = !path.contains(':') && !path.starts_with('/');
    if relative && path.ends_with('/') {
        CowStr::Boxed(format!("{path}index.html{rest}").into_boxed_str())
    } else {
        url
    }
}

fn defuse(url: CowStr<'_>) -> CowStr<'_> {
    // Browsers ignore whitespace and control characters inside a scheme: strip them before judging.
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme =
        url.contains(':') && !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#');
    if has_scheme && !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel") {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// Plain text of markdown, for meta descriptions.
pub fn to_plain(src: &str) -> String {
    let mut out = String::new();
    for ev in Parser::new(src) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_by_default() {
        let h = to_html("hi <script>alert(1)</script>", false, false);
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;"));
    }

    #[test]
    fn script_links_are_defused() {
        let h = to_html(
            "[x](javascript:alert(1)) [y](JaVa\tscript:alert(1)) [z](https://ok.example/)",
            false,
            false,
        );
        assert!(!h.to_lowercase().contains("javascript"), "{h}");
        assert!(h.contains("https://ok.example/"));
    }

    #[test]
    fn relative_links_are_kept() {
        assert!(to_html("[a](../faq/#moq)", false, true).contains("\"../faq/#moq\""));
        assert!(to_html("[a](../faq/#moq)", false, false).contains("\"../faq/index.html#moq\""));
        assert!(to_html("[a](https://x.example/)", false, false).contains("\"https://x.example/\""));
    }

    #[test]
    fn html_is_kept_when_allowed() {
        assert!(to_html("<b>x</b>", true, false).contains("<b>x</b>"));
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(to_plain("**Bold** and _it_.\n\n- a\n- b"), "Bold and it. a b");
    }
}
