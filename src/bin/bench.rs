//! Benchmark: builds the corpus of `../shared/bench/gen_corpus.py` with guidepost and
//! with a peer (Hugo) in the same sitting, alternating runs, each into a new folder,
//! and prints median wall time and peak memory. See BENCHMARKS.md.
//!
//!     cargo run --release --bin guidepost-bench -- --guides 1000,10000 --runs 3
//!
//! Needs python3 (corpus generator), GNU time at /usr/bin/time (peak RSS), and `hugo`
//! on PATH unless `--no-peer` is given.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Options {
    guides: Vec<usize>,
    runs: usize,
    work: PathBuf,
    generator: PathBuf,
    guidepost: PathBuf,
    peer: bool,
    small_runs: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: guidepost-bench [--guides 1000,10000] [--runs 3] [--work DIR] [--gen gen_corpus.py] [--bin guidepost] [--no-peer] [--small-runs 20]"
    );
    std::process::exit(2)
}

fn parse_args() -> Options {
    let here = std::env::current_exe().unwrap_or_default();
    let mut o = Options {
        guides: vec![1000, 10000],
        runs: 3,
        work: std::env::temp_dir().join("guidepost-bench"),
        generator: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/bench/gen_corpus.py"
        )),
        guidepost: here.with_file_name("guidepost"),
        peer: true,
        small_runs: 20,
    };
    let mut args = std::env::args().skip(1);
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
            "--gen" => o.generator = PathBuf::from(value()),
            "--bin" => o.guidepost = PathBuf::from(value()),
            "--no-peer" => o.peer = false,
            _ => usage(),
        }
    }
    o
}

/// One timed run: wall seconds and peak resident memory in MiB.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    peak_mib: f64,
}

/// Runs `program args…` under GNU time and reads its `%e %M` line.
fn timed(program: &Path, args: &[&str]) -> Result<Sample, String> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "GUIDEPOST_BENCH %e %M"])
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
    let wall = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let kb: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    Ok(Sample {
        wall,
        peak_mib: kb / 1024.0,
    })
}

fn corpus(o: &Options, n: usize, layout: &str) -> Result<PathBuf, String> {
    let dir = o.work.join(format!("corpus-{n}-{layout}"));
    if !dir.exists() {
        eprintln!("generating the {layout} corpus with {n} guides …");
        let status = Command::new("python3")
            .arg(&o.generator)
            .args(["--guides", &n.to_string(), "--layout", layout, "--out"])
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        if !status.success() {
            return Err(format!("{} failed", o.generator.display()));
        }
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

fn fresh(dir: &Path) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir.join("public"))
}

fn main() -> std::process::ExitCode {
    match run(&parse_args()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(o: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&o.work)
        .map_err(|e| format!("cannot create {}: {e}", o.work.display()))?;
    let hugo = PathBuf::from("hugo");
    println!("| guides | tool | median wall s (min-max) | peak RSS MiB | wall vs Hugo |");
    println!("| --- | --- | --- | --- | --- |");
    for &n in &o.guides {
        let gp_corpus = corpus(o, n, "guidepost")?;
        let hugo_corpus = if o.peer {
            Some(corpus(o, n, "hugo")?)
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
        let (gm, glo, ghi) = median(&gp, |s| s.wall);
        let (gmem, _, _) = median(&gp, |s| s.peak_mib);
        let ratio = |pm: f64| format!("{:.2}x ({:.0}% of Hugo's time)", pm / gm, 100.0 * gm / pm);
        if peer.is_empty() {
            println!("| {n} | guidepost | {gm:.2} ({glo:.2}-{ghi:.2}) | {gmem:.0} | - |");
        } else {
            let (pm, plo, phi) = median(&peer, |s| s.wall);
            let (pmem, _, _) = median(&peer, |s| s.peak_mib);
            println!(
                "| {n} | guidepost | {gm:.2} ({glo:.2}-{ghi:.2}) | {gmem:.0} | {} faster |",
                ratio(pm)
            );
            println!("| {n} | hugo | {pm:.2} ({plo:.2}-{phi:.2}) | {pmem:.0} | 1.00x |");
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
