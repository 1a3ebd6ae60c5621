//! Watching the site folder: OS notifications (or polling), editor noise filtered out, bursts of
//! events gathered into one change (a save is often several events: write, rename, attributes).

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// Quiet time that ends a burst of events.
/// Editors' saves (write a temp file, rename the old one away, rename the new one in, delete the
/// backup) take a millisecond or two; 25 ms keeps one save one rebuild while adding little to the
/// time from save to reload (the bar is a tenth of a full build: about 65 ms for 1,000 products).
pub const DEBOUNCE: Duration = Duration::from_millis(25);
/// How often `--poll` looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What changed in one burst.
#[derive(Debug, Default)]
pub struct Changes {
    pub paths: Vec<PathBuf>,
    /// The watcher lost track (overflow, rescan, error): treat everything as changed.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    fn add(&mut self, root: &Path, ignored: &[PathBuf], event: notify::Result<Event>) {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("warning: file watcher: {e}; rebuilding everything");
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
            return;
        }
        // Reading files (the build itself does) must not trigger builds; closing a written file may.
        if let EventKind::Access(kind) = event.kind {
            if kind != AccessKind::Close(AccessMode::Write) {
                return;
            }
        }
        for p in event.paths {
            let skip = ignored.iter().any(|i| p.starts_with(i));
            if !skip && is_source(root, &p) && !self.paths.contains(&p) {
                self.paths.push(p);
            }
        }
    }
}

/// Whether a change at `path` can change the site: not a dotfile or dot-folder (`.minisite-cache/`,
/// `.git/`, `.#lock` files), not the default output `public/`, not an editor's swap or backup file.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().peekable();
    if parts.peek().is_none() {
        return false;
    }
    if rel.starts_with("public") {
        return false;
    }
    for c in rel.components() {
        let name = c.as_os_str().to_string_lossy();
        if name.starts_with('.') {
            return false;
        }
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // vim (.swp…, ~ backups), JetBrains safe write (___jb_tmp___, ___jb_old___), Kate, and backups.
    let swap = [
        ".swp",
        ".swo",
        ".swx",
        "~",
        "___jb_tmp___",
        "___jb_old___",
        ".kate-swp",
        ".bak",
    ]
    .iter()
    .any(|s| name.ends_with(s));
    let emacs_autosave = name.starts_with('#') && name.ends_with('#');
    !(swap || emacs_autosave || name == "4913")
}

/// A watcher of the site folder and the events it reports.
pub struct Watch {
    // Kept alive while watching: dropping it stops the events.
    _watcher: Box<dyn Watcher + Send>,
    events: Receiver<notify::Result<Event>>,
}

/// Starts watching `root` (and everything under it) with OS notifications, or by polling.
pub fn start(root: &Path, poll: bool) -> notify::Result<Watch> {
    let (tx, events) = channel();
    let handler = move |e: notify::Result<Event>| {
        let _ = tx.send(e);
    };
    let mut watcher: Box<dyn Watcher + Send> = if poll {
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
        Box::new(notify::PollWatcher::new(handler, config)?)
    } else {
        Box::new(notify::recommended_watcher(handler)?)
    };
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(Watch {
        _watcher: watcher,
        events,
    })
}

impl Watch {
    /// Calls `on_change` once per burst of relevant changes under `root`, for as long as the
    /// watcher runs. Changes under `ignored` (an image cache given with --cache-dir inside the
    /// site) are not changes.
    pub fn run(self, root: &Path, ignored: &[PathBuf], mut on_change: impl FnMut(&Changes)) {
        while let Ok(first) = self.events.recv() {
            let mut changes = Changes::default();
            changes.add(root, ignored, first);
            loop {
                match self.events.recv_timeout(DEBOUNCE) {
                    Ok(e) => changes.add(root, ignored, e),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if !changes.is_empty() {
                on_change(&changes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_noise_and_outputs_are_not_sources() {
        let root = Path::new("/s");
        for p in [
            "products/a.yaml",
            "site.yaml",
            "static/style.css",
            "images/x y.jpg",
        ] {
            assert!(is_source(root, &root.join(p)), "{p}");
        }
        for p in [
            ".minisite-cache/ab/cd.webp",
            "public/index.html",
            "products/.a.yaml.swp",
            "products/a.yaml~",
            "products/.#a.yaml",
            "products/#a.yaml#",
            "products/4913",
            "products/a.yaml___jb_tmp___",
            "products/a.yaml___jb_old___",
            "products/a.yaml.bak",
            "static/.goutputstream-X1Y2Z3",
            ".git/index",
            "",
        ] {
            assert!(!is_source(root, &root.join(p)), "{p}");
        }
        assert!(!is_source(root, Path::new("/elsewhere/a.yaml")));
    }

    #[test]
    fn a_lost_track_means_everything_changed() {
        let root = Path::new("/s");
        let mut c = Changes::default();
        c.add(
            root,
            &[],
            Ok(Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)),
        );
        assert!(c.rescan && !c.is_empty());
        let mut c = Changes::default();
        c.add(root, &[], Err(notify::Error::generic("queue overflow")));
        assert!(c.rescan);
        // Reads (the build's own) are not changes.
        let mut c = Changes::default();
        c.add(
            root,
            &[],
            Ok(Event::new(EventKind::Access(AccessKind::Open(AccessMode::Read)))
                .add_path("/s/site.yaml".into())),
        );
        assert!(c.is_empty());
    }
}
