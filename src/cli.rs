//! The command line: `init`, `build`, `check`, `serve`, `cache prune`, `import`, `export`,
//! `themes`, `theme eject`.

use clap::{Parser, Subcommand};
use std::net::IpAddr;
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
        /// The site folder (the one with site.yaml). Several folders, or a folder whose
        /// subfolders have a site.yaml (a folder of sites), build every site in one run, each
        /// into its own output, with a table at the end; one that fails does not stop the others
        #[arg(default_value = ".", value_name = "SITE_DIR")]
        site_dirs: Vec<PathBuf>,
        /// Where to write the site [default: SITE_DIR/public]; with several sites, the folder
        /// that gets one subfolder per site, named like the site's folder (OUTPUT/NAME)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The address the site will live at, e.g. https://www.example.com/ (overrides site.yaml;
        /// one site only)
        #[arg(long)]
        base_url: Option<String>,
        /// Image cache folder, shareable between sites [default: SITE_DIR/.minisite-cache];
        /// with several sites, give one to share it: a photo two sites use is made once
        #[arg(long, env = "MINISITE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
        /// An object store shared by machines as a second image cache: s3://bucket/prefix,
        /// gs://…, az://… or file:///path (credentials from the environment; docs/cache.md)
        #[arg(long, env = "MINISITE_CACHE_URL")]
        cache_url: Option<String>,
        /// Replace the output folder even if minisite did not create it
        #[arg(long)]
        force: bool,
        /// Also publish products and pages marked `draft: true`, each marked as a draft (a preview)
        #[arg(long)]
        drafts: bool,
    },
    /// Check the site for errors and warnings without writing anything
    Check {
        /// The site folder (the one with site.yaml); several folders, or a folder of sites,
        /// check every site, with a table at the end
        #[arg(default_value = ".", value_name = "SITE_DIR")]
        site_dirs: Vec<PathBuf>,
    },
    /// Build the site, serve it on this computer, and rebuild it and reload open pages on every save
    Serve {
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Port to listen on; when it is taken the next free one is used (0: any free port)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but a loopback address lets other computers see the site
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Look for changes by polling (network drives, containers, some VMs) instead of OS notifications
        #[arg(long)]
        poll: bool,
        /// Image cache folder, shareable between sites [default: SITE_DIR/.minisite-cache]
        #[arg(long, env = "MINISITE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
        /// Open the site in the default browser (or the one $BROWSER names) once it is served
        #[arg(long)]
        open: bool,
    },
    /// Manage the image cache
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Write products/*.yaml from a sheet (.xlsx or .csv) with one product per row; nothing is
    /// written when any row is wrong. Files whose product did not change are left untouched.
    Import {
        /// The sheet: an Excel workbook (.xlsx) or CSV file, columns as in docs/spreadsheets.md
        sheet: PathBuf,
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
    },
    /// Write the site's products to a sheet (.xlsx or .csv) that `import` reads back
    Export {
        /// The site folder (the one with site.yaml)
        site_dir: PathBuf,
        /// The sheet to write: an Excel workbook (.xlsx) or CSV file
        sheet: PathBuf,
    },
    /// Write a small starter site into DIR
    Init {
        /// A new or empty folder
        dir: PathBuf,
        /// Built-in theme to use (`minisite themes` lists them)
        #[arg(long, default_value = "default")]
        theme: String,
    },
    /// List the themes a site can pick: the built-in ones and the site's own (SITE/themes/)
    Themes {
        /// The site folder, for its own themes
        #[arg(default_value = ".")]
        site_dir: PathBuf,
    },
    /// Work on a site's own themes
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum ThemeAction {
    /// Copy a built-in theme into SITE/themes/NAME/ as a starting point: the site builds the
    /// same until its files are edited (a site's own theme wins over the built-in of its name)
    Eject {
        /// The built-in theme (`minisite themes` lists them)
        name: String,
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum CacheAction {
    /// Delete cached photo variants the site no longer uses. With a cache shared by several
    /// sites, other sites' variants are deleted too and made again on their next build.
    Prune {
        /// The site folder (the one with site.yaml)
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Image cache folder [default: SITE_DIR/.minisite-cache]
        #[arg(long, env = "MINISITE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
    },
}
