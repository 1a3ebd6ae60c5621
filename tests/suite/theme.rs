//! The default theme's stylesheet serves both reading directions.

use crate::common::*;
use std::path::Path;

/// Physical sides would put a right-to-left page's borders, indents and alignment on the wrong
/// side: the stylesheet names sides logically (`margin-inline-start`, `text-align: start`), and
/// the few physical rules left are the ones `[dir="rtl"]` turns or that are the same on both sides.
#[test]
fn the_default_stylesheet_names_no_physical_side_outside_its_rtl_rules() {
    let css = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"));
    let physical = [
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "border-left",
        "border-right",
        "text-align: left",
        "text-align: right",
        "float:",
        " left:",
        " right:",
    ];
    for (n, line) in css.lines().enumerate() {
        let rule = line.split("/*").next().unwrap();
        for p in physical {
            assert!(!rule.contains(p), "style.css line {}: {p} in {line}", n + 1);
        }
    }
    // What points the way of reading is turned for right-to-left pages.
    for turned in [
        "[dir=\"rtl\"] .pager a[rel=\"prev\"]::before",
        "[dir=\"rtl\"] .crumbs li + li::before",
        "[dir=\"rtl\"] a.more::after",
    ] {
        assert!(css.contains(turned), "{turned}");
    }
}
