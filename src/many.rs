//! Several sites in one run (`minisite build A B …`, or a folder of sites): which folders are the
//! sites, where each one's output goes, building or checking them one after another, and the
//! table that sums the run up.
//!
//! Sites are built one after another, not side by side: each build's photos and pages already run
//! on the one rayon pool, and one at a time two sites sharing a cache never encode the same
//! variant at once: the second finds the first's in the cache. Side by side would overlap one
//! site's file-system waits with another's work (two processes at once were faster on 2 cores,
//! docs/agency.md), but needs a claim on each variant that a rayon worker can wait on without
//! deadlocking on a job it stole itself; not done yet.

use crate::error::{Diagnostic, Error, Result};
use crate::report::count;
use crate::site::{BuildOptions, BuildReport, Site};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Whether the arguments name more than one site: several folders, or one folder of sites.
pub fn is_many(args: &[PathBuf]) -> bool {
    args.len() > 1
        || args
            .first()
            .is_some_and(|a| !is_site(a) && !subsites(a).is_empty())
}

fn is_site(dir: &Path) -> bool {
    dir.join("site.yaml").is_file()
}

/// The subfolders of `dir` that are sites, by name.
fn subsites(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sites: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_site(p))
        .collect();
    sites.sort();
    sites
}

/// The site folders the arguments name, in order; a folder of sites stands for those of its
/// subfolders that have a site.yaml, by name. A missing folder is a usage error, found before
/// anything is built; a site named twice is built once.
pub fn sites(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for arg in args {
        let canonical = arg
            .canonicalize()
            .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", arg.display())))?;
        // A folder that is neither is kept: building it says what its site.yaml lacks.
        let subs = if is_site(arg) { Vec::new() } else { subsites(arg) };
        let named = if subs.is_empty() { vec![arg.clone()] } else { subs };
        for site in named {
            let canonical = site.canonicalize().unwrap_or_else(|_| canonical.clone());
            if !found.iter().any(|(_, c)| *c == canonical) {
                found.push((site, canonical));
            }
        }
    }
    Ok(found.into_iter().map(|(site, _)| site).collect())
}

/// Where each site is written: its own `public/` without `--output`; with `--output DIR`,
/// `DIR/NAME` (NAME: the site folder's name). Two sites of one name, or an output that would
/// replace a site's sources, are usage errors found before anything is built.
pub fn outputs(sites: &[PathBuf], output: Option<&Path>) -> Result<Vec<Option<PathBuf>>> {
    let Some(parent) = output else {
        return Ok(vec![None; sites.len()]);
    };
    let mut outs: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for site in sites {
        let root = site
            .canonicalize()
            .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", site.display())))?;
        let name = root
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| "site".into());
        let out = parent.join(&name);
        if let Some((_, other)) = outs.iter().find(|(o, _)| *o == out) {
            return Err(Error::Usage(format!(
                "{} and {} are both named `{}`: with --output each site is written to OUTPUT/NAME, so both would go to {}. Rename one folder, or build them without --output",
                other.display(),
                site.display(),
                name.display(),
                out.display()
            )));
        }
        crate::output::check_output_location(&root, &crate::output::absolute(&out))?;
        outs.push((out, site));
    }
    Ok(outs.into_iter().map(|(o, _)| Some(o)).collect())
}

/// One site's part of the run.
pub struct Outcome {
    /// The site folder as named on the command line (or found in a folder of sites).
    pub site: PathBuf,
    /// The site folder, canonical, for source snippets in reports; `None` when it was not loaded.
    pub root: Option<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub done: std::result::Result<Done, Error>,
    pub elapsed: Duration,
}

pub enum Done {
    Built(BuildReport),
    Checked(Counts),
}

/// What `check` counts in a site.
pub struct Counts {
    pub products: usize,
    pub categories: usize,
    pub pages: usize,
    pub photos: usize,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.done.is_err()
    }

    fn errors(&self) -> usize {
        match &self.done {
            Ok(_) => 0,
            Err(Error::Site(d)) => d.len(),
            Err(_) => 1,
        }
    }
}

/// Builds each site with `opts` into its output (see [`outputs`]), one after another; a site that
/// fails does not stop the others. `each` sees every outcome as soon as its site is done.
pub fn build_all(
    sites: &[PathBuf],
    outputs: &[Option<PathBuf>],
    opts: &BuildOptions,
    each: impl FnMut(&Outcome),
) -> Vec<Outcome> {
    run_all(sites.iter().zip(outputs), each, |site, output| {
        let opts = BuildOptions {
            output: output.clone(),
            ..opts.clone()
        };
        let loaded = Site::load(site, &opts)?;
        // Kept even when writing fails: they were found all the same.
        let built = loaded.build(&opts);
        Ok((loaded.root.clone(), loaded.warnings, built.map(Done::Built)))
    })
}

/// Checks each site, as `minisite check` does; `each` sees every outcome as soon as it is known.
pub fn check_all(sites: &[PathBuf], each: impl FnMut(&Outcome)) -> Vec<Outcome> {
    run_all(sites.iter().map(|s| (s, ())), each, |site, ()| {
        let loaded = Site::load(site, &BuildOptions::default())?;
        let counts = Counts {
            products: loaded.catalog.products.len(),
            categories: loaded.catalog.categories.len(),
            pages: loaded.pages.len(),
            photos: loaded.plan.sets.len(),
        };
        Ok((loaded.root.clone(), loaded.warnings, Ok(Done::Checked(counts))))
    })
}

/// What one site's job gives: its root and warnings once loaded, and how the rest went.
type Job = Result<(PathBuf, Vec<Diagnostic>, Result<Done>)>;

fn run_all<'a, J>(
    jobs: impl Iterator<Item = (&'a PathBuf, J)>,
    mut each: impl FnMut(&Outcome),
    job: impl Fn(&Path, J) -> Job,
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (site, extra) in jobs {
        let started = Instant::now();
        let (root, warnings, done) = match job(site, extra) {
            Ok((root, warnings, done)) => (Some(root), warnings, done),
            Err(e) => (None, Vec::new(), Err(e)),
        };
        let outcome = Outcome {
            site: site.clone(),
            root,
            warnings,
            done,
            elapsed: started.elapsed(),
        };
        each(&outcome);
        outcomes.push(outcome);
    }
    outcomes
}

/// The run summed up, one row a site, columns aligned, then a line of totals.
pub fn table(outcomes: &[Outcome]) -> String {
    let checking = outcomes.iter().any(|o| matches!(o.done, Ok(Done::Checked(_))));
    let middle: &[&str] = if checking {
        &["products", "categories", "pages", "photos"]
    } else {
        &["pages", "images made", "reused"]
    };
    let mut header = vec!["site"];
    header.extend(middle);
    header.extend(["warnings", "errors", "time"]);
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for o in outcomes {
        let mut row = vec![o.site.display().to_string()];
        row.extend(
            match &o.done {
                Ok(Done::Built(r)) => vec![r.pages, r.images.made, r.images.reused],
                Ok(Done::Checked(c)) => vec![c.products, c.categories, c.pages, c.photos],
                Err(_) => Vec::new(),
            }
            .iter()
            .map(usize::to_string),
        );
        // A failed site has no counts: a dash in each of their columns.
        row.resize(middle.len() + 1, "-".to_string());
        row.extend([
            o.warnings.len().to_string(),
            o.errors().to_string(),
            format!("{:.2} s", o.elapsed.as_secs_f64()),
        ]);
        rows.push(row);
    }
    let mut out = aligned(&rows);
    let failed = outcomes.iter().filter(|o| o.failed()).count();
    let (ok, bad) = if checking {
        ("without errors", "with errors")
    } else {
        ("built", "failed")
    };
    out.push_str(&format!(
        "{}: {} {ok}, {failed} {bad}.\n",
        count(outcomes.len(), "site"),
        outcomes.len() - failed
    ));
    out
}

/// The first column to the left, the others (numbers) to the right, two spaces apart.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            match c {
                0 => line.push_str(&format!("{cell}{pad}")),
                _ => line.push_str(&format!("  {pad}{cell}")),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_whatever_the_lengths_of_names_and_numbers() {
        let rows = vec![
            vec!["site".to_string(), "pages".to_string()],
            vec!["a-long-seller".to_string(), "7".to_string()],
            vec!["b".to_string(), "1234567".to_string()],
        ];
        assert_eq!(
            aligned(&rows),
            "site             pages\na-long-seller        7\nb              1234567\n"
        );
    }
}
