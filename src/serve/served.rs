//! The folder `minisite serve` serves from, changed one whole file at a time while requests read it:
//! every file is written beside its place under a hidden name and renamed over it, so a request
//! sees the old file or the new one, never half of one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard};

/// Names starting with this are minisite's own and never served (hidden names are refused).
const STAGING_PREFIX: &str = ".minisite-staging-";

pub struct Served {
    root: PathBuf,
    /// Writers hold a read guard while they write; [`Served::close`] takes the write side, so once
    /// it returns nothing writes into the folder any more and it can be deleted. A thread must not
    /// take a second guard while it holds one (a waiting `close` would block it).
    open: RwLock<bool>,
    /// Set as soon as closing starts, so long jobs can cut their work short.
    stopping: AtomicBool,
}

/// Proof that the folder is open for writing, held while writing.
pub struct Open<'a>(#[allow(dead_code)] RwLockReadGuard<'a, bool>);

impl Served {
    pub fn new(root: PathBuf) -> std::io::Result<Served> {
        std::fs::create_dir_all(&root)?;
        Ok(Served {
            root,
            open: RwLock::new(true),
            stopping: AtomicBool::new(false),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A guard to write under, or None once the server is stopping.
    pub fn guard(&self) -> Option<Open<'_>> {
        let g = self.open.read().unwrap_or_else(|e| e.into_inner());
        (*g).then_some(Open(g))
    }

    /// Waits for writes in progress to end and refuses any later one.
    pub fn close(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        *self.open.write().unwrap_or_else(|e| e.into_inner()) = false;
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Whether `rel` (forward slashes) is a file in the folder.
    pub fn has(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }

    /// Deletes the file at `rel`, and the folders it leaves empty.
    pub fn remove(&self, rel: &str) -> std::io::Result<()> {
        let Some(_open) = self.guard() else {
            return Err(stopping());
        };
        let path = self.root.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root) {
            // Fails on a folder that is not empty, which ends the climb.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

fn stopping() -> std::io::Error {
    std::io::Error::other("the server is stopping")
}

/// Files staged in a hidden folder of the served one, then each renamed into place by
/// [`Batch::commit`]; dropped uncommitted, nothing of it is published. A batch holds the folder's
/// guard for its whole life.
pub struct Batch<'a> {
    served: &'a Served,
    _open: Open<'a>,
    dir: tempfile::TempDir,
    files: Mutex<BTreeSet<String>>,
}

impl<'a> Batch<'a> {
    pub fn new(served: &'a Served) -> std::io::Result<Batch<'a>> {
        let Some(open) = served.guard() else {
            return Err(stopping());
        };
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&served.root)?;
        Ok(Batch {
            served,
            _open: open,
            dir,
            files: Mutex::new(BTreeSet::new()),
        })
    }

    /// The staging folder, for writers that put files there themselves (see [`Batch::adopt`]).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stages `bytes` for `rel`.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&path, bytes)?;
        self.adopt(rel);
        Ok(())
    }

    /// Counts a file written into [`Batch::dir`] by someone else as part of the batch.
    pub fn adopt(&self, rel: &str) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
    }

    pub fn len(&self) -> usize {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Renames every staged file over its place in the served folder; returns how many.
    pub fn commit(self) -> std::io::Result<usize> {
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        for rel in &files {
            let to = self.served.root.join(rel);
            if let Some(d) = to.parent() {
                std::fs::create_dir_all(d)?;
            }
            std::fs::rename(self.dir.path().join(rel), &to)?;
        }
        Ok(files.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_publishes_on_commit_only_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let served = Served::new(tmp.path().join("site")).unwrap();
        std::fs::write(served.root().join("old.txt"), "old").unwrap();
        {
            let b = Batch::new(&served).unwrap();
            b.put("a/index.html", b"dropped").unwrap();
        }
        assert!(!served.has("a/index.html"));
        let b = Batch::new(&served).unwrap();
        b.put("a/index.html", b"new").unwrap();
        b.put("old.txt", b"replaced").unwrap();
        assert_eq!(b.commit().unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(served.root().join("old.txt")).unwrap(),
            "replaced"
        );
        let names: Vec<String> = std::fs::read_dir(served.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

        served.remove("a/index.html").unwrap();
        assert!(!served.root().join("a").exists(), "emptied folders go too");

        served.close();
        assert!(served.is_stopping());
        assert!(Batch::new(&served).is_err());
        assert!(served.guard().is_none());
    }
}
