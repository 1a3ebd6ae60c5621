//! Remembers each photo's content hash and size by its file identity, so a rebuild where nothing
//! changed reads no photo bytes at all.
//!
//! An entry is reused only when path, size, mtime, ctime and inode all match; ctime cannot be set
//! by tools that preserve mtimes, so an edited photo is always hashed again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub stamp: String,
    pub hash: [u8; 32],
    pub width: u32,
    pub height: u32,
    /// Average colour, shown while the photo loads; known once a variant exists.
    pub color: Option<[u8; 3]>,
}

#[derive(Debug, Default)]
pub struct SourceIndex {
    file: Option<PathBuf>,
    known: HashMap<String, Known>,
    seen: Mutex<HashMap<String, Known>>,
}

const FILE: &str = "sources-v2.tsv";

/// Identity of a file's current content as far as the file system can tell.
pub fn stamp(path: &Path) -> Option<String> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!(
            "{}:{}.{}:{}.{}:{}",
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
            m.ino()
        ))
    }
    #[cfg(not(unix))]
    {
        let mtime = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(format!("{}:{}", m.len(), mtime.as_nanos()))
    }
}

impl SourceIndex {
    /// Loads the index kept in `cache_dir`; a missing or unreadable index is simply empty.
    pub fn load(cache_dir: Option<&Path>) -> SourceIndex {
        let Some(dir) = cache_dir else {
            return SourceIndex::default();
        };
        let file = dir.join(FILE);
        let mut known = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(&file) {
            for line in text.lines() {
                let f: Vec<&str> = line.split('\t').collect();
                if let [path, stamp, hash, w, h, color] = f[..] {
                    let color = u32::from_str_radix(color, 16)
                        .ok()
                        .map(|c| [(c >> 16) as u8, (c >> 8) as u8, c as u8]);
                    let (Ok(w), Ok(h)) = (w.parse(), h.parse()) else {
                        continue;
                    };
                    let Ok(hash) = blake3::Hash::from_hex(hash) else {
                        continue;
                    };
                    known.insert(
                        path.to_string(),
                        Known {
                            stamp: stamp.to_string(),
                            hash: *hash.as_bytes(),
                            width: w,
                            height: h,
                            color,
                        },
                    );
                }
            }
        }
        SourceIndex {
            file: Some(file),
            known,
            seen: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, path: &Path, stamp: &str) -> Option<Known> {
        let k = self.known.get(path.to_str()?)?;
        (k.stamp == stamp).then(|| k.clone())
    }

    /// Records what this build found, for [`SourceIndex::save`].
    pub fn note(&self, path: &Path, known: Known) {
        if let Some(p) = path.to_str() {
            self.seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(p.to_string(), known);
        }
    }

    /// What this build knows of `path` (noted while planning).
    pub fn seen(&self, path: &Path) -> Option<Known> {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path.to_str()?)
            .cloned()
    }

    /// Writes the index back when it changed. Entries of other sites sharing the cache are kept.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.iter().all(|(p, k)| self.known.get(p) == Some(k)) {
            return Ok(());
        }
        let mut all: Vec<(&String, &Known)> = self
            .known
            .iter()
            .filter(|(p, _)| !seen.contains_key(*p))
            .collect();
        all.extend(seen.iter());
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = String::new();
        for (p, k) in all {
            if p.contains(['\t', '\n']) {
                continue;
            }
            let hash = blake3::Hash::from_bytes(k.hash).to_hex();
            let color = k
                .color
                .map_or("-".to_string(), |[r, g, b]| format!("{r:02x}{g:02x}{b:02x}"));
            text.push_str(&format!(
                "{p}\t{}\t{hash}\t{}\t{}\t{color}\n",
                k.stamp, k.width, k.height
            ));
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(file).map_err(|e| e.error)?;
        Ok(())
    }
}
