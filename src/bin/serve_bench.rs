//! Benchmark of `guidepost serve` (see BENCHMARKS.md): on a site such as the
//! 10,000-guide corpus, the time from saving a guide to the live-reload message
//! (median and range of N saves), the time from saving a template to the reload
//! message (median and range of M saves), and the server's peak memory (VmHWM, the
//! peak resident set of the serve process, which includes the first build).
//!
//!     cargo run --release --bin guidepost-serve-bench -- --site DIR [--edits 50] [--template-saves 5]
//!
//! The site's files are edited in place and put back as they were at the end.
//! Latency is measured as a browser sees it: from just before the file is written to
//! the arrival of the `reload` event naming the page on the event stream.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Options {
    site: PathBuf,
    edits: usize,
    /// Template saves timed (after the first, which adds the site's own template).
    template_saves: usize,
    guidepost: PathBuf,
    /// Pause between saves, so that the search index update of one save (which runs
    /// after its reload message) does not delay the next.
    pause: Duration,
}

fn usage() -> ! {
    eprintln!(
        "usage: guidepost-serve-bench --site DIR [--edits 50] [--template-saves 5] [--pause-ms 3000] [--bin guidepost]"
    );
    std::process::exit(2)
}

fn parse_args() -> Options {
    let here = std::env::current_exe().unwrap_or_default();
    let mut o = Options {
        site: PathBuf::new(),
        edits: 50,
        template_saves: 5,
        guidepost: here.with_file_name("guidepost"),
        pause: Duration::from_millis(3000),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--site" => o.site = PathBuf::from(value()),
            "--edits" => o.edits = value().parse().unwrap_or_else(|_| usage()),
            "--template-saves" => o.template_saves = value().parse().unwrap_or_else(|_| usage()),
            "--pause-ms" => {
                o.pause = Duration::from_millis(value().parse().unwrap_or_else(|_| usage()))
            }
            "--bin" => o.guidepost = PathBuf::from(value()),
            _ => usage(),
        }
    }
    if o.site.as_os_str().is_empty() {
        usage()
    }
    o
}

/// The running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(o: &Options) -> Result<(Server, Duration), String> {
    let started = Instant::now();
    let mut child = Command::new(&o.guidepost)
        .args(["serve", "--port", "0", "--root"])
        .arg(&o.site)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", o.guidepost.display()))?;
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .map(str::to_string);
    let server = Server {
        child,
        addr: addr.unwrap_or_default(),
    };
    if server.addr.is_empty() {
        return Err(format!("guidepost serve did not start: {line:?}"));
    }
    Ok((server, started.elapsed()))
}

/// The `data:` lines of the live-reload event stream, with their arrival times.
fn subscribe(addr: &str) -> Result<Receiver<(Instant, String)>, String> {
    let mut stream =
        TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    write!(
        stream,
        "GET /__guidepost/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .map_err(|e| format!("cannot ask for the events: {e}"))?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data:") {
                if tx.send((Instant::now(), data.trim().to_string())).is_err() {
                    return;
                }
            }
        }
    });
    Ok(rx)
}

/// Waits for an event whose data contains `needle`; the time it arrived.
fn wait_for(events: &Receiver<(Instant, String)>, needle: &str) -> Result<Instant, String> {
    loop {
        match events.recv_timeout(Duration::from_secs(120)) {
            Ok((at, data)) if data.contains(needle) => return Ok(at),
            Ok(_) => {}
            Err(e) => return Err(format!("no event with {needle:?}: {e}")),
        }
    }
}

fn drain(events: &Receiver<(Instant, String)>) {
    while events.try_recv().is_ok() {}
}

/// GETs `path` from the server and reads the whole answer (the connection is closed
/// after it); the number of bytes read.
fn fetch(addr: &str, path: &str) -> Result<usize, String> {
    use std::io::Read;
    let mut stream =
        TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("cannot ask for {path}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if !answer.starts_with(b"HTTP/1.1 200") {
        return Err(format!(
            "{path}: {}",
            String::from_utf8_lossy(&answer[..answer.len().min(80)])
        ));
    }
    Ok(answer.len())
}

/// Guide files of the current version, spread over the site.
fn pick_guides(site: &Path, n: usize) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = walk(&site.join("content"))
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|f| f != "_index.md")
        })
        .collect();
    all.sort();
    let step = (all.len() / n.max(1)).max(1);
    all.into_iter().step_by(step).take(n).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `content/a/b.md` → `/a/b/`; `content/a/b/index.md` → `/a/b/`.
fn page_url(site: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(site.join("content")).unwrap_or(file);
    let rel = rel.with_extension("");
    let rel = if rel.file_name().is_some_and(|f| f == "index") {
        rel.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        rel
    };
    format!("/{}/", rel.to_string_lossy())
}

/// `median X ms over N (min A, max B)`, and how many took over `limit` ms.
fn summary(v: &[f64], limit: f64) -> String {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let (Some(lo), Some(mid), Some(hi)) = (v.first(), v.get(v.len() / 2), v.last()) else {
        return "no samples".into();
    };
    let over = v.iter().filter(|ms| **ms > limit).count();
    format!(
        "median {mid:.1} ms over {} (min {lo:.1}, max {hi:.1}; {over} over {limit:.0} ms)",
        v.len()
    )
}

/// The resident memory of process `pid` now (VmRSS), in MiB.
fn rss_mib(pid: u32) -> f64 {
    status_kb(pid, "VmRSS:").map_or(f64::NAN, |kb| kb / 1024.0)
}

fn status_kb(pid: u32, field: &str) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn peak_mib(pid: u32) -> f64 {
    status_kb(pid, "VmHWM:").map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Puts the edited guides back and removes the template folder it added, whatever
/// happens to the run.
struct Restore {
    originals: Vec<(PathBuf, String)>,
    added_templates: Option<PathBuf>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        for (file, text) in &self.originals {
            let _ = std::fs::write(file, text);
        }
        if let Some(dir) = &self.added_templates {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
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
    let mut originals = Vec::new();
    for g in pick_guides(&o.site, o.edits) {
        let text =
            std::fs::read_to_string(&g).map_err(|e| format!("cannot read {}: {e}", g.display()))?;
        originals.push((g, text));
    }
    let templates = o.site.join("templates");
    let restore = Restore {
        originals,
        added_templates: (!templates.exists()).then(|| templates.clone()),
    };

    let (server, startup) = start_server(o)?;
    println!("first build and start: {:.2} s", startup.as_secs_f64());
    let events = subscribe(&server.addr)?;
    wait_for(&events, "\"kind\"")?;
    std::thread::sleep(o.pause);
    let pid = server.child.id();
    let after_start = (peak_mib(pid), rss_mib(pid));

    let mut latencies = Vec::new();
    let mut page_latencies = Vec::new();
    for (i, (file, text)) in restore.originals.iter().enumerate() {
        drain(&events);
        let url = page_url(&o.site, file);
        let saved = Instant::now();
        std::fs::write(
            file,
            format!("{text}\nEdited by the serve benchmark, save {i}.\n"),
        )
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        let reloaded = wait_for(&events, &format!("\"{url}\""))?;
        let ms = (reloaded - saved).as_secs_f64() * 1000.0;
        fetch(&server.addr, &url)?;
        let page_ms = saved.elapsed().as_secs_f64() * 1000.0;
        println!(
            "save {i:2}: {url} reload message after {ms:.1} ms, page fetched after {page_ms:.1} ms"
        );
        latencies.push(ms);
        page_latencies.push(page_ms);
        std::thread::sleep(o.pause);
    }

    // A template: the first save adds the site's own guide.html (a new folder), the
    // next ones edit it.
    let theme_guide = include_str!("../../themes/default/templates/guide.html");
    std::fs::create_dir_all(&templates)
        .map_err(|e| format!("cannot create {}: {e}", templates.display()))?;
    let mut template_ms = Vec::new();
    let mut template_page_ms = Vec::new();
    for i in 0..=o.template_saves {
        drain(&events);
        let saved = Instant::now();
        std::fs::write(
            templates.join("guide.html"),
            // Inside a block: text outside blocks of a child template is not shown.
            theme_guide.replacen(
                "{% block main %}",
                &format!("{{% block main %}}<!-- template edit {i} -->"),
                1,
            ),
        )
        .map_err(|e| format!("cannot write the template: {e}"))?;
        let reloaded = wait_for(&events, "\"reload\"")?;
        let ms = (reloaded - saved).as_secs_f64() * 1000.0;
        // The page a reader has open: one of the guides saved above.
        let url = page_url(
            &o.site,
            &restore.originals[i % restore.originals.len().max(1)].0,
        );
        fetch(&server.addr, &url)?;
        let page_ms = saved.elapsed().as_secs_f64() * 1000.0;
        println!(
            "template save {i}: reload message after {ms:.0} ms, {url} fetched after {page_ms:.0} ms (resident {:.0} MiB)",
            rss_mib(pid)
        );
        if i > 0 {
            template_ms.push(ms);
            template_page_ms.push(page_ms);
        }
        std::thread::sleep(o.pause);
    }
    let peak = peak_mib(server.child.id());
    drop(server);
    drop(restore);

    println!();
    println!(
        "guide save → reload message: {}",
        summary(&latencies, 100.0)
    );
    println!(
        "guide save → page fetched after the reload message: {}",
        summary(&page_latencies, 100.0)
    );
    println!(
        "template save → reload message: {}",
        summary(&template_ms, 500.0)
    );
    println!(
        "template save → page fetched after the reload message: {}",
        summary(&template_page_ms, 500.0)
    );
    println!(
        "server memory: peak {:.0} MiB after the first build ({:.0} MiB resident then), peak {peak:.0} MiB at the end (VmHWM)",
        after_start.0, after_start.1
    );
    Ok(())
}
