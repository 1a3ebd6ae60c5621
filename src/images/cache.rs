//! Content-addressed store of encoded variants, kept outside the published output.
//!
//! The cache is disposable: an entry is checked against the length and hash recorded when it was
//! stored before it is used, and one that does not match (cut short by a full disk, changed by
//! hand or by another program) is simply a miss, made again and overwritten; so is a folder
//! where an entry should be, or a file where a shard folder should be.

use std::io::Read;
use std::path::{Path, PathBuf};

pub struct Cache {
    dir: PathBuf,
}

/// Beside each entry, its length and BLAKE3 hash, so a damaged entry is never published.
const CHECK_EXT: &str = "check";
/// A check file is one short line; anything longer is not one of ours.
const CHECK_MAX: u64 = 256;

impl Cache {
    /// `dir` is created on first write.
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub(crate) fn path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.{ext}"))
    }

    fn check_path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.{ext}.{CHECK_EXT}"))
    }

    /// The length and hash recorded when the entry was stored.
    fn recorded(&self, key: &str, ext: &str) -> Option<(u64, blake3::Hash)> {
        let mut text = String::new();
        std::fs::File::open(self.check_path(key, ext))
            .ok()?
            .take(CHECK_MAX)
            .read_to_string(&mut text)
            .ok()?;
        let (len, hash) = text.trim_end().split_once(' ')?;
        Some((len.parse().ok()?, blake3::Hash::from_hex(hash).ok()?))
    }

    /// Whether the entry looks whole from its length alone (no bytes read): for progress counts.
    /// [`Cache::get`] is what decides whether it is used.
    pub fn has(&self, key: &str, ext: &str) -> bool {
        let Some((len, _)) = self.recorded(key, ext) else {
            return false;
        };
        std::fs::metadata(self.path(key, ext)).is_ok_and(|m| m.is_file() && m.len() == len)
    }

    /// The entry's bytes, only when they are exactly what was stored.
    pub fn get(&self, key: &str, ext: &str) -> Option<Vec<u8>> {
        let (len, hash) = self.recorded(key, ext)?;
        let path = self.path(key, ext);
        // The length first: a huge foreign file is not read at all.
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() != len {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        (bytes.len() as u64 == len && blake3::hash(&bytes) == hash).then_some(bytes)
    }

    /// Stores an entry, then its check. Each is written through a temp file and a rename, so an
    /// interrupted build never leaves half a file, and a reader racing a writer at worst sees an
    /// entry and check that do not match: a miss, never wrong bytes.
    pub fn put(&self, key: &str, ext: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key, ext);
        let shard = path.parent().unwrap_or(Path::new("."));
        make_shard(shard)?;
        write_over(&path, bytes)?;
        let check = format!("{} {}\n", bytes.len(), blake3::hash(bytes).to_hex());
        write_over(&self.check_path(key, ext), check.as_bytes())
    }
}

/// Creates a shard folder; a file (or dangling link) in its place is a damaged cache and goes.
fn make_shard(shard: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(shard).is_ok() && !shard.is_dir() {
        // Another thread may have just replaced it with the folder.
        if let Err(e) = remove_ignoring_gone(std::fs::remove_file(shard)) {
            if !shard.is_dir() {
                return Err(e);
            }
        }
    }
    std::fs::create_dir_all(shard)
}

/// Writes `bytes` at `path` by rename; a folder in its place is a damaged cache and goes.
fn write_over(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        remove_ignoring_gone(std::fs::remove_dir_all(path))?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Another thread repairing the same shard may have removed it first.
fn remove_ignoring_gone(r: std::io::Result<()>) -> std::io::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Cache {
    /// Deletes every cached variant whose key is not in `keep`; returns (variants, bytes) removed.
    /// Only files named like cache entries (and their checks) are touched.
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
                    let meta = std::fs::symlink_metadata(f.path())?;
                    bytes += meta.len();
                    // A folder under an entry's name is damage; it goes like the entry would.
                    if meta.is_dir() {
                        std::fs::remove_dir_all(f.path())?;
                    } else {
                        std::fs::remove_file(f.path())?;
                    }
                    // Counted are variants; their checks go with them.
                    files += usize::from(!fname.ends_with(&format!(".{CHECK_EXT}")));
                }
            }
            // Empty shard folders go too; a non-empty one stays (remove_dir refuses).
            let _ = std::fs::remove_dir(dir.path());
        }
        Ok((files, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    #[test]
    fn an_entry_is_returned_only_while_its_bytes_are_those_stored() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().to_path_buf());
        assert_eq!(cache.get(KEY, "webp"), None);
        cache.put(KEY, "webp", b"RIFF-some-bytes").unwrap();
        assert!(cache.has(KEY, "webp"));
        assert_eq!(cache.get(KEY, "webp").as_deref(), Some(&b"RIFF-some-bytes"[..]));

        // Same length, other bytes: only the hash can tell.
        std::fs::write(cache.path(KEY, "webp"), b"RIFF-some-BYTES").unwrap();
        assert_eq!(cache.get(KEY, "webp"), None, "changed bytes");
        std::fs::write(cache.path(KEY, "webp"), b"RIFF").unwrap();
        assert!(!cache.has(KEY, "webp"), "cut short");
        assert_eq!(cache.get(KEY, "webp"), None, "cut short");
        cache.put(KEY, "webp", b"RIFF-some-bytes").unwrap();
        std::fs::write(cache.check_path(KEY, "webp"), b"garbage").unwrap();
        assert_eq!(cache.get(KEY, "webp"), None, "damaged check");
        std::fs::remove_file(cache.check_path(KEY, "webp")).unwrap();
        assert_eq!(cache.get(KEY, "webp"), None, "no check");
    }

    #[test]
    fn put_replaces_a_folder_at_an_entry_and_a_file_at_a_shard() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().to_path_buf());
        std::fs::create_dir_all(cache.path(KEY, "jpg").join("inside")).unwrap();
        cache.put(KEY, "jpg", b"jpeg").unwrap();
        assert_eq!(cache.get(KEY, "jpg").as_deref(), Some(&b"jpeg"[..]));

        std::fs::remove_dir_all(tmp.path().join("ab")).unwrap();
        std::fs::write(tmp.path().join("ab"), b"not a folder").unwrap();
        assert_eq!(cache.get(KEY, "jpg"), None);
        cache.put(KEY, "jpg", b"jpeg").unwrap();
        assert_eq!(cache.get(KEY, "jpg").as_deref(), Some(&b"jpeg"[..]));
    }
}
