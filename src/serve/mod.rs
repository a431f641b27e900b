//! `guidepost serve`: the site built into memory, served over HTTP with live reload,
//! rebuilt on every save (SPEC §6).
//!
//! Three parts: `session` (serving what `pipeline::LiveSite` rebuilds), `watch` (file
//! events), `http` (the server and the live-reload events). This
//! module wires them: the HTTP server runs on a tokio runtime in its own thread, and
//! the calling thread waits for file events and rebuilds.

pub mod http;
mod memory;
pub mod session;
pub mod watch;

use crate::diag::{Printer, Severity};
use crate::pipeline::{BuildOptions, Change, Rebuilt};
use http::AppState;
use serde::Serialize;
use session::{Outcome, Report, Session};
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What `guidepost serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Poll for changes instead of native file events (GUIDEPOST_POLL).
    pub poll: bool,
    /// The build's date, when it has one (see `BuildOptions::today`).
    pub today: Option<String>,
}

/// Why `serve` could not start or stopped.
#[derive(Debug)]
pub struct ServeError {
    pub message: String,
    /// A problem with the command or its environment (a taken port, a missing
    /// folder), rather than with serving.
    pub usage: bool,
}

impl ServeError {
    fn usage(message: impl Into<String>) -> Self {
        ServeError {
            message: message.into(),
            usage: true,
        }
    }
}

/// Serves the site until the process is stopped; diagnostics of rebuilds go to
/// `printer`.
pub fn run(opts: ServeOptions, printer: &Printer) -> Result<(), ServeError> {
    let root = opts.root.canonicalize().map_err(|e| {
        ServeError::usage(format!(
            "cannot open the site folder {}: {e}",
            opts.root.display()
        ))
    })?;
    // Bind before the first build, so that a taken port is reported at once.
    let listener = bind(opts.bind, opts.port).map_err(ServeError::usage)?;
    let address = listener
        .local_addr()
        .unwrap_or(SocketAddr::new(opts.bind, opts.port));
    eprintln!("Building {} …", root.display());
    let build = BuildOptions {
        today: opts.today.clone(),
        ..BuildOptions::for_serve(root.clone())
    };
    memory::keep_freed_memory_for_saves();
    let (mut session, report) = Session::start(build);
    print_report(&report, true, printer);
    memory::release_freed_memory();

    let (events, _) = broadcast::channel(64);
    let app = Arc::new(AppState {
        files: session.files(),
        events: events.clone(),
        status: RwLock::new(status_message(&report)),
        hosts: http::HostCheck::new(address.ip()),
    });
    start_http(listener, app.clone())
        .map_err(|e| ServeError::usage(format!("cannot start the HTTP server: {e}")))?;
    let url = format!("http://{address}{}", session.files().prefix());
    let mut watcher =
        watch::Watcher::start(&root, session.config(), opts.poll).map_err(|e| ServeError {
            message: format!("cannot watch {}: {e}", root.display()),
            usage: false,
        })?;
    let watcher_arrived = watcher.arrived.clone();
    println!(
        "Serving at {url} (drafts included; {}). Press Ctrl+C to stop.",
        if watcher.polling {
            "watching by polling"
        } else {
            "watching for changes"
        }
    );
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }
    // Versions whose search index waits to be made again after page rebuilds.
    let mut search_pending: Vec<usize> = Vec::new();
    while let Ok(batch) = watcher.next_batch(|| {
        // Nothing saved for now: time to make the search indexes the last saves left
        // (a few seconds on a large site), then to render every page once after a
        // template change; each given up as soon as a save arrives, so that the
        // save's rebuild never waits for them.
        let stop = || watcher_arrived.load(Ordering::Relaxed);
        search_pending.retain(|v| !session.finish_search_unless(*v, &stop) && stop());
        if !search_pending.is_empty() {
            return;
        }
        if let Some(report) = session.check_pages(&stop) {
            after_rebuild(&app, &report, printer, &mut search_pending);
        }
    }) {
        let mut paths = watch::changed_paths(batch);
        // Saves that arrived while the last rebuild ran become one rebuild.
        while let Ok(more) = watcher.events.try_recv() {
            paths.extend(watch::changed_paths(more));
        }
        let Some(report) = session.apply_paths(&paths) else {
            continue;
        };
        after_rebuild(&app, &report, printer, &mut search_pending);
        match watcher.watch_new_dirs(session.config()) {
            // A folder that appeared (templates/, say) may have had files saved into
            // it before it was watched: rebuild once more to take them in.
            Ok(added) if !added.is_empty() => {
                let changes: Vec<Change> = added.into_iter().map(Change::Content).collect();
                let report = session.apply(&changes);
                after_rebuild(&app, &report, printer, &mut search_pending);
            }
            Ok(_) => {}
            Err(e) => eprintln!("warning: cannot watch {e}"),
        }
    }
    Ok(())
}

/// Tells the browsers and the terminal; notes the search indexes the rebuild left for
/// later (made while the watcher is idle).
fn after_rebuild(
    app: &AppState,
    report: &Report,
    printer: &Printer,
    search_pending: &mut Vec<usize>,
) {
    announce(app, report);
    print_report(report, false, printer);
    for v in &report.search_pending {
        if !search_pending.contains(v) {
            search_pending.push(*v);
        }
    }
    // Page rebuilds allocate little; whole-site and theme rebuilds a lot.
    if matches!(report.rebuilt, Rebuilt::Site { .. } | Rebuilt::Theme { .. }) {
        memory::release_freed_memory();
    }
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    TcpListener::bind((ip, port)).map_err(|e| {
        let next = port.checked_add(1).unwrap_or(1024);
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {port} on {ip} is already in use (another `guidepost serve`?)\n  help: choose another port, e.g. `guidepost serve --port {next}`"
            )
        } else {
            format!("cannot listen on {ip}:{port}: {e}\n  help: check --bind and --port")
        }
    })
}

fn start_http(listener: TcpListener, app: Arc<AppState>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("http".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("error: cannot serve: {e}");
                        return;
                    }
                };
                if let Err(e) = axum::serve(listener, http::router(app)).await {
                    eprintln!("error: the HTTP server stopped: {e}");
                }
            })
        })?;
    Ok(())
}

/// A diagnostic as the overlay shows it.
#[derive(Serialize)]
struct OverlayDiag<'a> {
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    help: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Message<'a> {
    Reload {
        pages: &'a [String],
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        all: bool,
    },
    Css {
        swaps: &'a [(String, String)],
    },
    Errors {
        errors: Vec<OverlayDiag<'a>>,
    },
    Ok,
}

fn message_for(outcome: &Outcome) -> String {
    let message = match outcome {
        Outcome::Reload { pages } => Message::Reload { pages, all: false },
        Outcome::ReloadAll => Message::Reload {
            pages: &[],
            all: true,
        },
        Outcome::Css { swaps } => Message::Css { swaps },
        Outcome::Failed { errors } => Message::Errors {
            errors: errors
                .iter()
                .map(|d| OverlayDiag {
                    file: d.file.display().to_string(),
                    line: d.line,
                    column: d.column,
                    message: &d.message,
                    help: d.full_help(),
                })
                .collect(),
        },
        Outcome::Unchanged => Message::Ok,
    };
    serde_json::to_string(&message).unwrap_or_else(|_| "{\"kind\":\"ok\"}".into())
}

/// What a page that connects now is told: the errors of a failed build, or "ok".
fn status_message(report: &Report) -> String {
    match &report.outcome {
        Outcome::Failed { .. } => message_for(&report.outcome),
        _ => message_for(&Outcome::Unchanged),
    }
}

fn announce(app: &AppState, report: &Report) {
    *app.status.write().unwrap_or_else(|e| e.into_inner()) = status_message(report);
    // No open page is not an error.
    let _ = app.events.send(message_for(&report.outcome));
}

/// The one terminal line of a rebuild; the diagnostics after it when it failed.
fn print_report(report: &Report, first: bool, printer: &Printer) {
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    let took = if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    };
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let warned = match warnings {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    };
    if first && !matches!(report.outcome, Outcome::Failed { .. }) {
        eprintln!("Built {} in {took}{warned}", report.rebuilt);
        // The warnings once, at start (a folder symlink that is not watched, say);
        // after a save only their number.
        printer.print(&report.diagnostics);
        return;
    }
    let head = if first {
        "The first build:".to_string()
    } else {
        format!("{} changed:", report.changed)
    };
    let line = match &report.outcome {
        Outcome::Failed { errors } => format!(
            "{head} {} error{}; still serving the last good build ({took})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ),
        Outcome::Css { swaps } => format!(
            "{head} {} rebuilt in {took}; swapped {} stylesheet{} without reloading{warned}",
            report.rebuilt,
            swaps.len(),
            if swaps.len() == 1 { "" } else { "s" }
        ),
        Outcome::Reload { pages } => format!(
            "{head} {} rebuilt in {took}; {} page{} changed{warned}",
            report.rebuilt,
            pages.len(),
            if pages.len() == 1 { "" } else { "s" }
        ),
        Outcome::ReloadAll => format!(
            "{head} {} rebuilt in {took}; pages are rendered again as they are opened{warned}",
            report.rebuilt
        ),
        Outcome::Unchanged => format!(
            "{head} {} rebuilt in {took}; no page changed{warned}",
            report.rebuilt
        ),
    };
    eprintln!("{line}");
    if let Outcome::Failed { errors } = &report.outcome {
        printer.print(errors);
    }
}

fn open_browser(url: &str) {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let spawned = std::process::Command::new(opener[0])
        .args(&opener[1..])
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "warning: cannot open a browser ({}: {e}); open {url} yourself",
            opener[0]
        );
    }
}
