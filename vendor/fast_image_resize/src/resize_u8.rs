//! minisite patch: a non-generic entry point for resizing 8-bit RGB/RGBA buffers.
//!
//! `Resizer::resize` and the convolution code below it are generic, so they are monomorphised
//! (compiled) in the crate that calls them, at that crate's opt-level. This function is not
//! generic: the instantiation it needs is compiled here, with this crate's opt-level, and a
//! caller built without optimisation (minisite's test builds) still runs optimised resizing.
//! See PATCHES.md.

use crate::compat::*;
use crate::images::{Image, ImageRef};
use crate::{ImageBufferError, ImageError, PixelType, ResizeError, ResizeOptions, Resizer};

/// Error of [resize_u8]: the source buffer is too small, or the resize itself failed. Displays
/// as the wrapped error does.
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResizeU8Error {
    #[error(transparent)]
    Buffer(#[from] ImageBufferError),
    #[error(transparent)]
    Resize(#[from] ResizeError),
}

/// Resizes `src` (`src_width`×`src_height` pixels of `pixel_type`, which must be
/// [PixelType::U8x3] or [PixelType::U8x4]) to `dst_width`×`dst_height` with `options`, and
/// returns the new pixels. The same as `ImageRef::new`, `Image::new`, `Resizer::new().resize`
/// and `Image::into_vec`.
#[inline(never)]
pub fn resize_u8(
    src: &[u8],
    src_width: u32,
    src_height: u32,
    pixel_type: PixelType,
    dst_width: u32,
    dst_height: u32,
    options: &ResizeOptions,
) -> Result<Vec<u8>, ResizeU8Error> {
    if !matches!(pixel_type, PixelType::U8x3 | PixelType::U8x4) {
        return Err(ResizeError::ImageError(ImageError::UnsupportedPixelType).into());
    }
    let src_image = ImageRef::new(src_width, src_height, src, pixel_type)?;
    let mut dst_image = Image::new(dst_width, dst_height, pixel_type);
    Resizer::new().resize(&src_image, &mut dst_image, options)?;
    Ok(dst_image.into_vec())
}
