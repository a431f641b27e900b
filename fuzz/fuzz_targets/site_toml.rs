//! site.toml: parsing and validating a configuration, and what is derived from it.
#![no_main]

use guidepost::config::Config;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    if let Ok(config) = Config::parse(text, Path::new("site.toml")) {
        let _ = config.url_prefix();
        let _ = config.base_url();
        let _ = config.variant_labels();
        for spec in config.version_specs() {
            let _ = config.version_span(&spec.id);
        }
    }
});
