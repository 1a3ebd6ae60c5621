//! minisite: a seller's YAML catalogue, photos and markdown pages → a fast, branded static storefront.
//!
//! The pipeline, in the order [`Site::load`] and [`Site::build`] run it (see docs/architecture.md):
//! [`config`] → [`theme`] → [`catalog`] + [`pages`] → [`images`] plan → [`routes`] →
//! [`publish`]: [`assets`], photos, every language's product views, then each route's
//! [`documents`] rendered by [`render`] while the [`search`] index is made from those views on
//! its own thread, into a sink ([`output`]'s staging folder for `build`, the served folder for
//! [`serve`]).

// Diagnostics are large (file, place, message, help) but only built on the error path.
#![allow(clippy::result_large_err)]

// Shared foundations.
pub mod allocator;
pub mod source;
pub mod error;
pub mod yaml;
pub mod paths;
pub mod markdown;
pub mod date;
pub mod contrast;
pub mod translations;
pub mod locale;

// The pipeline, in order.
pub mod config;
pub mod analytics;
pub mod layout;
pub mod theme;
pub mod strings;
pub mod parse_cache;
pub mod catalog;
pub mod tags;
pub mod pages;
pub mod localize;
pub mod images;
pub mod photo_refs;
pub mod views;
pub mod view_objects;
pub mod records;
pub mod seo;
pub mod feeds;
pub mod search;
pub mod routes;
pub mod meta;
pub mod paginate;
pub mod documents;
pub mod minify;
pub mod fonts;
pub mod assets;
pub mod render;
pub mod output;
pub mod compress;
pub mod publish;
pub mod site;
pub mod lint;
pub mod report;
pub mod many;

// Commands around the pipeline.
pub mod init;
pub mod sheet;
pub mod import;
pub mod export;
pub mod cli;
pub mod serve;

pub use error::{Diagnostic, Error, Result};
pub use site::{BuildOptions, BuildReport, Site};

/// Loads and builds the site in `dir`: what `minisite build` does.
pub fn build(dir: &std::path::Path, opts: &BuildOptions) -> Result<(BuildReport, Vec<Diagnostic>)> {
    let site = Site::load(dir, opts)?;
    let report = site.build(opts)?;
    let mut warnings = site.warnings.clone();
    warnings.extend(site.remote_warnings());
    if opts.exits_after {
        // See `BuildOptions::exits_after`.
        std::mem::forget(site);
    }
    Ok((report, warnings))
}
