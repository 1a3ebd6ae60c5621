//! A site's own themes (`SITE/themes/NAME/`): inheritance, `theme:` extends, eject, the lists.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const PRODUCT: &str = "products/match-ball-pro-size-5/index.html";

/// The shop with the fixture theme `tests/fixtures/themes/mine` (extends default) chosen.
fn shop_with_mine() -> tempfile::TempDir {
    let site = shop();
    let mine = copy_site(&fixtures().join("themes/mine"));
    copy_into(mine.path(), &site.path().join("themes/mine"));
    set_theme(site.path(), "mine");
    site
}

fn copy_into(from: &Path, to: &Path) {
    for p in files(from) {
        let dest = to.join(p.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&p, &dest).unwrap();
    }
}

fn set_theme(site: &Path, name: &str) {
    let yaml = site.join("site.yaml");
    let text = read(&yaml).replace("theme: default\n", &format!("theme: {name}\n"));
    std::fs::write(&yaml, text).unwrap();
}

fn write(site: &Path, rel: &str, text: &str) {
    let p = site.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Every built file but the build's own bookkeeping (`.minisite`), by path.
fn published(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut all = contents(out);
    all.retain(|path, _| path != ".minisite");
    all
}

#[test]
fn a_local_theme_replaces_only_the_partial_and_static_file_it_has() {
    let site = shop_with_mine();
    let out = build(site.path());
    let product = html(&out.join(PRODUCT));
    // The theme's own partial, with its own string and one string it changes.
    assert_eq!(
        text(&product, ".mine-form .mine-note"),
        "We reply within one working day."
    );
    assert_eq!(text(&product, ".mine-form button"), "Ask for a quote");
    assert!(attrs(&product, "input[name=company]", "name").is_empty());
    // Its static file replaces the parent's (minified as any stylesheet).
    let css = read(&out.join("style.css"));
    assert!(css.ends_with(".mine-note{font-weight:700}"), "{css}");
    assert!(!css.contains(".pager"), "{css}");
    // Every other template and string is the parent's.
    assert_eq!(
        text(&product, ".mine-form label:first-of-type").trim(),
        "Your name"
    );
    let default_build = shop();
    let theirs = build(default_build.path());
    assert_eq!(
        text(&html(&theirs.join("contact/index.html")), "h1"),
        text(&html(&out.join("contact/index.html")), "h1")
    );
    assert_eq!(text(&html(&theirs.join(PRODUCT)), "h1"), text(&product, "h1"));
}

#[test]
fn a_site_template_extending_theme_base_changes_only_that_block() {
    let plain = shop();
    let before = published(&build(plain.path()));
    let site = shop();
    let mark = " · Hand-stitched in Sialkot";
    write(
        site.path(),
        "templates/base.html",
        &format!("{{% extends \"theme:base.html\" %}}{{% block credits %}}{mark}{{% endblock %}}"),
    );
    let after = published(&build(site.path()));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut pages = 0;
    for (path, bytes) in &after {
        let (now, was) = (
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&before[path]),
        );
        if path.ends_with(".html") {
            assert_eq!(now.matches(mark).count(), 1, "{path}");
            pages += 1;
        }
        assert_eq!(now.replace(mark, ""), was, "{path}");
    }
    assert!(pages > 10, "{pages} pages");
}

#[test]
fn theme_extends_reach_down_a_chain_of_three_layers() {
    let site = shop_with_mine();
    write(
        site.path(),
        "themes/mine/templates/base.html",
        "{% extends \"theme:base.html\" %}{% block credits %} · theme{% endblock %}",
    );
    write(
        site.path(),
        "templates/base.html",
        "{% extends \"theme:base.html\" %}{% block credits %}{{ super() }} · site{% endblock %}",
    );
    let out = build(site.path());
    let home = html(&out.join("index.html"));
    assert_eq!(
        text(&home, ".fineprint"),
        "© Fixture Sports (Pvt) Ltd · theme · site"
    );
    // The theme's partial is still used below the site's own base.html.
    assert_eq!(
        text(&html(&out.join(PRODUCT)), ".mine-note"),
        "We reply within one working day."
    );
}

#[test]
fn an_edit_to_a_local_theme_template_reaches_the_next_build() {
    let site = shop_with_mine();
    build(site.path());
    let partial = site
        .path()
        .join("themes/mine/templates/partials/inquiry-form.html");
    std::fs::write(&partial, read(&partial).replace("mine-note", "mine-edited")).unwrap();
    let out = build(site.path());
    assert_eq!(
        text(&html(&out.join(PRODUCT)), ".mine-edited"),
        "We reply within one working day."
    );
}

#[test]
fn a_theme_extending_a_missing_theme_names_its_file_and_field() {
    let site = shop_with_mine();
    let meta = site.path().join("themes/mine/theme.yaml");
    std::fs::write(&meta, read(&meta).replace("extends: default", "extends: fancy")).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("themes/mine/theme.yaml"));
    assert_eq!(d.field.as_deref(), Some("extends"));
    assert_eq!(d.line, Some(4));
    assert!(d.message.contains("there is no theme `fancy` to extend"), "{d}");
    let help = d.help.unwrap();
    assert!(help.contains("built-in themes: atelier, default"), "{help}");
    assert!(help.contains("the site's own (themes/): mine"), "{help}");
}

#[test]
fn themes_extending_each_other_in_a_loop_name_the_loop() {
    let site = shop_with_mine();
    let meta = site.path().join("themes/mine/theme.yaml");
    std::fs::write(&meta, read(&meta).replace("extends: default", "extends: other")).unwrap();
    write(
        site.path(),
        "themes/other/theme.yaml",
        "name: other\nextends: mine\n",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("themes/other/theme.yaml"));
    assert_eq!(d.field.as_deref(), Some("extends"));
    assert_eq!(d.line, Some(2));
    assert!(d.message.contains("in a loop: mine → other → mine"), "{d}");
}

#[test]
fn an_unknown_theme_in_site_yaml_lists_the_sites_own_too() {
    let site = shop_with_mine();
    let yaml = site.path().join("site.yaml");
    std::fs::write(&yaml, read(&yaml).replace("theme: mine\n", "theme: mien\n")).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("site.yaml"));
    assert_eq!(d.field.as_deref(), Some("theme"));
    assert!(d.message.contains("there is no theme `mien`"), "{d}");
    assert!(d.help.unwrap().contains("the site's own (themes/): mine"));
}

/// `extends: default` in `themes/default/` is the built-in default, not a loop.
#[test]
fn a_local_theme_of_a_built_in_name_extends_the_built_in() {
    let site = shop();
    let mine = copy_site(&fixtures().join("themes/mine"));
    copy_into(mine.path(), &site.path().join("themes/default"));
    let out = build(site.path());
    assert_eq!(
        text(&html(&out.join(PRODUCT)), ".mine-form button"),
        "Ask for a quote"
    );
}

#[test]
fn a_theme_file_linking_outside_the_site_is_refused() {
    let site = shop_with_mine();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("form.html");
    std::fs::write(&target, "<p>elsewhere</p>").unwrap();
    let partial = site
        .path()
        .join("themes/mine/templates/partials/inquiry-form.html");
    std::fs::remove_file(&partial).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, &partial).unwrap();
    #[cfg(unix)]
    {
        let e = build_err(site.path()).to_string();
        assert!(e.contains("outside the site folder"), "{e}");
    }
}

#[test]
fn an_ejected_theme_builds_byte_identical_to_the_built_in() {
    let site = shop();
    let before = published(&build(site.path()));
    let dir = site.path().to_str().unwrap();
    let run = cli(&["theme", "eject", "default", dir]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let ejected = site.path().join("themes/default");
    for rel in [
        "theme.yaml",
        "templates/base.html",
        "static/style.css",
        "strings/ar.yaml",
    ] {
        assert!(ejected.join(rel).is_file(), "{rel}");
    }
    let after = published(&build(site.path()));
    assert!(before == after, "the ejected theme's site differs");
    // An edit to the copy is used: it is the copy that is built, not the built-in.
    let css = ejected.join("static/style.css");
    std::fs::write(&css, "body{color:red}").unwrap();
    assert_eq!(read(&build(site.path()).join("style.css")), "body{color:red}");
}

#[test]
fn ejected_atelier_and_ledger_build_byte_identical_to_the_built_in_ones() {
    for theme in ["atelier", "ledger"] {
        let site = shop();
        set_theme(site.path(), theme);
        let before = published(&build(site.path()));
        let run = cli(&["theme", "eject", theme, site.path().to_str().unwrap()]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        // Their parts came along: the copy is what is built.
        let own = site.path().join(format!("themes/{theme}/templates/partials"));
        assert!(own.is_dir(), "{theme}");
        let after = published(&build(site.path()));
        assert!(before == after, "the ejected {theme}'s site differs");
    }
}

#[test]
fn eject_never_overwrites_a_theme_folder() {
    let site = shop();
    write(site.path(), "themes/default/theme.yaml", "name: default\n");
    let run = cli(&["theme", "eject", "default", site.path().to_str().unwrap()]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        read(&site.path().join("themes/default/theme.yaml")),
        "name: default\n"
    );
    let run = cli(&["theme", "eject", "fancy", site.path().to_str().unwrap()]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("no built-in theme `fancy`") && err.contains("default"),
        "{err}"
    );
}

#[test]
fn themes_lists_the_built_in_ones_and_the_sites_own() {
    let site = shop_with_mine();
    let run = cli(&["themes", site.path().to_str().unwrap()]);
    assert!(run.status.success());
    let out = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = out.lines().collect();
    // The built-in themes first, one line each, then the site's own.
    let builtin = minisite::theme::names();
    assert_eq!(lines.len(), builtin.len() + 1, "{out}");
    for (line, name) in lines.iter().zip(&builtin) {
        assert!(
            line.starts_with(&format!("{name} ")) && line.contains("built-in"),
            "{out}"
        );
    }
    let default = lines.iter().find(|l| l.starts_with("default ")).unwrap();
    assert!(default.contains("Clean, fast, mobile-first storefront"), "{out}");
    let own = lines[builtin.len()];
    assert!(own.starts_with("mine ") && own.contains("themes/"), "{out}");
    assert!(own.contains("shorter inquiry form"), "{out}");
}

#[test]
fn init_with_an_unknown_theme_lists_the_themes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new");
    let run = cli(&["init", target.to_str().unwrap(), "--theme", "fancy"]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("there is no theme `fancy`") && err.contains("default"),
        "{err}"
    );
    assert!(!target.exists());
}

// Brand beyond colours: the site's own font files, the corner radius, the density.

/// The shop with `brand_yaml` (indented two spaces) added under `brand:`, minify off.
fn shop_with_brand(brand_yaml: &str) -> tempfile::TempDir {
    let site = shop();
    unminified(site.path());
    let yaml = site.path().join("site.yaml");
    std::fs::write(
        &yaml,
        read(&yaml).replace("brand:\n", &format!("brand:\n{brand_yaml}")),
    )
    .unwrap();
    site
}

/// A stand-in WOFF2 file: the signature, then bytes no browser is asked to read here.
fn woff2(site: &Path, rel: &str) -> Vec<u8> {
    let bytes = [b"wOF2".as_slice(), &[0, 1, 0, 0], rel.as_bytes()].concat();
    write(site, rel, "");
    std::fs::write(site.join(rel), &bytes).unwrap();
    bytes
}

const INTER: &str = "  fonts:
    heading: Georgia, serif
    body:
      family: Inter
      files:
        - fonts/inter-400.woff2
        - {path: fonts/inter-700.woff2, weight: 700}
";

#[test]
fn brand_font_files_get_a_swapping_font_face_each_and_one_preload() {
    let site = shop_with_brand(INTER);
    let regular = woff2(site.path(), "static/fonts/inter-400.woff2");
    woff2(site.path(), "static/fonts/inter-700.woff2");
    let out = build(site.path());
    assert_eq!(std::fs::read(out.join("fonts/inter-400.woff2")).unwrap(), regular);
    let page = html(&out.join(PRODUCT));
    let preload = attrs(&page, "link[rel=preload][as=font]", "href");
    assert_eq!(preload.len(), 1, "{preload:?}");
    assert!(
        preload[0].starts_with("../../fonts/inter-400.woff2?v="),
        "{preload:?}"
    );
    assert_eq!(attrs(&page, "link[rel=preload]", "type"), ["font/woff2"]);
    assert_eq!(attrs(&page, "link[rel=preload][crossorigin]", "as"), ["font"]);
    let style = text(&page, "head style");
    assert!(style.contains("--font-body:\"Inter\", system-ui"), "{style}");
    assert!(style.contains("--font-heading:Georgia, serif"), "{style}");
    assert_eq!(style.matches("@font-face").count(), 2, "{style}");
    assert!(
        style.contains(&format!(
            "@font-face{{font-family:\"Inter\";src:url({}) format(\"woff2\");font-weight:400;font-style:normal;font-display:swap}}",
            preload[0]
        )),
        "{style}"
    );
    assert!(
        style.contains("font-weight:700;font-style:normal;font-display:swap}"),
        "{style}"
    );
}

#[test]
fn a_missing_or_other_font_file_is_an_error_on_its_line() {
    let site = shop_with_brand(INTER);
    // inter-400 missing; inter-700 a TrueType file renamed.
    write(site.path(), "static/fonts/inter-700.woff2", "\0\x01\0\0true type");
    let e = build_err(site.path());
    let d = e.diagnostics();
    assert_eq!(d.len(), 2, "{e}");
    assert_eq!(d[0].file, Path::new("site.yaml"));
    assert_eq!(d[0].field.as_deref(), Some("brand.fonts.body.files[0]"));
    assert_eq!(d[0].line, Some(13));
    assert!(
        d[0].message
            .contains("`static/fonts/inter-400.woff2` does not exist"),
        "{e}"
    );
    assert_eq!(d[1].field.as_deref(), Some("brand.fonts.body.files[1]"));
    assert_eq!(d[1].line, Some(14));
    assert!(d[1].message.contains("is not a WOFF2 font file"), "{e}");
}

#[test]
fn brand_radius_and_density_reach_the_css() {
    let site = shop_with_brand("  radius: 0\n  density: compact\n");
    let out = build(site.path());
    let style = text(&html(&out.join("index.html")), "head style");
    assert!(style.contains(";--radius:0;--density:0.75}"), "{style}");
    let css = read(&out.join("style.css"));
    assert!(css.contains("border-radius: var(--radius)"));
    assert!(
        css.contains(".section { padding-top: calc(2rem * var(--density))"),
        "{css}"
    );
    // Unset, the theme's own values stay: nothing added to the page.
    let plain = shop();
    unminified(plain.path());
    let style = text(&html(&build(plain.path()).join("index.html")), "head style");
    assert!(
        !style.contains("--radius") && !style.contains("--density") && !style.contains("@font-face"),
        "{style}"
    );
}

#[test]
fn a_radius_or_density_that_is_not_one_is_placed() {
    let site = shop_with_brand("  radius: 6 px\n  density: roomy\n");
    let e = build_err(site.path());
    let text = e.to_string();
    assert!(text.contains("roomy"), "{text}");
    let site = shop_with_brand("  radius: 6 px\n");
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("brand.radius"));
    assert_eq!(d.line, Some(8));
    assert!(d.message.contains("`6 px` is not a length"), "{d}");
}

// The layout numbers: one place for the grids' CSS and the photos' sizes.

#[test]
fn a_themes_layout_numbers_set_both_its_grid_css_and_its_photo_sizes() {
    let site = shop_with_mine();
    let meta = site.path().join("themes/mine/theme.yaml");
    let layout = "layout:\n  max_width: 900\n  steps:\n    - {gutter: 1, gap: 1, columns: {grid: 1, grid_cats: 1}}\n    - {from: 600, gutter: 2, gap: 1, columns: {grid: 2}}\n";
    std::fs::write(&meta, format!("{}{layout}", read(&meta))).unwrap();
    unminified(site.path());
    let out = build(site.path());
    let list = html(&out.join("products/index.html"));
    let sizes = attrs(&list, ".grid img", "sizes");
    assert!(!sizes.is_empty());
    let want = "(min-width: 900px) calc((900px - 5rem) / 2), (min-width: 600px) calc((100vw - 5rem) / 2), calc((100vw - 2rem) / 1)";
    assert!(sizes.iter().all(|s| s == want), "{sizes:?}");
    let style = text(&list, "head style");
    assert!(style.contains(":root{--wrap:900px}.wrap{padding:0 1rem}.grid{grid-template-columns:repeat(1,minmax(0,1fr));gap:1rem}"), "{style}");
    assert!(style.contains("@media (min-width:600px){.wrap{padding:0 2rem}.grid{grid-template-columns:repeat(2,minmax(0,1fr));gap:1rem}}"), "{style}");
    // Without the numbers the theme has its parent's: the default grid of four.
    let plain = shop_with_mine();
    let list = html(&build(plain.path()).join("products/index.html"));
    assert!(
        attrs(&list, ".grid img", "sizes")[0].starts_with("(min-width: 1160px) calc((1160px - 6.75rem) / 4)")
    );
}

#[test]
fn layout_steps_out_of_order_are_placed_in_theme_yaml() {
    let site = shop_with_mine();
    let meta = site.path().join("themes/mine/theme.yaml");
    let layout = "layout:\n  max_width: 900\n  steps:\n    - {from: 600, gutter: 1, gap: 1, columns: {grid: 1}}\n    - {from: 300, gutter: 1, gap: 1, columns: {grid: 2}}\n";
    std::fs::write(&meta, format!("{}{layout}", read(&meta))).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("themes/mine/theme.yaml"));
    assert_eq!(d.field.as_deref(), Some("layout.steps[1].from"));
    assert_eq!(d.line, Some(9));
    assert!(d.message.contains("from narrow to wide"), "{d}");
}

#[test]
fn a_theme_template_no_layer_below_has_is_named_as_written() {
    let site = shop();
    write(
        site.path(),
        "templates/base.html",
        "{% extends \"theme:bsae.html\" %}",
    );
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, Path::new("templates/base.html"));
    assert_eq!(d.line, Some(1));
    assert!(d.message.contains("\"theme:bsae.html\" does not exist"), "{d}");
    assert!(d
        .help
        .unwrap()
        .contains("`theme:NAME` is NAME in the themes below this file"));
}

// Parts (#13): each named part of the built-in themes is a file in `partials/` and a block, and a
// site replaces one alone.

/// Every named part, with the page kinds (`<body class="kind-…">`) whose template shows it;
/// `*` is every page.
const PARTS: &[(&str, &[&str])] = &[
    ("header", &["*"]),
    ("nav", &["*"]),
    ("footer", &["*"]),
    ("gallery", &["product"]),
    ("badges", &["product"]),
    ("price-tiers", &["product"]),
    ("terms", &["product"]),
    ("inquiry-box", &["product"]),
    ("details", &["product"]),
    ("description", &["product"]),
    ("tags", &["product"]),
    ("pager", &["products", "category", "tag"]),
    ("category-tiles", &["home"]),
    ("quote-call", &["home"]),
    ("intro", &["home"]),
];

fn marker(part: &str) -> String {
    format!("⟪{part}⟫")
}

/// A site's `partials/PART.html` that is the theme's own, between two markers: built, the
/// bytes between them are the part's.
fn wrapping(part: &str) -> String {
    format!("⟦{part}⟧{{% include \"theme:partials/{part}.html\" %}}⟦/{part}⟧")
}

/// Each `⟦part⟧…⟦/part⟧` of `page` replaced by `with`.
fn replace_part(page: &str, part: &str, with: &str) -> String {
    let (open, close) = (format!("⟦{part}⟧"), format!("⟦/{part}⟧"));
    let mut out = String::new();
    let mut rest = page;
    while let Some(i) = rest.find(&open) {
        let j = rest[i..].find(&close).expect("a part's closing marker") + i;
        out.push_str(&rest[..i]);
        out.push_str(with);
        rest = &rest[j + close.len()..];
    }
    out + rest
}

/// `page` without the wrapping markers of any part.
fn unwrapped(page: &str) -> String {
    PARTS.iter().fold(page.to_string(), |p, (part, _)| {
        p.replace(&format!("⟦{part}⟧"), "")
            .replace(&format!("⟦/{part}⟧"), "")
    })
}

/// The built site's pages (HTML files), by path. The other files (the search index reads the
/// pages' words) are compared by name only.
fn pages_of(out: &Path) -> std::collections::BTreeMap<String, String> {
    published(out)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

fn kind_of(page: &str) -> &str {
    let at = page.find("<body class=\"kind-").expect("a page kind") + 18;
    &page[at..at + page[at..].find('"').unwrap()]
}

/// Builds `site` with exactly the site partials `files` (PART, text) in `dir` (its
/// `templates/partials` or a local theme's), the others removed.
fn build_with_parts(
    site: &Path,
    dir: &str,
    files: &[(&str, String)],
) -> std::collections::BTreeMap<String, String> {
    let _ = std::fs::remove_dir_all(site.join(dir));
    for (part, text) in files {
        write(site, &format!("{dir}/{part}.html"), text);
    }
    pages_of(&build(site))
}

/// The shop in `theme`, unminified (the bytes as the templates write them), built plain and with
/// every part wrapped in markers: the wrapping adds only its markers, so what lies between them
/// is exactly each part's bytes on each page.
fn plain_and_wrapped(
    theme: &str,
) -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeMap<String, String>,
) {
    let site = shop();
    unminified(site.path());
    set_theme(site.path(), theme);
    let plain = pages_of(&build(site.path()));
    let all: Vec<(&str, String)> = PARTS.iter().map(|(p, _)| (*p, wrapping(p))).collect();
    let wrapped = build_with_parts(site.path(), "templates/partials", &all);
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        wrapped.keys().collect::<Vec<_>>()
    );
    for (path, page) in &wrapped {
        assert_eq!(&unwrapped(page), &plain[path], "{theme}: {path}");
    }
    (site, plain, wrapped)
}

/// `got` is `wrapped` with each part of `replaced` in place of its marker, and every other byte
/// the same; the markers stand on exactly the pages of the kinds that show each part.
fn assert_only_parts_changed(
    label: &str,
    replaced: &[&str],
    got: &std::collections::BTreeMap<String, String>,
    plain: &std::collections::BTreeMap<String, String>,
    wrapped: &std::collections::BTreeMap<String, String>,
) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        wrapped.keys().collect::<Vec<_>>(),
        "{label}"
    );
    for part in replaced {
        let kinds = PARTS.iter().find(|(p, _)| p == part).unwrap().1;
        let mut shown = 0;
        for (path, page) in got {
            let kind = kind_of(&plain[path]);
            let has = page.contains(&marker(part));
            assert_eq!(
                has,
                kinds.contains(&"*") || kinds.contains(&kind),
                "{label}: {part} on {path} ({kind})"
            );
            shown += usize::from(has);
        }
        assert!(shown > 0, "{label}: {part} on no page");
    }
    for (path, page) in got {
        let expected = replaced.iter().fold(wrapped[path].clone(), |p, part| {
            replace_part(&p, part, &marker(part))
        });
        assert_eq!(page, &unwrapped(&expected), "{label}: {path}");
    }
}

#[test]
fn each_part_a_site_replaces_alone_changes_only_that_part_on_every_page_showing_it() {
    let (site, plain, wrapped) = plain_and_wrapped("default");
    for (part, _) in PARTS {
        let got = build_with_parts(site.path(), "templates/partials", &[(part, marker(part))]);
        assert_only_parts_changed(part, &[part], &got, &plain, &wrapped);
    }
}

#[test]
fn atelier_and_ledger_pick_up_a_sites_override_of_each_part() {
    for theme in ["atelier", "ledger"] {
        let (site, plain, wrapped) = plain_and_wrapped(theme);
        // ledger's home has its own category index, not default's tiles; atelier's home is its
        // own editorial page, without default's intro.
        let parts: Vec<&str> = PARTS
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| !(theme == "ledger" && *p == "category-tiles"))
            .filter(|p| !(theme == "atelier" && *p == "intro"))
            .collect();
        let all: Vec<(&str, String)> = parts.iter().map(|p| (*p, marker(p))).collect();
        let got = build_with_parts(site.path(), "templates/partials", &all);
        assert_only_parts_changed(theme, &parts, &got, &plain, &wrapped);
    }
}

#[test]
fn a_part_replaced_by_file_by_local_theme_or_by_block_gives_the_same_pages() {
    let site = shop_with_mine();
    unminified(site.path());
    let footer = "<footer class=\"site-footer\"><p class=\"wrap\">Sialkot</p></footer>";
    let mut built = Vec::new();
    for file in [
        "templates/partials/footer.html",
        "themes/mine/templates/partials/footer.html",
    ] {
        write(site.path(), file, footer);
        built.push(pages_of(&build(site.path())));
        std::fs::remove_file(site.path().join(file)).unwrap();
    }
    write(
        site.path(),
        "templates/base.html",
        &format!("{{% extends \"theme:base.html\" %}}{{% block footer %}}{footer}{{% endblock %}}"),
    );
    built.push(pages_of(&build(site.path())));
    let home = &built[0]["index.html"];
    assert!(home.contains(footer) && !home.contains("footer-grid"), "{home}");
    assert!(
        built[0] == built[1],
        "the site's partial and the local theme's differ"
    );
    assert!(
        built[1] == built[2],
        "the local theme's partial and the block differ"
    );
}

#[test]
fn a_product_part_replaced_by_block_or_by_file_gives_the_same_pages_in_every_theme() {
    for theme in ["default", "atelier", "ledger"] {
        let site = shop();
        unminified(site.path());
        set_theme(site.path(), theme);
        let tiers = "<p class=\"our-tiers\">Ask us for this season's tiers</p>";
        let by_file = build_with_parts(
            site.path(),
            "templates/partials",
            &[("price-tiers", tiers.into())],
        );
        assert!(by_file[PRODUCT].contains(tiers), "{theme}");
        assert!(!by_file[PRODUCT].contains("class=\"tiers\""), "{theme}");
        let _ = std::fs::remove_dir_all(site.path().join("templates/partials"));
        write(
            site.path(),
            "templates/product.html",
            &format!(
                "{{% extends \"theme:product.html\" %}}{{% block price_tiers %}}{tiers}{{% endblock %}}"
            ),
        );
        let by_block = pages_of(&build(site.path()));
        assert!(by_file == by_block, "{theme}: the block and the file differ");
    }
}

// `cached` (issue #14): a product's card is made once per build for each setting and page depth.

/// Every card's link and photo, on every listing and product page, at every depth.
fn card_targets(out: &Path) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for page in html_files(out) {
        let doc = html(&page);
        for card in doc.select(&sel("article.card a.card-link")) {
            for (el, attr) in [(card, "href")]
                .into_iter()
                .chain(card.select(&sel("img")).map(|i| (i, "src")))
            {
                let link = el.value().attr(attr).unwrap().to_string();
                if link != "#" && link != "data:," {
                    all.push((page.strip_prefix(out).unwrap().display().to_string(), link));
                }
            }
        }
    }
    all
}

#[test]
fn cached_cards_link_right_from_every_page_depth() {
    let site = shop();
    // per_page 2: categories' and tags' second pages are two folders deeper than their first.
    let out = build(site.path());
    let targets = card_targets(&out);
    let depths: BTreeSet<usize> = targets
        .iter()
        .map(|(page, _)| page.matches('/').count())
        .collect();
    assert!(depths.len() >= 3, "{depths:?}");
    for (page, link) in &targets {
        let file = resolve(&out.join(page), link);
        assert!(file.is_file(), "{page}: card link {link} is not a file");
    }
}

#[test]
fn a_cached_block_is_shared_by_the_pages_of_one_depth_and_language() {
    // A card that also shows what its key leaves out (the page's title): once cached, every
    // page of one depth shows the first page's title in that product's card.
    let site = shop();
    let card =
        read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/card.html"))
            .replace(
                "<article class=\"card\">",
                "<article class=\"card\" data-page=\"{{ page.title }}\">",
            );
    write(site.path(), "templates/partials/card.html", &card);
    let out = build(site.path());
    // Cards alike but for that title (one product, setting and language) at one depth: the
    // titles they show, the titles of the pages they are on, and the product they link to.
    type Seen = (BTreeSet<String>, BTreeSet<String>, PathBuf);
    let mut seen: BTreeMap<(usize, String), Seen> = BTreeMap::new();
    for page in html_files(&out) {
        let depth = page.strip_prefix(&out).unwrap().components().count();
        let doc = html(&page);
        let title = text(&doc, "title");
        for card in doc.select(&sel("article.card[data-page]")) {
            let shown = card.value().attr("data-page").unwrap().to_string();
            let link = card.select(&sel("a.card-link")).next().unwrap();
            let href = link.value().attr("href").unwrap();
            if href == "#" {
                continue;
            }
            let markup = card.html().replacen(&format!(" data-page=\"{shown}\""), "", 1);
            let entry = seen.entry((depth, markup)).or_default();
            entry.0.insert(shown);
            entry.1.insert(title.clone());
            entry.2 = resolve(&page, href);
        }
    }
    for ((depth, card), (shown, _, _)) in &seen {
        assert_eq!(shown.len(), 1, "at depth {depth}, {card} shows {shown:?}");
    }
    // One card was on pages of different titles, yet shows one: it was made once.
    assert!(
        seen.values().any(|(_, titles, _)| titles.len() > 1),
        "no card is on two pages"
    );
    // …and a product shown at two depths got a card for each.
    let mut depths_of: BTreeMap<&PathBuf, BTreeSet<usize>> = BTreeMap::new();
    for ((depth, _), (_, _, product)) in &seen {
        depths_of.entry(product).or_default().insert(*depth);
    }
    assert!(depths_of.values().any(|d| d.len() > 1), "{depths_of:?}");
}

#[test]
fn a_cached_key_of_a_whole_product_is_refused_on_its_line() {
    let site = shop();
    write(
        site.path(),
        "templates/partials/card.html",
        "{% call cached(\"card\", p) %}<article class=\"card\"></article>{% endcall %}",
    );
    let d = first(&build_err(site.path()));
    // Named from the include that reached it, down to the site's file and line.
    assert!(d.message.contains("templates/partials/card.html:1:"), "{d}");
    assert!(d.message.contains("cached(): key parts are text"), "{d}");
    assert!(d.message.contains("p.url, not p"), "{d}");
}
