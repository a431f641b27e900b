//! One page's markdown rendered whole (`markdown::render_page`), its front matter
//! caveats included, in a small version with one other page and two variants.
#![no_main]

use guidepost::markdown::highlight::HighlightCache;
use guidepost::markdown::{render_page, PageInput, RenderEnv, SitePaths};
use guidepost::screenshots::Screenshots;
use guidepost::source::include_files::IncludeFiles;
use guidepost::source::frontmatter::{self, FrontMatter};
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fuzz_target!(|text: &str| {
    let Ok(split) = frontmatter::split(text) else {
        return;
    };
    let mut diags = Vec::new();
    let front = split
        .yaml
        .and_then(|yaml| frontmatter::parse(yaml, split.yaml_line, Path::new("a.md"), &mut diags))
        .unwrap_or_else(FrontMatter::default);
    let targets: HashMap<String, String> = [
        ("a.md".to_string(), "a/".to_string()),
        ("sec/b.md".to_string(), "sec/b/".to_string()),
    ]
    .into_iter()
    .collect();
    let root = PathBuf::from("/nonexistent-guidepost-fuzz");
    let assets = Screenshots::new(root.clone(), "/");
    let includes = IncludeFiles::new(root);
    let highlights = HighlightCache::default();
    let site = SitePaths::new("/", ["a/".to_string(), "sec/b/".to_string()]);
    let variants = [
        ("cloud".to_string(), "Cloud".to_string()),
        ("server".to_string(), "Server".to_string()),
    ];
    let env = RenderEnv {
        targets: &targets,
        assets: &assets,
        highlights: &highlights,
        version_dir: Path::new("content"),
        max_screenshot_kb: 500,
        variants: &variants,
        other_version_dirs: vec![Path::new("versions/2013")],
        site: &site,
        show_candidates: true,
        includes: &includes,
    };
    let site_path = Path::new("content/a.md");
    let _ = render_page(
        &env,
        &PageInput {
            rel_path: "a.md",
            site_path,
            body: split.body,
            body_line: split.body_line,
            variants: front.variants.as_deref(),
            caveats: Some(&front.caveats),
            caveat_lines: &front.caveat_lines,
            title_at: guidepost::source::title::leading_h1(split.body).map(|h| h.start),
        },
    );
});
