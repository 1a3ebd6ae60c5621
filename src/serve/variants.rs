//! Photo variants in the background: `minisite serve` serves pages as soon as they are rendered and
//! makes the variants they show afterwards, one photo at a time. A request for a variant not made
//! yet moves its photo to the front of the queue and waits for it, so a page opened early shows
//! its photos as soon as they exist instead of broken images.
//!
//! Variants are named after their content, so a file either does not exist yet or is final; they
//! are staged and renamed into place like every other served file.

use super::served::{Batch, Served};
use crate::images::run::{Fault, PhotoFailure};
use crate::images::{self, cache::Cache, ImagePlan, ImageSet, ImageStats};
use crate::Site;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One photo to make the variants of.
struct Task {
    set: ImageSet,
    cache: Arc<Cache>,
    quality: u8,
    background: [u8; 3],
}

#[derive(Default)]
struct Queue {
    todo: VecDeque<Task>,
    /// URL of each variant queued or being made → the photo's path.
    pending: HashMap<String, String>,
    /// URLs of the variants in the served folder (only this worker puts them there).
    done: HashSet<String>,
    stop: bool,
}

pub struct Variants {
    served: Arc<Served>,
    queue: Mutex<Queue>,
    changed: Condvar,
    /// Photos are made on threads of their own: in rayon's global pool, a long parallel job
    /// started first (a page rebuild, or another site built by the same process) keeps every
    /// worker busy with its own tasks, and a photo an open page waits for would wait behind it.
    pool: Option<rayon::ThreadPool>,
}

/// What the worker reports after each photo.
pub struct Made {
    pub result: Result<ImageStats, Vec<PhotoFailure>>,
    /// Nothing is left to make.
    pub idle: bool,
}

impl Variants {
    pub fn new(served: Arc<Served>) -> Variants {
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("minisite-photos-{i}"))
            .build()
            .ok();
        Variants {
            served,
            queue: Mutex::default(),
            changed: Condvar::new(),
            pool,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues every photo of `site` with a variant missing from the served folder; returns how many.
    /// A photo queued before with other variants (it changed since) is dropped from the queue.
    pub fn queue(&self, site: &Site) -> usize {
        let cache = Arc::new(site.cache());
        let mut q = self.lock();
        let mut added = 0;
        for set in site.plan.sets.values() {
            let missing = set
                .all()
                .any(|v| !q.pending.contains_key(&v.url) && !q.done.contains(&v.url));
            if !missing {
                continue;
            }
            q.todo.retain(|t| t.set.path != set.path);
            q.pending.retain(|_, path| *path != set.path);
            for v in set.all() {
                q.pending.insert(v.url.clone(), set.path.clone());
            }
            q.todo.push_back(Task {
                set: set.clone(),
                cache: cache.clone(),
                quality: site.config.images.quality,
                background: site.background(),
            });
            added += 1;
        }
        if added > 0 {
            self.changed.notify_all();
        }
        added
    }

    /// Variants in the served folder that `site` no longer shows (their photo was edited or
    /// dropped since): forgotten here, returned for the caller to delete with the pages that
    /// showed them, so a long editing session does not pile up every version of a photo.
    pub fn unused(&self, site: &Site) -> Vec<String> {
        let shown: HashSet<&str> = site
            .plan
            .sets
            .values()
            .flat_map(|s| s.all().map(|v| v.url.as_str()))
            .collect();
        let mut q = self.lock();
        let gone: Vec<String> = q
            .done
            .iter()
            .filter(|u| !shown.contains(u.as_str()))
            .cloned()
            .collect();
        for u in &gone {
            q.done.remove(u);
        }
        gone
    }

    /// When `url` is a variant not made yet: puts its photo first in line and waits (at most
    /// `limit`) for it. Returns whether the caller should look for the file again.
    pub fn wait_for(&self, url: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut q = self.lock();
        let Some(path) = q.pending.get(url).cloned() else {
            return false;
        };
        if let Some(i) = q.todo.iter().position(|t| t.set.path == path) {
            if let Some(t) = q.todo.remove(i) {
                q.todo.push_front(t);
            }
        }
        while q.pending.contains_key(url) && !q.stop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            q = self
                .changed
                .wait_timeout(q, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    /// Ends [`Variants::run`] after the photo in hand, and releases waiting requests.
    pub fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }

    /// Makes queued photos until stopped, calling `report` after each.
    pub fn run(&self, mut report: impl FnMut(Made)) {
        loop {
            let task = {
                let mut q = self.lock();
                loop {
                    if q.stop {
                        return;
                    }
                    if let Some(t) = q.todo.pop_front() {
                        break t;
                    }
                    q = self.changed.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            let result = self.make(&task);
            let idle = {
                let mut q = self.lock();
                if result.is_ok() {
                    q.done.extend(task.set.all().map(|v| v.url.clone()));
                }
                // Made or failed, these URLs are no longer worth waiting for.
                let urls: Vec<&str> = task.set.all().map(|v| v.url.as_str()).collect();
                q.pending
                    .retain(|url, path| *path != task.set.path || !urls.contains(&url.as_str()));
                self.changed.notify_all();
                q.todo.is_empty()
            };
            report(Made { result, idle });
        }
    }

    fn make(&self, task: &Task) -> Result<ImageStats, Vec<PhotoFailure>> {
        let fail = |error: std::io::Error| {
            let message = format!("cannot be written to the served folder: {error}");
            let path = self.served.root().to_path_buf();
            vec![PhotoFailure::new(
                &task.set.path,
                Fault::Storage { path, error },
                message,
            )]
        };
        let batch = Batch::new(&self.served).map_err(fail)?;
        let plan = ImagePlan {
            sets: BTreeMap::from([(task.set.path.clone(), task.set.clone())]),
            colors: Default::default(),
        };
        let make = || {
            images::run::run(
                &plan,
                &task.cache,
                batch.dir(),
                task.quality,
                task.background,
                false,
                None,
            )
        };
        let stats = match &self.pool {
            Some(pool) => pool.install(make),
            None => make(),
        }?;
        for v in task.set.all() {
            batch.adopt(&v.url);
        }
        batch.commit().map_err(fail)?;
        Ok(stats)
    }
}
