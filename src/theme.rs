//! Theme lookup: the site's own `templates/` and `static/` first, then the chosen built-in theme.

use crate::error::Diagnostic;
use crate::yaml;
use include_dir::{include_dir, Dir};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every theme in `themes/`, compiled into the binary so `cargo install` alone gives a working tool.
static THEMES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ThemeMeta {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

/// A static file to publish, from the site or the theme.
#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Site(PathBuf),
}

impl StaticFile {
    pub fn bytes(&self) -> std::io::Result<Cow<'static, [u8]>> {
        match self {
            StaticFile::Embedded(b) => Ok(Cow::Borrowed(b)),
            StaticFile::Site(p) => std::fs::read(p).map(Cow::Owned),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    dir: &'static Dir<'static>,
    site_root: PathBuf,
}

pub fn names() -> Vec<&'static str> {
    THEMES
        .dirs()
        .filter_map(|d| d.path().file_name()?.to_str())
        .collect()
}

impl Theme {
    pub fn load(name: &str, site_root: &Path) -> Result<Theme, Diagnostic> {
        let dir = THEMES.get_dir(name).ok_or_else(|| {
            Diagnostic::new("site.yaml", format!("there is no theme `{name}`"))
                .field("theme")
                .help(format!("built-in themes: {}", names().join(", ")))
        })?;
        let meta = dir
            .get_file(format!("{name}/theme.yaml"))
            .and_then(|f| f.contents_utf8())
            .ok_or_else(|| {
                Diagnostic::new(format!("themes/{name}/theme.yaml"), "the theme has no theme.yaml")
            })?;
        yaml::parse::<ThemeMeta>(meta, Path::new(&format!("themes/{name}/theme.yaml")))?;
        Ok(Theme {
            name: name.to_string(),
            dir,
            site_root: site_root.to_path_buf(),
        })
    }

    /// Source of template `name`: the site's override if there is one, else the theme's.
    /// Returns the text and where it came from (for messages).
    pub fn template(&self, name: &str) -> std::io::Result<Option<(String, String)>> {
        if name.split('/').any(|c| c == ".." || c.is_empty()) {
            return Ok(None);
        }
        let own = self.site_root.join("templates").join(name);
        if own.is_file() {
            crate::paths::inside(&self.site_root, &own)?;
            return std::fs::read_to_string(&own).map(|s| Some((s, format!("templates/{name}"))));
        }
        Ok(self
            .dir
            .get_file(format!("{}/templates/{name}", self.name))
            .and_then(|f| f.contents_utf8())
            .map(|s| (s.to_string(), format!("themes/{}/templates/{name}", self.name))))
    }

    /// The theme's string table for `language` (`strings/en.yaml`) and its name for messages.
    pub fn strings(&self, language: &str) -> Option<(&'static str, String)> {
        let rel = format!("{}/strings/{language}.yaml", self.name);
        let text = self.dir.get_file(&rel).and_then(|f| f.contents_utf8())?;
        Some((text, format!("themes/{rel}")))
    }

    /// A hash of every template this theme can load (the built-in ones and the site's own), so
    /// pages rendered with another set of templates are known to need rendering again.
    pub fn templates_key(&self) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(self.name.as_bytes()).update(&[0]);
        let mut embedded = BTreeMap::new();
        if let Some(dir) = self.dir.get_dir(format!("{}/templates", self.name)) {
            collect_embedded(dir, &format!("{}/templates/", self.name), &mut embedded);
        }
        for (name, file) in &embedded {
            if let StaticFile::Embedded(bytes) = file {
                h.update(name.as_bytes()).update(&[0]).update(bytes).update(&[0]);
            }
        }
        h.update(b"site templates\0");
        let own = self.site_root.join("templates");
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&own)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for f in files {
            // An unreadable template fails the render that loads it; here it only counts as changed.
            let bytes = std::fs::read(&f).unwrap_or_default();
            h.update(f.as_os_str().as_encoded_bytes())
                .update(&[0])
                .update(&bytes);
        }
        h.finalize()
    }

    /// Every static file to publish, keyed by its path in the output; the site's files win.
    pub fn static_files(&self) -> BTreeMap<String, StaticFile> {
        let mut out = BTreeMap::new();
        if let Some(dir) = self.dir.get_dir(format!("{}/static", self.name)) {
            collect_embedded(dir, &format!("{}/static/", self.name), &mut out);
        }
        let own = self.site_root.join("static");
        for entry in walkdir::WalkDir::new(&own)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            if let Ok(rel) = entry.path().strip_prefix(&own) {
                out.insert(
                    crate::paths::slash(rel),
                    StaticFile::Site(entry.path().to_path_buf()),
                );
            }
        }
        out
    }
}

fn collect_embedded(dir: &'static Dir<'static>, prefix: &str, out: &mut BTreeMap<String, StaticFile>) {
    for f in dir.files() {
        let p = f.path().to_string_lossy();
        if let Some(rel) = p.strip_prefix(prefix) {
            out.insert(rel.to_string(), StaticFile::Embedded(f.contents()));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, prefix, out);
    }
}
