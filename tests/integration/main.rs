//! One integration-test binary: fixture sites built with the real `guidepost` binary.

mod browser;
mod caveats;
mod core;
mod corpus;
mod harness;
mod hostile;
mod includes;
mod reports;
mod safety;
mod sample_site;
mod screenshots;
mod search;
mod serve;
mod variants;
mod versions;
