//! The bad-input corpus (tests/fixtures/bad, made by make-corpus.py): one test per case, each
//! asserting the kind of outcome, the file and place it names, and that it says what to do.

use crate::common::*;
use minisite::{BuildOptions, Diagnostic, Error};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    fixtures().join("bad")
}

/// The base site with one case's files laid over it.
fn site(case: &str) -> tempfile::TempDir {
    let site = copy_site(&corpus().join("base"));
    let dir = corpus().join("cases").join(case);
    assert!(
        dir.is_dir(),
        "no case {case}: run tests/fixtures/bad/make-corpus.py"
    );
    for e in walkdir::WalkDir::new(&dir) {
        let e = e.unwrap();
        let to = site.path().join(e.path().strip_prefix(&dir).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    site
}

/// What `check` then `build` made of a site.
enum Outcome {
    /// Built; the warnings and the output folder.
    Built(Vec<Diagnostic>, PathBuf),
    /// Refused with located problems.
    Refused(Vec<Diagnostic>),
}

fn run(site: &Path) -> Outcome {
    let opts = BuildOptions {
        output: Some(site.join("public")),
        ..Default::default()
    };
    let loaded = minisite::Site::load(site, &opts);
    let s = match loaded {
        Ok(s) => s,
        Err(Error::Site(d)) => return Outcome::Refused(d),
        Err(e) => panic!("not a located site error: {e}"),
    };
    match s.build(&opts) {
        Ok(report) => Outcome::Built(s.warnings.clone(), report.output),
        Err(Error::Site(d)) => Outcome::Refused(d),
        Err(e) => panic!("not a located site error: {e}"),
    }
}

/// What a case must report: file, line and column (0: none expected), field, message and help fragments.
struct Expect {
    file: &'static str,
    line: usize,
    column: usize,
    field: Option<&'static str>,
    says: &'static str,
    help: &'static str,
}

fn matches(d: &Diagnostic, x: &Expect) -> bool {
    d.file == Path::new(x.file) && d.message.contains(x.says)
}

fn assert_reported(all: &[Diagnostic], x: &Expect) {
    let d = all
        .iter()
        .find(|d| matches(d, x))
        .unwrap_or_else(|| panic!("no report in {} saying {:?}; got:\n{}", x.file, x.says, show(all)));
    let place = |n: usize| (n > 0).then_some(n);
    assert_eq!(
        (d.line, d.column),
        (place(x.line), place(x.column)),
        "place of: {d}"
    );
    if x.field.is_some() {
        assert_eq!(d.field.as_deref(), x.field, "field of: {d}");
    }
    let help = d
        .help
        .as_deref()
        .unwrap_or_else(|| panic!("says nothing to do: {d}"));
    assert!(
        help.contains(x.help),
        "help of {d}\n  should contain {:?}",
        x.help
    );
    // Every report, not only the one expected, tells the seller what to do.
    for d in all {
        assert!(
            d.help.as_deref().is_some_and(|h| !h.trim().is_empty()),
            "no help: {d}"
        );
    }
}

fn show(all: &[Diagnostic]) -> String {
    all.iter().map(|d| format!("  {d}\n")).collect()
}

fn refused(case: &str) -> Vec<Diagnostic> {
    let site = site(case);
    match run(site.path()) {
        Outcome::Refused(d) => d,
        Outcome::Built(w, _) => panic!("{case} was built; warnings:\n{}", show(&w)),
    }
}

fn built(case: &str) -> (tempfile::TempDir, Vec<Diagnostic>, PathBuf) {
    let site = site(case);
    match run(site.path()) {
        Outcome::Built(w, out) => (site, w, out),
        Outcome::Refused(d) => panic!("{case} was refused:\n{}", show(&d)),
    }
}

/// `error!(case, file, line, column, field, "message fragment", "help fragment")`: the case is refused
/// with that report. `warning!(...)`: it builds, with that warning. `clean!(case)`: it builds with none.
macro_rules! error {
    ($case:ident, $file:literal, $line:literal, $col:literal, $field:expr, $says:literal, $help:literal) => {
        #[test]
        fn $case() {
            let x = Expect {
                file: $file,
                line: $line,
                column: $col,
                field: $field,
                says: $says,
                help: $help,
            };
            assert_reported(&refused(stringify!($case)), &x);
        }
    };
}

macro_rules! warning {
    ($case:ident, $file:literal, $line:literal, $col:literal, $says:literal, $help:literal) => {
        #[test]
        fn $case() {
            let x = Expect {
                file: $file,
                line: $line,
                column: $col,
                field: None,
                says: $says,
                help: $help,
            };
            let (_site, warnings, out) = built(stringify!($case));
            assert_reported(&warnings, &x);
            assert!(out.join("products/plain-product/index.html").is_file());
        }
    };
}

#[test]
#[ignore = "prints what every case reports, for writing the expectations"]
fn dump() {
    let mut names: Vec<_> = std::fs::read_dir(corpus().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for n in names {
        let site = site(&n);
        match run(site.path()) {
            Outcome::Built(w, _) => println!("{n}: BUILT\n{}", show(&w)),
            Outcome::Refused(d) => println!(
                "{n}: REFUSED\n{}",
                d.iter().map(|d| format!("  {d:?}\n")).collect::<String>()
            ),
        }
    }
}

const P: &str = "products/p.yaml";
const NONE: Option<&str> = None;

// ---------- YAML ----------
error!(
    yaml_syntax_error,
    "products/p.yaml", 2, 7, NONE, "a quote is opened but never closed", "close the quote"
);
error!(
    yaml_colon_in_text,
    "products/p.yaml", 2, 11, NONE, "mapping values are not allowed", "must be in quotes"
);
error!(
    yaml_tab_indent,
    "products/p.yaml", 4, 1, NONE, "a tab is used for indentation", "spaces"
);
error!(
    yaml_unknown_field,
    "products/p.yaml",
    5,
    1,
    Some("prise_tiers"),
    "unknown field `prise_tiers`",
    "did you mean `price_tiers`?"
);
error!(
    yaml_wrong_type_number,
    "products/p.yaml",
    5,
    17,
    Some("moq.quantity"),
    "must be a whole number, zero or more, found `one hundred`",
    "write digits only, e.g. 100: no words"
);
error!(
    yaml_wrong_type_group,
    "products/p.yaml",
    5,
    6,
    Some("moq"),
    "must be a group of `field: value` lines, found `one hundred`",
    "{field: value, field: value}"
);
error!(
    yaml_wrong_type_list,
    "products/p.yaml",
    5,
    7,
    Some("tags"),
    "must be a list, found `football`",
    "[a, b] on one line"
);
error!(
    yaml_missing_field,
    "products/p.yaml", 1, 1, NONE, "missing field `name`", "add the field"
);
error!(
    yaml_null_name,
    "products/p.yaml",
    2,
    1,
    Some("name"),
    "the name is empty",
    "give the product's name"
);
error!(
    yaml_empty_name,
    "products/p.yaml",
    2,
    1,
    Some("name"),
    "the name is empty",
    "give the product's name"
);
error!(
    yaml_empty_sku,
    "products/p.yaml",
    1,
    1,
    Some("sku"),
    "the SKU is empty",
    "stock-keeping code"
);
error!(
    yaml_nan_price,
    "products/p.yaml",
    5,
    18,
    Some("price_tiers[0].unit_price"),
    "unit price NaN is not a price",
    "zero or above"
);
error!(
    yaml_negative_price,
    "products/p.yaml",
    5,
    18,
    Some("price_tiers[0].unit_price"),
    "unit price -3 is not a price",
    "zero or above"
);
error!(
    yaml_price_as_text,
    "products/p.yaml",
    5,
    30,
    Some("price_tiers[0].unit_price"),
    "must be a number, found `$2.50`",
    "($2.50 → 2.50)"
);
error!(
    yaml_number_too_large,
    "products/p.yaml",
    5,
    17,
    Some("moq.quantity"),
    "found the number 99999999999999999999999",
    "write digits only"
);
error!(
    yaml_negative_quantity,
    "products/p.yaml",
    5,
    17,
    Some("moq.quantity"),
    "must be a whole number, zero or more, found the number -5",
    "write digits only, e.g. 100"
);
error!(
    yaml_max_below_min,
    "products/p.yaml",
    5,
    20,
    Some("price_tiers[0].max_qty"),
    "max_qty 10 is below min_qty 100",
    "leave it out for the last tier"
);
error!(
    yaml_duplicate_key,
    "products/p.yaml", 4, 1, NONE, "duplicate field `name`", "each field may appear once"
);
error!(
    yaml_empty_file,
    "products/p.yaml", 0, 0, NONE, "the file is empty", "fill it in, or delete it"
);
error!(
    yaml_only_comments,
    "products/p.yaml", 0, 0, NONE, "the file holds only comments", "fill it in, or delete it"
);
error!(
    yaml_top_level_list,
    "products/p.yaml",
    1,
    1,
    NONE,
    "must be a group of `field: value` lines, found a list",
    "write the fields indented"
);
error!(
    yaml_latin1,
    "products/p.yaml", 2, 10, NONE, "the file is not UTF-8 text", "save the file as UTF-8"
);
error!(
    yaml_utf16,
    "products/p.yaml", 1, 1, NONE, "saved as UTF-16", "Encoding: UTF-8"
);
error!(
    yaml_bad_slug,
    "products/p.yaml",
    5,
    1,
    Some("slug"),
    "slug `Plain Product!` has characters a URL cannot keep",
    "use `plain-product`"
);
error!(
    yaml_name_without_letters,
    "products/p.yaml",
    2,
    1,
    Some("name"),
    "no URL can be made from this name",
    "add a slug"
);
// Nine levels of ten aliases would be 10^9 strings: refused at the first nested list, nothing expanded.
error!(
    yaml_alias_bomb,
    "products/p.yaml",
    5,
    5,
    Some("tags[0]"),
    "must be text, found a list",
    "write text on the same line"
);
error!(
    yaml_deep_nesting,
    "products/p.yaml",
    4,
    8,
    Some("tags[0]"),
    "must be text, found a list",
    "write text on the same line"
);
error!(
    yaml_bad_focus,
    "products/p.yaml",
    4,
    5,
    Some("photos[0]"),
    "focus `middle` is not a position",
    "positions the message lists"
);
error!(
    duplicate_sku,
    "products/q.yaml",
    1,
    1,
    Some("sku"),
    "SKU `P1` is also used by products/p.yaml",
    "its own SKU"
);
// Both are valid products: the second by SKU gets its SKU in its address (see tests/suite/addresses.rs).
warning!(
    slug_collision,
    "products/q.yaml",
    2,
    1,
    "it is published at `products/plain-product-p2/` instead",
    "give one of them a `slug:`"
);
error!(
    site_unknown_field,
    "site.yaml",
    1,
    1,
    Some("titel"),
    "unknown field `titel`",
    "did you mean `title`?"
);
error!(
    site_missing_title,
    "site.yaml", 1, 1, NONE, "missing field `title`", "add the field"
);
error!(
    site_script_link,
    "site.yaml",
    3,
    15,
    Some("social[0].url"),
    "`javascript:alert(1)` is not an http(s), mailto or tel link",
    "https://"
);
error!(
    site_form_endpoint_not_web,
    "site.yaml",
    3,
    3,
    Some("contact.form_endpoint"),
    "is not an http(s) URL",
    "https:// address"
);
error!(
    site_bad_colour,
    "site.yaml",
    4,
    5,
    Some("brand.colors.primary"),
    "`red` is not a colour",
    "#rrggbb"
);
error!(
    site_bad_width,
    "site.yaml",
    3,
    3,
    Some("images.widths"),
    "numbers from 1 to 8192",
    "widths: [480, 960, 1600]"
);
error!(
    site_logo_outside,
    "site.yaml",
    3,
    3,
    Some("brand.logo"),
    "logo `../logo.png` leaves the site folder",
    "copy the file into the site folder"
);
error!(
    site_bad_theme,
    "site.yaml",
    2,
    1,
    Some("theme"),
    "there is no theme `fancy`",
    // Sorted by name: atelier and default start the list whatever built-in themes follow.
    "built-in themes: atelier, default"
);

#[test]
fn yaml_bom_is_accepted() {
    let (_site, warnings, out) = built("yaml_bom_is_accepted");
    assert!(warnings.is_empty(), "{}", show(&warnings));
    assert!(read(&out.join("products/plain-product/index.html")).contains("Plain Product"));
}

#[test]
fn yaml_crlf_is_accepted() {
    let (_site, warnings, out) = built("yaml_crlf_is_accepted");
    assert!(warnings.is_empty(), "{}", show(&warnings));
    // No stray carriage return reaches the page's heading.
    assert_eq!(
        text(&html(&out.join("products/plain-product/index.html")), "h1"),
        "Plain Product"
    );
}

#[test]
fn a_product_file_with_three_problems_reports_all_three() {
    let site = copy_site(&corpus().join("base"));
    std::fs::write(
        site.path().join("products/p.yaml"),
        "sku: ''\nname: Plain Product\nphotos: [images/missing.jpg]\n\
         price_tiers: [{min_qty: 10, max_qty: 5, unit_price: 2.5}]\n",
    )
    .unwrap();
    let Outcome::Refused(all) = run(site.path()) else {
        panic!("the product was accepted")
    };
    let got: Vec<(Option<usize>, Option<&str>)> = all
        .iter()
        .filter(|d| d.file == Path::new("products/p.yaml"))
        .map(|d| (d.line, d.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(1), Some("sku")),
            (Some(3), Some("photos[0]")),
            (Some(4), Some("price_tiers[0].max_qty")),
        ],
        "{}",
        show(&all)
    );
}

// ---------- Categories ----------
error!(
    category_spelled_differently,
    "products/p.yaml",
    5,
    1,
    Some("category"),
    "category `footballs` is written `Footballs` in categories.yaml",
    "write it exactly"
);
warning!(
    category_near_name,
    "products/p.yaml",
    5,
    1,
    "category `Fotballs` is not in categories.yaml",
    "did you mean `Footballs`?"
);
error!(
    category_malformed_entry,
    "categories.yaml",
    2,
    3,
    Some("[1].nmae"),
    "unknown field `nmae`",
    "did you mean `name`?"
);
error!(
    category_not_a_list,
    "categories.yaml",
    1,
    1,
    NONE,
    "must be a list, found a group of `field: value` lines",
    "one `- item` per line"
);
error!(
    category_bad_slug,
    "categories.yaml",
    1,
    3,
    NONE,
    "category `Footballs`: `Foot Balls` cannot be a URL",
    "lowercase letters, digits and hyphens"
);
error!(
    category_empty_name,
    "categories.yaml", 2, 3, NONE, "`` cannot be a URL", "lowercase letters"
);
error!(
    category_unused,
    "categories.yaml", 2, 3, NONE, "category `Gloves` has no products", "spell the category exactly the same"
);
error!(
    category_empty_in_product,
    "products/p.yaml",
    5,
    1,
    Some("category"),
    "the category is empty",
    "leave the line out"
);
error!(
    category_as_list,
    "products/p.yaml",
    5,
    11,
    Some("category"),
    "must be text, found a list",
    "write text on the same line"
);

// ---------- Pages ----------
error!(
    page_without_front_matter,
    "pages/about.md", 1, 1, NONE, "the page has no front matter", "title: Page title"
);
error!(
    page_unclosed_front_matter,
    "pages/about.md", 1, 1, NONE, "the page has no front matter", "title: Page title"
);
error!(
    page_bad_front_matter,
    "pages/about.md",
    3,
    7,
    Some("menu"),
    "must be a whole number, found `first`",
    "e.g. 100: no words"
);
error!(
    page_reserved_name,
    "pages/products.md", 0, 0, NONE, "a page cannot be called `products`", "rename the file"
);

// ---------- Hostile paths ----------
error!(
    path_parent,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`../../etc/passwd` leaves the site folder",
    "copy the file into the site folder"
);
error!(
    path_parent_hidden,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`images/../../outside.jpg` leaves the site folder",
    "copy the file"
);
error!(
    path_absolute,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`/etc/passwd` is an absolute path",
    "relative to the site folder"
);
error!(
    path_windows_drive,
    "products/p.yaml",
    3,
    18,
    Some("photos[0]"),
    "is an absolute path",
    "relative to the site folder"
);
error!(
    path_web_address,
    "products/p.yaml",
    3,
    18,
    Some("photos[0]"),
    "`https://cdn.example/photo.jpg` is a web address",
    "download the file"
);
error!(
    path_folder,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`images/` is a folder, not a file",
    "name a file in it"
);
error!(
    path_case_mismatch,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`images/OK.jpg` does not exist",
    "`images/ok.jpg` exists: file names are case-sensitive"
);
error!(
    path_near_name,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`images/okk.jpg` does not exist",
    "did you mean `images/ok.jpg`?"
);
error!(
    path_missing_folder,
    "products/p.yaml",
    3,
    17,
    Some("photos[0]"),
    "`photos/ok.jpg` does not exist",
    "the folder `photos` does not exist either"
);
error!(
    path_empty,
    "products/p.yaml",
    3,
    1,
    Some("photos[0]"),
    "photo path is empty",
    "write the path of the file"
);

/// A case whose file (`link`, relative to the site) is a symbolic link to a file outside the site.
#[cfg(unix)]
fn with_link_outside(link: &str, content: &[u8]) -> (tempfile::TempDir, tempfile::TempDir) {
    let site = site("yaml_bom_is_accepted");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret");
    std::fs::write(&target, content).unwrap();
    let at = site.path().join(link);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &at).unwrap();
    (site, outside)
}

#[cfg(unix)]
#[test]
fn path_photo_link_outside() {
    let (site, _outside) = with_link_outside(
        "images/link.jpg",
        &std::fs::read(corpus().join("base/images/ok.jpg")).unwrap(),
    );
    std::fs::write(
        site.path().join(P),
        read(&corpus().join("base").join(P)).replace("images/ok.jpg", "images/link.jpg"),
    )
    .unwrap();
    let Outcome::Refused(d) = run(site.path()) else {
        panic!("built")
    };
    let x = Expect {
        file: P,
        line: 3,
        column: 17,
        field: Some("photos[0]"),
        says: "`images/link.jpg` is a link to a file outside the site folder",
        help: "copy the file into the site folder",
    };
    assert_reported(&d, &x);
}

/// A source file of the site that is a link to a file outside it: refused, naming that file.
#[cfg(unix)]
fn refused_as_link_outside(rel: &'static str, bytes: &[u8], help: &'static str) {
    let (site, _outside) = with_link_outside(rel, bytes);
    let Outcome::Refused(d) = run(site.path()) else {
        panic!("built")
    };
    let x = Expect {
        file: rel,
        line: 0,
        column: 0,
        field: None,
        says: "is a link to a file outside the site folder",
        help,
    };
    assert_reported(&d, &x);
}

#[cfg(unix)]
#[test]
fn path_product_link_outside() {
    let secret = read(&corpus().join("base").join(P))
        .replace("P1", "P9")
        .replace("Plain Product", "Secret");
    refused_as_link_outside(
        "products/secret.yaml",
        secret.as_bytes(),
        "copy the file into products/",
    );
}

#[cfg(unix)]
#[test]
fn path_page_link_outside() {
    refused_as_link_outside(
        "pages/secret.md",
        b"---\ntitle: Secret\n---\nroot:x:0:0\n",
        "copy the file into pages/",
    );
}

#[cfg(unix)]
#[test]
fn path_template_link_outside() {
    let (site, _outside) = with_link_outside("templates/page.html", b"{{ 'secret' }}");
    std::fs::create_dir_all(site.path().join("pages")).unwrap();
    std::fs::write(site.path().join("pages/about.md"), "---\ntitle: About\n---\nx\n").unwrap();
    let Outcome::Refused(d) = run(site.path()) else {
        panic!("built")
    };
    let d = d
        .iter()
        .find(|d| {
            d.message
                .contains("templates/page.html is a link to a file outside the site folder")
        })
        .unwrap_or_else(|| panic!("{}", show(&d)));
    assert!(d.help.is_some(), "{d}");
    assert!(!site.path().join("public").exists());
}

// ---------- Broken and hostile images ----------
error!(
    image_truncated_jpeg,
    "products/p.yaml", 3, 17, NONE, "photo `images/cut.jpg`: is cut short", "copy the photo again"
);
error!(
    image_truncated_progressive_jpeg,
    "products/p.yaml", 3, 17, NONE, "photo `images/cut.jpg`: is cut short", "copy the photo again"
);
error!(
    image_truncated_png,
    "products/p.yaml", 3, 17, NONE, "photo `images/cut.png`: is cut short", "copy the photo again"
);
error!(
    image_truncated_gif,
    "products/p.yaml", 3, 17, NONE, "photo `images/cut.gif`: is cut short", "copy the photo again"
);
error!(
    image_text_named_jpg,
    "products/p.yaml",
    3,
    17,
    NONE,
    "photo `images/notes.jpg`: is not an image",
    "check that this is the right file"
);
error!(
    image_html_named_png,
    "products/p.yaml",
    3,
    17,
    NONE,
    "photo `images/page.png`: is not an image",
    "check that this is the right file"
);
error!(
    image_zero_bytes,
    "products/p.yaml",
    3,
    17,
    NONE,
    "photo `images/empty.jpg`: is empty (0 bytes)",
    "copy the photo into the folder again"
);
error!(
    image_heic_named_jpg,
    "products/p.yaml", 3, 17, NONE, "photo `images/iphone.jpg`: is a HEIC photo", "Most Compatible"
);
error!(
    image_tiff,
    "products/p.yaml", 3, 17, NONE, "photo `images/scan.tif`: is a TIFF image", "export it as JPEG"
);
error!(
    image_bmp_named_jpg,
    "products/p.yaml", 3, 17, NONE, "photo `images/paint.jpg`: is a BMP image", "export it as JPEG"
);
error!(
    image_png_zero_width,
    "products/p.yaml",
    3,
    17,
    NONE,
    "photo `images/flat.png`: is not a valid image",
    "export it again as JPEG"
);
// Decompression bombs: refused from the header, before any pixel buffer exists.
error!(
    image_png_bomb,
    "products/p.yaml",
    3,
    17,
    NONE,
    "photo `images/bomb.png`: is 100000×100000 pixels, more than minisite's limit",
    "export it again"
);
error!(
    image_jpeg_bomb,
    "products/p.yaml", 3, 17, NONE, "photo `images/bomb.jpg`: is 65500×65500 pixels", "export it again"
);
error!(
    image_gif_bomb,
    "products/p.yaml", 3, 17, NONE, "photo `images/bomb.gif`: is 65535×65535 pixels", "export it again"
);
error!(
    image_webp_bomb,
    "products/p.yaml", 3, 17, NONE, "photo `images/bomb.webp`: is 16384×16384 pixels", "export it again"
);
warning!(
    image_png_named_jpg,
    "products/p.yaml",
    3,
    17,
    "photo `images/really-png.jpg` is a PNG file, but its name says JPEG",
    "rename the file"
);
warning!(
    image_jpeg_named_png,
    "products/p.yaml",
    3,
    17,
    "photo `images/really-jpeg.png` is a JPEG file, but its name says PNG",
    "rename the file"
);
warning!(
    image_one_pixel,
    "products/p.yaml",
    3,
    17,
    "photo `images/dot.png` is 1 px wide, less than the largest width of 160 px",
    "larger original"
);

/// The one WebP variant of the case's photo, decoded.
fn published(out: &Path) -> image::RgbImage {
    let webp: Vec<PathBuf> = files(&out.join("images"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "webp"))
        .collect();
    assert_eq!(webp.len(), 1, "{webp:?}");
    decode_rgb(&webp[0])
}

/// Animations: a warning naming the product and the photo, and the first frame (red) published.
fn animated(case: &str, says: &'static str) {
    let (_site, warnings, out) = built(case);
    let x = Expect {
        file: P,
        line: 3,
        column: 17,
        field: None,
        says,
        help: "export the frame you want",
    };
    assert_reported(&warnings, &x);
    let img = published(&out);
    let px = img.get_pixel(img.width() / 2, img.height() / 2);
    assert!(
        px[0] > 200 && px[1] < 40 && px[2] < 40,
        "not the first (red) frame: {px:?}"
    );
}

#[test]
fn image_animated_gif() {
    animated(
        "image_animated_gif",
        "animated GIF: only the first frame is shown (photo `images/spin.gif`)",
    );
}

#[test]
fn image_animated_webp() {
    animated(
        "image_animated_webp",
        "animated WebP: only the first frame is shown (photo `images/spin.webp`)",
    );
}

#[test]
fn image_animated_png() {
    animated(
        "image_animated_png",
        "animated PNG: only the first frame is shown (photo `images/spin.png`)",
    );
}

#[test]
fn image_still_gif() {
    let (_site, warnings, out) = built("image_still_gif");
    assert!(
        !warnings.iter().any(|w| w.message.contains("animated")),
        "{}",
        show(&warnings)
    );
    assert_eq!(published(&out).dimensions(), (160, 120));
}

/// Photos that are unusual but valid: published at the stored size with their colours.
fn builds_with_red_corner(case: &str) {
    let (_site, warnings, out) = built(case);
    assert!(
        warnings.iter().all(|w| w.message.contains("not used")),
        "{}",
        show(&warnings)
    );
    let img = published(&out);
    assert_eq!(img.dimensions(), (160, 120));
    let red = img.get_pixel(10, 10);
    let blue = img.get_pixel(150, 110);
    assert!(red[0] > 180 && red[2] < 80, "top-left {red:?}");
    assert!(blue[2] > 150 && blue[0] < 90, "bottom-right {blue:?}");
}

#[test]
fn image_absurd_exif() {
    // Orientation 9, a 4-gigabyte tag and a looping IFD: ignored, the photo shown as stored.
    builds_with_red_corner("image_absurd_exif");
}

#[test]
fn image_cmyk_progressive_jpeg() {
    builds_with_red_corner("image_cmyk_progressive_jpeg");
}

#[test]
fn image_16bit_grey_png() {
    let (_site, _warnings, out) = built("image_16bit_grey_png");
    let img = published(&out);
    assert_eq!(img.dimensions(), (160, 120));
    // Grey keeps its tones: the red corner is darker than the blue field (luma 76 vs 82)…
    let (corner, field) = (img.get_pixel(10, 10)[0] as i32, img.get_pixel(150, 110)[0] as i32);
    assert!(
        (60..95).contains(&corner) && (60..100).contains(&field),
        "{corner} {field}"
    );
}

/// `ops::decode` itself refuses a cut JPEG rather than fill the missing part with grey (the planner
/// refuses cut files first, see `image_truncated_jpeg`, but a decoder that fills silently would
/// hide other damage), at full size and with shrink-on-load.
#[test]
fn decoder_refuses_a_truncated_jpeg() {
    for case in ["image_truncated_jpeg", "image_truncated_progressive_jpeg"] {
        let bytes = std::fs::read(corpus().join(format!("cases/{case}/images/cut.jpg"))).unwrap();
        for shrink in [1, 2, 8] {
            let err = minisite::images::ops::decode(&bytes, shrink)
                .err()
                .expect("refused");
            assert!(err.contains("cut short"), "{case}, shrink {shrink}: {err}");
        }
    }
}

// ---------- Product text in every context ----------
#[test]
fn text_hostile_everywhere() {
    let name = "</script><script>alert(1)</script> \"Q\" & 'A' <b>";
    let (_site, _warnings, out) = built("text_hostile_everywhere");
    let page = out.join("products/hostile/index.html");
    let doc = html(&page);
    // Parsed, not searched in the text: minified pages keep `<` as it is where it is only text
    // (in <title> and quoted attributes).
    let json_ld = |s: scraper::ElementRef| s.value().attr("type") == Some("application/ld+json");
    assert!(doc.select(&sel("script")).all(json_ld), "script broke out");
    assert!(
        doc.select(&sel("[onerror]")).next().is_none(),
        "attribute broke out"
    );
    assert!(doc.select(&sel("b")).next().is_none(), "markup broke out");
    // Each context gives the seller's text back exactly, once parsed as that context is.
    assert_eq!(text(&doc, "h1"), name);
    assert!(text(&doc, "title").starts_with(name), "{}", text(&doc, "title"));
    assert_eq!(attrs(&doc, "meta[property=\"og:title\"]", "content"), [name]);
    let desc = attrs(&doc, "meta[name=description]", "content");
    assert_eq!(desc, [format!("{name} -->")]);
    assert!(attrs(&doc, "img", "alt").contains(&"\" onerror=\"alert(2)".to_string()));
    let mut found = false;
    for script in doc.select(&sel("script[type=\"application/ld+json\"]")) {
        let json: serde_json::Value = serde_json::from_str(&script.inner_html()).expect("JSON-LD parses");
        if json["@type"] == "Product" {
            assert_eq!(json["name"], name);
            assert_eq!(json["sku"], "S<1>&");
            found = true;
        }
    }
    assert!(found, "no Product JSON-LD");
    // The sitemap stays well-formed XML with the product in it.
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://bad.example/products/hostile/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("<script"));
}

// ---------- Templates ----------
error!(
    template_syntax_error,
    "templates/page.html", 5, 4, NONE, "syntax error: unknown statement endblock", "needs its end tag"
);
error!(
    template_undefined_variable,
    "templates/page.html", 4, 20, NONE, "undefined value", "in `page.subtitle`"
);
error!(
    template_unknown_filter,
    "templates/page.html", 3, 21, NONE, "unknown filter: filter shout is unknown", "in `shout`: no filter"
);

// ---------- Markdown ----------
/// Text that spells a script link is only text: its `<` is escaped, so no tag or attribute can
/// start (the page_markdown fuzz target once mistook this for a link).
#[test]
fn markdown_text_that_spells_a_script_link_stays_text() {
    let md = "- **FOB Karachi** for frahref=\"javascript:med work\n\n<a href=\"javascript:alert(1)\">x</a>\n\n[y](  JaVaScRiPt:alert(2))";
    let html = minisite::markdown::to_html(md, false, false);
    let doc = scraper::Html::parse_fragment(&html);
    let links: Vec<&str> = doc
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(links, ["#"], "{html}");
    assert!(doc
        .select(&sel("li"))
        .next()
        .unwrap()
        .text()
        .collect::<String>()
        .contains("javascript:med work"));
    assert!(
        html.contains("&lt;a href=\"javascript:alert(1)\"&gt;x&lt;/a&gt;"),
        "{html}"
    );
}
