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

impl Cache {
    /// Deletes every cached variant whose key is not in `keep`; returns (files, bytes) removed.
    /// Only files named like cache entries are touched.
    pub fn prune(&self, keep: &std::collections::HashSet<&str>) -> std::io::Result<(usize, u64)> {
        let (mut files, mut bytes) = (0, 0);
        let Ok(dirs) = std::fs::read_dir(&self.dir) else {
            return Ok((0, 0));
        };
        for dir in dirs.filter_map(Result::ok) {
            let name = dir.file_name().to_string_lossy().to_string();
            if name.len() != 2 || !dir.path().is_dir() {
                continue;
            }
            for f in std::fs::read_dir(dir.path())?.filter_map(Result::ok) {
                let fname = f.file_name().to_string_lossy().to_string();
                let Some((key, _ext)) = fname.split_once('.') else {
                    continue;
                };
                let is_entry =
                    key.len() == 64 && key.starts_with(&name) && key.bytes().all(|b| b.is_ascii_hexdigit());
                if is_entry && !keep.contains(key) {
                    bytes += f.metadata().map(|m| m.len()).unwrap_or(0);
                    std::fs::remove_file(f.path())?;
                    files += 1;
                }
            }
            // Empty shard folders go too; a non-empty one stays (remove_dir refuses).
            let _ = std::fs::remove_dir(dir.path());
        }
        Ok((files, bytes))
    }
}

/// Puts a copy of `from` at `to`: a file of its own, never the cache's inode, so optimising or
/// editing a published photo in place cannot change the cache. Created by this process, not
/// copied with the entry's mode, it gets the umask's ordinary permissions (0644 under umask 022)
/// instead of the private 0600 of the cache's temp files.
pub fn copy_out(from: &Path, to: &Path) -> std::io::Result<()> {
    // An interrupted build is removing its output: do not re-create folders in it.
    if crate::output::cancelled() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "the build was interrupted",
        ));
    }
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // On Linux this is copy_file_range: no bytes pass through user space, and btrfs or XFS share
    // the blocks (a reflink) while still giving the output its own inode.
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::File::create(to)?;
    std::io::copy(&mut src, &mut dst).map(drop)
}
