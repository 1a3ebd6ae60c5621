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

/// v3: each line ends with its own check (see [`line_check`]).
const FILE: &str = "sources-v3.tsv";

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
    /// Loads the index kept in `cache_dir`. The index is disposable: a missing or unreadable one
    /// is simply empty, and a line that is damaged or not ours is skipped, so its photo is read
    /// and hashed again.
    pub fn load(cache_dir: Option<&Path>) -> SourceIndex {
        let Some(dir) = cache_dir else {
            return SourceIndex::default();
        };
        let file = dir.join(FILE);
        let known = std::fs::read(&file)
            .unwrap_or_default()
            .split(|&b| b == b'\n')
            .filter_map(parse_line)
            .collect();
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
            let body = format!("{p}\t{}\t{hash}\t{}\t{}\t{color}", k.stamp, k.width, k.height);
            text.push_str(&format!("{body}\t{}\n", line_check(&body)));
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // A folder in the index's place is a damaged cache; left there, every build would hash
        // every photo again.
        if std::fs::symlink_metadata(file).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(file)?;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The start of the BLAKE3 hash of a line's other columns: a line changed by anything but
/// minisite (a bad disk, a hand edit, a crash mid-write, another program's file) no longer
/// matches and is ignored rather than trusted, since a wrong size or hash here would mean wrong
/// images.
fn line_check(body: &str) -> String {
    blake3::hash(body.as_bytes()).to_hex()[..16].to_string()
}

/// One line of the index: path, stamp, hash, width, height, colour (`-` when not known yet), check.
fn parse_line(line: &[u8]) -> Option<(String, Known)> {
    let line = std::str::from_utf8(line).ok()?;
    let (body, check) = line.rsplit_once('\t')?;
    if check != line_check(body) {
        return None;
    }
    let [path, stamp, hash, w, h, color] = body.split('\t').collect::<Vec<_>>()[..] else {
        return None;
    };
    let (width, height): (u32, u32) = (w.parse().ok()?, h.parse().ok()?);
    // Even with a good check, a size no photo can have (zero, or more than a photo may hold) is
    // not trusted: planning divides by it.
    if width == 0 || height == 0 || width as u64 * height as u64 > crate::images::ops::MAX_PIXELS {
        return None;
    }
    let color = match color {
        "-" => None,
        c if c.len() == 6 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
            let c = u32::from_str_radix(c, 16).ok()?;
            Some([(c >> 16) as u8, (c >> 8) as u8, c as u8])
        }
        _ => return None,
    };
    let known = Known {
        stamp: stamp.to_string(),
        hash: *blake3::Hash::from_hex(hash).ok()?.as_bytes(),
        width,
        height,
        color,
    };
    Some((path.to_string(), known))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            stamp: "1:2.3:4.5:6".into(),
            hash: [7; 32],
            width: 1200,
            height: 800,
            color: Some([1, 2, 3]),
        }
    }

    fn line(body: &str) -> Vec<u8> {
        format!("{body}\t{}", line_check(body)).into_bytes()
    }

    #[test]
    fn a_saved_index_loads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let index = SourceIndex::load(Some(tmp.path()));
        index.note(Path::new("/site/images/a.jpg"), known());
        index.save().unwrap();
        let again = SourceIndex::load(Some(tmp.path()));
        assert_eq!(
            again.get(Path::new("/site/images/a.jpg"), "1:2.3:4.5:6"),
            Some(known())
        );
    }

    #[test]
    fn damaged_index_lines_are_skipped_never_trusted() {
        let hash = blake3::Hash::from_bytes([7; 32]).to_hex();
        let good = format!("/p\t1:2.3:4.5:6\t{hash}\t1200\t800\t010203");
        assert!(parse_line(&line(&good)).is_some());
        let damaged: [(&str, Vec<u8>); 10] = [
            ("width 0", line(&good.replace("\t1200\t", "\t0\t"))),
            ("height 0", line(&good.replace("\t800\t", "\t0\t"))),
            (
                "huge size",
                line(&good.replace("\t1200\t800\t", "\t4000000000\t4000000000\t")),
            ),
            ("not a number", line(&good.replace("\t1200\t", "\t-1\t"))),
            ("bad hash", line(&good.replace(hash.as_str(), "zz"))),
            ("bad colour", line(&good.replace("010203", "+10203"))),
            ("a column missing", line(&good.replace("\t010203", ""))),
            ("a column more", line(&format!("{good}\textra"))),
            ("a plausible width, changed by hand", {
                let l = String::from_utf8(line(&good)).unwrap();
                l.replacen("1200", "1000", 1).into_bytes()
            }),
            ("not UTF-8", [&line(&good)[..], b"\xff"].concat()),
        ];
        for (kind, bytes) in damaged {
            assert!(
                parse_line(&bytes).is_none(),
                "{kind}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn one_damaged_line_costs_only_its_own_photo() {
        let tmp = tempfile::tempdir().unwrap();
        let index = SourceIndex::load(Some(tmp.path()));
        index.note(Path::new("/a"), known());
        index.note(Path::new("/b"), known());
        index.save().unwrap();
        let file = tmp.path().join(FILE);
        let mut text = std::fs::read(&file).unwrap();
        let at = text.windows(3).position(|w| w == b"/a\t").unwrap() + 2;
        text.insert(at, 0xff);
        let damaged = [&b"\x00\xff garbage\n"[..], &text].concat();
        std::fs::write(&file, damaged).unwrap();
        let again = SourceIndex::load(Some(tmp.path()));
        assert_eq!(again.get(Path::new("/a"), &known().stamp), None);
        assert_eq!(again.get(Path::new("/b"), &known().stamp), Some(known()));
    }
}
