//! Benchmark: builds the project's generated corpus (`corpus.rs`) with guidepost and
//! with a peer (Hugo) in the same sitting, alternating runs, each into a new folder,
//! and prints median wall time and peak memory. See BENCHMARKS.md.
//!
//!     cargo run --release --bin guidepost-bench -- --guides 1000,10000 --runs 3
//!     cargo run --release --bin guidepost-bench -- versions --guides 10000 --runs 3
//!     cargo run --release --bin guidepost-bench -- cache --guides 10000 --runs 3
//!     cargo run --release --bin guidepost-bench -- corpus --guides 1000 --out DIR
//!
//! The first form (cold builds against Hugo) needs GNU time at /usr/bin/time (peak
//! RSS, CPU), and `hugo` on PATH unless `--no-peer` is given. `versions` times
//! `check` of the corpus as one version against the same corpus with three identical
//! frozen versions; `cache` times a cold build against a build with a warm
//! `--cache` after a one-guide change. `corpus` only writes the corpus (the tests use
//! it).

mod corpus;
mod modes;
mod screenshots;
mod snippets;
mod text;

use corpus::{Corpus, Layout};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Options {
    guides: Vec<usize>,
    runs: usize,
    work: PathBuf,
    seed: u64,
    guidepost: PathBuf,
    peer: bool,
    small_runs: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: guidepost-bench [versions|cache] [--guides 1000,10000] [--runs 3] [--work DIR] [--seed 1] [--bin guidepost] [--no-peer] [--small-runs 20]\n       guidepost-bench corpus --guides N [--seed 1] [--layout guidepost|hugo] --out DIR"
    );
    std::process::exit(2)
}

/// `args` are the arguments after the mode's name, if any.
fn parse_args(args: impl Iterator<Item = String>) -> Options {
    let here = std::env::current_exe().unwrap_or_default();
    let mut o = Options {
        guides: vec![1000, 10000],
        runs: 3,
        work: std::env::temp_dir().join("guidepost-bench"),
        seed: 1,
        guidepost: here.with_file_name("guidepost"),
        peer: true,
        small_runs: 20,
    };
    let mut args = args;
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--guides" => {
                o.guides = value()
                    .split(',')
                    .map(|n| n.trim().parse().unwrap_or_else(|_| usage()))
                    .collect()
            }
            "--runs" => o.runs = value().parse().unwrap_or_else(|_| usage()),
            "--small-runs" => o.small_runs = value().parse().unwrap_or_else(|_| usage()),
            "--work" => o.work = PathBuf::from(value()),
            "--seed" => o.seed = value().parse().unwrap_or_else(|_| usage()),
            "--bin" => o.guidepost = PathBuf::from(value()),
            "--no-peer" => o.peer = false,
            _ => usage(),
        }
    }
    o
}

/// One timed run: wall seconds, CPU seconds (user + system) and peak resident memory
/// in MiB.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

/// Runs `program args…` under GNU time and reads its `%e %M %U %S` line.
fn timed(program: &Path, args: &[&str]) -> Result<Sample, String> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "GUIDEPOST_BENCH %e %M %U %S"])
        .arg(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{} {:?} failed:\n{stderr}",
            program.display(),
            args
        ));
    }
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("GUIDEPOST_BENCH"))
        .ok_or_else(|| format!("no timing in:\n{stderr}"))?;
    let mut parts = line.split_whitespace().skip(1);
    let wall: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let mut number = || -> f64 {
        parts
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let kb = number();
    let cpu = number() + number();
    Ok(Sample {
        wall,
        cpu,
        peak_mib: kb / 1024.0,
    })
}

/// The corpus of `n` guides in `layout`, generated into the work folder on first use
/// (through a temporary folder, so that an interrupted run leaves none half made).
fn corpus(o: &Options, n: usize, layout: Layout) -> Result<PathBuf, String> {
    let dir = o
        .work
        .join(format!("corpus-{n}-seed{}-{}", o.seed, layout.name()));
    if !dir.exists() {
        eprintln!("generating the {} corpus with {n} guides …", layout.name());
        let partial = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        Corpus::generate(n, o.seed).write(layout, &partial)?;
        std::fs::rename(&partial, &dir)
            .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    }
    Ok(dir)
}

/// (median, min, max); NaN for no samples.
fn median(samples: &[Sample], f: impl Fn(&Sample) -> f64) -> (f64, f64, f64) {
    let mut v: Vec<f64> = samples.iter().map(f).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    match (v.first(), v.get(v.len() / 2), v.last()) {
        (Some(lo), Some(mid), Some(hi)) => (*mid, *lo, *hi),
        _ => (f64::NAN, f64::NAN, f64::NAN),
    }
}

/// `median wall (min-max) | median CPU (min-max) | peak RSS (max)` of `samples`.
fn row(samples: &[Sample]) -> String {
    let (w, wlo, whi) = median(samples, |s| s.wall);
    let (c, clo, chi) = median(samples, |s| s.cpu);
    let (m, _, mhi) = median(samples, |s| s.peak_mib);
    format!("{w:.2} ({wlo:.2}-{whi:.2}) | {c:.2} ({clo:.2}-{chi:.2}) | {m:.0} ({mhi:.0})")
}

fn fresh(dir: &Path) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir.join("public"))
}

fn main() -> std::process::ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let rest = || std::env::args().skip(2);
    let result = match mode.as_str() {
        "corpus" => write_corpus(&parse_corpus_args()),
        "versions" => modes::versions(&parse_args(rest())),
        "cache" => modes::cache(&parse_args(rest())),
        _ => run(&parse_args(std::env::args().skip(1))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `guidepost-bench corpus …`: only write a corpus.
struct CorpusArgs {
    guides: usize,
    seed: u64,
    layout: Layout,
    out: PathBuf,
}

fn parse_corpus_args() -> CorpusArgs {
    let mut a = CorpusArgs {
        guides: 0,
        seed: 1,
        layout: Layout::Guidepost,
        out: PathBuf::new(),
    };
    let mut args = std::env::args().skip(2);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--guides" => a.guides = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => a.seed = value().parse().unwrap_or_else(|_| usage()),
            "--layout" => a.layout = Layout::parse(&value()).unwrap_or_else(|| usage()),
            "--out" => a.out = PathBuf::from(value()),
            _ => usage(),
        }
    }
    if a.guides == 0 || a.out.as_os_str().is_empty() {
        usage()
    }
    a
}

fn write_corpus(a: &CorpusArgs) -> Result<(), String> {
    let started = Instant::now();
    let corpus = Corpus::generate(a.guides, a.seed);
    corpus.write(a.layout, &a.out)?;
    let s = corpus.summary();
    println!(
        "{} guides, {} sections (with the home), {} screenshots, {} words ({} per guide), {} layout, in {:.2} s: {}",
        s.guides,
        s.sections,
        s.screenshots,
        s.words,
        s.words / s.guides.max(1),
        a.layout.name(),
        started.elapsed().as_secs_f64(),
        a.out.display()
    );
    Ok(())
}

fn run(o: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&o.work)
        .map_err(|e| format!("cannot create {}: {e}", o.work.display()))?;
    let hugo = PathBuf::from("hugo");
    println!("| guides | tool | median wall s (min-max) | median CPU s (min-max) | peak RSS MiB (max) | wall vs Hugo |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for &n in &o.guides {
        let gp_corpus = corpus(o, n, Layout::Guidepost)?;
        let hugo_corpus = if o.peer {
            Some(corpus(o, n, Layout::Hugo)?)
        } else {
            None
        };
        let mut gp = Vec::new();
        let mut peer = Vec::new();
        // Runs alternate so that a busy neighbour hurts both tools alike.
        for run in 0..o.runs.max(1) {
            let out = fresh(&o.work.join(format!("runs-{n}/guidepost-{run}")))?;
            let root = gp_corpus.to_string_lossy().into_owned();
            gp.push(timed(
                &o.guidepost,
                &["build", "--root", &root, "--out", &out.to_string_lossy()],
            )?);
            if let Some(hc) = &hugo_corpus {
                let out = fresh(&o.work.join(format!("runs-{n}/hugo-{run}")))?;
                peer.push(timed(
                    &hugo,
                    &[
                        "--quiet",
                        "-s",
                        &hc.to_string_lossy(),
                        "-d",
                        &out.to_string_lossy(),
                    ],
                )?);
            }
        }
        let _ = std::fs::remove_dir_all(o.work.join(format!("runs-{n}")));
        let (gm, _, _) = median(&gp, |s| s.wall);
        if peer.is_empty() {
            println!("| {n} | guidepost | {} | - |", row(&gp));
        } else {
            let (pm, _, _) = median(&peer, |s| s.wall);
            println!(
                "| {n} | guidepost | {} | {:.2}x Hugo's wall (Hugo {:.2}x faster or slower) |",
                row(&gp),
                gm / pm,
                pm / gm
            );
            println!("| {n} | hugo | {} | 1.00x |", row(&peer));
        }
    }
    small_site(o)
}

/// The one-guide site of `guidepost new`, built `small_runs` times.
fn small_site(o: &Options) -> Result<(), String> {
    let dir = o.work.join("small-site");
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new(&o.guidepost)
        .arg("new")
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", o.guidepost.display()))?;
    if !status.success() {
        return Err("guidepost new failed".into());
    }
    let mut walls = Vec::new();
    for _ in 0..o.small_runs.max(1) {
        let started = Instant::now();
        let out = Command::new(&o.guidepost)
            .args(["build", "--root"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", o.guidepost.display()))?;
        walls.push(Sample {
            wall: started.elapsed().as_secs_f64(),
            cpu: f64::NAN,
            peak_mib: 0.0,
        });
        if !out.status.success() {
            return Err(format!(
                "building the one-guide site failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let (m, lo, hi) = median(&walls, |s| s.wall);
    println!(
        "\none-guide site (`guidepost new`): median {:.1} ms ({:.1}-{:.1}) over {} builds, process start to exit",
        m * 1000.0,
        lo * 1000.0,
        hi * 1000.0,
        walls.len()
    );
    Ok(())
}
