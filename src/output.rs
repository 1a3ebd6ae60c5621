//! Writing the site: everything goes to a temporary folder beside the output, swapped in only
//! when the whole build succeeded, so a failed build never leaves a half-written site.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Staging folders of builds in progress in this process, for [`cancel`]. Also held while an
/// output is swapped, so an interrupt never lands between the two renames.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Stops every build of this process from writing and removes their staging folders; for a
/// Ctrl-C or termination handler, which then exits. Waits for a swap in progress to finish, so
/// the output is either the old site or the new one, whole, and for every write already past
/// its check (a [`Writing`]), so none re-creates a folder after it was removed: a grace time
/// alone lost that race on a loaded machine, where a writer can wait longer than any grace.
pub fn cancel() {
    GATE.cancel(|| {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        for dir in live.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    });
}

/// Whether [`cancel`] was called: writers stop.
pub fn cancelled() -> bool {
    GATE.cancelled.load(Ordering::SeqCst)
}

static GATE: Gate = Gate::new();

/// The cancel flag and the count of writes under way, which [`cancel`] waits for.
struct Gate {
    cancelled: AtomicBool,
    writing: AtomicUsize,
}

impl Gate {
    const fn new() -> Gate {
        Gate {
            cancelled: AtomicBool::new(false),
            writing: AtomicUsize::new(0),
        }
    }

    /// Counts a write in, unless cancelled. SeqCst on both sides: either the writer sees the
    /// flag, or the canceller sees the writer and waits for it.
    fn enter(&self) -> bool {
        self.writing.fetch_add(1, Ordering::SeqCst);
        if self.cancelled.load(Ordering::SeqCst) {
            self.writing.fetch_sub(1, Ordering::SeqCst);
            return false;
        }
        true
    }

    fn leave(&self) {
        self.writing.fetch_sub(1, Ordering::SeqCst);
    }

    /// Sets the flag, waits for the writes under way, then runs `remove`.
    fn cancel(&self, remove: impl FnOnce()) {
        self.cancelled.store(true, Ordering::SeqCst);
        // Bounded: a write stuck on a dead network disk must not keep Ctrl-C from exiting.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.writing.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        remove();
    }
}

/// One write into a staging folder, from its check of [`cancelled`] to its end: [`cancel`]
/// waits for it before removing the folder.
pub struct Writing(());

impl Writing {
    /// None once the build is cancelled: then nothing may be written.
    pub fn begin() -> Option<Writing> {
        GATE.enter().then_some(Writing(()))
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        GATE.leave();
    }
}

fn interrupted(path: &Path) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::Interrupted, "the build was interrupted"),
    )
}

pub struct Staging {
    /// Removed when dropped: a failed build leaves nothing behind.
    tmp: tempfile::TempDir,
    target: PathBuf,
    /// Held for the whole build: a second build of the same output waits for it.
    _lock: std::fs::File,
    _registered: Registered,
}

/// Marks an output folder as minisite's, so a rebuild may replace it.
pub const MARKER: &str = ".minisite";

impl Staging {
    /// Takes the output's lock (waiting for another build of it to finish), removes what an
    /// interrupted build left behind, and opens a fresh staging folder beside the output.
    /// A non-empty output without minisite's marker is refused unless `force`.
    pub fn begin(target: &Path, force: bool) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("public");
        let lock_path = parent.join(format!(".{name}.minisite-lock"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        if lock.try_lock().is_err() {
            eprintln!(
                "Another build of {} is running; waiting for it to finish…",
                target.display()
            );
            lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        }
        // With the lock held, any staging or old folder of ours is a leftover of a killed build.
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.filter_map(|e| e.ok()) {
                let n = e.file_name().to_string_lossy().to_string();
                if n.starts_with(&format!(".{name}.minisite-build-"))
                    || n.starts_with(&format!(".{name}.minisite-old-"))
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        if !force && target.is_dir() && !target.join(MARKER).exists() {
            let nonempty = std::fs::read_dir(target)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if nonempty {
                return Err(Error::Usage(format!(
                    "{} has files minisite did not write; building would replace them. Choose an empty or new folder, or pass --force",
                    target.display()
                )));
            }
        }
        // tempfile makes folders 0777 less the umask (only its files are private, 0600), so this
        // one, swapped in as the output, is as readable as any folder the build creates. Nothing
        // published is written through a tempfile file.
        // Made and put on the list under the list's lock: Ctrl-C's clean-up takes the lock too,
        // so a folder made just before the signal is on the list when it is cleaned up.
        let (tmp, registered) = {
            let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            let tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}.minisite-build-"))
                .tempdir_in(parent)
                .map_err(|e| Error::io(parent, e))?;
            live.push(tmp.path().to_path_buf());
            let registered = Registered(tmp.path().to_path_buf());
            (tmp, registered)
        };
        std::fs::write(tmp.path().join(MARKER), b"").map_err(|e| Error::io(tmp.path(), e))?;
        Ok(Staging {
            _registered: registered,
            tmp,
            target: target.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` at `rel` (forward slashes) inside the staging folder.
    /// A failure names the file as it would be in the output, not in the hidden staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let _writing = Writing::begin().ok_or_else(|| interrupted(&self.target.join(rel)))?;
        let (path, shown) = self.place(rel)?;
        // A file kept (linked from the old output) and then made again after all must not be
        // written through the link: that would change the old output before the swap.
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&shown, e))
    }

    /// Where `rel` goes in the staging folder (its folder made), and where it will be published.
    fn place(&self, rel: &str) -> Result<(PathBuf, PathBuf)> {
        let shown = self.target.join(rel);
        if cancelled() {
            return Err(interrupted(&shown));
        }
        let path = self.tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(&shown, e))?;
        }
        Ok((path, shown))
    }

    /// Puts the file `from` (of the output this build replaces) at `rel` without copying its
    /// bytes: a hard link, as the old output's own link goes when it is replaced.
    pub fn link(&self, rel: &str, from: &Path) -> Result<()> {
        let _writing = Writing::begin().ok_or_else(|| interrupted(&self.target.join(rel)))?;
        let (path, shown) = self.place(rel)?;
        std::fs::hard_link(from, &path)
            .or_else(|_| std::fs::copy(from, &path).map(|_| ()))
            .map_err(|e| Error::io(&shown, e))
    }

    /// Replaces the output with the staged site: the old output is moved aside, the new one
    /// renamed into place, then the old one deleted.
    pub fn commit(self) -> Result<()> {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|p| p != self.tmp.path());
        if cancelled() {
            return Err(interrupted(&self.target));
        }
        let target = self.target.clone();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let staged = self.tmp.keep();
        let old = if target.exists() {
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("public");
            let aside = tempfile::Builder::new()
                .prefix(&format!(".{name}.minisite-old-"))
                .tempdir_in(parent)
                .map_err(|e| Error::io(parent, e))?
                .keep();
            let aside_target = aside.join("site");
            std::fs::rename(&target, &aside_target).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staged);
                let _ = std::fs::remove_dir_all(&aside);
                Error::io(&target, e)
            })?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, &target) {
            // Put the old site back: a failed swap must not lose what was published.
            if let Some(aside) = &old {
                let _ = std::fs::rename(aside.join("site"), &target);
                let _ = std::fs::remove_dir_all(aside);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Error::io(&target, e));
        }
        if let Some(aside) = old {
            let _ = std::fs::remove_dir_all(aside);
        }
        Ok(())
    }
}

/// Keeps a staging folder on the [`LIVE`] list for as long as its build runs (put on it by
/// [`Staging::begin`]).
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|p| *p != self.0);
    }
}

/// Refuses outputs that would overwrite or publish the seller's sources.
pub fn check_output_location(site_root: &Path, output: &Path) -> Result<()> {
    let out = absolute(output);
    if out == site_root {
        return Err(Error::Usage(format!(
            "the output folder {} is the site folder itself; the build would replace your sources. Use -o public (the default)",
            output.display()
        )));
    }
    if site_root.starts_with(&out) {
        return Err(Error::Usage(format!(
            "the output folder {} contains the site folder; the build would replace it. Choose a folder beside or inside the site, e.g. -o public",
            output.display()
        )));
    }
    for src in ["products", "images", "pages", "templates", "static"] {
        if out.starts_with(site_root.join(src)) {
            return Err(Error::Usage(format!(
                "the output folder {} is inside the site's {src}/ folder; choose another, e.g. -o public",
                output.display()
            )));
        }
    }
    Ok(())
}

/// A path made absolute and free of `.`/`..` without touching the file system (it may not exist yet).
pub fn absolute(p: &Path) -> PathBuf {
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.join(p).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so comparisons with canonical site paths hold.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        real.push(n);
    }
    real
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The race `nothing_lost`'s Ctrl-C tests lost now and then on a loaded machine: a writer
    /// past its check, descheduled longer than the old grace time, re-created a removed folder.
    #[test]
    fn a_cancel_removes_only_after_the_writes_under_way_end() {
        let gate = Arc::new(Gate::new());
        assert!(gate.enter(), "not cancelled yet");
        let done = Arc::new(AtomicBool::new(false));
        let writer = {
            let (gate, done) = (gate.clone(), done.clone());
            std::thread::spawn(move || {
                // Longer than any grace time the canceller could have guessed.
                std::thread::sleep(std::time::Duration::from_millis(200));
                done.store(true, Ordering::SeqCst);
                gate.leave();
            })
        };
        let mut removed_after_write = None;
        gate.cancel(|| removed_after_write = Some(done.load(Ordering::SeqCst)));
        writer.join().unwrap();
        assert_eq!(removed_after_write, Some(true));
    }

    #[test]
    fn nothing_enters_once_cancelled() {
        let gate = Gate::new();
        let mut removed = false;
        gate.cancel(|| removed = true);
        assert!(removed);
        assert!(!gate.enter());
        assert_eq!(gate.writing.load(Ordering::SeqCst), 0);
    }
}
