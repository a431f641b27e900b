//! Front matter: splitting a markdown file and parsing its YAML.
#![no_main]

use guidepost::source::frontmatter;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let Ok(split) = frontmatter::split(text) else {
        return;
    };
    if let Some(yaml) = split.yaml {
        let mut diags = Vec::new();
        let _ = frontmatter::parse(yaml, split.yaml_line, Path::new("a.md"), &mut diags);
    }
});
