//! `minisite init`: a small starter site that builds at once.

use crate::error::{Error, Result};
use std::path::Path;

/// A tiny photo so the starter builds without downloads: a 2-colour PNG drawn here.
fn starter_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 900, |x, y| {
        let stripe = ((x / 150) + (y / 150)) % 2 == 0;
        if stripe {
            image::Rgb([15, 76, 129])
        } else {
            image::Rgb([230, 236, 242])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    out.into_inner()
}

pub fn init(dir: &Path, theme: &str) -> Result<()> {
    if !crate::theme::names().contains(&theme) {
        return Err(Error::Usage(format!(
            "there is no theme `{theme}`; built-in themes: {}",
            crate::theme::names().join(", ")
        )));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage(format!(
            "{} is not empty; init writes a new site into an empty or new folder",
            dir.display()
        )));
    }
    let files: [(&str, Vec<u8>); 5] = [
        (
            "site.yaml",
            format!(
                "title: My Export Company\nlanguage: en\ntheme: {theme}\n# base_url: https://www.example.com/\ncompany:\n  tagline: Manufacturer and exporter\n  location: Sialkot, Pakistan\n  business_type: Manufacturer\ncontact:\n  email: sales@example.com\n  whatsapp: \"+92 300 0000000\"\n"
            )
            .into_bytes(),
        ),
        (
            "products/sample-product.yaml",
            b"sku: SAMPLE-001\nname: Sample Product\ncategory: Samples\nfeatured: true\nphotos:\n  - path: images/sample.png\n    alt: Blue and white check pattern\nsummary: Replace this product with your own.\nmoq: {quantity: 100, unit: pieces}\nprice_tiers:\n  - {min_qty: 100, max_qty: 499, unit_price: 5.00}\n  - {min_qty: 500, unit_price: 4.20}\nincoterm: FOB Karachi\nlead_time: {sample_days: 7, bulk_days: 30}\n".to_vec(),
        ),
        ("images/sample.png", starter_photo()),
        (
            "pages/about.md",
            b"---\ntitle: About us\nmenu: 1\n---\nTell buyers who you are, what you make and why they can trust you.\n".to_vec(),
        ),
        (".gitignore", b"public/\n.minisite-cache/\n.*.minisite-lock\n".to_vec()),
    ];
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
