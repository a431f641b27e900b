//! One integration-test binary: fixture sites built with the real `guidepost` binary.

mod browser;
mod caveats;
mod core;
mod harness;
mod safety;
pub mod screenshot_data;
mod screenshots;
mod search;
mod serve;
mod variants;
mod versions;
