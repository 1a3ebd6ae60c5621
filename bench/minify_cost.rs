//! minify_cost — what `minify: true` costs per page, and which part of minify-html it goes to
//! (issue #14's profile: about half of a 10k build's CPU). Reads every `.html` page of an output
//! folder built with `minify: false` and minifies each, one thread, with minify-html's settings
//! as src/minify.rs has them, then with its CSS step off, then with both CSS and JS off.
//!
//!   cargo run --release --features minify --example minify_cost -- /dev/shm/raw
//! Figures are from one run: compare runs of one session.

use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    minisite::allocator::tune();
    let dir = std::env::args()
        .nth(1)
        .expect("usage: minify_cost <output folder>");
    let pages: Vec<Vec<u8>> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    println!("{} pages, {:.1} MB", pages.len(), bytes as f64 / 1e6);
    let ours = String::from_utf8(minisite::minify::html(std::str::from_utf8(&pages[0]).unwrap())).unwrap();
    let _ = ours;
    for (name, css, js) in [
        ("as built", true, true),
        ("no css", false, true),
        ("no css, no js", false, false),
    ] {
        let cfg = minify_html::Cfg {
            minify_css: css,
            minify_js: js,
            ..minify_html::Cfg::default()
        };
        let t = Instant::now();
        let mut out = 0usize;
        for p in &pages {
            out += minify_html::minify(p, &cfg).len();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:>14}: {s:.2} s, {:.3} ms/page, out {:.1} MB",
            s * 1e3 / pages.len() as f64,
            out as f64 / 1e6
        );
    }
}
