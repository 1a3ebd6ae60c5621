//! Theme lookup: the site's own `templates/` and `static/` first, then the chosen theme (the
//! site's own `themes/NAME/` or a built-in one), then each theme it extends (see [`chain`]).

pub mod chain;

use crate::error::Diagnostic;
use include_dir::{include_dir, Dir};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use chain::{available, eject, Listed};

/// Every theme in `themes/`, compiled into the binary so `cargo install` alone gives a working tool.
static THEMES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes");

/// A template name that starts the search one layer below the template naming it:
/// `{% extends "theme:base.html" %}` in the site's `templates/base.html` is the theme's.
pub const PARENT_PREFIX: &str = "theme:";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeMeta {
    #[allow(dead_code)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<String>,
    /// The theme this one starts from: its files are used where this one has none.
    #[serde(default)]
    extends: Option<String>,
    /// Page width, gutters and grids (see [`crate::layout`]); a theme without it has its parent's.
    #[serde(default)]
    layout: Option<crate::layout::Layout>,
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

/// Where one layer keeps its `templates/`, `static/` and `strings/`.
#[derive(Debug, Clone)]
enum LayerFiles {
    Builtin(&'static Dir<'static>),
    /// A folder in the site: the site itself, or `SITE/themes/NAME`.
    Local(PathBuf),
}

#[derive(Debug, Clone)]
struct Layer {
    name: String,
    files: LayerFiles,
    meta: ThemeMeta,
}

impl Layer {
    fn is_local(&self) -> bool {
        matches!(self.files, LayerFiles::Local(_))
    }

    /// How messages name a file of this layer: `themes/NAME/templates/base.html`.
    fn shown(&self, rel: &str) -> String {
        format!("themes/{}/{rel}", self.name)
    }

    /// The text of `rel` (`templates/base.html`) in this layer, if it has that file.
    fn read(&self, rel: &str, site_root: &Path) -> std::io::Result<Option<Cow<'static, str>>> {
        match &self.files {
            LayerFiles::Builtin(dir) => Ok(dir
                .get_file(format!("{}/{rel}", self.name))
                .and_then(|f| f.contents_utf8())
                .map(Cow::Borrowed)),
            LayerFiles::Local(dir) => read_local(&dir.join(rel), site_root),
        }
    }

    fn has(&self, rel: &str) -> bool {
        match &self.files {
            LayerFiles::Builtin(dir) => dir.get_file(format!("{}/{rel}", self.name)).is_some(),
            LayerFiles::Local(dir) => dir.join(rel).is_file(),
        }
    }

    /// Every file under `sub` (`static`), keyed by its path below it.
    fn files_under(&self, sub: &str, out: &mut BTreeMap<String, StaticFile>) {
        match &self.files {
            LayerFiles::Builtin(dir) => {
                if let Some(d) = dir.get_dir(format!("{}/{sub}", self.name)) {
                    collect_embedded(d, &format!("{}/{sub}/", self.name), out);
                }
            }
            LayerFiles::Local(dir) => collect_local(&dir.join(sub), out),
        }
    }
}

fn read_local(path: &Path, site_root: &Path) -> std::io::Result<Option<Cow<'static, str>>> {
    if !path.is_file() {
        return Ok(None);
    }
    crate::paths::inside(site_root, path)?;
    std::fs::read_to_string(path).map(|s| Some(Cow::Owned(s)))
}

/// A string table's text and its name for messages (`themes/mine/strings/en.yaml`).
pub type TableText = (Cow<'static, str>, String);

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    /// The chosen theme first, then the one it extends, and so on.
    layers: Vec<Layer>,
    site_root: PathBuf,
}

/// The built-in themes' names.
pub fn names() -> Vec<&'static str> {
    THEMES
        .dirs()
        .filter_map(|d| d.path().file_name()?.to_str())
        .collect()
}

/// A template name as the loader gets it: `base.html` (searched from the site's own templates
/// down), or `@N/base.html` (searched from layer N down; 0 is the site, 1 the chosen theme).
fn split_layer(name: &str) -> (usize, &str) {
    if let Some(rest) = name.strip_prefix('@') {
        if let Some((n, rel)) = rest.split_once('/') {
            if let Ok(n) = n.parse() {
                return (n, rel);
            }
        }
    }
    match name.strip_prefix(PARENT_PREFIX) {
        Some(rel) => (1, rel),
        None => (0, name),
    }
}

/// `text` with each loader name `"@N/x.html"` written as the `"theme:x.html"` it stands for.
pub fn shown_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\"@") {
        out.push_str(&rest[..at + 1]);
        let after = &rest[at + 2..];
        match after.split_once('/') {
            Some((n, tail)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                out.push_str(PARENT_PREFIX);
                rest = tail;
            }
            _ => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Theme {
    pub fn load(name: &str, site_root: &Path) -> Result<Theme, Diagnostic> {
        Ok(Theme {
            name: name.to_string(),
            layers: chain::resolve(name, site_root)?,
            site_root: site_root.to_path_buf(),
        })
    }

    /// The names of the chain, the chosen theme first (`mine`, `default`).
    pub fn chain(&self) -> Vec<&str> {
        self.layers.iter().map(|l| l.name.as_str()).collect()
    }

    /// The layout numbers of the nearest theme of the chain that has them, else the built-in
    /// default theme's.
    pub fn layout(&self) -> crate::layout::Layout {
        self.layers
            .iter()
            .find_map(|l| l.meta.layout.clone())
            .or_else(|| chain::builtin_meta("default").and_then(|m| m.layout))
            .unwrap_or_else(|| crate::layout::Layout {
                max_width: 1160,
                steps: Vec::new(),
            })
    }

    /// The chosen theme's description, from its theme.yaml.
    pub fn description(&self) -> Option<&str> {
        self.layers.first()?.meta.description.as_deref()
    }

    /// Source of template `name` (see [`split_layer`]) and the layer it was found in (0: the
    /// site's `templates/`), with where it came from for messages.
    fn find(&self, name: &str) -> std::io::Result<Option<(String, usize, String)>> {
        let (from, rel) = split_layer(name);
        if rel.split('/').any(|c| c == ".." || c.is_empty()) {
            return Ok(None);
        }
        if from == 0 {
            let own = self.site_root.join("templates").join(rel);
            if let Some(src) = read_local(&own, &self.site_root)? {
                return Ok(Some((src.into_owned(), 0, format!("templates/{rel}"))));
            }
        }
        let sub = format!("templates/{rel}");
        for (i, layer) in self.layers.iter().enumerate().skip(from.max(1) - 1) {
            if let Some(src) = layer.read(&sub, &self.site_root)? {
                return Ok(Some((src.into_owned(), i + 1, layer.shown(&sub))));
            }
        }
        Ok(None)
    }

    /// Source of template `name`: the site's override if there is one, else the theme's.
    /// Returns the text and where it came from (for messages).
    pub fn template(&self, name: &str) -> std::io::Result<Option<(String, String)>> {
        Ok(self.find(name)?.map(|(src, _, origin)| (src, origin)))
    }

    /// The name a template `parent` uses for `name`: `theme:X` is X searched from the layer
    /// below the one `parent` was found in; any other name is searched from the top, so the
    /// site's own partials are used from inside the theme's templates too.
    pub fn join(&self, name: &str, parent: &str) -> String {
        let Some(rel) = name.strip_prefix(PARENT_PREFIX) else {
            return name.to_string();
        };
        format!("@{}/{rel}", self.layer_of(parent) + 1)
    }

    /// The layer template `name` is found in, without reading it (this runs at every render of
    /// a `theme:` name). One that vanished since it was loaded counts as the site's.
    fn layer_of(&self, name: &str) -> usize {
        let (from, rel) = split_layer(name);
        if from == 0 && self.site_root.join("templates").join(rel).is_file() {
            return 0;
        }
        let sub = format!("templates/{rel}");
        self.layers
            .iter()
            .enumerate()
            .skip(from.max(1) - 1)
            .find(|(_, layer)| layer.has(&sub))
            .map_or(0, |(i, _)| i + 1)
    }

    /// The string tables for `language` of every layer, the last theme of the chain first
    /// (`None` where a layer has none), with their names for messages.
    pub fn strings(&self, language: &str) -> Result<Vec<Option<TableText>>, Diagnostic> {
        let rel = format!("strings/{language}.yaml");
        self.layers
            .iter()
            .rev()
            .map(|layer| {
                let shown = layer.shown(&rel);
                match layer.read(&rel, &self.site_root) {
                    Ok(text) => Ok(text.map(|t| (t, shown))),
                    Err(e) => Err(Diagnostic::new(&shown, format!("cannot read the table: {e}"))),
                }
            })
            .collect()
    }

    /// A hash of every template this theme can load (every layer's and the site's own), so
    /// pages rendered with another set of templates are known to need rendering again.
    pub fn templates_key(&self) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(self.name.as_bytes()).update(&[0]);
        for layer in &self.layers {
            h.update(layer.name.as_bytes()).update(&[layer.is_local() as u8]);
            let mut files = BTreeMap::new();
            layer.files_under("templates", &mut files);
            hash_files(&mut h, &files);
        }
        // The layout's sizes and CSS are in every page, like a template's text.
        h.update(format!("{:?}", self.layout()).as_bytes());
        h.update(b"site templates\0");
        let mut own = BTreeMap::new();
        collect_local(&self.site_root.join("templates"), &mut own);
        hash_files(&mut h, &own);
        h.finalize()
    }

    /// Every static file to publish, keyed by its path in the output; the site's files win
    /// over the chosen theme's, which win over its parent's.
    pub fn static_files(&self) -> BTreeMap<String, StaticFile> {
        let mut out = BTreeMap::new();
        for layer in self.layers.iter().rev() {
            layer.files_under("static", &mut out);
        }
        collect_local(&self.site_root.join("static"), &mut out);
        out
    }

    /// The local folders of the chain (`SITE/themes/NAME`), which `serve` watches.
    pub fn local_dirs(&self) -> Vec<PathBuf> {
        self.layers
            .iter()
            .filter_map(|l| match &l.files {
                LayerFiles::Local(dir) => Some(dir.clone()),
                LayerFiles::Builtin(_) => None,
            })
            .collect()
    }
}

fn hash_files(h: &mut blake3::Hasher, files: &BTreeMap<String, StaticFile>) {
    for (name, file) in files {
        // An unreadable template fails the render that loads it; here it only counts as changed.
        let bytes = file.bytes().unwrap_or_default();
        h.update(name.as_bytes()).update(&[0]).update(&bytes).update(&[0]);
    }
}

fn collect_local(dir: &Path, out: &mut BTreeMap<String, StaticFile>) {
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            out.insert(
                crate::paths::slash(rel),
                StaticFile::Site(entry.path().to_path_buf()),
            );
        }
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
