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
    if let Ok(d) = ops::decode(data) {
        // What the planner promised is what the decoder delivers.
        assert_eq!(size, Ok((d.width, d.height)));
        let channels = if d.has_alpha { 4 } else { 3 };
        assert_eq!(d.pixels.len(), d.width as usize * d.height as usize * channels);
    }
});
