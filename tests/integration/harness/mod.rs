//! Test harness, one module per job:
//!
//! - `site`: copy a fixture site (or write one from strings) into a temporary folder,
//!   run the real `guidepost` binary on it, read the exit status, the diagnostics (as
//!   JSON) and the output files; generate a benchmark corpus;
//! - `page`: checks on an output page parsed as HTML;
//! - `static_server`: serve a built site on a loopback port (browser tests);
//! - `http_client`: raw HTTP requests, sent exactly as written (serve tests);
//! - `serve_process`: `guidepost serve --port 0` as a child process.

mod http_client;
mod page;
mod serve_process;
mod site;
mod static_server;

pub use http_client::{http_get, http_request, HttpResponse};
pub use page::{step_text, text_of, Page};
pub use serve_process::ServeProcess;
pub use site::{generate_corpus, Diag, Run, SiteTest};
pub use static_server::serve_dir;
