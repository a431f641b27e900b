use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system's allocator: a build allocates and frees many
/// small strings on every thread (tera contexts, syntect's parse states, search
/// words), and glibc's malloc took about a sixth of a cold build's CPU. See the
/// comment on the dependency in Cargo.toml for the measurements.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = guidepost::cli::Cli::parse();
    let env = guidepost::app::Environment::from_process();
    let status = guidepost::app::run(cli, &env);
    ExitCode::from(status as u8)
}
