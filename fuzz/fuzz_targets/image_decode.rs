//! Photo bytes through minisite's own entry points: the header read at planning time, the full
//! decode at build time, and the animation check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minisite::images::ops;

fuzz_target!(|input: &[u8]| {
    // The first byte picks the JPEG shrink-on-load factor (1, 2, 4 or 8) the build would use.
    let Some((&pick, data)) = input.split_first() else {
        return;
    };
    let shrink = 1 << (pick & 3);
    let size = ops::oriented_size(data);
    let _ = minisite::images::kind::detect(data);
    let _ = minisite::images::kind::cut_short(data);
    let _ = minisite::images::kind::animated(std::io::Cursor::new(data));
    if let Ok(d) = ops::decode(data, shrink) {
        // What the planner promised is what the decoder delivers (a shrunk JPEG: that, divided).
        let (w, h) = size.expect("decodes but its header was refused");
        assert!(d.width <= w && d.height <= h && d.width >= w / 8 && d.height >= h / 8, "{w}x{h} → {}x{}", d.width, d.height);
        let channels = if d.has_alpha { 4 } else { 3 };
        assert_eq!(d.pixels.len(), d.width as usize * d.height as usize * channels);
    }
});
