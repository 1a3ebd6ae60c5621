//! `minisite serve`: build the site into a temporary folder outside the sources, serve it on this
//! computer, and rebuild the whole site whenever a source file changes, telling open pages to
//! reload (or to show the errors of a broken edit while the last good build stays served).

pub mod http;
pub mod reload;
pub mod watch;

use crate::error::{Error, Result};
use crate::report::{render, Level};
use crate::{BuildOptions, BuildReport, Diagnostic};
use reload::Hub;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
}

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 50;
/// Threads answering ordinary requests (event streams get a thread each).
const WORKERS: usize = 4;

/// Builds, serves and watches until Ctrl-C.
pub fn run(opts: &ServeOptions) -> Result<()> {
    let root = opts.site_dir.canonicalize().map_err(|e| {
        Error::Usage(format!(
            "cannot open the site folder {}: {e}",
            opts.site_dir.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder",
            opts.site_dir.display()
        )));
    }
    // The output lives in a temporary folder outside the site: serving never writes into the sources.
    let tmp = tempfile::Builder::new()
        .prefix("minisite-serve-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let output = tmp.path().join("site");
    let hub = Arc::new(Hub::default());
    let builder = Builder {
        root: root.clone(),
        output: output.clone(),
        cache_dir: opts.cache_dir.clone(),
        hub: hub.clone(),
    };
    // Watching starts before the first build, so an edit made during it is not missed.
    let watch = watch::start(&root, opts.poll).map_err(|e| {
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
    builder.build(true, false);

    let (server, port) = bind(opts.bind, opts.port)?;
    let server = Arc::new(server);
    let ctx = Arc::new(http::Ctx::new(output.clone(), opts.bind, port, hub.clone()));
    for _ in 0..WORKERS {
        let (server, ctx) = (server.clone(), ctx.clone());
        std::thread::spawn(move || http::serve(&server, &ctx));
    }

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
    println!("Output: {} (temporary, removed on exit)", output.display());
    println!("Serving {} at http://{shown}:{port}/", root.display());
    println!("Watching for changes; press Ctrl-C to stop.");

    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;

    // The image cache is written by every build; when it is inside the site it must not trigger one.
    let ignored: Vec<PathBuf> = opts
        .cache_dir
        .iter()
        .map(|c| crate::output::absolute(c))
        .collect();
    std::thread::spawn(move || {
        watch.run(&builder.root.clone(), &ignored, |changes| {
            builder.build(false, changes.css_only())
        });
        eprintln!("error: the file watcher stopped; restart minisite serve to see changes again.");
    });

    let _ = stop_rx.recv();
    println!("Stopping.");
    server.unblock();
    // Give answers in flight a moment, then remove the temporary output.
    std::thread::sleep(Duration::from_millis(50));
    drop(tmp);
    Ok(())
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

/// Builds the whole site into the served folder and tells the browsers what happened.
struct Builder {
    root: PathBuf,
    output: PathBuf,
    cache_dir: Option<PathBuf>,
    hub: Arc<Hub>,
}

impl Builder {
    fn build(&self, first: bool, css_only: bool) {
        let opts = BuildOptions {
            output: Some(self.output.clone()),
            cache_dir: self.cache_dir.clone(),
            progress: first && std::io::stderr().is_terminal(),
            ..Default::default()
        };
        match crate::build(&self.root, &opts) {
            Ok((report, warnings)) => {
                if first {
                    show(&warnings, Level::Warning, &self.root);
                }
                print_report(&report, &warnings, first);
                self.hub.built(css_only);
            }
            Err(e) => {
                let text = describe(&e, &self.root);
                match &e {
                    Error::Site(diags) => show(diags, Level::Error, &self.root),
                    other => eprintln!("error: {other}"),
                }
                eprintln!(
                    "{}",
                    if first {
                        "The site has errors; fix them and save, the page reloads on its own."
                    } else {
                        "The site has errors; still serving the last good build."
                    }
                );
                self.hub.failed(text);
            }
        }
    }
}

fn print_report(report: &BuildReport, warnings: &[Diagnostic], first: bool) {
    let w = match warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    println!(
        "{} {} pages, {} images ({} made) in {:.2} s{w}",
        if first { "Built" } else { "Rebuilt" },
        report.pages,
        report.images.made + report.images.reused,
        report.images.made,
        report.elapsed.as_secs_f64(),
    );
}

fn show(diags: &[Diagnostic], level: Level, root: &Path) {
    let color = std::io::stderr().is_terminal();
    for d in diags {
        eprint!("{}", render(d, level, Some(root), color));
    }
}

/// The text the browser overlay shows: the same as the terminal, without colours.
fn describe(e: &Error, root: &Path) -> String {
    match e {
        Error::Site(diags) => diags
            .iter()
            .map(|d| render(d, Level::Error, Some(root), false))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("error: {other}"),
    }
}
