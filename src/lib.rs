//! guidepost: a static help-site generator for step-by-step guides with screenshots.
//!
//! The pipeline (see ARCHITECTURE.md): `config` → `source` → `markdown` → `model` →
//! `render` → `output`, with `diag` collecting problems from every stage and
//! `pipeline` running the stages (and deciding what a change rebuilds). `app` is what
//! the CLI calls.

pub mod app;
pub mod caveats;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diag;
pub mod files;
pub mod html;
pub mod import;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod output;
pub mod packed;
pub mod paths;
pub mod persist;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod screenshots;
pub mod search;
pub mod serve;
pub mod source;
pub mod tempdirs;
pub mod url;
pub mod version_cut;
pub mod whitespace;
