//! Responsive photos: plan every variant before rendering, make the missing ones after.
//!
//! `plan` reads each photo's header and hash so templates know final URLs and sizes;
//! `run` decodes each photo at most once and fills the content-addressed `cache`.

pub mod cache;
pub mod remote;
pub mod kind;
pub mod ops;
pub mod plan;
pub mod run;
pub mod sources;

pub use plan::{ImagePlan, ImageSet, Variant};
pub use run::ImageStats;
