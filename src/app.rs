//! Runs a parsed command: loads and checks the configuration, builds, prints the
//! diagnostics once in the chosen format, and maps the result to an exit status.

use crate::build::{self, BuildOptions, BuildSummary};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, CutArgs, NewArgs, SiteArgs, VersionCommand};
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic, Format, Severity};
use crate::output::{self, NullSink, StagedOutput};
use std::io::{IsTerminal, Write};
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

pub fn run(cli: Cli) -> Status {
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Serve(args) => crate::serve::run(crate::serve::ServeOptions {
            root: args.root,
            bind: args.bind,
            port: args.port,
            open: args.open,
        }),
        Command::New(args) => run_new(args),
        Command::Version(VersionCommand::Cut(args)) => run_cut(args),
    }
}

fn run_cut(args: CutArgs) -> Status {
    let reporter = Reporter::new(Format::Human);
    match crate::versions::cut(&args.root, &args.id, args.label.as_deref()) {
        Ok(cut) => {
            reporter.print(&cut.skipped);
            let also = if cut.added_current {
                " (and declared the current version, id `current`, which was implicit)"
            } else {
                ""
            };
            reporter.summary(&format!(
                "Cut version `{}` into {} and added it to site.toml{also}",
                cut.id,
                cut.folder.display()
            ));
            Status::Ok
        }
        Err(d) => {
            reporter.print(&[d]);
            Status::Usage
        }
    }
}

/// Prints diagnostics: human text on stderr, or JSON lines on stdout; plus GitHub
/// annotations when running in GitHub Actions.
struct Reporter {
    format: Format,
    github: bool,
}

impl Reporter {
    fn new(format: Format) -> Self {
        Reporter {
            format,
            github: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
        }
    }

    fn print(&self, diags: &[Diagnostic]) {
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        let mut out = stdout.lock();
        let mut err = stderr.lock();
        for d in diags {
            let _ = match self.format {
                Format::Human => write!(err, "{}", diag::to_human(d)),
                Format::Json => writeln!(out, "{}", diag::to_json(d)),
            };
            if self.github {
                let _ = writeln!(out, "{}", diag::to_github(d));
            }
        }
    }

    /// The one summary line. With JSON diagnostics on stdout it goes to stderr.
    fn summary(&self, line: &str) {
        match self.format {
            Format::Human => println!("{line}"),
            Format::Json => eprintln!("{line}"),
        }
    }
}

/// A config that loaded and passed every check, plus the site's canonical root.
fn load_site(
    site: &SiteArgs,
    base_url: Option<&str>,
    reporter: &Reporter,
) -> Result<(PathBuf, Config), Status> {
    let fail = |diags: Vec<Diagnostic>| {
        reporter.print(&diags);
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
    let problems = build::check_config_against_disk(&root, &config);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok((root, config))
}

/// Applies `--strict` (or `[build] strict`), prints, and returns the status.
fn finish(reporter: &Reporter, mut diags: Vec<Diagnostic>, strict: bool) -> Status {
    if strict {
        diag::apply_strict(&mut diags);
    }
    reporter.print(&diags);
    let errors = || diags.iter().filter(|d| d.severity == Severity::Error);
    if errors().any(|d| d.code == build::WRITE_ERROR) {
        Status::Usage
    } else if errors().next().is_some() {
        Status::ContentErrors
    } else {
        Status::Ok
    }
}

fn run_build(args: BuildArgs) -> Status {
    let started = Instant::now();
    let reporter = Reporter::new(args.site.format);
    let (root, config) = match load_site(&args.site, args.base_url.as_deref(), &reporter) {
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
            reporter.print(&[d]);
            return Status::Usage;
        }
    };
    if let Err(d) = output::check_replaceable(&out) {
        reporter.print(&[d]);
        return Status::Usage;
    }
    let staged = match StagedOutput::create(&out) {
        Ok(s) => s,
        Err(e) => {
            reporter.print(&[Diagnostic::error(
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
        ..Default::default()
    };
    let (summary, diags) = build::build(&config, &opts, &staged.sink());
    progress.clear();
    let status = finish(&reporter, diags, args.site.strict || config.build.strict);
    if status != Status::Ok {
        // `staged` is dropped here: the temporary folder goes, the old output stays.
        reporter.summary("Build failed; the previous output was left as it was.");
        return status;
    }
    if let Err(e) = staged.commit() {
        reporter.print(&[Diagnostic::error(
            "output",
            &out,
            format!("cannot replace the output folder: {e}"),
        )]);
        return Status::Usage;
    }
    reporter.summary(&summary_line("Built", &summary, started, Some(&out)));
    Status::Ok
}

fn run_check(args: CheckArgs) -> Status {
    let started = Instant::now();
    let reporter = Reporter::new(args.site.format);
    let (root, config) = match load_site(&args.site, None, &reporter) {
        Ok(site) => site,
        Err(status) => return status,
    };
    let opts = BuildOptions {
        root,
        ..Default::default()
    };
    let (summary, diags) = build::build(&config, &opts, &NullSink);
    let status = finish(&reporter, diags, args.site.strict || config.build.strict);
    if status == Status::Ok {
        reporter.summary(&summary_line("Checked", &summary, started, None));
    }
    status
}

fn run_new(args: NewArgs) -> Status {
    let reporter = Reporter::new(Format::Human);
    match crate::scaffold::create(&args.dir) {
        Ok(()) => {
            reporter.summary(&format!(
                "Created a new site in {}. Next: cd {} && guidepost build",
                args.dir.display(),
                args.dir.display()
            ));
            Status::Ok
        }
        Err(d) => {
            reporter.print(&[d]);
            Status::Usage
        }
    }
}

fn summary_line(verb: &str, s: &BuildSummary, started: Instant, out: Option<&Path>) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let place = out
        .map(|o| format!(" into {}", o.display()))
        .unwrap_or_default();
    format!(
        "{verb} {}, {}, {}{place} in {:.2} s",
        plural(s.pages, "page"),
        plural(s.versions, "version"),
        plural(s.screenshots, "screenshot"),
        started.elapsed().as_secs_f64()
    )
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
