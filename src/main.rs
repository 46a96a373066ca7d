//! `milepost --help`: the commands are in `cli`, the server they start in
//! `application`, the configuration (environment variables) in `config`.

use clap::Parser;
use milepost::cli::Cli;
use milepost::config::Config;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // Arguments first: `--help` and a misspelt flag (exit code 2) need no
    // valid configuration.
    let command = Cli::parse().into_command();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("milepost: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    match milepost::cli::run(config, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("milepost: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = config
        .log_filter
        .as_deref()
        .and_then(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn"));
    // stderr, so commands that print results (import) keep stdout clean.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.json_logs {
        builder.json().init();
    } else {
        builder.init();
    }
}
