use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = guidepost::cli::Cli::parse();
    let env = guidepost::app::Environment::from_process();
    let status = guidepost::app::run(cli, &env);
    ExitCode::from(status as u8)
}
