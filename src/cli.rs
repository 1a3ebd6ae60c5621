//! The command line: `init`, `build`, `check`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "minisite",
    version,
    about = "Turns a YAML product catalogue, photos and markdown pages into a fast storefront website"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into a folder any static web server can host
    Build {
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Where to write the site [default: SITE_DIR/public]
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The address the site will live at, e.g. https://www.example.com/ (overrides site.yaml)
        #[arg(long)]
        base_url: Option<String>,
        /// Image cache folder, shareable between sites [default: SITE_DIR/.minisite-cache]
        #[arg(long, env = "MINISITE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Check the site for errors and warnings without writing anything
    Check {
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
    },
    /// Write a small starter site into DIR
    Init {
        /// A new or empty folder
        dir: PathBuf,
        /// Built-in theme to use
        #[arg(long, default_value = "default")]
        theme: String,
    },
}
