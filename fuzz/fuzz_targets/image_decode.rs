//! Photo bytes through minisite's own entry points: the header read at planning time, the full
//! decode at build time, and the animation check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minisite::images::ops;

fuzz_target!(|data: &[u8]| {
    let size = ops::oriented_size(data);
    let _ = minisite::images::kind::detect(data);
    let _ = minisite::images::kind::cut_short(data);
    let _ = minisite::images::kind::animated(std::io::Cursor::new(data));
    if let Ok(d) = ops::decode(data, 1) {
        // What the planner promised is what the decoder delivers.
        assert_eq!(size, Ok((d.width, d.height)));
        let channels = if d.has_alpha { 4 } else { 3 };
        assert_eq!(d.pixels.len(), d.width as usize * d.height as usize * channels);
    }
    // Shrink-on-load (JPEG only): a smaller decode whose buffer matches its stated size.
    if let Ok(d) = ops::decode(data, 4) {
        let channels = if d.has_alpha { 4 } else { 3 };
        assert_eq!(d.pixels.len(), d.width as usize * d.height as usize * channels);
        assert!(d.scale.0 > 0.0 && d.scale.0 <= 1.0 && d.scale.1 > 0.0 && d.scale.1 <= 1.0);
    }
});
