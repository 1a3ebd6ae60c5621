//! `minisite serve`: build the site into a temporary folder outside the sources, serve it on this
//! computer, and on every save rebuild what the change touched, telling open pages to reload (or
//! to show the errors of a broken edit while the last good pages stay served).
//!
//! Pages come first: the first build renders every page and serving starts at once, while photo
//! variants are made in the background (see [`variants`]).

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod served;
pub mod variants;
pub mod watch;

use crate::error::{Error, Result};
use rebuild::Rebuilder;
use reload::Hub;
use served::Served;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use variants::Variants;

/// What `minisite serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site_dir: PathBuf,
    /// First port to try; the next free ones are tried when it is taken. 0: any free port.
    pub port: u16,
    pub bind: IpAddr,
    /// Poll the file system instead of using the OS's change notifications.
    pub poll: bool,
    pub cache_dir: Option<PathBuf>,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 50;
/// Threads answering ordinary requests (event streams get a thread each).
const WORKERS: usize = 4;

enum Signal {
    /// The first build is done (good or not): time to serve.
    Built,
    /// Ctrl-C (or a termination request).
    Stop,
}

/// Builds, serves and watches until Ctrl-C.
pub fn run(opts: &ServeOptions) -> Result<()> {
    let root = site_root(&opts.site_dir)?;
    // Ctrl-C is handled from the start: stopping during the first build must remove the output too.
    let (signals, signal) = channel::<Signal>();
    let stop = signals.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Signal::Stop);
    })
    .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;

    // The output lives in a temporary folder outside the site: serving never writes into the sources.
    let tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    // Only a courtesy to the next serve (it may clean up after a killed one): never a reason not
    // to serve, e.g. where a locked file cannot be renamed.
    let alive = hold_alive(tmp.path()).ok();
    remove_abandoned(tmp.path());
    let output = tmp.path().join("site");
    let served = Arc::new(Served::new(output.clone()).map_err(|e| Error::io(&output, e))?);
    let hub = Arc::new(Hub::default());
    let variants = Arc::new(Variants::new(served.clone()));
    let rebuilder = Arc::new(Mutex::new(Rebuilder::new(
        root.clone(),
        opts.cache_dir.clone(),
        served.clone(),
        variants.clone(),
        hub.clone(),
    )));
    println!("Output: {} (temporary, removed on exit)", output.display());
    build_and_watch(opts, &root, rebuilder.clone(), signals)?;
    if let Ok(Signal::Stop) | Err(_) = signal.recv() {
        println!("Stopping.");
        stop_writing(&served, &variants);
        drop(alive);
        drop(tmp);
        return Ok(());
    }

    let (server, port) = bind(opts.bind, opts.port)?;
    let server = Arc::new(server);
    let ctx = Arc::new(http::Ctx::new(
        output.clone(),
        opts.bind,
        port,
        hub.clone(),
        Some(variants.clone()),
    ));
    for _ in 0..WORKERS {
        let (server, ctx) = (server.clone(), ctx.clone());
        std::thread::spawn(move || http::serve(&server, &ctx));
    }
    make_photos(variants.clone(), rebuilder);
    announce(opts, &root, port);

    while let Ok(Signal::Built) = signal.recv() {}
    println!("Stopping.");
    server.unblock();
    stop_writing(&served, &variants);
    // Give answers in flight a moment, then remove the temporary output.
    std::thread::sleep(Duration::from_millis(50));
    drop(alive);
    drop(tmp);
    Ok(())
}

fn site_root(dir: &Path) -> Result<PathBuf> {
    let root = dir
        .canonicalize()
        .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", dir.display())))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", dir.display())));
    }
    Ok(root)
}

/// Starts watching, then builds the site once and rebuilds on every change, in a thread of its
/// own; `built` hears when the first build is done. Watching starts before the first build, so
/// an edit made during it is not missed.
fn build_and_watch(
    opts: &ServeOptions,
    root: &Path,
    rebuilder: Arc<Mutex<Rebuilder>>,
    built: std::sync::mpsc::Sender<Signal>,
) -> Result<()> {
    let watch = watch::start(root, opts.poll).map_err(|e| {
        Error::Usage(format!(
            "cannot watch {} for changes: {e}{}",
            root.display(),
            if opts.poll {
                ""
            } else {
                " (with very many files the system's watch limit may be reached; try --poll)"
            }
        ))
    })?;
    // The image cache is written while serving; when it is inside the site it must not trigger builds.
    let ignored: Vec<PathBuf> = opts
        .cache_dir
        .iter()
        .map(|c| crate::output::absolute(c))
        .collect();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        lock(&rebuilder).first();
        let _ = built.send(Signal::Built);
        watch.run(&root, &ignored, |changes| lock(&rebuilder).rebuild(changes));
        eprintln!("error: the file watcher stopped; restart minisite serve to see changes again.");
    });
    Ok(())
}

/// Makes photo variants in the background; failures reach open pages, and once all are made
/// the pages get the photos' average colours.
fn make_photos(variants: Arc<Variants>, rebuilder: Arc<Mutex<Rebuilder>>) {
    std::thread::spawn(move || {
        let mut made = 0;
        variants.run(|m| {
            match m.result {
                Ok(stats) => made += stats.made + stats.reused,
                Err(diags) => lock(&rebuilder).photo_failed(diags),
            }
            if m.idle && made > 0 {
                // Pages learn the photos' average colours; then the line tests and scripts wait for.
                lock(&rebuilder).refresh();
                println!("Photo variants ready ({made} files).");
                made = 0;
            }
        });
    });
}

/// Says where the site is served (and warns when other computers can reach it).
fn announce(opts: &ServeOptions, root: &Path, port: u16) {
    let shown = if opts.bind.is_unspecified() {
        "localhost".to_string()
    } else {
        http::host_of(opts.bind)
    };
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, which other computers can reach: anyone on your network can see the site while you edit it. Use the default --bind 127.0.0.1 to keep it on this computer.",
            http::host_of(opts.bind)
        );
    }
    let url = format!("http://{shown}:{port}/");
    println!("Serving {} at {url}", root.display());
    println!("Watching for changes; press Ctrl-C to stop.");
    if opts.open {
        if let Err(e) = opener::open_browser(&url) {
            eprintln!("warning: cannot open a browser ({e}); open {url} yourself.");
        }
    }
}

/// Temporary output folders of `minisite serve` are named so.
const TEMP_PREFIX: &str = "minisite-serve-";
/// Held locked by the serve that owns the folder, for as long as it runs.
const ALIVE: &str = "alive";

/// Marks `dir` as in use: a file locked for as long as this serve runs (the system drops the lock
/// when the process dies, however it dies). Locked before it gets its name, so another serve never
/// sees it unlocked.
fn hold_alive(dir: &Path) -> std::io::Result<std::fs::File> {
    let staged = dir.join(format!("{ALIVE}.new"));
    let file = std::fs::File::create(&staged)?;
    file.lock()?;
    std::fs::rename(&staged, dir.join(ALIVE))?;
    Ok(file)
}

/// Removes the temporary folders of serves that were killed before they could clean up (kill -9,
/// a crash, a power cut): folders with our name whose `alive` file nobody holds. A folder without
/// that file is left alone (not ours to judge, or a serve just starting).
fn remove_abandoned(own: &Path) {
    let Some(parent) = own.parent() else { return };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(std::result::Result::ok) {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
        // file_type does not follow links: a link named like ours is never followed.
        if !ours || path == own || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(file) = std::fs::File::open(path.join(ALIVE)) else {
            continue;
        };
        if file.try_lock().is_ok() {
            drop(file);
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn lock(r: &Mutex<Rebuilder>) -> std::sync::MutexGuard<'_, Rebuilder> {
    r.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stops the photo worker and waits for every write in progress, so the output can be deleted
/// without a late write bringing part of it back.
fn stop_writing(served: &Served, variants: &Variants) {
    variants.stop();
    served.close();
}

/// Binds `port`, or the next free port after it; port 0 lets the system choose.
fn bind(addr: IpAddr, port: u16) -> Result<(tiny_http::Server, u16)> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut err = String::new();
    for p in port..=last {
        match tiny_http::Server::http((addr, p)) {
            Ok(server) => {
                let real = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(p);
                if p != port && port != 0 {
                    eprintln!("Port {port} is taken; using {real}.");
                }
                return Ok((server, real));
            }
            Err(e) => err = e.to_string(),
        }
    }
    Err(Error::Usage(format!(
        "cannot listen on {}:{port} or the {PORT_TRIES} ports after it: {err}",
        http::host_of(addr)
    )))
}
