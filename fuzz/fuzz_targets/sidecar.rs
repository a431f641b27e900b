//! Screenshot sidecars (`NAME.EXT.yaml`, SPEC §3.2) are the author's data but come
//! from any editor: the input parsed as a sidecar (`source::sidecar::parse`, with the
//! YAML limits scan) and checked against an image's size, as the build does.
#![no_main]

use guidepost::source::sidecar;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let file = Path::new("content/shots/a.png.yaml");
    if let Ok(parsed) = sidecar::parse(text, file) {
        let _ = parsed.check(file, 1600, 1000, false);
        let _ = parsed.check(file, 1, 1, true);
    }
});
