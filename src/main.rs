use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = guidepost::cli::Cli::parse();
    let status = guidepost::app::run(cli);
    ExitCode::from(status as u8)
}
