//! Files published as they are (style sheets minified, with `minify:`): the theme's and the
//! site's static files, and the logo.

use crate::error::{Error, Result};
use crate::Site;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A file to publish with its bytes, by path in the output.
pub type Asset = (String, Cow<'static, [u8]>);

/// The logo as published.
pub struct Logo {
    /// Path in the output, named after its content so browsers never show a stale one.
    pub url: String,
    pub bytes: Vec<u8>,
    pub size: Option<(u32, u32)>,
}

/// Every static file to publish (the theme's, and the site's own that replace or add to them).
pub fn statics(site: &Site) -> Result<Vec<Asset>> {
    site.theme
        .static_files()
        .into_iter()
        .map(|(path, file)| {
            let bytes = file.bytes().map_err(|e| Error::io(&path, e))?;
            let minified = site.config.minify && path.to_ascii_lowercase().ends_with(".css");
            let small = minified
                .then(|| std::str::from_utf8(&bytes).ok().and_then(crate::minify::css))
                .flatten();
            match small {
                Some(css) => Ok((path, Cow::Owned(css.into_bytes()))),
                None => Ok((path, bytes)),
            }
        })
        .collect()
}

/// A short hash of each static file's content, for cache-busting links (`asset()` in templates).
pub fn versions(statics: &[Asset]) -> BTreeMap<String, String> {
    statics
        .iter()
        .map(|(path, bytes)| (path.clone(), blake3::hash(bytes).to_hex()[..8].to_string()))
        .collect()
}

/// The site's logo, if it has one.
pub fn logo(site: &Site) -> Result<Option<Logo>> {
    let Some(p) = site.logo_path() else {
        return Ok(None);
    };
    let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("img")
        .to_ascii_lowercase();
    Ok(Some(Logo {
        url: format!("brand/logo-{}.{ext}", &blake3::hash(&bytes).to_hex()[..10]),
        size: crate::views::logo_size(p, &bytes),
        bytes,
    }))
}
