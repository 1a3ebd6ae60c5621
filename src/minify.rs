//! `minify: true` (the default): pages and style sheets written without the spaces, comments,
//! quotes and optional tags a browser does not need. Done where the bytes are made, once per
//! file, for `build` and `serve` alike, so what a seller previews is what is hosted.
//!
//! Behind the `minify` cargo feature (on by default): minify-html brings lightningcss and oxc,
//! which add more than a third to a clean release build (figures in docs/hosting.md). Built
//! without it, minisite writes pages as the templates make them.

/// A page as small as the HTML standard allows (no non-compliant tricks, so pages still pass
/// the W3C checker): `<pre>` and `<textarea>` keep their whitespace, and JSON-LD, not being
/// JavaScript, is left as written.
#[cfg(feature = "minify")]
pub fn html(page: &str) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(page.as_bytes(), &cfg)
}

#[cfg(not(feature = "minify"))]
pub fn html(page: &str) -> Vec<u8> {
    page.as_bytes().to_vec()
}

/// A style sheet minified, or `None` when lightningcss cannot read it (a seller's own CSS with
/// a mistake): it is then published as written, as a browser would still use the rest of it.
#[cfg(feature = "minify")]
pub fn css(text: &str) -> Option<String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(text, ParserOptions::default()).ok()?;
    sheet.minify(MinifyOptions::default()).ok()?;
    let printer = PrinterOptions {
        minify: true,
        ..PrinterOptions::default()
    };
    sheet.to_css(printer).ok().map(|r| r.code)
}

#[cfg(not(feature = "minify"))]
pub fn css(_text: &str) -> Option<String> {
    None
}

#[cfg(all(test, feature = "minify"))]
mod tests {
    use super::*;

    #[test]
    fn pre_and_json_ld_are_kept_as_written() {
        let page = "<!doctype html><html lang=en><head><title>T</title>\n<script type=\"application/ld+json\">{\"@type\": \"Product\",  \"name\": \"A  b\"}</script></head>\n<body>\n  <p>a   b</p>\n<pre>  x\n   y</pre><textarea name=m>  q\n r</textarea></body></html>";
        let out = String::from_utf8(html(page)).unwrap();
        assert!(out.contains("<pre>  x\n   y</pre>"), "{out}");
        assert!(out.contains("  q\n r</textarea>"), "{out}");
        assert!(out.contains("<p>a b"), "{out}");
        let json = out
            .split("application/ld+json>")
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["name"], "A  b");
        assert!(out.len() < page.len());
    }

    #[test]
    fn css_is_minified_and_broken_css_left_alone() {
        let out = css("a {\n  color: #ff0000;\n}\n/* why */\n").unwrap();
        assert_eq!(out, "a{color:red}");
        assert_eq!(css("a { color: red;; }}} b { color: nope("), None);
    }
}
