//! Watching the site's inputs: notify with its debouncer (native events, or polling
//! where they do not work). What each changed path means is `pipeline::change`'s call.

use crate::config::Config;
use notify_debouncer_full::notify::{self, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, NoCache};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

/// Saves closer together than this are one rebuild. Editors write a file in a few
/// steps (temporary file, rename) within a millisecond or two.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How often polling looks at the files, where native events are not available.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders below the site root that hold inputs (besides site.toml).
fn input_dirs(config: Option<&Config>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ["content", "versions", "static", "templates", "themes"]
        .iter()
        .map(PathBuf::from)
        .collect();
    if let Some(config) = config {
        for spec in config.version_specs() {
            if !dirs.iter().any(|d| spec.dir.starts_with(d)) {
                dirs.push(spec.dir);
            }
        }
    }
    dirs
}

/// A debouncer of either kind of watcher. Neither has a file id cache: guidepost only
/// needs the changed paths, and the debouncer's own cache (used on macOS and Windows)
/// walks the watched folders following symlinks, which a link to `/` turns into a walk
/// of the whole disk.
enum AnyDebouncer {
    Native(Debouncer<RecommendedWatcher, NoCache>),
    Polling(Debouncer<PollWatcher, NoCache>),
}

impl AnyDebouncer {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            AnyDebouncer::Native(d) => d.watch(path, mode),
            AnyDebouncer::Polling(d) => d.watch(path, mode),
        }
    }
}

/// Watches the site's inputs; batches of changed paths arrive on `events`.
pub struct Watcher {
    debouncer: AnyDebouncer,
    pub events: Receiver<DebounceEventResult>,
    /// Set when a batch arrives, cleared when one is taken (`next_batch`): lets work
    /// done while idle give up as soon as a save arrives.
    pub arrived: Arc<AtomicBool>,
    root: PathBuf,
    watched: Vec<PathBuf>,
    /// True when polling (no native events, or GUIDEPOST_POLL is set).
    pub polling: bool,
}

impl Watcher {
    /// Watches `root` itself (for site.toml and folders that appear later) and each
    /// input folder. Native events where they work, else polling.
    pub fn start(root: &Path, config: Option<&Config>, poll: bool) -> Result<Watcher, String> {
        if !poll {
            match Self::with(root, config, false) {
                Ok(w) => return Ok(w),
                Err(e) => eprintln!("native file events are not available ({e}); polling instead"),
            }
        }
        Self::with(root, config, true)
    }

    fn with(root: &Path, config: Option<&Config>, polling: bool) -> Result<Watcher, String> {
        let (tx, events) = std::sync::mpsc::channel();
        let arrived = Arc::new(AtomicBool::new(false));
        let flag = arrived.clone();
        let tx = move |batch: DebounceEventResult| {
            flag.store(true, Ordering::Relaxed);
            let _ = tx.send(batch);
        };
        let tick = Some(DEBOUNCE / 4);
        // Folder symlinks are not followed, as the build does not follow them: a link
        // that leads out of the site (say to `/`) is neither walked nor watched.
        let notify_config = notify::Config::default().with_follow_symlinks(false);
        let debouncer = if polling {
            AnyDebouncer::Polling(
                new_debouncer_opt(
                    DEBOUNCE,
                    tick,
                    tx,
                    NoCache,
                    notify_config.with_poll_interval(POLL_INTERVAL),
                )
                .map_err(|e| e.to_string())?,
            )
        } else {
            AnyDebouncer::Native(
                new_debouncer_opt(DEBOUNCE, tick, tx, NoCache, notify_config)
                    .map_err(|e| e.to_string())?,
            )
        };
        let mut watcher = Watcher {
            debouncer,
            events,
            arrived,
            root: root.to_path_buf(),
            watched: Vec::new(),
            polling,
        };
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| e.to_string())?;
        watcher.watch_new_dirs(config)?;
        Ok(watcher)
    }

    /// The next batch of changes; when none is waiting, runs `idle` first (which may
    /// watch `arrived` to stop early), then waits.
    pub fn next_batch(
        &self,
        idle: impl FnOnce(),
    ) -> Result<DebounceEventResult, std::sync::mpsc::RecvError> {
        if let Ok(batch) = self.events.try_recv() {
            self.arrived.store(false, Ordering::Relaxed);
            return Ok(batch);
        }
        idle();
        let batch = self.events.recv();
        self.arrived.store(false, Ordering::Relaxed);
        batch
    }

    /// Starts watching input folders that exist now and were not watched yet; returns
    /// the ones it added (files saved in them before now were not seen).
    pub fn watch_new_dirs(&mut self, config: Option<&Config>) -> Result<Vec<PathBuf>, String> {
        let mut added = Vec::new();
        for dir in input_dirs(config) {
            let full = self.root.join(&dir);
            if full.is_dir() && !self.watched.iter().any(|w| full.starts_with(w)) {
                self.debouncer
                    .watch(&full, RecursiveMode::Recursive)
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                self.watched.push(full);
                added.push(dir);
            }
        }
        Ok(added)
    }
}

/// The paths of a batch of debounced events, without access-only events.
pub fn changed_paths(result: DebounceEventResult) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = match result {
        Ok(events) => events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, notify::EventKind::Access(_)))
            .flat_map(|e| e.event.paths.clone())
            .collect(),
        Err(errors) => {
            for e in errors {
                eprintln!("watch error: {e}");
            }
            Vec::new()
        }
    };
    paths.sort();
    paths.dedup();
    paths
}
