//! The brand's own font files (`brand.fonts.*.files` in site.yaml): WOFF2 files in the site's
//! `static/`, published with the other static files; here they are only checked, so a missing or
//! wrong file is a placed error rather than text silently shown in the fallback font.

use crate::config::SiteConfig;
use crate::error::Diagnostic;
use std::path::Path;

/// What every WOFF2 file starts with.
const WOFF2_SIGNATURE: &[u8] = b"wOF2";

/// A problem for each font file that is missing, outside the site, or not WOFF2.
pub fn check(site_root: &Path, config: &SiteConfig) -> Vec<Diagnostic> {
    let fonts = &config.brand.fonts;
    let mut out = Vec::new();
    for (name, font) in [("heading", &fonts.heading), ("body", &fonts.body)] {
        for (i, file) in font.files().iter().enumerate() {
            let field = format!("brand.fonts.{name}.files[{i}]");
            let rel = format!("static/{}", file.path());
            let problem = |msg: String, help: String| {
                Diagnostic::new("site.yaml", msg)
                    .field(field.clone())
                    .help(help)
                    .located(config.source.field(&field))
            };
            let path = match crate::paths::resolve_in_site(site_root, &rel) {
                Ok(p) => p,
                Err((msg, help)) => {
                    out.push(problem(
                        format!("font file {msg}"),
                        format!("font files are named below static/; {help}"),
                    ));
                    continue;
                }
            };
            let is_woff2 = file.path().to_ascii_lowercase().ends_with(".woff2")
                && std::fs::read(&path).is_ok_and(|b| b.starts_with(WOFF2_SIGNATURE));
            if !is_woff2 {
                out.push(problem(
                    format!("`{rel}` is not a WOFF2 font file"),
                    "convert the font to WOFF2 (every browser in use reads it, and it is the smallest), e.g. with woff2_compress, and name the .woff2 file".into(),
                ));
            }
        }
    }
    out
}
