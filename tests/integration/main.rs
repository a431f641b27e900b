//! One integration-test binary: fixture sites built with the real `guidepost` binary.

mod browser;
mod caveats;
mod core;
mod harness;
mod foreign_syntax;
mod hostile;
mod inline_images;
mod references;
mod safety;
mod screenshots;
mod search;
mod serve;
mod variants;
mod versions;
