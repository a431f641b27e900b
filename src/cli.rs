//! Command-line arguments (clap derive). Validation of what they name happens in `app`.

use crate::diag::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "guidepost",
    version,
    about = "Builds a versioned, searchable help site from markdown guides"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/)
    Build(BuildArgs),
    /// Run every check of `build` without writing anything
    Check(CheckArgs),
    /// Build the site into memory, serve it and rebuild on every save (drafts included)
    Serve(ServeArgs),
    /// Create a small working site in DIR
    New(NewArgs),
    /// Manage the site's versions
    #[command(subcommand)]
    Version(VersionCommand),
    /// List the site's caveats (accepted ones by default), or the stale ones
    Caveats(CaveatsArgs),
    /// Bring content from elsewhere into the site
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Turn readers' reports (the JSON of `gh issue list --json
    /// number,title,body,author,createdAt,url`) into candidate caveats at their step
    Reports(ReportsArgs),
    /// Turn the published posts and pages of a WordPress export (WXR) into guides,
    /// their comment threads into candidate caveats
    Wordpress(WordpressArgs),
}

#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// The reports: `gh issue list --json …` output, or an array of
    /// {page, step, variant, author, date, url, text}
    pub file: PathBuf,
    /// The folder holding site.toml
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Print what would be added without changing any file
    #[arg(long)]
    pub dry_run: bool,
    /// How the result and diagnostics are printed
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct WordpressArgs {
    /// The export file (WordPress: Tools → Export → All content)
    pub export: PathBuf,
    /// The folder holding site.toml
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The section (folder below the content folder) the guides go to
    #[arg(long, value_name = "PATH", default_value = crate::import::wordpress::DEFAULT_SECTION)]
    pub section: String,
    /// A copy of the blog's wp-content/uploads, where the screenshots are copied from
    #[arg(long, value_name = "DIR")]
    pub uploads: Option<PathBuf>,
    /// Import only the posts and pages with these slugs
    #[arg(long, value_name = "SLUG,…", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Print what would be imported without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// How the report and diagnostics are printed
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct CaveatsArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Which caveats to list
    #[arg(long, value_enum, default_value_t = StatusArg::Accepted)]
    pub status: StatusArg,
    /// List only accepted caveats not confirmed for more than DAYS days, each as a
    /// warning at its line (an error with --strict)
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,
}

/// `--status`: accepted (the default), candidate or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Candidate,
    Accepted,
    All,
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Freeze the current docs as version ID (copies them to versions/ID/)
    Cut(CutArgs),
}

#[derive(Debug, Args)]
pub struct CutArgs {
    /// The new version's id (becomes its URL folder, /ID/)
    pub id: String,
    /// The label readers see in the version switcher (default: the id)
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// The folder holding site.toml
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The folder holding site.toml
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (default: output_dir of site.toml)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override base_url of site.toml
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Keep renderings, pages and screenshot copies in DIR between builds, and reuse
    /// what is still valid (made if missing; a damaged one is ignored with a warning)
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Keep renderings, pages and screenshot copies in DIR between runs (see `build`)
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder holding site.toml
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on (loopback unless you say otherwise)
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port to listen on (0: any free port, shown when serving starts)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Folder to create (must not exist, or be empty)
    pub dir: PathBuf,
}

/// `--format`: how diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        }
    }
}
