//! The `minisite` binary: parse the command line, call the library, print the outcome, set the exit code.

use clap::Parser;
use minisite::cli::{Cli, Command};
use minisite::{BuildOptions, Error};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with 2 on bad usage, as documented.
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{}", report(&e));
            ExitCode::from(1)
        }
    }
}

fn report(e: &Error) -> String {
    match e {
        Error::Site(d) => {
            let n = d.len();
            format!(
                "{e}\n\n{n} problem{} found; nothing was written.",
                if n == 1 { "" } else { "s" }
            )
        }
        other => format!("error: {other}"),
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Build {
            site_dir,
            output,
            base_url,
            cache_dir,
        } => {
            let opts = BuildOptions {
                output,
                base_url,
                cache_dir,
            };
            let (report, warnings) = minisite::build(&site_dir, &opts)?;
            for w in &warnings {
                eprintln!("warning: {w}");
            }
            println!(
                "Built {} pages, {} images ({} made, {} reused) in {:.2} s → {}",
                report.pages,
                report.images.made + report.images.reused,
                report.images.made,
                report.images.reused,
                report.elapsed.as_secs_f64(),
                report.output.display()
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
