//! The integration tests, in one binary: each test binary links the image encoders again, so one
//! binary instead of six saves most of the suite's link time (ripgrep keeps one the same way).
//! Each module builds real fixture sites and checks the files and HTML they produce.

// Helpers some modules use and others do not.
#[allow(dead_code)]
mod common;

mod addresses;
mod analytics;
mod browser;
mod bad_inputs;
mod builtin_themes;
mod build;
mod cache;
mod cli;
mod drafts;
mod errors;
mod feeds;
mod filters;
mod languages;
mod ledger;
mod locale;
mod many;
mod hosting;
mod inquiry;
mod joined;
#[cfg(unix)]
mod nothing_lost;
mod parse_cache;
mod rebuild;
#[cfg(feature = "remote-cache")]
mod remote_cache;
mod search;
mod serve;
mod sheets;
mod strings;
mod tags;
mod theme;
mod themes;
mod views;
