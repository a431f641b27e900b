//! Tells the tests whether the browser tools are here, so that a run without them shows
//! the browser tests as *ignored* in cargo's own summary instead of passing them.
//!
//! Emits `cfg(no_node)` when `node` is not on PATH, and `cfg(no_browser)` when node,
//! Chromium (`$CHROMIUM`, else /usr/bin/chromium) or tests/browser/node_modules/
//! playwright-core is missing. Under `CI=true` neither is emitted: the browser tests
//! then run and fail, saying what is missing.
//!
//! Cargo re-runs this script when a watched path changes. A watched path that does
//! not exist makes cargo re-run the script (and rebuild the crate) on every build, so
//! for a missing tool a folder that exists above it is watched: installing the tool
//! changes that folder's modification time.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_browser)");
    println!("cargo::rustc-check-cfg=cfg(no_node)");
    println!("cargo::rerun-if-changed=build.rs");
    for var in ["CHROMIUM", "CI", "PATH"] {
        println!("cargo::rerun-if-env-changed={var}");
    }

    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let manifest = env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let playwright = manifest.join("tests/browser/node_modules/playwright-core/package.json");
    let node = find_on_path("node");

    // Cargo scans a watched folder recursively: watch small folders only.
    watch_or_folder(&chromium, chromium.parent());
    watch_or_folder(&playwright, Some(&manifest.join("tests/browser")));
    match &node {
        Some(node) => watch_or_folder(node, None),
        // Installing node puts it into one of the PATH folders.
        None => env::split_paths(&env::var_os("PATH").unwrap_or_default())
            .for_each(|dir| watch_or_folder(&dir, None)),
    }

    if env::var("CI").is_ok_and(|v| v == "true") {
        return;
    }
    if node.is_none() {
        println!("cargo::rustc-cfg=no_node");
    }
    if node.is_none() || !chromium.exists() || !playwright.exists() {
        println!("cargo::rustc-cfg=no_browser");
    }
}

/// Re-run when `path` changes or, while it is missing, when the nearest folder above
/// it that exists, up to `limit`, changes. The file system's root is never watched.
fn watch_or_folder(path: &Path, limit: Option<&Path>) {
    let mut candidates = path.ancestors();
    let found = match limit {
        Some(limit) => candidates.find(|p| p.exists() || *p == limit),
        None => candidates.next(),
    };
    if let Some(found) = found.filter(|p| p.exists() && p.parent().is_some()) {
        println!("cargo::rerun-if-changed={}", found.display());
    }
}

/// The first executable file called `name` in a PATH folder.
fn find_on_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}
