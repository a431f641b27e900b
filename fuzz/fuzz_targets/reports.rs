//! Reader reports are untrusted (SPEC §3.6): the input as a reports file
//! (`import::reports::parse_reports`), and as a markdown file that the front-matter
//! editor appends a caveat to (`source::edit::append_caveats`), which must either
//! refuse or give a file that reads back with the caveat added.
#![no_main]

use guidepost::import::reports::parse_reports;
use guidepost::source::edit::append_caveats;
use guidepost::source::frontmatter;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::Path;

fuzz_target!(|text: &str| {
    let _ = parse_reports(text);
    let caveat: BTreeMap<&str, &str> = [
        ("text", "Reported: the button is greyed out."),
        ("status", "candidate"),
    ]
    .into_iter()
    .collect();
    let Ok(edited) = append_caveats(text, &[caveat]) else {
        return;
    };
    // What the editor wrote must parse as front matter (its own check read it back).
    let split = frontmatter::split(edited.trim_start_matches('\u{feff}'))
        .expect("an edited file splits into front matter and body");
    let mut diags = Vec::new();
    let yaml = split.yaml.expect("an edited file has front matter");
    assert!(
        frontmatter::parse(yaml, split.yaml_line, Path::new("a.md"), &mut diags).is_some(),
        "the edited front matter parses: {diags:?}"
    );
});
