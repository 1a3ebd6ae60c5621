//! Content-addressed store of encoded variants, kept outside the published output.

use std::path::{Path, PathBuf};

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// `dir` is created on first write.
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.{ext}"))
    }

    pub fn has(&self, key: &str, ext: &str) -> bool {
        self.path(key, ext).is_file()
    }

    /// Writes through a temp file and a rename, so an interrupted build never leaves half a file.
    pub fn put(&self, key: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.path(key, ext);
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, bytes)?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }
}

/// Puts `from` at `to` without copying bytes when the file system allows (hard link).
pub fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ())
}
