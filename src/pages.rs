//! `pages/*.md`: markdown pages with YAML front matter (title, menu position, description).

use crate::catalog::Drafts;
use crate::config::SiteConfig;
use crate::error::{Diagnostic, Problems};
use crate::markdown;
use crate::theme::{StaticFile, Theme};
use crate::yaml;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    menu: Option<i32>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: PathBuf,
    pub slug: String,
    pub title: String,
    pub menu: Option<i32>,
    pub description: String,
    pub html: String,
    /// Not published yet: left out of `build` (and so of the menu), shown marked by `serve`.
    pub draft: bool,
    /// The page in the site's other languages (`pages/about.de.md`), by canonical code.
    pub translations: std::collections::BTreeMap<String, PageText>,
    /// The language its text is in, when not the page's (an untranslated page).
    pub lang: Option<String>,
}

/// A page's translation into one language: its own file, whose front matter has the texts
/// only (the menu position is the page's).
#[derive(Debug, Clone)]
pub struct PageText {
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    pub html: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslatedFrontMatter {
    title: String,
    #[serde(default)]
    description: Option<String>,
}

/// URL paths the site itself uses; a page there would be overwritten or overwrite. Static files
/// are checked apart (see [`check_statics`]); 404.html, sitemap.xml and robots.txt need no entry, as
/// a page's address never has a dot.
const RESERVED: &[&str] = &[
    "products",
    "categories",
    "company",
    "contact",
    "images",
    "assets",
    "brand",
    "404",
    "index",
    "sitemap",
    "robots",
    "feeds",
];

/// Loads every page; `theme` gives the static files, whose addresses a page may not take. Drafts
/// are checked like the others (their addresses are taken), then kept only when `drafts` says so.
pub fn load(
    site_root: &Path,
    config: &SiteConfig,
    theme: &Theme,
    drafts: Drafts,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let dir = site_root.join("pages");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    files.sort();
    let mut problems = Problems::default();
    let mut pages = Vec::new();
    let mut translated = Vec::new();
    for path in files {
        let rel = path.strip_prefix(site_root).unwrap_or(&path).to_path_buf();
        match translation_of(&rel, config) {
            Ok(Some((base, code))) => translated.push((path, rel, base, code)),
            Ok(None) => {
                if let Some(page) = problems.take(load_page(site_root, &path, &rel, config)) {
                    pages.push(page);
                }
            }
            Err(d) => problems.push(d),
        }
    }
    for (path, rel, base, code) in translated {
        let text = match load_text(site_root, &path, &rel) {
            Ok(t) => t,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let Some(page) = pages
            .iter_mut()
            .find(|p| p.file.file_stem().and_then(|s| s.to_str()) == Some(base.as_str()))
        else {
            problems.push(
                Diagnostic::new(
                    &rel,
                    format!("a translation of pages/{base}.md, which does not exist"),
                )
                .help(format!(
                    "write pages/{base}.md in the site's default language first, or rename this file"
                )),
            );
            continue;
        };
        if let Some(t) = problems.take(parse_translation(&text, &rel, config)) {
            page.translations.insert(code, t);
        }
    }
    check_unique(&pages, &mut problems);
    check_statics(&pages, theme, &mut problems);
    pages.retain(|p| drafts == Drafts::Keep || !p.draft);
    match problems.finish() {
        Ok(()) => Ok(pages),
        Err(e) => Err(e.diagnostics().to_vec()),
    }
}

fn load_page(site_root: &Path, path: &Path, rel: &Path, config: &SiteConfig) -> Result<Page, Diagnostic> {
    let text = load_text(site_root, path, rel)?;
    parse_page(&text, rel, config)
}

fn load_text(site_root: &Path, path: &Path, rel: &Path) -> Result<String, Diagnostic> {
    crate::paths::inside(site_root, path).map_err(|_| {
        Diagnostic::new(rel, "the page is a link to a file outside the site folder")
            .help("copy the file into pages/ instead of linking to it")
    })?;
    yaml::read_text(path, rel)
}

/// Whether `pages/NAME.CODE.md` translates `pages/NAME.md` (then: NAME and the canonical CODE).
/// A two- or three-letter CODE that is not one of the site's languages is most likely one the
/// seller forgot to list; a longer dotted part (`notes.final.md`) is just part of the name.
fn translation_of(rel: &Path, config: &SiteConfig) -> Result<Option<(String, String)>, Diagnostic> {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let Some((base, code)) = crate::translations::split_language_suffix(stem) else {
        return Ok(None);
    };
    if config.is_other_language(&code) {
        return Ok(Some((base.to_string(), code)));
    }
    let primary = code.split('-').next().unwrap_or("");
    if code != config.language && primary.len() > 3 {
        return Ok(None);
    }
    match crate::translations::other_language(&code, config) {
        Ok(code) => Ok(Some((base.to_string(), code))),
        Err((msg, help)) => Err(Diagnostic::new(rel, format!("the file name's {msg}")).help(help)),
    }
}

fn parse_translation(text: &str, rel: &Path, config: &SiteConfig) -> Result<PageText, Diagnostic> {
    let (fm, body): (TranslatedFrontMatter, _) = front_matter(text, rel, "Page title in this language")
        .map_err(|mut d| {
            d.help = d.help.or_else(|| {
                Some("a translation has only title and description: its menu position and draft state are the page's".into())
            });
            d
        })?;
    Ok(PageText {
        file: rel.to_path_buf(),
        title: fm.title,
        description: fm
            .description
            .unwrap_or_else(|| truncate_words(&markdown::to_plain(body), 155)),
        html: markdown::to_html(body, config.unsafe_html, config.clean_links),
    })
}

/// Pages whose file names make the same address (`About.md`, `about.md`, `about!.md` → `about/`):
/// one would silently replace the others.
fn check_unique(pages: &[Page], problems: &mut Problems) {
    let mut first: HashMap<&str, &Page> = HashMap::new();
    for p in pages {
        let other = *first.entry(&p.slug).or_insert(p);
        if !std::ptr::eq(other, p) {
            problems.push(
                Diagnostic::new(
                    &p.file,
                    format!(
                        "this page's address `{}/` is also {}'s",
                        p.slug,
                        other.file.display()
                    ),
                )
                .help(
                    "rename one of the two files: a page's address is its file name in lower case, \
                     with letters and digits kept and everything else made a hyphen",
                ),
            );
        }
    }
}

/// Pages at the address of a static file's top-level name (`fonts/` and `static/Fonts/a.woff`):
/// compared regardless of case, as macOS, Windows and zip files do, where one would replace the
/// other or end up in the same folder.
fn check_statics(pages: &[Page], theme: &Theme, problems: &mut Problems) {
    if pages.is_empty() {
        return;
    }
    let statics = theme.static_files();
    for p in pages {
        let taken = statics.iter().find(|(path, _)| {
            let top = path.split('/').next().unwrap_or("");
            top.eq_ignore_ascii_case(&p.slug)
        });
        let Some((path, file)) = taken else { continue };
        let by = match file {
            StaticFile::Site(_) => format!("static/{path}"),
            StaticFile::Embedded(_) => format!("the theme's static file {path}"),
        };
        problems.push(
            Diagnostic::new(
                &p.file,
                format!(
                    "this page's address `{}/` is also where {by} is published",
                    p.slug
                ),
            )
            .help("rename the page's file (its address is its name), or move the static file"),
        );
    }
}

/// Parses one page's text: front matter, then markdown. `rel` (e.g. `pages/faq.md`) names it in
/// messages and gives its address. Public so the fuzz targets reach the same code as a build.
pub fn parse_page(text: &str, rel: &Path, config: &SiteConfig) -> Result<Page, Diagnostic> {
    let (fm, body): (FrontMatter, _) = front_matter(text, rel, "Page title")?;
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let slug = slug::slugify(stem);
    if slug.is_empty() || RESERVED.contains(&slug.as_str()) {
        return Err(Diagnostic::new(
            rel,
            format!("a page cannot be called `{stem}`: the site uses that address"),
        )
        .help("rename the file, e.g. pages/about-us.md"));
    }
    let description = fm
        .description
        .unwrap_or_else(|| truncate_words(&markdown::to_plain(body), 155));
    Ok(Page {
        file: rel.to_path_buf(),
        slug,
        title: fm.title,
        menu: fm.menu,
        description,
        html: markdown::to_html(body, config.unsafe_html, config.clean_links),
        draft: fm.draft,
        translations: Default::default(),
        lang: None,
    })
}

/// A page's front matter read as `T`, and the markdown after it.
fn front_matter<'t, T: serde::de::DeserializeOwned>(
    text: &'t str,
    rel: &Path,
    title: &str,
) -> Result<(T, &'t str), Diagnostic> {
    let (front, body) = split_front_matter(text).ok_or_else(|| {
        Diagnostic::new(rel, "the page has no front matter")
            .at(1, 1)
            .help(format!("start the file with:\n---\ntitle: {title}\n---"))
    })?;
    let fm = yaml::parse(front, rel).map_err(|mut d| {
        // The front matter starts on the line after the opening `---`.
        d.line = d.line.map(|l| l + 1);
        d
    })?;
    Ok((fm, body))
}

/// Splits `---\nyaml\n---\nbody`; `None` when the file does not open with `---`.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---")?.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Cuts text at a word boundary to fit a meta description.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for word in s.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_splits() {
        let (f, b) = split_front_matter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(f, "title: A\n");
        assert_eq!(b, "Body\n");
        assert!(split_front_matter("title: A\n").is_none());
    }

    #[test]
    fn truncation_keeps_words() {
        let t = truncate_words("alpha beta gamma delta", 12);
        assert_eq!(t, "alpha beta…");
    }
}
