//! Pixel work: decode once with orientation applied, resize with a SIMD Lanczos3, encode WebP and JPEG.

use crate::config::ImageFormat;
use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// Identifies the encoders and their settings; part of every cache key.
pub const ENCODERS: &str = "webp=libwebp-sys-0.9,method4;jpeg=jpeg-encoder-0.7,420,baseline,opt-huffman";

/// Photos larger than this are refused before any pixel buffer is allocated (decompression bombs).
pub const MAX_PIXELS: u64 = 120_000_000;

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut r = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if r.format().is_none() {
        return Err("is not an image minisite can read (JPEG, PNG, WebP or GIF)".into());
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8);
    r.limits(limits);
    Ok(r)
}

/// Width and height as the photo will be shown, after its EXIF orientation.
pub fn oriented_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let mut dec = reader(bytes)?
        .into_decoder()
        .map_err(|e| format!("is not a valid image: {e}"))?;
    let (w, h) = dec.dimensions();
    check_pixels(w, h)?;
    let orientation = dec
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    Ok(if swaps_axes(orientation) { (h, w) } else { (w, h) })
}

fn check_pixels(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err("has no pixels".into());
    }
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!(
            "is {w}×{h} pixels, more than minisite's limit of {} megapixels",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn swaps_axes(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// Pixels ready to resize: 8-bit sRGB, with alpha only when the photo has any.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    pub pixels: Vec<u8>,
    /// Converts the photo's colour space (e.g. Adobe RGB, Display P3) to sRGB, which is what
    /// browsers assume for untagged images. `None` for sRGB or untagged photos.
    to_srgb: Option<qcms::Transform>,
}

impl Decoded {
    /// Brings resized pixels into sRGB. Done per variant, after resizing, because the variants
    /// hold far fewer pixels than the original.
    pub fn to_srgb(&self, pixels: &mut [u8]) {
        if let Some(t) = &self.to_srgb {
            t.apply(pixels);
        }
    }
}

/// A transform from the embedded ICC profile to sRGB, unless the profile is sRGB already or is
/// not an RGB profile minisite can use (then the pixels are taken as sRGB, as browsers would).
fn srgb_transform(icc: &[u8], has_alpha: bool) -> Option<qcms::Transform> {
    let src = qcms::Profile::new_from_slice(icc, false)?;
    if src.is_sRGB() {
        return None;
    }
    let mut dst = qcms::Profile::new_sRGB();
    dst.precache_output_transform();
    let kind = if has_alpha {
        qcms::DataType::RGBA8
    } else {
        qcms::DataType::RGB8
    };
    qcms::Transform::new(&src, &dst, kind, qcms::Intent::Perceptual)
}

/// Decodes the whole photo once, applying EXIF orientation. All metadata is dropped here.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut dec = reader(bytes)?
        .into_decoder()
        .map_err(|e| format!("is not a valid image: {e}"))?;
    let (w, h) = dec.dimensions();
    check_pixels(w, h)?;
    let orientation = dec
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = dec.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(dec).map_err(|e| format!("is damaged: {e}"))?;
    img.apply_orientation(orientation);
    let has_alpha = img.color().has_alpha() && {
        let rgba = img.to_rgba8();
        rgba.pixels().any(|p| p[3] != 255)
    };
    let (width, height) = (img.width(), img.height());
    let pixels = if has_alpha {
        img.into_rgba8().into_raw()
    } else {
        img.into_rgb8().into_raw()
    };
    let to_srgb = icc.as_deref().and_then(|p| srgb_transform(p, has_alpha));
    Ok(Decoded {
        width,
        height,
        has_alpha,
        pixels,
        to_srgb,
    })
}

/// Lanczos3 resize of decoded pixels to `w`×`h` (alpha-aware: colours are premultiplied while resizing).
/// With `crop` (left, top, width, height in source pixels) only that part is scaled to `w`×`h`.
pub fn resize(src: &Decoded, w: u32, h: u32, crop: Option<[f64; 4]>) -> Result<Vec<u8>, String> {
    let pt = if src.has_alpha {
        fir::PixelType::U8x4
    } else {
        fir::PixelType::U8x3
    };
    if (w, h) == (src.width, src.height) && crop.is_none() {
        return Ok(src.pixels.clone());
    }
    let from =
        fir::images::ImageRef::new(src.width, src.height, &src.pixels, pt).map_err(|e| e.to_string())?;
    let mut to = fir::images::Image::new(w, h, pt);
    let mut opts =
        fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if let Some([left, top, cw, ch]) = crop {
        opts = opts.crop(left, top, cw, ch);
    }
    fir::Resizer::new()
        .resize(&from, &mut to, &opts)
        .map_err(|e| e.to_string())?;
    Ok(to.into_vec())
}

/// Encodes pixels; JPEG has no alpha, so transparent areas are laid onto `background`.
pub fn encode(
    pixels: &[u8],
    w: u32,
    h: u32,
    has_alpha: bool,
    format: ImageFormat,
    quality: u8,
    background: [u8; 3],
) -> Result<Vec<u8>, String> {
    match format {
        ImageFormat::Webp => {
            let enc = if has_alpha {
                webp::Encoder::from_rgba(pixels, w, h)
            } else {
                webp::Encoder::from_rgb(pixels, w, h)
            };
            let mut config = webp::WebPConfig::new().map_err(|_| "libwebp refused its default config")?;
            config.quality = quality as f32;
            // Method 4 is libwebp's (and sharp's) default balance of speed and size.
            config.method = 4;
            let out = enc
                .encode_advanced(&config)
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            Ok(out.to_vec())
        }
        ImageFormat::Jpeg => {
            let flat;
            let rgb: &[u8] = if has_alpha {
                flat = flatten(pixels, background);
                &flat
            } else {
                pixels
            };
            let mut out = Vec::with_capacity(rgb.len() / 8);
            let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
            enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
            // Baseline, not progressive: jpeg-encoder's progressive scans come out about 7 % larger.
            // Optimised Huffman tables save 3.5 %. They are valid (K.2, with the reserved code point):
            // libjpeg and jpeg-decoder show them right. zune-jpeg, the decoder inside `image`, shows
            // them in wrong colours, so minisite never decodes its own JPEGs with it (see `colors`).
            enc.set_optimized_huffman_tables(true);
            let (w16, h16) = (
                u16::try_from(w).map_err(|_| "too wide for JPEG")?,
                u16::try_from(h).map_err(|_| "too tall for JPEG")?,
            );
            enc.encode(rgb, w16, h16, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
    }
}

fn flatten(rgba: &[u8], bg: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        let a = px[3] as u32;
        for c in 0..3 {
            out.push(((px[c] as u32 * a + bg[c] as u32 * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

/// `#rrggbb` or `#rgb` → RGB.
pub fn parse_hex(c: &str) -> [u8; 3] {
    let h = c.trim_start_matches('#');
    let expand: String = if h.len() == 3 {
        h.chars().flat_map(|c| [c, c]).collect()
    } else {
        h.to_string()
    };
    let v = u32::from_str_radix(&expand, 16).unwrap_or(0xffffff);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}
