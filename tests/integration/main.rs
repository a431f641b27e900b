//! One integration-test binary: fixture sites built with the real `guidepost` binary.

mod browser;
mod caveats;
mod core;
mod harness;
mod hostile;
mod includes;
mod safety;
mod screenshots;
mod search;
mod serve;
mod variants;
mod versions;
