//! `site.yaml`, as bytes, through the same read + parse + validation a build runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let shown = Path::new("site.yaml");
    let Ok(text) = minisite::yaml::text_from_bytes(data.to_vec(), shown) else {
        return;
    };
    match minisite::config::SiteConfig::parse(&text, shown) {
        Ok(cfg) => {
            // What a build derives from a valid config must not panic either.
            let _ = cfg.images.thumbnails.ratio.map(|r| r.value());
            let _ = cfg.brand.colors.background.rgb();
            let _ = cfg.brand.colors.background.rgb();
        }
        Err(ds) => assert!(ds.iter().all(|d| d.file == shown)),
    }
});
