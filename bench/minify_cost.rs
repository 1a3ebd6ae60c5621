//! minify_cost — what `minify: true` costs per page, and which part of minify-html it goes to
//! (issue #14's profile: about half of a 10k build's CPU). Reads every `.html` page of an output
//! folder built with `minify: false` and minifies each, one thread: as a build does
//! (`minisite::minify::html`), then with minify-html's CSS step off, then with CSS and JS off.
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
    let timed = |name: &str, minify: &dyn Fn(&[u8]) -> usize| {
        let t = Instant::now();
        let out: usize = pages.iter().map(|p| minify(p)).sum();
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:>14}: {s:.2} s, {:.3} ms/page, out {:.1} MB",
            s * 1e3 / pages.len() as f64,
            out as f64 / 1e6
        );
    };
    timed("as built", &|p| {
        minisite::minify::html(std::str::from_utf8(p).unwrap_or_default()).len()
    });
    for (name, css, js) in [("no css", false, true), ("no css, no js", false, false)] {
        let cfg = minify_html::Cfg {
            minify_css: css,
            minify_js: js,
            ..minify_html::Cfg::default()
        };
        timed(name, &|p| minify_html::minify(p, &cfg).len());
    }
}
