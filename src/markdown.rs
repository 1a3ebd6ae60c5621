//! Markdown → HTML for descriptions, about texts and pages, with raw HTML and script links defused.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders markdown. Unless `allow_html`, raw HTML is shown as text and links or images
/// whose scheme could run script (`javascript:`, `data:`, `vbscript:`) point nowhere.
/// Unless `clean_links`, relative links to a folder (`../faq/`) get `index.html`, as the
/// theme's own links do, so they also work opened from disk.
pub fn to_html(src: &str, allow_html: bool, clean_links: bool) -> String {
    render(src, allow_html, clean_links, None)
}

/// [`to_html`]'s HTML and the plain text of the same parse (as [`to_plain`] reads it, with
/// tables and typographic quotes as the HTML shows them), for texts that need both: a product's
/// description is shown, and also searched and summarised, and parsing is most of the cost.
pub fn to_html_and_plain(src: &str, allow_html: bool, clean_links: bool) -> (String, String) {
    let mut text = String::new();
    let html = render(src, allow_html, clean_links, Some(&mut text));
    (html, collapse(&text))
}

fn render(src: &str, allow_html: bool, clean_links: bool, mut text: Option<&mut String>) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let events = Parser::new_ext(src, opts).map(|ev| {
        if let Some(t) = text.as_deref_mut() {
            push_plain(t, &ev);
        }
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
        push_plain(&mut out, &ev);
    }
    collapse(&out)
}

/// Adds what `ev` shows as text to `out`: inline ends join their words, block ends part them.
fn push_plain(out: &mut String, ev: &Event) {
    match ev {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
        Event::End(
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image,
        ) => {}
        Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => out.push(' '),
        _ => {}
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_parse_gives_the_html_and_the_plain_text() {
        let src = "Made **by hand** in *Sialkot*.\n\n- Sizes S-XL\n- `CE` marked\n\n<b>raw</b> [links](../faq/) stay text";
        let (html, text) = to_html_and_plain(src, false, false);
        assert_eq!(html, to_html(src, false, false));
        assert_eq!(text, to_plain(src));
        assert_eq!(
            text,
            "Made by hand in Sialkot. Sizes S-XL CE marked raw links stay text"
        );
        // The words as the page shows them: its quotes are typographic, its tables cells.
        let (_, text) = to_html_and_plain(
            "The file's \"own\" size\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            false,
            true,
        );
        assert_eq!(text, "The file\u{2019}s \u{201c}own\u{201d} size a b 1 2");
    }

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
