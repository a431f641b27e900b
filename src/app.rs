//! Runs a parsed command: loads and checks the configuration, builds, prints the
//! diagnostics once in the chosen format, and maps the result to an exit status.

use crate::caveats;
use crate::cli::{
    BuildArgs, CaveatsArgs, CheckArgs, Cli, Command, CutArgs, ImportCommand, NewArgs, ReportsArgs,
    ServeArgs, SiteArgs, StatusArg, VersionCommand, WordpressArgs,
};
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic, Format, Printer, Severity};
use crate::output::{self, NullSink, StagedOutput};
use crate::pipeline::{self, BuildOptions, BuildSummary};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exit statuses of SPEC §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    Ok = 0,
    ContentErrors = 1,
    /// A usage or configuration error, or the environment failed us (the output could
    /// not be written): nothing the content's author can fix in the content.
    Usage = 2,
}

/// What the environment says, read once here so that the library reads none of it.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// GITHUB_ACTIONS=true: diagnostics are also printed as workflow annotations.
    pub github: bool,
    /// SOURCE_DATE_EPOCH as a date: the build's "today".
    pub today: Option<String>,
    /// GUIDEPOST_TIMINGS: print how long each phase of a build took.
    pub timings: bool,
    /// GUIDEPOST_POLL (not "0"): `serve` polls for changes.
    pub poll: bool,
}

impl Environment {
    pub fn from_process() -> Environment {
        let var = |name: &str| std::env::var(name).ok();
        Environment {
            github: var("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
            today: var("SOURCE_DATE_EPOCH").and_then(|s| crate::dates::date_from_epoch(&s)),
            timings: std::env::var_os("GUIDEPOST_TIMINGS").is_some(),
            poll: std::env::var_os("GUIDEPOST_POLL").is_some_and(|v| v != "0"),
        }
    }

    fn printer(&self, format: Format) -> Printer {
        Printer {
            format,
            github: self.github,
        }
    }
}

pub fn run(cli: Cli, env: &Environment) -> Status {
    match cli.command {
        Command::Build(args) => run_build(args, env),
        Command::Check(args) => run_check(args, env),
        Command::Serve(args) => run_serve(args, env),
        Command::New(args) => run_new(args, env),
        Command::Version(VersionCommand::Cut(args)) => run_cut(args, env),
        Command::Caveats(args) => run_caveats(args, env),
        Command::Import(ImportCommand::Reports(args)) => run_import_reports(args, env),
        Command::Import(ImportCommand::Wordpress(args)) => run_import_wordpress(args, env),
    }
}

fn run_import_wordpress(args: WordpressArgs, env: &Environment) -> Status {
    use crate::import::wordpress::{import, ImportOptions};
    let format: Format = args.format.into();
    let printer = env.printer(format);
    let fail = |diags: Vec<Diagnostic>| {
        printer.print(&diags);
        Status::Usage
    };
    let root = match args.root.canonicalize() {
        Ok(root) => root,
        Err(e) => {
            return fail(vec![Diagnostic::error(
                "config",
                &args.root,
                format!("cannot open the site folder: {e}"),
            )])
        }
    };
    let config = match Config::load(&root) {
        Ok(config) => config,
        Err(diags) => return fail(diags),
    };
    let opts = ImportOptions {
        export: args.export,
        root,
        section: args.section,
        uploads: args.uploads,
        only: args.only,
        dry_run: args.dry_run,
    };
    match import(&config, &opts) {
        Ok(report) => {
            match format {
                Format::Human => print!("{}", report.to_human()),
                Format::Json => println!("{}", report.to_json()),
            }
            Status::Ok
        }
        Err(diags) => {
            let what = if opts.dry_run {
                ""
            } else {
                "; nothing was written"
            };
            let diags_count = diags.len();
            printer.print(&diags);
            printer.summary(&format!(
                "Import stopped: {diags_count} problem{}{what}",
                if diags_count == 1 { "" } else { "s" }
            ));
            Status::Usage
        }
    }
}

fn run_import_reports(args: ReportsArgs, env: &Environment) -> Status {
    use crate::import::reports::{self, Outcome};
    let printer = env.printer(args.format.into());
    let site = SiteArgs {
        root: args.root,
        strict: false,
        format: args.format,
    };
    let (root, config) = match load_site(&site, None, &printer) {
        Ok(site) => site,
        Err(status) => return status,
    };
    let list = match reports::read_reports(&args.file) {
        Ok(list) => list,
        Err(d) => {
            printer.print(&[d]);
            return Status::Usage;
        }
    };
    let opts = reports::ImportOptions {
        root,
        dry_run: args.dry_run,
    };
    let results = match reports::import(&config, &opts, &list) {
        Ok(results) => results,
        Err(d) => {
            printer.print(&[d]);
            return Status::Usage;
        }
    };
    let would = if args.dry_run { "would add" } else { "added" };
    for r in &results {
        match printer.format {
            Format::Json => println!("{}", serde_json::to_string(r).unwrap_or_default()),
            Format::Human => println!(
                "{}: {}",
                r.report,
                match &r.outcome {
                    Outcome::Added {
                        file,
                        step,
                        variants,
                    } => format!(
                        "{would} a candidate to {file}{}{}",
                        step.as_ref()
                            .map(|s| format!(" at #{s}"))
                            .unwrap_or_default(),
                        variants
                            .as_ref()
                            .map(|v| format!(" for {}", v.join(", ")))
                            .unwrap_or_default()
                    ),
                    Outcome::AlreadyImported { file } => {
                        format!("already a caveat of {file}, skipped")
                    }
                    Outcome::Unresolved { reason } => format!("not imported: {reason}"),
                }
            ),
        }
    }
    let added = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Added { .. }))
        .count();
    printer.summary(&format!(
        "{} of {} report{} {would} as candidate caveats{}",
        added,
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    Status::Ok
}

fn run_caveats(args: CaveatsArgs, env: &Environment) -> Status {
    let printer = env.printer(args.site.format.into());
    let (root, config) = match load_site(&args.site, None, &printer) {
        Ok(site) => site,
        Err(status) => return status,
    };
    let opts = caveats::ListOptions {
        root,
        status: match args.status {
            StatusArg::Accepted => caveats::StatusFilter::Accepted,
            StatusArg::Candidate => caveats::StatusFilter::Candidate,
            StatusArg::All => caveats::StatusFilter::All,
        },
        stale_after: args.stale_after,
        today: env
            .today
            .clone()
            .unwrap_or_else(crate::dates::today_by_clock),
    };
    let (entries, diags) = caveats::list(&config, &opts);
    for e in &entries {
        match printer.format {
            Format::Human => print!("{}", caveats::to_human(e)),
            Format::Json => println!("{}", serde_json::to_string(e).unwrap_or_default()),
        }
    }
    let (status, _) = finish(&printer, diags, args.site.strict || config.build.strict);
    let what = if args.stale_after.is_some() {
        "stale caveat"
    } else {
        "caveat"
    };
    printer.summary(&format!(
        "{} {what}{}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    ));
    status
}

fn run_serve(args: ServeArgs, env: &Environment) -> Status {
    let opts = crate::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: env.poll,
        today: env.today.clone(),
    };
    match crate::serve::run(opts, &env.printer(Format::Human)) {
        Ok(()) => Status::Ok,
        Err(e) => {
            eprintln!("error: {}", e.message);
            if e.usage {
                Status::Usage
            } else {
                Status::ContentErrors
            }
        }
    }
}

fn run_cut(args: CutArgs, env: &Environment) -> Status {
    let printer = env.printer(Format::Human);
    match crate::version_cut::cut(&args.root, &args.id, args.label.as_deref()) {
        Ok(cut) => {
            printer.print(&cut.skipped);
            let also = if cut.added_current {
                " (and declared the current version, id `current`, which was implicit)"
            } else {
                ""
            };
            printer.summary(&format!(
                "Cut version `{}` into {} and added it to site.toml{also}",
                cut.id,
                cut.folder.display()
            ));
            Status::Ok
        }
        Err(d) => {
            printer.print(&[d]);
            Status::Usage
        }
    }
}

/// A config that loaded and passed every check, plus the site's canonical root.
fn load_site(
    site: &SiteArgs,
    base_url: Option<&str>,
    printer: &Printer,
) -> Result<(PathBuf, Config), Status> {
    let fail = |diags: Vec<Diagnostic>| {
        printer.print(&diags);
        Status::Usage
    };
    let root = site.root.canonicalize().map_err(|e| {
        fail(vec![Diagnostic::error(
            "config",
            &site.root,
            format!("cannot open the site folder: {e}"),
        )])
    })?;
    let mut config = Config::load(&root).map_err(fail)?;
    if let Some(url) = base_url {
        config::override_base_url(&mut config, url).map_err(|d| fail(vec![d]))?;
    }
    let problems = config::check_against_disk(&root, &config);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok((root, config))
}

/// Applies `--strict` (or `[build] strict`), prints, and returns the status and the
/// count of what was printed (by severity before `--strict`, for the summary line).
fn finish(printer: &Printer, mut diags: Vec<Diagnostic>, strict: bool) -> (Status, Counts) {
    let counts = Counts::of(&diags, strict);
    if strict {
        diag::apply_strict(&mut diags);
    }
    printer.print(&diags);
    let errors = || diags.iter().filter(|d| d.severity == Severity::Error);
    let status = if errors().any(|d| d.code == pipeline::WRITE_ERROR) {
        Status::Usage
    } else if errors().next().is_some() {
        Status::ContentErrors
    } else {
        Status::Ok
    };
    (status, counts)
}

/// How many diagnostics a run printed, by severity (as found, before `--strict`) and
/// by code, for the end of the summary line.
struct Counts {
    errors: Vec<(&'static str, usize)>,
    warnings: Vec<(&'static str, usize)>,
    strict: bool,
}

impl Counts {
    fn of(diags: &[Diagnostic], strict: bool) -> Counts {
        let by_code = |severity: Severity| {
            let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
            for d in diags.iter().filter(|d| d.severity == severity) {
                *counts.entry(d.code).or_default() += 1;
            }
            let mut counts: Vec<(&'static str, usize)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            counts
        };
        Counts {
            errors: by_code(Severity::Error),
            warnings: by_code(Severity::Warning),
            strict,
        }
    }

    /// `2 errors (2 image), 39 warnings (30 broken-link, 9 missing-anchor)`, or ""
    /// when nothing was printed.
    fn describe(&self) -> String {
        let part = |counts: &[(&str, usize)], word: &str| {
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let codes: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
            format!("{} ({})", plural(total, word), codes.join(", "))
        };
        let mut parts = Vec::new();
        if !self.errors.is_empty() {
            parts.push(part(&self.errors, "error"));
        }
        if !self.warnings.is_empty() {
            let strict = if self.strict {
                " made errors by --strict"
            } else {
                ""
            };
            parts.push(format!("{}{strict}", part(&self.warnings, "warning")));
        }
        parts.join(", ")
    }
}

fn run_build(args: BuildArgs, env: &Environment) -> Status {
    let started = Instant::now();
    let printer = env.printer(args.site.format.into());
    let (root, config) = match load_site(&args.site, args.base_url.as_deref(), &printer) {
        Ok(site) => site,
        Err(status) => return status,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| config.output_dir.clone());
    let out = match output::checked_output_dir(&root, &out) {
        Ok(out) => out,
        Err(d) => {
            printer.print(&[d]);
            return Status::Usage;
        }
    };
    if let Err(d) = output::check_replaceable(&out) {
        printer.print(&[d]);
        return Status::Usage;
    }
    let cache_dir = match args.cache.as_deref().map(|c| cache_folder(c, Some(&out))) {
        Some(Err(d)) => {
            printer.print(&[d]);
            return Status::Usage;
        }
        other => other.and_then(Result::ok),
    };
    let staged = match StagedOutput::create(&out) {
        Ok(s) => s,
        Err(e) => {
            printer.print(&[Diagnostic::error(
                "output",
                &out,
                format!("cannot create the output folder: {e}"),
            )]);
            return Status::Usage;
        }
    };
    let progress = Progress::new();
    progress.show(&format!("building {} …", config.title));
    let opts = BuildOptions {
        root: root.clone(),
        today: env.today.clone(),
        cache_dir,
        ..Default::default()
    };
    let (summary, diags) = pipeline::build(&config, &opts, &staged.sink());
    print_timings(&summary, env);
    progress.clear();
    let (status, counts) = finish(&printer, diags, args.site.strict || config.build.strict);
    if status != Status::Ok {
        // `staged` is dropped here: the temporary folder goes, the old output stays.
        printer.summary(&format!(
            "Build failed ({}); the previous output was left as it was.",
            counts.describe()
        ));
        return status;
    }
    if let Err(e) = staged.commit() {
        printer.print(&[Diagnostic::error(
            "output",
            &out,
            format!("cannot replace the output folder: {e}"),
        )]);
        return Status::Usage;
    }
    printer.summary(&summary_line(
        "Built",
        &summary,
        started,
        Some(&out),
        &counts,
    ));
    Status::Ok
}

fn run_check(args: CheckArgs, env: &Environment) -> Status {
    let started = Instant::now();
    let printer = env.printer(args.site.format.into());
    let (root, config) = match load_site(&args.site, None, &printer) {
        Ok(site) => site,
        Err(status) => return status,
    };
    let cache_dir = match args.cache.as_deref().map(|c| cache_folder(c, None)) {
        Some(Err(d)) => {
            printer.print(&[d]);
            return Status::Usage;
        }
        other => other.and_then(Result::ok),
    };
    let opts = BuildOptions {
        root,
        today: env.today.clone(),
        cache_dir,
        ..Default::default()
    };
    let (summary, diags) = pipeline::build(&config, &opts, &NullSink);
    print_timings(&summary, env);
    let (status, counts) = finish(&printer, diags, args.site.strict || config.build.strict);
    // Also when the check fails: after thousands of lines, the reader needs the count.
    printer.summary(&summary_line("Checked", &summary, started, None, &counts));
    status
}

fn run_new(args: NewArgs, env: &Environment) -> Status {
    let printer = env.printer(Format::Human);
    match crate::scaffold::create(&args.dir) {
        Ok(()) => {
            printer.summary(&format!(
                "Created a new site in {}. Next: cd {} && guidepost build",
                args.dir.display(),
                args.dir.display()
            ));
            Status::Ok
        }
        Err(d) => {
            printer.print(&[d]);
            Status::Usage
        }
    }
}

/// The `--cache` folder as an absolute path (relative ones are taken from the working
/// folder, like `--root`); refused when it is, holds or lies in the output folder
/// `out`, which each build replaces whole.
fn cache_folder(cache: &Path, out: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    let cache = std::path::absolute(cache).map_err(|e| {
        Diagnostic::error("output", cache, format!("cannot use the cache folder: {e}"))
    })?;
    let cache = crate::paths::normalize(&cache).unwrap_or(cache);
    if let Some(out) = out {
        if cache.starts_with(out) || out.starts_with(&cache) {
            return Err(Diagnostic::error(
                "output",
                &cache,
                format!(
                    "refusing to use {} as the cache folder: the output folder {} is replaced by every build",
                    cache.display(),
                    out.display()
                ),
            )
            .help("give --cache a folder of its own, outside the output folder"));
        }
    }
    Ok(cache)
}

/// How long each phase took, on stderr, when GUIDEPOST_TIMINGS is set.
fn print_timings(summary: &BuildSummary, env: &Environment) {
    if env.timings {
        for line in &summary.timings {
            eprintln!("{line}");
        }
    }
}

/// `Built 12 pages, 1 version, 3 screenshots into public in 0.21 s`, then what was
/// not published (partials, drafts) and the diagnostics printed, when there are any.
fn summary_line(
    verb: &str,
    s: &BuildSummary,
    started: Instant,
    out: Option<&Path>,
    counts: &Counts,
) -> String {
    let place = out
        .map(|o| format!(" into {}", o.display()))
        .unwrap_or_default();
    let candidates = match s.candidates {
        0 => String::new(),
        n => format!(" ({} to review, left out)", plural(n, "caveat candidate")),
    };
    let mut line = format!(
        "{verb} {}, {}, {}{place} in {:.2} s{candidates}",
        plural(s.pages, "page"),
        plural(s.versions, "version"),
        plural(s.screenshots, "screenshot"),
        started.elapsed().as_secs_f64()
    );
    let unpublished: Vec<String> = [(s.partials, "partial"), (s.drafts, "draft")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| plural(n, word))
        .collect();
    if !unpublished.is_empty() {
        line.push_str(&format!("; not published: {}", unpublished.join(", ")));
    }
    let diagnostics = counts.describe();
    if !diagnostics.is_empty() {
        line.push_str(&format!("; {diagnostics}"));
    }
    line
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A status line on a terminal; nothing at all when stderr is not a terminal.
struct Progress {
    enabled: bool,
}

impl Progress {
    fn new() -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, message: &str) {
        if self.enabled {
            eprint!("\r\x1b[2K{message}");
        }
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}
