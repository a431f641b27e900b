//! One integration-test binary: fixture sites built with the real `guidepost` binary.

mod browser;
mod cache;
mod caveats;
mod core;
mod corpus;
mod foreign_syntax;
mod harness;
mod hostile;
mod import;
mod includes;
mod inline_images;
mod real_docs;
mod references;
mod report_links;
mod reports;
mod safety;
mod sample_site;
pub mod screenshot_data;
mod screenshots;
mod search;
mod serve;
mod spliced_pages;
mod steps;
mod variants;
mod versions;
