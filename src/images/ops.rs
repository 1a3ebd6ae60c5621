//! Pixel work: decode once with orientation applied, resize with a SIMD Lanczos3, encode WebP and JPEG.
//!
//! JPEG goes through mozjpeg (libjpeg-turbo's code) both ways: decoding can shrink by 2, 4 or 8 in the
//! DCT itself (libvips's "shrink-on-load"), and encoding matches what sharp and libvips write.

use crate::config::ImageFormat;
use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// Identifies a format's encoder and its settings; part of the cache key of every file in that
/// format, so changing one encoder does not throw away the others' files.
pub fn encoder(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Avif => "ravif-0.13,speed6",
        ImageFormat::Webp => "libwebp-sys-0.9,method4",
        ImageFormat::Jpeg => "mozjpeg-sys-2,fastest,420,baseline,opt-huffman",
    }
}

// libjpeg-turbo's own tests of its SIMD (in mozjpeg-sys's library): with the assembly (built
// when `nasm` was on the machine) they say what this CPU can use; without it, the library's
// jsimd_none.c answers 0 to each.
unsafe extern "C" {
    fn jsimd_can_idct_islow() -> std::ffi::c_int;
    fn jsimd_can_fdct_islow() -> std::ffi::c_int;
}

/// Whether JPEG decoding and encoding run libjpeg-turbo's SIMD code (mozjpeg built with `nasm`,
/// on a CPU it supports) rather than its plain C: the benches print it, since the two differ in
/// speed (issue #14: the same photo job ~20 % slower without).
pub fn jpeg_simd() -> bool {
    // SAFETY: both take no arguments and only read the CPU's features (once, cached).
    unsafe { jsimd_can_idct_islow() != 0 && jsimd_can_fdct_islow() != 0 }
}

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

/// A decoder past the photo's header: its stored size, checked against [`MAX_PIXELS`] before any
/// pixel is allocated, and its EXIF orientation.
fn open(bytes: &[u8]) -> Result<(impl ImageDecoder + '_, u32, u32, Orientation), String> {
    let mut dec = reader(bytes)?
        .into_decoder()
        .map_err(|e| format!("is not a valid image: {e}"))?;
    let (w, h) = dec.dimensions();
    check_pixels(w, h)?;
    let orientation = dec.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((dec, w, h, orientation))
}

/// Width and height as the photo will be shown, after its EXIF orientation.
pub fn oriented_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let (_, w, h, orientation) = open(bytes)?;
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

fn swaps_axes(o: Orientation) -> bool {
    use Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// Pixels ready to resize: 8-bit sRGB, with alpha only when the photo has any.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// Decoded pixels per pixel of the full-size (oriented) photo, across and down: below 1 after
    /// shrink-on-load. Crops are given in full-size pixels and scaled by this.
    pub scale: (f64, f64),
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

/// How much a JPEG may be shrunk while it is decoded, given the smallest ratio between the photo and
/// any of its variants. Like libvips, at least a factor of two is left to the Lanczos3 resize: the
/// DCT shrink is a plain block average, sharp enough only when a real filter follows it.
pub fn jpeg_shrink(min_ratio: f64) -> u32 {
    match min_ratio {
        r if r >= 16.0 => 8,
        r if r >= 8.0 => 4,
        r if r >= 4.0 => 2,
        _ => 1,
    }
}

/// Decodes the whole photo once, applying EXIF orientation. All metadata is dropped here.
/// A JPEG is decoded at 1/`shrink` of its size (1, 2, 4 or 8; see [`jpeg_shrink`]); other formats
/// always at full size.
pub fn decode(bytes: &[u8], shrink: u32) -> Result<Decoded, String> {
    let (mut dec, w, h, orientation) = open(bytes)?;
    let icc = dec.icc_profile().ok().flatten();
    let is_jpeg = bytes.starts_with(&[0xFF, 0xD8]);
    let mut img = match is_jpeg.then(|| jpeg::decode(bytes, shrink)).flatten() {
        Some(r) => {
            drop(dec);
            r?
        }
        None => DynamicImage::from_decoder(dec).map_err(|e| format!("is damaged: {e}"))?,
    };
    let scale = (img.width() as f64 / w as f64, img.height() as f64 / h as f64);
    img.apply_orientation(orientation);
    let scale = if swaps_axes(orientation) {
        (scale.1, scale.0)
    } else {
        scale
    };
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
        scale,
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
    let mut opts =
        fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if let Some([left, top, cw, ch]) = crop {
        let (sx, sy) = src.scale;
        opts = opts.crop(left * sx, top * sy, cw * sx, ch * sy);
    }
    // Not `Resizer::resize`: its generic code would be compiled here, unoptimised in test builds
    // (vendor/fast_image_resize/PATCHES.md). The same steps, compiled inside fast_image_resize.
    fir::resize_u8(&src.pixels, src.width, src.height, pt, w, h, &opts).map_err(|e| e.to_string())
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
        ImageFormat::Avif => {
            use rgb::FromSlice;
            // Speed 6 of 10: most of speed 4's compression at a third of its time.
            let enc = ravif::Encoder::new().with_quality(quality as f32).with_speed(6);
            let (w, h) = (w as usize, h as usize);
            let out = if has_alpha {
                enc.encode_rgba(ravif::Img::new(pixels.as_rgba(), w, h))
            } else {
                enc.encode_rgb(ravif::Img::new(pixels.as_rgb(), w, h))
            };
            Ok(out.map_err(|e| format!("AVIF encoding failed: {e}"))?.avif_file)
        }
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
            jpeg::encode(rgb, w, h, quality)
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

/// mozjpeg, with errors turned into messages instead of unwinding out of minisite.
mod jpeg {
    use image::{DynamicImage, GrayImage, RgbImage};
    use mozjpeg_sys::{jpeg_common_struct, JWRN_JPEG_EOF, J_COLOR_SPACE};
    use std::os::raw::c_int;
    use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

    /// libjpeg reports fatal errors through `error_exit`, which must not return: unwind with the message
    /// (the mozjpeg crate builds libjpeg with unwinding enabled for exactly this).
    extern "C-unwind" fn error_exit(cinfo: &mut jpeg_common_struct) {
        resume_unwind(Box::new(message(cinfo)));
    }

    /// Warnings are ignored as browsers ignore them, except a file that ends early: libjpeg would
    /// fill the rest with grey, and a seller would publish half a photo without knowing.
    extern "C-unwind" fn emit_message(cinfo: &mut jpeg_common_struct, level: c_int) {
        // SAFETY: libjpeg calls this with `err` pointing at the error manager set up in `errors`.
        let code = unsafe { (*cinfo.err).msg_code };
        if level < 0 && code == JWRN_JPEG_EOF as c_int {
            resume_unwind(Box::new(
                "ends too early: the file is cut short (an interrupted copy or download?)".to_string(),
            ));
        }
    }

    fn message(cinfo: &mut jpeg_common_struct) -> String {
        let mut buf = [0u8; 80];
        // SAFETY: `err` is the manager set up in `errors`; `format_message` writes at most 80 bytes
        // (JMSG_LENGTH_MAX) into the buffer. The binding declares the buffer `&[u8; 80]` although C
        // writes to it, hence the cast to the signature C really has.
        unsafe {
            if let Some(f) = (*cinfo.err).format_message {
                let f: unsafe extern "C-unwind" fn(&mut jpeg_common_struct, *mut u8) = std::mem::transmute(f);
                f(cinfo, buf.as_mut_ptr());
            }
        }
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        format!("is damaged ({})", String::from_utf8_lossy(&buf[..end]))
    }

    fn errors() -> mozjpeg_sys::jpeg_error_mgr {
        // SAFETY: `jpeg_std_error` fills in every field of a zeroed manager.
        let mut err: mozjpeg_sys::jpeg_error_mgr = unsafe { std::mem::zeroed() };
        unsafe { mozjpeg_sys::jpeg_std_error(&mut err) };
        err.error_exit = Some(error_exit);
        err.emit_message = Some(emit_message);
        err
    }

    fn caught<T>(f: impl FnOnce() -> std::io::Result<T>) -> Result<T, String> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(format!("is damaged ({e})")),
            Err(payload) => Err(match payload.downcast::<String>() {
                Ok(msg) => *msg,
                Err(_) => "made the JPEG decoder fail".to_string(),
            }),
        }
    }

    /// `None` for JPEGs whose colours need more than libjpeg's own conversion (CMYK, YCCK): the
    /// `image` crate's decoder handles those.
    pub fn decode(bytes: &[u8], shrink: u32) -> Option<Result<DynamicImage, String>> {
        let started = caught(|| {
            let mut d = mozjpeg::Decompress::with_err(errors()).from_mem(bytes)?;
            let gray = match d.color_space() {
                J_COLOR_SPACE::JCS_GRAYSCALE => true,
                J_COLOR_SPACE::JCS_YCbCr | J_COLOR_SPACE::JCS_RGB => false,
                _ => return Ok(None),
            };
            d.scale((8 / shrink.clamp(1, 8)) as u8);
            let mut s = if gray { d.grayscale()? } else { d.rgb()? };
            let (w, h) = (s.width() as u32, s.height() as u32);
            let pixels = s.read_scanlines::<u8>()?;
            s.finish()?;
            Ok(Some(if gray {
                GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8)
            } else {
                RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8)
            }))
        });
        match started {
            Ok(None) => None,
            Ok(Some(img)) => Some(img.ok_or_else(|| "is damaged (fewer pixels than its size says)".into())),
            Err(e) => Some(Err(e)),
        }
    }

    /// Baseline 4:2:0 with optimised Huffman tables and libjpeg's standard quantisation tables: what
    /// sharp and libvips write by default. mozjpeg's own profile (trellis quantisation, progressive
    /// scans) is 4 % smaller at better quality but 8× slower to encode.
    pub fn encode(rgb: &[u8], w: u32, h: u32, quality: u8) -> Result<Vec<u8>, String> {
        caught(|| {
            let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
            c.set_fastest_defaults();
            c.set_size(w as usize, h as usize);
            c.set_quality(quality as f32);
            c.set_optimize_coding(true);
            c.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
            let mut s = c.start_compress(Vec::with_capacity(rgb.len() / 8))?;
            s.write_scanlines(rgb)?;
            s.finish()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/shop/images/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// Mean absolute difference per channel of two RGB buffers of the same size.
    fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| x.abs_diff(*y) as u64).sum::<u64>() as f64 / a.len() as f64
    }

    #[test]
    fn shrink_factor_leaves_at_least_a_factor_of_two_to_the_resize() {
        let cases = [
            (1.0, 1),
            (3.99, 1),
            (4.0, 2),
            (7.9, 2),
            (8.0, 4),
            (15.9, 4),
            (16.0, 8),
            (100.0, 8),
        ];
        for (ratio, shrink) in cases {
            assert_eq!(jpeg_shrink(ratio), shrink, "ratio {ratio}");
        }
    }

    #[test]
    fn shrink_on_load_decodes_a_jpeg_at_a_quarter_and_keeps_the_picture() {
        let bytes = fixture("bridge.jpg"); // 1200×675
        let full = decode(&bytes, 1).unwrap();
        let small = decode(&bytes, 4).unwrap();
        assert_eq!((full.width, full.height), (1200, 675));
        assert_eq!(
            (small.width, small.height),
            (300, 169),
            "libjpeg rounds the scaled size up"
        );
        assert!((small.scale.0 - 0.25).abs() < 1e-9 && (small.scale.1 - 169.0 / 675.0).abs() < 1e-9);
        // Both paths down to the same 150×84 must show the same picture.
        let a = resize(&full, 150, 84, None).unwrap();
        let b = resize(&small, 150, 84, None).unwrap();
        let d = mean_diff(&a, &b);
        assert!(
            d < 2.0,
            "shrink-on-load changed the picture by {d:.2} per channel"
        );
    }

    #[test]
    fn shrink_on_load_respects_exif_orientation_and_crops() {
        let bytes = fixture("oriented.jpg"); // stored 600×400, EXIF: rotate 90°
        let full = decode(&bytes, 1).unwrap();
        let small = decode(&bytes, 2).unwrap();
        assert_eq!((full.width, full.height), (400, 600));
        assert_eq!((small.width, small.height), (200, 300));
        // A crop in full-size pixels cuts the same part from either decode.
        let crop = Some([100.0, 200.0, 200.0, 150.0]);
        let a = resize(&full, 80, 60, crop).unwrap();
        let b = resize(&small, 80, 60, crop).unwrap();
        let d = mean_diff(&a, &b);
        assert!(d < 3.0, "the crop moved: {d:.2} per channel apart");
    }

    #[test]
    fn a_truncated_jpeg_is_an_error_not_a_grey_half_photo() {
        let bytes = fixture("bridge.jpg");
        for cut in [bytes.len() / 2, bytes.len() - 3] {
            let err = decode(&bytes[..cut], 1).err().expect("must fail");
            assert!(err.contains("cut short"), "{cut}: {err}");
        }
    }

    #[test]
    fn a_jpeg_with_a_broken_table_is_an_error() {
        let mut bytes = fixture("ladybird.jpg");
        // Break the quantisation table's length: the header cannot be read.
        let dqt = bytes.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        bytes[dqt + 4] = 0x7F; // table id 15: out of range
        let err = decode(&bytes, 1).err().expect("must fail");
        assert!(
            err.starts_with("is not a valid image") && err.contains("DQT"),
            "{err}"
        );
    }

    #[test]
    fn jpeg_output_is_baseline_420_and_decodes_to_the_same_picture() {
        let src = decode(&fixture("ladybird.jpg"), 1).unwrap();
        let jpg = encode(
            &src.pixels,
            src.width,
            src.height,
            false,
            ImageFormat::Jpeg,
            80,
            [255; 3],
        )
        .unwrap();
        let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(&jpg));
        let px = d.decode().unwrap();
        let info = d.info().unwrap();
        assert_eq!((info.width as u32, info.height as u32), (src.width, src.height));
        assert!(!info
            .coding_process
            .eq(&jpeg_decoder::CodingProcess::DctProgressive));
        let diff = mean_diff(&px, &src.pixels);
        assert!(diff < 4.0, "q80 JPEG differs by {diff:.2} per channel");
        // 4:2:0: the SOF0 header gives the luma component 2×2 sampling.
        let sof = jpg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("baseline SOF0");
        assert_eq!(jpg[sof + 11], 0x22, "luma sampling factors");
        assert!(!jpg.windows(4).any(|w| w == b"Exif"), "no metadata");
    }
}
