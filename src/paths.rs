//! Resolving paths a seller wrote so that nothing outside the site folder is ever read.

use crate::yaml::suggest;
use std::path::{Component, Path, PathBuf};

/// Resolves `rel` (as written in a YAML file) inside `site_dir`; the error says what to do.
/// Returns the real (canonical) path; `site_root` must be canonical too.
pub fn resolve_in_site(site_root: &Path, rel: &str) -> Result<PathBuf, (String, String)> {
    let p = Path::new(rel);
    if rel.trim().is_empty() {
        return Err((
            "path is empty".into(),
            "write the path of the file, e.g. images/photo.jpg".into(),
        ));
    }
    if rel.contains("://") {
        return Err((
            format!("`{rel}` is a web address"),
            "download the file into the site folder (e.g. images/) and write that path".into(),
        ));
    }
    if p.is_absolute() || rel.starts_with('\\') || rel.contains(':') {
        return Err((
            format!("`{rel}` is an absolute path"),
            "write the path relative to the site folder, e.g. images/photo.jpg".into(),
        ));
    }
    if p.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err((
            format!("`{rel}` leaves the site folder"),
            "copy the file into the site folder (e.g. images/) and use that path".into(),
        ));
    }
    let joined = site_root.join(p);
    match joined.canonicalize() {
        Ok(real) if real.starts_with(site_root) && real.is_file() => Ok(real),
        Ok(real) if !real.starts_with(site_root) => Err((
            format!("`{rel}` is a link to a file outside the site folder"),
            "copy the file into the site folder instead of linking to it".into(),
        )),
        Ok(_) => Err((
            format!("`{rel}` is a folder, not a file"),
            "name a file in it".into(),
        )),
        Err(_) => Err((format!("`{rel}` does not exist"), near_names(site_root, p))),
    }
}

/// Refuses a site file (a page, product or template) that is a link to somewhere outside the
/// site folder: minisite reads nothing outside the site. `site_root` must be canonical.
pub fn inside(site_root: &Path, file: &Path) -> std::io::Result<()> {
    if file.canonicalize()?.starts_with(site_root) {
        return Ok(());
    }
    let shown = file.strip_prefix(site_root).unwrap_or(file);
    Err(std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!(
            "{} is a link to a file outside the site folder; copy the file into the site instead",
            slash(shown)
        ),
    ))
}

/// Suggests files the seller may have meant: a case mismatch or a near spelling.
fn near_names(site_root: &Path, rel: &Path) -> String {
    let parent = rel.parent().unwrap_or(Path::new(""));
    let wanted = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let dir = site_root.join(parent);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return format!("the folder `{}` does not exist either", parent.display());
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    if let Some(same) = names.iter().find(|n| n.eq_ignore_ascii_case(wanted)) {
        return format!(
            "`{}` exists: file names are case-sensitive on web servers; write it exactly",
            parent.join(same).display()
        );
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    match suggest(wanted, &refs) {
        Some(s) => format!("did you mean `{}`?", parent.join(s).display()),
        None => "check the spelling and that the file was copied into the site folder".into(),
    }
}

/// `a/b` style path with forward slashes, for messages and URLs.
pub fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
