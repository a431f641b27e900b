//! The directive pre-pass (`::: name` blocks) on any text.
#![no_main]

use guidepost::markdown::directives;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|body: &str| {
    let mut diags = Vec::new();
    let _ = directives::parse(body, 1, Path::new("a.md"), &mut diags);
});
