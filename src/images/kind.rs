//! What a photo file really is, from its first bytes and headers: its format (whatever its name
//! says) and whether it is animated. Reads headers only, so `check` can afford it on every photo.

use image::{AnimationDecoder, ImageDecoder, ImageFormat, Limits};
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

/// Bytes enough to recognise every format below.
const HEAD: usize = 32;

/// A format minisite can publish from, or what else the file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Readable(ImageFormat),
    /// An image format minisite does not read (TIFF, BMP, AVIF, …), named for the message.
    OtherImage(&'static str),
    /// HEIC/HEIF: what iPhones save unless set to "Most Compatible".
    Heic,
    Empty,
    NotAnImage,
}

/// What the first bytes of a file say it is.
pub fn detect(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::Empty;
    }
    // ISO base media: `....ftypheic`, `ftypmif1` (HEIF), `ftypavif`.
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        match &head[8..12] {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => return Kind::Heic,
            _ => {}
        }
    }
    match image::guess_format(head) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) => {
            Kind::Readable(f)
        }
        Ok(other) => Kind::OtherImage(other.extensions_str().first().copied().unwrap_or("unknown")),
        Err(_) => Kind::NotAnImage,
    }
}

/// Reads the first bytes of `path` and says what it is.
pub fn detect_file(path: &Path) -> std::io::Result<Kind> {
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)?
        .take(HEAD as u64)
        .read_to_end(&mut head)?;
    Ok(detect(&head))
}

/// Display name of a readable format, as sellers know it.
pub fn name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::Gif => "GIF",
        ImageFormat::WebP => "WebP",
        _ => "image",
    }
}

/// The format a file name's extension promises, if it names one minisite reads.
pub fn from_extension(path: &str) -> Option<ImageFormat> {
    let ext = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Some(ImageFormat::Jpeg),
        "png" | "apng" => Some(ImageFormat::Png),
        "gif" => Some(ImageFormat::Gif),
        "webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// `Some(format)` when the image holds an animation (GIF, WebP or APNG); the build shows its
/// first frame. Unreadable files are `None`: decoding reports those.
pub fn animated<R: BufRead + Seek>(mut r: R) -> Option<ImageFormat> {
    let mut head = [0u8; HEAD];
    let n = read_up_to(&mut r, &mut head)?;
    r.rewind().ok()?;
    match detect(&head[..n]) {
        Kind::Readable(ImageFormat::Png) => {
            let d = image::codecs::png::PngDecoder::new(r).ok()?;
            d.is_apng().ok()?.then_some(ImageFormat::Png)
        }
        Kind::Readable(ImageFormat::WebP) => {
            let d = image::codecs::webp::WebPDecoder::new(r).ok()?;
            d.has_animation().then_some(ImageFormat::WebP)
        }
        Kind::Readable(ImageFormat::Gif) => {
            // GIF keeps no frame count: decode up to two frames, with the photo pixel limit so a
            // hostile canvas size cannot make this allocate what the decode itself would refuse.
            let mut d = image::codecs::gif::GifDecoder::new(r).ok()?;
            let mut limits = Limits::default();
            limits.max_alloc = Some(crate::images::ops::MAX_PIXELS * 8);
            d.set_limits(limits).ok()?;
            let frames = d.into_frames().take(2).take_while(Result::is_ok).count();
            (frames > 1).then_some(ImageFormat::Gif)
        }
        _ => None,
    }
}

/// `true` when a JPEG, PNG, GIF or WebP file ends before its own structure says it does: a copy
/// that was cut short. Decoders differ on such files (some fill the rest with grey), so this is
/// checked on the bytes, before any decoding. Walks markers and chunk lengths only.
pub fn cut_short(bytes: &[u8]) -> bool {
    match detect(&bytes[..bytes.len().min(HEAD)]) {
        Kind::Readable(ImageFormat::Jpeg) => !jpeg_ends(bytes),
        Kind::Readable(ImageFormat::Png) => !png_ends(bytes),
        Kind::Readable(ImageFormat::Gif) => !gif_ends(bytes),
        Kind::Readable(ImageFormat::WebP) => {
            let riff = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
            bytes.len() < riff.saturating_add(8)
        }
        _ => false,
    }
}

fn be16(b: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]) as usize)
}

/// Follows the JPEG's segments and entropy-coded scans to its end-of-image marker.
fn jpeg_ends(b: &[u8]) -> bool {
    let mut i = 2;
    loop {
        // Markers may be padded with any number of 0xFF.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if b.get(i) != Some(&0xFF) {
            // Stray bytes between segments: some writers leave them, and decoders skip them.
            match b.get(i..).and_then(|r| r.iter().position(|&x| x == 0xFF)) {
                Some(j) => i += j,
                None => return false,
            }
        }
        let Some(&m) = b.get(i + 1) else { return false };
        match m {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(len) = be16(b, i + 2) else { return false };
                i += 2 + len;
                if m == 0xDA {
                    // Scan data: runs to the next marker that is not a stuffed 0xFF00 or a restart.
                    loop {
                        let Some(j) = b.get(i..).and_then(|r| r.iter().position(|&x| x == 0xFF)) else {
                            return false;
                        };
                        let at = i + j;
                        match b.get(at + 1) {
                            None => return false,
                            Some(0x00 | 0xD0..=0xD7) => i = at + 2,
                            Some(_) => {
                                i = at;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Follows the PNG's chunk lengths to its IEND chunk.
fn png_ends(b: &[u8]) -> bool {
    let mut i = 8usize;
    while let Some(len) = b
        .get(i..i + 4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
    {
        let end = i.saturating_add(12).saturating_add(len);
        if end > b.len() {
            return false;
        }
        if &b[i + 4..i + 8] == b"IEND" {
            return true;
        }
        i = end;
    }
    false
}

/// Follows the GIF's blocks to its trailer.
fn gif_ends(b: &[u8]) -> bool {
    let table = |flags: u8| {
        if flags & 0x80 != 0 {
            3usize << ((flags & 7) + 1)
        } else {
            0
        }
    };
    let sub_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let n = *b.get(i)? as usize;
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    };
    let Some(&flags) = b.get(10) else { return false };
    let mut i = 13 + table(flags);
    loop {
        i = match b.get(i) {
            Some(0x3B) => return true,
            Some(0x21) => match sub_blocks(i + 2) {
                Some(next) => next,
                None => return false,
            },
            Some(0x2C) => {
                let Some(&f) = b.get(i + 9) else { return false };
                match sub_blocks(i + 10 + table(f) + 1) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
}

/// [`animated`] for a file on disk. A decoder that panics on the file counts as "not animated":
/// the build reports the photo when it decodes it.
pub fn animated_file(path: &Path) -> Option<ImageFormat> {
    let file = std::fs::File::open(path).ok()?;
    std::panic::catch_unwind(|| animated(BufReader::new(file))).ok()?
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(detect(b""), Kind::Empty);
        assert_eq!(detect(b"\xff\xd8\xff\xe0"), Kind::Readable(ImageFormat::Jpeg));
        assert_eq!(detect(b"\0\0\0\x18ftypheic\0\0\0\0"), Kind::Heic);
        assert_eq!(detect(b"II*\0...."), Kind::OtherImage("tiff"));
        assert_eq!(detect(b"hello, world"), Kind::NotAnImage);
    }

    #[test]
    fn whole_photos_are_not_cut_short_and_cut_ones_are() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut n = 0;
        for e in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            let p = e.path();
            if !p.components().any(|c| c.as_os_str() == "images") || !p.is_file() {
                continue;
            }
            let b = std::fs::read(p).unwrap();
            let name = p.to_string_lossy();
            // The corpus's own damaged files are the exceptions, by name.
            if ["cut.", "bomb.", "empty.", "flat."]
                .iter()
                .any(|s| name.contains(s))
            {
                continue;
            }
            assert!(!cut_short(&b), "{name}");
            if matches!(detect(&b), Kind::Readable(_)) {
                assert!(cut_short(&b[..b.len() * 7 / 10]), "{name} cut at 70 %");
                n += 1;
            }
        }
        assert!(n >= 20, "only {n} photos checked");
    }

    #[test]
    fn extensions_name_formats() {
        assert_eq!(from_extension("images/A.JPEG"), Some(ImageFormat::Jpeg));
        assert_eq!(from_extension("images/a.tiff"), None);
        assert_eq!(from_extension("images/noext"), None);
    }
}
