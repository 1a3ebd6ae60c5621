//! Bad input gets a located, actionable error, and never damages a published site.

use crate::common::*;
use minisite::images::run::{Fault, PhotoFailure};

#[test]
fn unknown_field_names_file_line_and_suggests() {
    let site = shop();
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(&p, read(&p) + "sumary: typo here\n").unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, std::path::Path::new("products/futsal-ball.yaml"));
    assert_eq!(d.line, Some(5));
    assert!(d.message.contains("unknown field `sumary`"), "{d}");
    assert!(
        d.help.as_deref().unwrap().contains("did you mean `summary`"),
        "{d}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let site = shop();
    std::fs::write(site.path().join("products/a.yaml"), "sku: A1\nname: A\n").unwrap();
    std::fs::write(site.path().join("products/b.yaml"), "sku: [\n").unwrap();
    std::fs::write(site.path().join("pages/bad.md"), "no front matter").unwrap();
    let e = build_err(site.path());
    let files: Vec<String> = e
        .diagnostics()
        .iter()
        .map(|d| d.file.display().to_string())
        .collect();
    assert!(files.contains(&"products/a.yaml".to_string()), "{e}");
    assert!(files.contains(&"products/b.yaml".to_string()), "{e}");
    assert!(files.contains(&"pages/bad.md".to_string()), "{e}");
}

#[test]
fn duplicate_sku_names_both_files() {
    let site = shop();
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(&p, read(&p).replace("FX-FB-003", "FX-FB-001")).unwrap();
    let e = build_err(site.path());
    let msg = e.to_string();
    assert!(
        msg.contains("products/match-ball.yaml") && msg.contains("products/futsal-ball.yaml"),
        "{msg}"
    );
    assert!(msg.contains("SKU `FX-FB-001`"), "{msg}");
}

#[test]
fn missing_photo_suggests_the_near_name_and_case_mismatch() {
    let site = shop();
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(&p, read(&p).replace("images/ladybird.jpg", "images/ladybrd.jpg")).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.line, Some(4));
    assert!(d.help.as_deref().unwrap().contains("images/ladybird.jpg"), "{d}");
    std::fs::write(&p, read(&p).replace("images/ladybrd.jpg", "images/LadyBird.jpg")).unwrap();
    let d = first(&build_err(site.path()));
    assert!(d.help.as_deref().unwrap().contains("case-sensitive"), "{d}");
}

#[test]
fn photo_paths_outside_the_site_are_refused() {
    let site = shop();
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(site.path().join("images/grey.jpg"), outside.path().join("x.jpg")).unwrap();
    let p = site.path().join("products/futsal-ball.yaml");
    let base = read(&p);
    for (path, says) in [
        ("../outside.jpg".to_string(), "leaves the site folder"),
        (
            outside.path().join("x.jpg").display().to_string(),
            "absolute path",
        ),
    ] {
        std::fs::write(&p, base.replace("images/ladybird.jpg", &path)).unwrap();
        let d = first(&build_err(site.path()));
        assert!(d.message.contains(says), "{path}: {d}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path().join("x.jpg"), site.path().join("images/link.jpg"))
            .unwrap();
        std::fs::write(&p, base.replace("images/ladybird.jpg", "images/link.jpg")).unwrap();
        let d = first(&build_err(site.path()));
        assert!(d.message.contains("outside the site folder"), "{d}");
    }
}

#[test]
fn template_error_names_the_template_and_line() {
    let site = shop();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.no_such_thing }}\n{% endblock %}",
    )
    .unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file, std::path::Path::new("templates/page.html"));
    assert_eq!(d.line, Some(3));
    assert!(d.to_string().contains("undefined"), "{d}");
}

/// The installed binary once said only "undefined value" and marked the whole line: minijinja
/// keeps a template's source for errors only in debug mode, which is on by default in debug
/// builds alone. The binary the tests run is the same code as the installed one.
#[test]
fn template_typo_is_named_and_marked_by_the_binary() {
    let site = shop();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<p class=\"lead\">{{ page.subtitel }}</p>\n{% endblock %}",
    )
    .unwrap();
    let o = cli(&["build", site.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("templates/page.html:3:20"), "{err}");
    assert!(err.contains("in `page.subtitel`"), "{err}");
    // The snippet underlines the expression itself: 13 characters under `page.subtitel`.
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("<p class=\"lead\">{{ page.subtitel }}</p>"))
        .unwrap_or_else(|| panic!("no snippet: {err}"));
    let (code, mark) = (lines[at], lines[at + 1]);
    let start = code[..code.find("page.subtitel").unwrap()].chars().count();
    let marked: Vec<char> = mark.chars().skip(start).take(14).collect();
    assert!(
        marked[..13].iter().all(|c| "─┬".contains(*c)) && marked.get(13).is_none_or(|c| *c == ' '),
        "marks `page.subtitel` only:\n{code}\n{mark}"
    );
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = shop();
    let out = build(site.path());
    let before: Vec<_> = files(&out)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(
        &p,
        read(&p).replace("name: Futsal Ball", "name: Futsal Ball\nname: Twice"),
    )
    .unwrap();
    build_err(site.path());
    let after: Vec<_> = files(&out)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    assert_eq!(before, after);
    // And no staging folders are left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("minisite-build"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn corrupt_photo_is_reported_with_its_product() {
    let site = shop();
    let bytes = std::fs::read(site.path().join("images/ladybird.jpg")).unwrap();
    std::fs::write(site.path().join("images/ladybird.jpg"), &bytes[..200]).unwrap();
    std::fs::write(site.path().join("images/notes.jpg"), b"this is not an image").unwrap();
    let p = site.path().join("products/training-ball.yaml");
    std::fs::write(&p, read(&p).replace("images/grey.jpg", "images/notes.jpg")).unwrap();
    let e = build_err(site.path());
    let msg = e.to_string();
    assert!(
        msg.contains("images/notes.jpg") && msg.contains("products/training-ball.yaml"),
        "{msg}"
    );
    assert!(msg.contains("images/ladybird.jpg"), "{msg}");
}

#[test]
fn check_reports_warnings_writes_nothing_and_exits_0() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("valid_until: 2030-01-31", "valid_until: 2001-01-31"),
    )
    .unwrap();
    let p = site.path().join("products/training-ball.yaml");
    std::fs::write(&p, read(&p).replace("min_qty: 500", "min_qty: 50")).unwrap();
    std::fs::copy(
        site.path().join("images/grey.jpg"),
        site.path().join("images/spare.jpg"),
    )
    .unwrap();
    let o = cli(&["check", site.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("site.yaml:24") && err.contains("expired on 2001-01-31"),
        "{err}"
    );
    assert!(
        err.contains("products/training-ball.yaml:10") && err.contains("MOQ is 500"),
        "{err}"
    );
    assert!(
        err.contains("images/spare.jpg") && err.contains("not used"),
        "{err}"
    );
    assert!(
        err.contains("products/futsal-ball.yaml:2:1") && err.contains("no price"),
        "{err}"
    );
    assert!(err.contains("images/oriented.jpg` has no alt text"), "{err}");
    assert!(!site.path().join("public").exists() && !site.path().join(".minisite-cache").exists());
}

#[test]
fn check_exits_1_with_a_snippet_of_the_bad_line() {
    let site = shop();
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(&p, read(&p) + "moq: {quantity: -5}\n").unwrap();
    let o = cli(&["check", site.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("products/futsal-ball.yaml:5"), "{err}");
    assert!(
        err.contains("moq: {quantity: -5}"),
        "the offending line is shown: {err}"
    );
    assert!(!site.path().join(".minisite-cache").exists());
}

#[test]
fn bad_certificate_date_is_an_error() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("valid_until: 2030-01-31", "valid_until: next year"),
    )
    .unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("company.certifications[0].valid_until"));
    assert!(d.message.contains("not a date"), "{d}");
}

#[test]
fn output_folder_minisite_did_not_make_is_refused_unless_forced() {
    let site = shop();
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("thesis.docx"), b"precious").unwrap();
    let (s, o) = (site.path().to_str().unwrap(), foreign.path().to_str().unwrap());
    let refused = cli(&["build", s, "-o", o]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(foreign.path().join("thesis.docx").is_file());
    assert_eq!(cli(&["build", s, "-o", o, "--force"]).status.code(), Some(0));
    // Once minisite's, the folder is rebuilt without --force.
    assert_eq!(cli(&["build", s, "-o", o]).status.code(), Some(0));
}

#[test]
fn leftovers_of_an_interrupted_build_are_removed() {
    let site = shop();
    let stale = site.path().join(".public.minisite-build-abc123");
    std::fs::create_dir_all(stale.join("products")).unwrap();
    std::fs::write(stale.join("index.html"), "half").unwrap();
    build(site.path());
    assert!(!stale.exists());
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn two_builds_of_one_output_at_once_do_not_interleave() {
    let site = shop();
    build(site.path()); // warm the photo cache so both builds are mostly page writes
    let dir = site.path().to_str().unwrap().to_string();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || cli(&["build", &dir]))
        })
        .collect();
    for r in runs {
        let o = r.join().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let out = site.path().join("public");
    assert_eq!(html_files(&out).len(), 21);
    assert_eq!(files(&out.join("images")).len(), 32);
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

/// Regression: on a line with `Größe` or Urdu text before the spot, the message's
/// `file:line:column` counted characters while the snippet's `╭─[file:line:column]` counted
/// bytes, and a missing photo's column was counted in bytes too.
#[test]
fn column_and_caret_disagreed_after_non_ascii_text() {
    let site = shop();
    let p = site.path().join("products/futsal-ball.yaml");
    let photos = "photos: [{path: images/ladybird.jpg, alt: \"Größe 4, گول کیپر\"}, images/ladybrd.jpg]";
    std::fs::write(
        &p,
        format!("sku: FX-FB-003\nname: Futsal Ball\ncategory: Footballs\n{photos}\n"),
    )
    .unwrap();
    let o = cli(&["check", site.path().to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    let column = photos[..photos.find("images/ladybrd.jpg").unwrap()]
        .chars()
        .count()
        + 1;
    assert_eq!(column, 65, "the spot is 65 characters in (74 bytes)");
    let at = format!("products/futsal-ball.yaml:4:{column}");
    assert!(err.contains(&format!("{at}: `photos[1]`")), "{err}");
    assert!(
        err.contains(&format!("[{at}]")),
        "the snippet's header agrees: {err}"
    );

    // The mark starts under the character the column names.
    let lines: Vec<&str> = err.lines().collect();
    let shown = lines
        .iter()
        .position(|l| l.contains("│ photos:"))
        .expect("the line is shown");
    let code_starts = lines[shown].chars().position(|c| c == '│').unwrap() + 2;
    let marked = lines[shown + 1]
        .chars()
        .position(|c| matches!(c, '─' | '┬' | '^'))
        .expect("a mark under the line");
    assert_eq!(marked - code_starts + 1, column, "{err}");
    assert_eq!(photos.chars().nth(column - 1), Some('i'));
}

/// Regression: a bad `images.thumbnails.widths` was reported on the line of `images.widths`,
/// the first `widths:` in the file.
#[test]
fn thumbnail_widths_error_pointed_at_images_widths() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    let text = read(&cfg) + "  thumbnails:\n    ratio: \"1:1\"\n    widths: [320, 0]\n";
    std::fs::write(&cfg, &text).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.field.as_deref(), Some("images.thumbnails.widths"), "{d}");
    let line = text.lines().position(|l| l == "    widths: [320, 0]").unwrap() + 1;
    assert_eq!((d.line, d.column), (Some(line), Some(5)), "{d}");
}

/// A photo problem found after loading (while making variants) is placed in the product's text
/// as it was loaded, not in the file as it is now: under `serve` it may have changed since.
#[test]
fn late_photo_problem_is_placed_in_the_text_read_at_load() {
    let site = shop();
    let s = minisite::Site::load(site.path(), &Default::default()).unwrap();
    let p = site.path().join("products/training-ball.yaml");
    std::fs::write(&p, "# two lines\n# added since\n".to_string() + &read(&p)).unwrap();
    let late = PhotoFailure::new("images/grey.jpg", Fault::Photo, "cannot be decoded".into());
    let d = minisite::photo_refs::named_in(&s, vec![late]).remove(0);
    assert_eq!(d.file, std::path::Path::new("products/training-ball.yaml"));
    assert_eq!((d.line, d.column), (Some(5), Some(12)), "{d}");
    assert_eq!(d.message, "photo `images/grey.jpg`: cannot be decoded");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("export it again")),
        "{d}"
    );
}

/// A photo that cannot be written (a full disk, a read-only cache) is not the photo's fault: the
/// help says what to do about the disk, not to export the photo again. (It was told apart by
/// looking for "cannot be written" in the message.)
#[test]
fn a_photo_that_cannot_be_stored_gets_the_disk_help_not_the_photo_help() {
    let site = shop();
    let s = minisite::Site::load(site.path(), &Default::default()).unwrap();
    let error = std::io::Error::new(std::io::ErrorKind::StorageFull, "no room");
    let path = site.path().join(".minisite-cache/ab/abcd.webp");
    let failed = PhotoFailure::new(
        "images/grey.jpg",
        Fault::Storage { path, error },
        "no room".into(),
    );
    let d = minisite::photo_refs::named_in(&s, vec![failed]).remove(0);
    assert!(d.help.as_deref().is_some_and(|h| h.contains("disk space")), "{d}");
    assert!(
        !d.help.as_deref().unwrap_or_default().contains("export it again"),
        "{d}"
    );
}

/// The report's snippet shows the text the problem was found in, not the file as it is when
/// the report is printed: under `serve` the seller may have saved again in between, and the
/// line would then show other text than the message is about.
#[test]
fn the_snippet_shows_the_text_that_was_checked_not_the_file_as_it_is_now() {
    let site = shop();
    let p = site.path().join("products/training-ball.yaml");
    let checked = read(&p).replacen("name: Training Ball", "name: \"\"", 1);
    std::fs::write(&p, &checked).unwrap();
    let Err(minisite::Error::Site(diags)) = minisite::Site::load(site.path(), &Default::default()) else {
        panic!("an empty name is an error");
    };
    let d = diags
        .iter()
        .find(|d| d.message.contains("name is empty"))
        .expect("the empty name is named");
    std::fs::write(&p, "# saved again since\n# and again\n".to_string() + &checked).unwrap();
    let shown = minisite::report::render(d, minisite::report::Level::Error, Some(site.path()), false);
    assert!(shown.contains("name: \"\""), "{shown}");
    assert!(!shown.contains("saved again since"), "{shown}");
}
