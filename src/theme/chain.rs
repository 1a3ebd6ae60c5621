//! Which folders make up a theme: the chosen one, then each theme it `extends:`, down to one
//! that extends nothing; with a located error for a missing parent, a loop or a bad theme.yaml.

use super::{Layer, LayerFiles, ThemeMeta, THEMES};
use crate::error::Diagnostic;
use crate::source::Source;
use crate::yaml;
use std::path::{Path, PathBuf};

/// One theme a site can pick: its name, its description, and whether it is the site's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub description: String,
    pub local: bool,
}

/// The built-in themes, then the site's own (`SITE/themes/NAME/` with a theme.yaml), by name.
/// A local theme of a built-in's name is listed as well: it is the one `theme: NAME` picks.
pub fn available(site_root: Option<&Path>) -> Vec<Listed> {
    let mut out: Vec<Listed> = super::names()
        .into_iter()
        .map(|name| Listed {
            description: builtin_meta(name).and_then(|m| m.description).unwrap_or_default(),
            name: name.to_string(),
            local: false,
        })
        .collect();
    let Some(root) = site_root else { return out };
    let Ok(entries) = std::fs::read_dir(root.join("themes")) else {
        return out;
    };
    let mut local: Vec<Listed> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let text = std::fs::read_to_string(e.path().join("theme.yaml")).ok()?;
            let meta: Option<ThemeMeta> = serde_yaml::from_str(&text).ok();
            Some(Listed {
                description: meta.and_then(|m| m.description).unwrap_or_default(),
                name,
                local: true,
            })
        })
        .collect();
    local.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(local);
    out
}

pub(super) fn builtin_meta(name: &str) -> Option<ThemeMeta> {
    let text = THEMES.get_file(format!("{name}/theme.yaml"))?.contents_utf8()?;
    serde_yaml::from_str(text).ok()
}

/// Who asked for a theme: site.yaml's `theme:` or a theme.yaml's `extends:`.
struct Asker {
    file: String,
    field: &'static str,
    text: String,
}

impl Asker {
    fn problem(&self, message: String) -> Diagnostic {
        let source = Source::new(&self.file, self.text.as_str());
        let mut d = Diagnostic::new(&self.file, message)
            .field(self.field)
            .located(source.field(self.field));
        d.keep_text(&source);
        d
    }
}

/// The chain for `theme: name` in the site at `site_root` (canonical): the chosen theme first.
///
/// A local `themes/NAME/` wins over the built-in of that name (so an ejected copy is the one
/// used); `extends: NAME` inside `themes/NAME/` means the built-in, since a theme cannot extend
/// itself. Built-in themes extend only built-in ones.
pub(super) fn resolve(name: &str, site_root: &Path) -> Result<Vec<Layer>, Diagnostic> {
    let site_yaml = std::fs::read_to_string(site_root.join("site.yaml")).unwrap_or_default();
    let mut asker = Asker {
        file: "site.yaml".into(),
        field: "theme",
        text: site_yaml,
    };
    let mut layers: Vec<Layer> = Vec::new();
    let mut wanted = name.to_string();
    let mut may_be_local = true;
    loop {
        let local_dir = site_root.join("themes").join(&wanted);
        let local = may_be_local && is_plain_name(&wanted) && local_dir.is_dir();
        let (files, shown, text) = if local {
            crate::paths::inside(site_root, &local_dir).map_err(|e| asker.problem(e.to_string()))?;
            let meta_path = local_dir.join("theme.yaml");
            let shown = format!("themes/{wanted}/theme.yaml");
            if !meta_path.is_file() {
                return Err(Diagnostic::new(&shown, "the theme folder has no theme.yaml").help(
                    "create it with `name:`, `description:` and, to start from another theme, `extends: default`",
                ));
            }
            let text = yaml::read_text(&meta_path, Path::new(&shown))?;
            (LayerFiles::Local(local_dir), shown, text)
        } else {
            let Some(dir) = THEMES.get_dir(&wanted).filter(|_| is_plain_name(&wanted)) else {
                let what = if asker.field == "theme" {
                    format!("there is no theme `{wanted}`")
                } else if layers.last().is_some_and(|l| l.name == wanted) {
                    format!("there is no built-in theme `{wanted}` to extend (`extends:` naming the theme's own name means the built-in one)")
                } else {
                    format!("there is no theme `{wanted}` to extend")
                };
                return Err(asker.problem(what).help(list_for_help(site_root)));
            };
            let shown = format!("themes/{wanted}/theme.yaml");
            let text = dir
                .get_file(format!("{wanted}/theme.yaml"))
                .and_then(|f| f.contents_utf8())
                .ok_or_else(|| Diagnostic::new(&shown, "the theme has no theme.yaml"))?;
            (LayerFiles::Builtin(dir), shown, text.to_string())
        };
        let meta: ThemeMeta = yaml::parse(&text, Path::new(&shown))?;
        if let Some(Err((field, message))) = meta.layout.as_ref().map(|l| l.check()) {
            let field = format!("layout.{field}");
            let source = Source::new(&shown, text.as_str());
            return Err(Diagnostic::new(&shown, message)
                .located(source.field(&field))
                .field(field)
                .help("see docs/themes.md for the layout numbers"));
        }
        if let Some(at) = layers
            .iter()
            .position(|l| l.name == wanted && l.is_local() == local)
        {
            let mut cycle: Vec<&str> = layers[at..].iter().map(|l| l.name.as_str()).collect();
            cycle.push(&wanted);
            return Err(asker
                .problem(format!(
                    "the themes extend each other in a loop: {}",
                    cycle.join(" → ")
                ))
                .help("one of them must extend a built-in theme, or nothing"));
        }
        let parent = meta.extends.clone();
        layers.push(Layer {
            name: wanted.clone(),
            files,
            meta,
        });
        let Some(parent) = parent else { return Ok(layers) };
        may_be_local = local && parent != wanted;
        asker = Asker {
            file: shown,
            field: "extends",
            text,
        };
        wanted = parent;
    }
}

/// A theme name is a folder name: nothing that could leave `themes/`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn list_for_help(site_root: &Path) -> String {
    let all = available(Some(site_root));
    let builtin: Vec<&str> = all.iter().filter(|t| !t.local).map(|t| t.name.as_str()).collect();
    let local: Vec<&str> = all.iter().filter(|t| t.local).map(|t| t.name.as_str()).collect();
    let mut help = format!("built-in themes: {}", builtin.join(", "));
    if !local.is_empty() {
        help.push_str(&format!("; the site's own (themes/): {}", local.join(", ")));
    }
    help
}

/// `minisite theme eject NAME SITE`: the built-in theme `name` copied to `SITE/themes/NAME/`,
/// a starting point that builds the same site (the local copy wins over the built-in).
pub fn eject(name: &str, site_dir: &Path) -> crate::Result<PathBuf> {
    use crate::Error;
    let dir = THEMES
        .get_dir(name)
        .filter(|_| is_plain_name(name))
        .ok_or_else(|| {
            Error::Usage(format!(
                "there is no built-in theme `{name}`; built-in themes: {}",
                super::names().join(", ")
            ))
        })?;
    if !site_dir.join("site.yaml").is_file() {
        return Err(Error::Usage(format!(
            "{} has no site.yaml; give the site folder: minisite theme eject {name} SITE_DIR",
            site_dir.display()
        )));
    }
    let target = site_dir.join("themes").join(name);
    if target.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; eject never overwrites a theme: rename or delete that folder first",
            target.display()
        )));
    }
    write_embedded(dir, name, &target)?;
    Ok(target)
}

fn write_embedded(dir: &include_dir::Dir<'static>, name: &str, target: &Path) -> crate::Result<()> {
    for f in dir.files() {
        let Ok(rel) = f.path().strip_prefix(name) else {
            continue;
        };
        let path = target.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::Error::io(parent, e))?;
        }
        std::fs::write(&path, f.contents()).map_err(|e| crate::Error::io(&path, e))?;
    }
    for d in dir.dirs() {
        write_embedded(d, name, target)?;
    }
    Ok(())
}
