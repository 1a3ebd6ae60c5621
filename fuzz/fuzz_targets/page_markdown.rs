//! A markdown page (front matter + body), as bytes, through the same parse and render a build runs,
//! and the markdown renderer alone with every combination of its switches.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minisite::config::SiteConfig;
use std::path::Path;
use std::sync::OnceLock;

fn config() -> &'static SiteConfig {
    static C: OnceLock<SiteConfig> = OnceLock::new();
    C.get_or_init(|| SiteConfig::parse("title: Fuzz\n", Path::new("site.yaml")).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let rel = Path::new("pages/fuzz.md");
    let Ok(text) = minisite::yaml::text_from_bytes(rest.to_vec(), rel) else {
        return;
    };
    if let Ok(page) = minisite::pages::parse_page(&text, rel, config()) {
        // Sanitised by default: no raw script can come through.
        assert!(!page.html.contains("<script"), "{}", page.html);
    }
    let (allow_html, clean_links) = (flags & 1 == 1, flags & 2 == 2);
    let html = minisite::markdown::to_html(&text, allow_html, clean_links);
    if !allow_html {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.to_ascii_lowercase().contains("href=\"javascript:"), "{html}");
    }
    let _ = minisite::markdown::to_plain(&text);
    let _ = minisite::pages::truncate_words(&text, 155);
});
