//! The benchmark's other sittings: `check` of identical versions against one version,
//! and a build with a warm `--cache` after a one-guide change against a cold build.
//! Both alternate their runs like the cold-build sitting, so that a busy neighbour
//! hurts both sides alike, and print median and range of each side and the ratio.

use super::{corpus, fresh, median, row, timed, Options, Sample};
use crate::corpus::Layout;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The frozen versions cut from the current one for the versions sitting.
const FROZEN: [&str; 3] = ["v1", "v2", "v3"];

/// `guidepost-bench versions`: `check` of the corpus as one version against the same
/// corpus with three identical frozen versions (`guidepost version cut`), CPU (user +
/// system) and wall.
pub(super) fn versions(o: &Options) -> Result<(), String> {
    println!(
        "| guides | versions | median wall s (min-max) | median CPU s (min-max) | peak RSS MiB (max) |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut ratios = Vec::new();
    for &n in &o.guides {
        let one = corpus(o, n, Layout::Guidepost)?;
        let four = four_versions(o, &one, n)?;
        let (mut ones, mut fours) = (Vec::new(), Vec::new());
        for _ in 0..o.runs.max(1) {
            ones.push(check(o, &one)?);
            fours.push(check(o, &four)?);
        }
        println!("| {n} | 1 | {} |", row(&ones));
        println!("| {n} | 4 identical | {} |", row(&fours));
        let ratio = |f: fn(&Sample) -> f64| median(&fours, f).0 / median(&ones, f).0;
        ratios.push(format!(
            "{n} guides, 4 identical versions vs 1: CPU {:.2}x, wall {:.2}x, peak memory {:.2}x",
            ratio(|s| s.cpu),
            ratio(|s| s.wall),
            ratio(|s| s.peak_mib)
        ));
    }
    println!();
    for r in ratios {
        println!("{r}");
    }
    Ok(())
}

fn check(o: &Options, root: &Path) -> Result<Sample, String> {
    timed(&o.guidepost, &["check", "--root", &root.to_string_lossy()])
}

/// A copy of the corpus `one` with three frozen versions cut from its current one,
/// made on first use (through a temporary folder, like the corpus).
fn four_versions(o: &Options, one: &Path, n: usize) -> Result<PathBuf, String> {
    let dir = o.work.join(format!("corpus-{n}-seed{}-4versions", o.seed));
    if dir.exists() {
        return Ok(dir);
    }
    eprintln!("cutting 3 frozen versions of the {n}-guide corpus …");
    let partial = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    run(Command::new("cp").arg("-r").arg(one).arg(&partial))?;
    for id in FROZEN {
        run(Command::new(&o.guidepost)
            .args(["version", "cut", id, "--root"])
            .arg(&partial))?;
    }
    std::fs::rename(&partial, &dir)
        .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(dir)
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// `guidepost-bench cache`: per run, a cold build without a cache, a cold build that
/// fills an empty `--cache`, and, after one guide was changed (a line added), a build
/// with that cache; each into a folder of its own, removed at the end of the sitting.
/// The guide is put back after each run.
pub(super) fn cache(o: &Options) -> Result<(), String> {
    println!(
        "| guides | build | median wall s (min-max) | median CPU s (min-max) | peak RSS MiB (max) |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut ratios = Vec::new();
    for &n in &o.guides {
        let root = corpus(o, n, Layout::Guidepost)?;
        let guides = guide_files(&root.join("content"));
        let (mut cold, mut filling, mut warm) = (Vec::new(), Vec::new(), Vec::new());
        let runs_dir = o.work.join(format!("cache-runs-{n}"));
        for run in 0..o.runs.max(1) {
            let cache_dir = runs_dir.join(format!("cache-{run}"));
            let _ = std::fs::remove_dir_all(&cache_dir);
            let root_arg = root.to_string_lossy().into_owned();
            let cache_arg = cache_dir.to_string_lossy().into_owned();
            // Each build writes into a folder of its own, and all are removed at the
            // end, as in the cold-build sitting: removing the last build's 10,000
            // folders just before the next build made that build's folders slow to
            // create on ext4 without a journal (it skips inodes freed in the last
            // seconds), which is the benchmark timing itself, not a CI build.
            let build = |name: &str, extra: &[&str]| -> Result<Sample, String> {
                let out = fresh(&runs_dir.join(format!("{name}-{run}")))?;
                let out = out.to_string_lossy().into_owned();
                let mut args = vec!["build", "--root", &root_arg, "--out", &out];
                args.extend_from_slice(extra);
                timed(&o.guidepost, &args)
            };
            cold.push(build("cold", &[])?);
            filling.push(build("filling", &["--cache", &cache_arg])?);
            let guide = guides
                .get((run * 7919) % guides.len().max(1))
                .ok_or("the corpus has no guides")?;
            let text = std::fs::read_to_string(guide)
                .map_err(|e| format!("cannot read {}: {e}", guide.display()))?;
            let edited = format!("{text}\nA line added by the cache benchmark, run {run}.\n");
            std::fs::write(guide, edited)
                .map_err(|e| format!("cannot write {}: {e}", guide.display()))?;
            let result = build("warm", &["--cache", &cache_arg]);
            std::fs::write(guide, &text)
                .map_err(|e| format!("cannot put back {}: {e}", guide.display()))?;
            warm.push(result?);
        }
        let _ = std::fs::remove_dir_all(&runs_dir);
        println!("| {n} | cold, no cache | {} |", row(&cold));
        println!("| {n} | cold, filling --cache | {} |", row(&filling));
        println!("| {n} | one guide changed, warm --cache | {} |", row(&warm));
        let ratio = |f: fn(&Sample) -> f64| median(&warm, f).0 / median(&cold, f).0;
        ratios.push(format!(
            "{n} guides, warm build after a one-guide change vs cold: wall {:.0}%, CPU {:.0}%, peak memory {:.0}%",
            100.0 * ratio(|s| s.wall),
            100.0 * ratio(|s| s.cpu),
            100.0 * ratio(|s| s.peak_mib)
        ));
    }
    println!();
    for r in ratios {
        println!("{r}");
    }
    Ok(())
}

/// The guides (not section pages) under `content`, sorted.
fn guide_files(content: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|f| f != "_index.md")
        })
        .collect();
    files.sort();
    files
}
