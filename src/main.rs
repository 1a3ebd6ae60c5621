//! The `minisite` binary: parse the command line, call the library, print the outcome, set the exit code.

use clap::{CommandFactory, FromArgMatches};
use minisite::cli::{CacheAction, Cli, Command, ThemeAction};
use minisite::report::{count, render, Level};
use minisite::{many, BuildOptions, Diagnostic, Error};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc, not glibc's allocator: the search index is millions of small allocations (each
/// record's word maps, then the index's), and glibc spent a third of its build time in malloc
/// and free, scanning and merging its fragmented heap (bench/search_cost.rs under perf). The
/// pages' rendering is not slower with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The allocator's options are set before anything is allocated (an ELF constructor): the
/// runtime allocates before `main`, and mimalloc reserves its first arena then, with the
/// options as they were (its arena committed whole). Set only in `main`, a 10k build with
/// search peaked at 0.73 GB instead of 0.63, with 2.6–4.4 s of system time instead of 1.4–1.7
/// (the kernel zeroing the pages; four alternating builds of each binary).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = {
    extern "C" fn tune() {
        minisite::allocator::tune();
    }
    tune
};

fn main() -> ExitCode {
    // Again, for systems without the constructor: setting them twice changes nothing.
    minisite::allocator::tune();
    // clap exits with 2 on bad usage, as documented.
    let cli = parse_cli();
    if let Some(code) = many(&cli.command) {
        return code;
    }
    let site_dir = match &cli.command {
        Command::Build { site_dirs, .. } | Command::Check { site_dirs } => site_dirs.first(),
        Command::Serve { site_dir, .. }
        | Command::Import { site_dir, .. }
        | Command::Export { site_dir, .. }
        | Command::Cache {
            action: CacheAction::Prune { site_dir, .. },
        } => Some(site_dir),
        Command::Themes { site_dir } => Some(site_dir),
        Command::Theme {
            action: ThemeAction::Eject { site_dir, .. },
        } => Some(site_dir),
        Command::Init { .. } => None,
    };
    let site_root = site_dir.and_then(|d| d.canonicalize().ok());
    let building = matches!(cli.command, Command::Build { .. });
    let result = run(cli, site_root.as_deref());
    if building && result.is_err() && minisite::output::cancelled() {
        // The build failed because Ctrl-C stopped it: the handler is removing the unfinished
        // copy and exits with 130 when done; reporting the failure here would race it.
        loop {
            std::thread::park();
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Error::Site(diags)) => {
            show(&diags, Level::Error, site_root.as_deref());
            eprintln!("{} found; nothing was written.", count(diags.len(), "problem"));
            ExitCode::from(1)
        }
        Err(Error::Io { path, source }) => {
            eprintln!("error: {}: {source}", path.display());
            eprintln!("  help: {}", io_help(&source));
            if building {
                eprintln!("The published site was not changed.");
            }
            ExitCode::from(1)
        }
    }
}

/// The one site of a one-site `build` or `check` (clap gives at least one).
fn one(site_dirs: Vec<PathBuf>) -> PathBuf {
    site_dirs.into_iter().next().unwrap_or_else(|| PathBuf::from("."))
}

/// Ctrl-C or a termination signal: the unfinished copy is removed, the output kept.
fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        minisite::output::cancel();
        eprintln!(
            "\nInterrupted: the build stopped. The published site was not changed; the unfinished copy was removed."
        );
        std::process::exit(130);
    });
}

/// `build` or `check` of several sites (`None` for anything else): each site's problems as soon
/// as it is done, headed by its folder so an agency knows whose they are, then a table of all.
/// Exit 1 when any site failed; 2, before anything is built, on a usage error.
fn many(command: &Command) -> Option<ExitCode> {
    let outcomes = match command {
        Command::Build {
            site_dirs,
            output,
            base_url,
            ..
        } if many::is_many(site_dirs) => {
            // Each site's own output and address: from the table of sites and their site.yaml.
            let opts = BuildOptions {
                output: None,
                base_url: None,
                // Each site's memory is freed before the next one is built.
                ..build_options(command)?
            };
            let planned = match base_url {
                Some(_) => Err(Error::Usage(
                    "--base-url sets one site's address: with several sites, set base_url in each site.yaml"
                        .into(),
                )),
                None => {
                    many::sites(site_dirs).and_then(|s| many::outputs(&s, output.as_deref()).map(|o| (s, o)))
                }
            };
            planned.map(|(sites, outputs)| {
                on_interrupt();
                many::build_all(&sites, &outputs, &opts, report_site)
            })
        }
        Command::Check { site_dirs } if many::is_many(site_dirs) => {
            many::sites(site_dirs).map(|sites| many::check_all(&sites, report_site))
        }
        _ => return None,
    };
    Some(match outcomes {
        Ok(outcomes) => {
            print!("{}", many::table(&outcomes));
            match outcomes.iter().any(many::Outcome::failed) {
                true => ExitCode::from(1),
                false => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    })
}

/// One site of several, as it is done: its warnings and errors as a one-site run shows them.
fn report_site(o: &many::Outcome) {
    if minisite::output::cancelled() {
        // The handler is removing the unfinished copy and exits with 130.
        loop {
            std::thread::park();
        }
    }
    if o.warnings.is_empty() && !o.failed() {
        return;
    }
    eprintln!("== {} ==", o.site.display());
    show(&o.warnings, Level::Warning, o.root.as_deref());
    match &o.done {
        Ok(_) => {}
        Err(Error::Site(diags)) => {
            // Not yet loaded: the folder itself is where its files are read from.
            let root = o.root.clone().or_else(|| o.site.canonicalize().ok());
            show(diags, Level::Error, root.as_deref());
            eprintln!("{} found; nothing was written.", count(diags.len(), "problem"));
        }
        Err(Error::Io { path, source }) => {
            eprintln!("error: {}: {source}", path.display());
            eprintln!("  help: {}", io_help(source));
            eprintln!("The published site was not changed.");
        }
        Err(e @ Error::Usage(_)) => eprintln!("error: {e}"),
    }
}

/// What a seller can do about a file-system failure.
fn io_help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull | FileTooLarge | QuotaExceeded => {
            "the disk is full (or a file size limit was reached): free some space and build again"
        }
        PermissionDenied | ReadOnlyFilesystem => {
            "minisite may not write there: choose an output folder you can write to (-o DIR), or fix the folder's permissions"
        }
        NotFound => "the folder or file was removed while minisite worked; check the path and build again",
        _ => "check the folder named above, then build again",
    }
}

fn show(diags: &[Diagnostic], level: Level, root: Option<&Path>) {
    let color = std::io::stderr().is_terminal();
    for d in diags {
        eprint!("{}", render(d, level, root, color));
    }
}

/// The options of `minisite build`'s flags (memory freed at the end); `None` for any other command.
fn build_options(command: &Command) -> Option<BuildOptions> {
    let Command::Build {
        output,
        base_url,
        cache_dir,
        cache_url,
        force,
        drafts,
        ..
    } = command
    else {
        return None;
    };
    Some(BuildOptions {
        output: output.clone(),
        base_url: base_url.clone(),
        cache_dir: cache_dir.clone(),
        cache_url: cache_url.clone(),
        force: *force,
        drafts: *drafts,
        // A bar on a terminal, nothing in logs and pipes.
        progress: std::io::stderr().is_terminal(),
        exits_after: false,
    })
}

/// `site_root` is the canonical site folder, for showing source snippets in reports.
fn run(cli: Cli, site_root: Option<&Path>) -> Result<(), Error> {
    match cli.command {
        Command::Build { ref site_dirs, .. } => {
            let opts = BuildOptions {
                exits_after: true,
                ..build_options(&cli.command).expect("a build command")
            };
            on_interrupt();
            let (report, warnings) = minisite::build(&one(site_dirs.clone()), &opts)?;
            show(&warnings, Level::Warning, site_root);
            let unchanged = match report.pages.saturating_sub(report.rendered) {
                0 => String::new(),
                n => format!(" ({n} unchanged)"),
            };
            let fetched = match report.images.fetched {
                0 => String::new(),
                n => format!(", {n} fetched"),
            };
            println!(
                "Built {} pages{unchanged}, {} images ({} made, {} reused{fetched}) in {:.2} s → {}",
                report.pages,
                report.images.made + report.images.reused + report.images.fetched,
                report.images.made,
                report.images.reused,
                report.elapsed.as_secs_f64(),
                report.output.display()
            );
            Ok(())
        }
        Command::Check { site_dirs } => {
            let site = minisite::Site::load(&one(site_dirs), &BuildOptions::default())?;
            show(&site.warnings, Level::Warning, Some(&site.root));
            println!(
                "No errors: {}, {}, {}, {}; {}.",
                count(site.catalog.products.len(), "product"),
                count(site.catalog.categories.len(), "category"),
                count(site.pages.len(), "page"),
                count(site.plan.sets.len(), "photo"),
                count(site.warnings.len(), "warning"),
            );
            Ok(())
        }
        Command::Cache {
            action: CacheAction::Prune { site_dir, cache_dir },
        } => {
            let opts = BuildOptions {
                cache_dir,
                ..Default::default()
            };
            let site = minisite::Site::load(&site_dir, &opts)?;
            let (files, bytes) = site.prune_cache()?;
            println!(
                "Removed {files} unused cached variants ({:.1} MB).",
                bytes as f64 / 1e6
            );
            Ok(())
        }
        Command::Serve {
            site_dir,
            port,
            bind,
            poll,
            cache_dir,
            open,
        } => minisite::serve::run(&minisite::serve::ServeOptions {
            site_dir,
            port,
            bind,
            poll,
            cache_dir,
            open,
        }),
        Command::Import { sheet, site_dir } => {
            let r = minisite::import::import(&sheet, &site_dir)?;
            println!(
                "Imported {} from {}: {} unchanged, {} updated, {} new.",
                count(r.unchanged + r.updated + r.new, "product"),
                sheet.display(),
                r.unchanged,
                r.updated,
                r.new
            );
            if r.not_in_sheet > 0 {
                println!(
                    "{} not in the sheet left as they are.",
                    count(r.not_in_sheet, "product")
                );
            }
            Ok(())
        }
        Command::Export { site_dir, sheet } => {
            let n = minisite::export::export(&site_dir, &sheet)?;
            println!("Exported {} to {}.", count(n, "product"), sheet.display());
            Ok(())
        }
        Command::Themes { site_dir } => {
            let root = site_dir
                .join("site.yaml")
                .is_file()
                .then(|| site_dir.canonicalize().ok())
                .flatten();
            for t in minisite::theme::available(root.as_deref()) {
                let kind = if t.local { "themes/" } else { "built-in" };
                println!("{:<16} {kind:<9} {}", t.name, t.description);
            }
            Ok(())
        }
        Command::Theme {
            action: ThemeAction::Eject { name, site_dir },
        } => {
            let at = minisite::theme::eject(&name, &site_dir)?;
            println!(
                "Copied the built-in theme `{name}` to {}: with `theme: {name}` the site uses this copy now; edit its files, or set `extends: {name}` in its theme.yaml and keep only the files you change.",
                at.display()
            );
            Ok(())
        }
        Command::Init { dir, theme } => {
            minisite::init::init(&dir, &theme)?;
            println!(
                "Created a starter site in {}. Build it with: minisite build {}",
                dir.display(),
                dir.display()
            );
            Ok(())
        }
    }
}

/// The command line; `--version` also says which JPEG code the binary has (the benches print
/// it: without `nasm` at build time mozjpeg is built without its SIMD, and is slower).
fn parse_cli() -> Cli {
    let jpeg = if minisite::images::ops::jpeg_simd() {
        "JPEG with libjpeg-turbo's SIMD"
    } else {
        "JPEG in plain C, without SIMD (nasm was missing when this minisite was built)"
    };
    let long = format!("{} ({jpeg})", env!("CARGO_PKG_VERSION"));
    let matches = Cli::command()
        .long_version(Box::leak(long.into_boxed_str()) as &'static str)
        .get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}
